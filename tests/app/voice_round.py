"""A whole round with the interviewer's voice on, run in a child Python (PortAudio reads the
ALSA configuration once, on import, so the parent starts this with `ALSA_CONFIG_PATH` set):

    python -m tests.app.voice_round SCENARIO WORKDIR

The app is built as the CLI builds it, with Whisper captions on a `RoomMicrophone` (the room
hears the interviewer as it sounds, and the candidate's speech from an audio file) and a frozen
clock the script moves. Scenarios:

- `speaker`: the voice plays on the ALSA file device `boardless_test_speaker`, paced like a
  sound card (`voice_room.PacedOutput`). The prompt is read; the clock jumps 5 s so the test
  layout's curveball is sprung (and read after the prompt); once the interviewer is done the
  candidate talks; then ctrl+q.
- `no-output`: ALSA has no playback device; the candidate talks and types a note; then ctrl+q.

The last stdout line is JSON: the events of the log on disk, what the screen showed, toasts.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.app.voice_room import PacedOutput, Room, RoomMicrophone

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "audio"
CANDIDATE = FIXTURES / "hibari_pause.wav"
PROMPT = "rate-limiter"
LIMIT_S = 45.0


def test_layout(directory: Path) -> Path:
    """netflix-l5 with its curveball moved to 5 s into the first phase, answered within 2 min."""
    text = (Path(__file__).resolve().parents[2] / "layouts" / "netflix-l5.toml").read_text()
    moved = text.replace('[[curveballs]]\nphase = "walkthrough"\nat = "60%"',
                         '[[curveballs]]\nphase = "requirements"\nat = "5s"')
    assert moved != text, "netflix-l5's curveball moment moved"
    moved = moved.replace('id = "netflix-l5"', 'id = "early-curveball"', 1)
    path = directory / "early-curveball.toml"
    path.write_text(moved, encoding="utf-8")
    return path


def screen_text(app: Any) -> str:
    """What the widgets shown on the current screen draw (as tests/app/conftest.py reads it)."""
    from textual.geometry import Region

    leaves = [widget for widget in app.screen.query("*")
              if not widget.children and widget.size.area
              and all(node.display for node in (widget, *widget.ancestors_with_self))]
    return "\n".join(strip.text for widget in leaves
                     for strip in widget.render_lines(Region(0, 0, *widget.outer_size)))


def toasts(app: Any) -> list[str]:
    return [" ".join(str(toast.render()).split()) for toast in app.screen.query("Toast")]


async def wait_until(pilot: Any, check: Callable[[], object], what: str,
                     limit_s: float = LIMIT_S) -> None:
    deadline = time.monotonic() + limit_s
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {limit_s:g} s waiting for {what}")
        await pilot.pause(0.02)


async def play(scenario: str, workdir: Path) -> dict[str, Any]:
    import tui.app.interviewer as interviewer
    import tui.speech.sources.factory as factory
    from tui.app.factory import build_app
    from tui.app.options import AppOptions, SpeechOptions
    from tui.app.screens.practice import PracticeScreen
    from tui.app.widgets.curveball_banner import CurveballBanner
    from tui.core.session.clock import FakeClock
    from tui.core.session.eventlog import read_log
    from tui.speech.voice.outputs import output_sounddevice
    from tui.speech.voice.playback import Player

    room = Room()
    microphone = RoomMicrophone(room, CANDIDATE)
    factory.make_source = lambda *args, **kwargs: microphone  # type: ignore[assignment]
    device = None
    if scenario == "speaker":
        device = "boardless_test_speaker"
        paced = PacedOutput(output_sounddevice(), room)
        interviewer.open_player = (  # type: ignore[assignment]
            lambda spec, gate: Player(spec, gate=gate, sd=paced))  # type: ignore[arg-type]
    clock = FakeClock()
    app = build_app(AppOptions(layout=str(test_layout(workdir)), prompt=PROMPT, seed=1,
                               speech=SpeechOptions(engine="whisper"), voice=True,
                               voice_device=device), clock)
    shown: dict[str, Any] = {"banner": "", "screen": "", "toasts": []}
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await wait_until(pilot, lambda: app.screen.is_mounted and bool(app.screen.children),
                         "the start screen")
        await pilot.press("ctrl+t")
        await wait_until(pilot, lambda: isinstance(app.screen, PracticeScreen)
                         and app.screen.is_mounted, "the practice screen")
        session = app.session
        assert session is not None
        state = session.state
        if scenario == "speaker":
            await wait_until(pilot, lambda: state.interviewer, "the prompt to sound")
            clock.advance(5.0)  # the layout's curveball moment
            await wait_until(pilot, lambda: state.curveballs, "the curveball")
            banner = app.screen.query_one(CurveballBanner)
            await wait_until(pilot, lambda: banner.display, "the curveball banner")
            shown["banner"] = " ".join(str(banner.render()).split())
            await wait_until(pilot, lambda: len(state.interviewer) == 2 and all(
                line.done_t is not None for line in state.interviewer),
                "the interviewer to finish the prompt and the curveball")
            shown["screen"] = screen_text(app)
        else:
            await wait_until(pilot, lambda: app.voice_problem, "the voice's one line")
            await pilot.press(*"rate cap", "enter")
            shown["screen"] = screen_text(app)
            shown["toasts"] = toasts(app)
        microphone.speak()
        await wait_until(pilot, microphone.candidate_done.is_set, "the candidate's words")
        await wait_until(pilot, lambda: state.captions, "a caption")
        shown["after"] = screen_text(app)
        await pilot.press("ctrl+q")
    assert session.log_path is not None
    events = [{"type": e.type, **e.data} for e in read_log(session.log_path).events]
    return {"events": events, "played_s": room.played_s, "voice_problem": app.voice_problem,
            "prompt_text": state.prompt.text, **shown}


def main() -> None:
    scenario, workdir = sys.argv[1], Path(sys.argv[2])
    result = asyncio.run(play(scenario, workdir))
    print(json.dumps(result))


if __name__ == "__main__":
    main()
