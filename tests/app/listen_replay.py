"""A replay of a recorded session, run in a child Python (PortAudio reads the ALSA
configuration once, on import, so the parent starts this with `ALSA_CONFIG_PATH` set):

    python -m tests.app.listen_replay SCENARIO SESSION_DIR

The app is built as the CLI builds it (`boardless replay SESSION`) on the real clock, so the
replay runs at 1x as a person watches it. Scenarios:

- `speaker`: the recording plays on the ALSA file device `boardless_test_speaker`, each write
  paced like a sound card (the file device alone is not paced);
- `no-output`: ALSA has no playback device.

The replay runs to its end (the results screen). The last stdout line is JSON: the toasts seen
on the replay screen, every notification, and how far the replay got.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from pathlib import Path
from typing import Any

from tests.pilot import messages, record_notifications, toasts, wait_until
from tests.speech.alsa_output_device import SPEAKER


class PacedStream:
    """A real PortAudio output stream whose writes take as long as on a sound card."""

    def __init__(self, inner: Any, rate: int) -> None:
        self.inner = inner
        self.rate = rate
        self.latency = inner.latency

    def write(self, data: Any) -> None:
        self.inner.write(data)
        time.sleep(len(data) / self.rate)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


class Paced:
    """The sounddevice module, with paced output streams."""

    def __init__(self, sd: Any) -> None:
        self._sd = sd

    def __getattr__(self, name: str) -> Any:
        return getattr(self._sd, name)

    def OutputStream(self, **options: Any) -> PacedStream:  # noqa: N802 (sounddevice's name)
        return PacedStream(self._sd.OutputStream(**options), int(options["samplerate"]))


async def replay(scenario: str, session_dir: Path) -> dict[str, Any]:
    import tui.speech.listen.player as player
    import tui.speech.listen.sync as sync
    from tui.app.factory import build_app
    from tui.app.options import AppOptions, SpeechOptions
    from tui.app.screens.practice import PracticeScreen
    from tui.core.session.clock import SystemClock

    real = player.output_sounddevice
    player.output_sounddevice = lambda: Paced(real())  # type: ignore[assignment,return-value]
    # The check is that every sample of the recording comes out once, in order. A machine
    # loaded by other test workers can fall more than the 0.35 s tolerance behind for a moment,
    # and the replay then (rightly) moves the audio, repeating or skipping a little; here the
    # tolerance is wide so that load never does that (moving on drift is tested with an
    # injected clock in tests/speech/test_listen_back.py).
    sync.TOLERANCE_S = 5.0
    moves: list[list[Any]] = []  # how the replay moved the audio (said when a check fails)

    def logged(name: str) -> Any:
        real_method = getattr(player.ListenBack, name)

        def method(self: Any, *args: Any) -> Any:
            moves.append([name, *args])
            return real_method(self, *args)
        return method

    for name in ("play", "seek", "pause", "resume"):
        setattr(player.ListenBack, name, logged(name))
    device = SPEAKER if scenario == "speaker" else None
    app = record_notifications(build_app(
        AppOptions(mode="replay", session=str(session_dir), voice_device=device,
                   speech=SpeechOptions(enabled=False)), SystemClock()))
    seen: list[str] = []
    heard: list[str] = []  # captions highlighted as heard, in order
    playing = False
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        def watch() -> bool:
            nonlocal playing
            if isinstance(app.screen, PracticeScreen):
                seen.extend(toast for toast in toasts(app) if toast not in seen)
                strip = str(app.screen.query_one("#captions").render())
                if app.screen.heard and "▶ heard" in strip and app.screen.heard not in heard:
                    heard.append(app.screen.heard)
            playing = playing or (app.listen_audio is not None
                                  and app.listen_audio.player.playing)
            return app.results_shown
        await wait_until(pilot, watch, "the replay's end", limit_s=40)
        return {"toasts": seen, "notified": messages(app), "played": playing, "heard": heard,
                "closed": app.listen_audio is None, "moves": moves,
                "replayed_to": app.replayer.now() if app.replayer else None}


def main() -> None:
    scenario, session_dir = sys.argv[1], Path(sys.argv[2])
    print(json.dumps(asyncio.run(replay(scenario, session_dir))))


if __name__ == "__main__":
    main()
