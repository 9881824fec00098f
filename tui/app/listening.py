"""Listening back in a replay (issue 14, part 3): the session's recording played in step with
the replay's clock, and `replay --from` (round time, as the header's clock shows it). Mixed
into BoardlessApp.

The recording is opened in a worker thread (finding the output device and reading the WAV
must not hold up the first frame) and handed to the UI thread, which calls `follow` on every
replay tick; the audio is closed when the replay screen is left (results, a new round, quit).
No recording: nothing. No output device: one line, and the replay goes on silently.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from textual import work
from textual.app import App
from textual.message import Message

if TYPE_CHECKING:
    from pathlib import Path

    from tui.app.options import AppOptions
    from tui.app.replay import Replayer
    from tui.core.config.settings import Settings
    from tui.core.session.events import Event
    from tui.core.session.recording_time import HeardCaption
    from tui.core.session.state import SessionState
    from tui.speech.listen.sync import ReplayAudio


class ListenReady(Message):
    """The recording is open on its output device."""

    def __init__(self, audio: ReplayAudio) -> None:
        super().__init__()
        self.audio = audio


class ListenUnavailable(Message):
    """The recording cannot be played (no output device, an unreadable file); one line."""

    def __init__(self, line: str) -> None:
        super().__init__()
        self.line = line


def session_time_at(events: Sequence[Event], round_s: float) -> float:
    """The session time at which the round's clock (time run, pauses left out: what the
    header shows) reads `round_s`; the log's end when the round never got that far."""
    from tui.core.session.state import SessionState

    state = SessionState.from_start(events[0])
    if round_s <= 0:
        return events[0].t
    for event in events[1:]:
        tracker = state.phases
        if tracker.running:
            reached = tracker.total_elapsed(event.t)
            if reached >= round_s:
                return event.t - (reached - round_s)
        state.apply(event)
    return events[-1].t


class Listening(App[int]):
    """The replay's audio; BoardlessApp provides the replay, options and settings."""

    replayer: Replayer | None
    results_shown: bool
    options: AppOptions
    settings: Settings
    listen_audio: ReplayAudio | None = None
    _listen_problem: str | None = None

    def replay_start(self, events: list[Event]) -> SessionState:
        """Move the new replay to `--from` (if given); the state it shows there."""
        from tui.core.session.state import SessionState, fold

        assert self.replayer is not None
        if self.options.replay_from is None:
            return SessionState.from_start(events[0])
        self.replayer.seek(session_time_at(events, self.options.replay_from))
        return fold([events[0], *self.replayer.due()])

    def start_listening(self, directory: Path, events: list[Event]) -> None:
        """Open the session's recording (in a worker) to play along with the replay."""
        device = self.options.voice_device or self.settings.voice_device
        self._open_listening(directory, events, device)

    @work(thread=True, exclusive=True, group="listen-open")
    def _open_listening(self, directory: Path, events: list[Event], device: str | None) -> None:
        from tui.speech.listen.sync import ReplayAudio
        from tui.speech.voice.errors import VoiceError

        def failed(line: str) -> None:  # from the player's thread
            self.post_message(ListenUnavailable(line))

        chosen: str | int | None = int(device) if device and device.isdigit() else device
        try:
            audio = ReplayAudio.open(directory, events, device=chosen, on_error=failed)
        except VoiceError as error:
            failed(str(error))
            return
        if audio is not None:
            self.post_message(ListenReady(audio))

    def on_listen_ready(self, message: ListenReady) -> None:
        if self.replayer is None or self.results_shown or self.listen_audio is not None:
            message.audio.close()  # the replay was left while the device opened
            return
        self.listen_audio = message.audio
        self.follow_audio()

    def on_listen_unavailable(self, message: ListenUnavailable) -> None:
        if self._listen_problem is not None:
            return  # said once
        self._listen_problem = message.line
        self.notify(f"{message.line}. The replay goes on silently.", title="Listen back",
                    severity="warning", timeout=8)

    def follow_audio(self) -> None:
        """Keep the audio on the replay's clock (each replay tick)."""
        audio, replayer = self.listen_audio, self.replayer
        if audio is None or replayer is None:
            return
        now = replayer.now()
        audio.follow(now, replayer.speed, replayer.paused)
        self._show_heard(audio.caption_heard(now))

    def _show_heard(self, caption: HeardCaption | None) -> None:
        """Highlight the caption being heard in the replay's caption strip."""
        from tui.app.screens.practice import PracticeScreen

        if isinstance(self.screen, PracticeScreen):
            self.screen.heard = caption.text if caption is not None else ""

    def stop_listening(self) -> None:
        """Stop the audio and release the device (the replay screen is left). Safe twice."""
        audio, self.listen_audio = self.listen_audio, None
        if audio is not None:
            audio.close()
