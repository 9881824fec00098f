"""The interviewer's voice in a live round: it reads the prompt when the round starts and each
probe and curveball when it appears, and logs every utterance. Mixed into BoardlessApp.

The voice (`tui.speech.voice`) is loaded in a worker as soon as the app starts (the model and
the output device), never on the UI thread. Utterances are said one at a time: the next one
waits until the last has finished. Each one is logged on the UI thread, through the session:
`interviewer_spoke` when its first sound goes to the speakers (the player records it on the
`Speaking` gate, whose `begin` posts a message from the player's thread) and
`interviewer_done` when it has played out (`finished`) or was cut by a pause or quit
(`stopped`). The same gate goes to the caption pipeline, which mutes what the microphone heard
while the interviewer spoke. No output device or a voice that cannot load: one line (a toast
and the caption strip) and the round goes on with the text on screen only. Replay never speaks.
"""

from __future__ import annotations

import os
import sys
import threading
from collections import deque
from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual import work
from textual.app import App
from textual.message import Message

from tui.app.options import AppOptions
from tui.core.config.settings import Settings

if TYPE_CHECKING:
    from tui.app.replay import Replayer
    from tui.core.session.events import Event
    from tui.core.session.session import Session
    from tui.speech.voice.gate import Speaking
    from tui.speech.voice.playback import Player
    from tui.speech.voice.speaker import InterviewerVoice

#: Environment override of the `voice` setting ("on" or "off"; `--voice` wins over it).
VOICE_ENV = "BOARDLESS_VOICE"
#: Which events the interviewer reads aloud, and the `kind` it logs for each.
SPOKEN = {"probe_asked": "probe", "curveball_asked": "curveball"}


def open_player(device: str | None, gate: Speaking) -> Player:
    """The player on `device` (an index, a name part, or None for the default output) that
    records on `gate`; OutputDeviceError (one line) when there is no such output."""
    from tui.speech.voice.playback import Player

    return Player(int(device) if device and device.isdigit() else device, gate=gate)


def voice_wanted(options: AppOptions, settings: Settings) -> bool:
    """`--voice on|off`, else BOARDLESS_VOICE, else the `voice` setting; never in replay."""
    if options.mode == "replay":
        return False
    if options.voice is not None:
        return options.voice
    env = os.environ.get(VOICE_ENV, "").strip().lower()
    if env in ("on", "off"):
        return env == "on"
    return settings.voice


@dataclass(frozen=True)
class Line:
    """One utterance: what it says, why (`prompt`, `probe`, `curveball`) and which one."""

    number: int
    kind: str
    text: str
    ref: str | None


@dataclass
class InterviewerSounding(Message):
    """The player handed the interviewer's audio to the device (from the player's thread)."""


@dataclass
class InterviewerFinished(Message):
    """Line `number` has been synthesised and played (or dropped by a stop)."""

    number: int


@dataclass
class VoiceReady(Message):
    """The voice is loaded and its output device open."""

    voice: InterviewerVoice


@dataclass
class VoiceUnavailable(Message):
    """The voice cannot speak: one line saying why."""

    message: str


class InterviewerHost(App[int]):
    """Loads the voice, reads lines one at a time and logs them through the session."""

    options: AppOptions
    settings: Settings
    session: Session | None
    replayer: Replayer | None
    voice: InterviewerVoice | None = None
    voice_gate: Speaking | None = None
    """The gate the caption pipeline mutes the microphone by (None: no voice this run)."""
    voice_problem: str | None = None
    """Why the voice is silent this run (shown in the caption strip), or None."""
    _line: Line | None = None
    _line_sounded = False
    _lines_made = 0

    def prepare_voice(self) -> None:
        """Build the gate when this run wants the voice (cheap, on the UI thread, so the
        caption pipeline can be given it at once); `load_voice` loads the voice itself."""
        self._waiting_lines: deque[Line] = deque()
        if not voice_wanted(self.options, self.settings):
            return
        from tui.speech.voice.gate import Speaking

        app = self

        class Gate(Speaking):
            def begin(self, start: float, end: float) -> int:
                app.post_message(InterviewerSounding())  # thread-safe
                return super().begin(start, end)

        self.voice_gate = Gate()

    def load_voice(self) -> None:
        """Open the output and load the model in a worker (called once the first frame is on
        screen, so loading never delays it); lines asked for meanwhile wait."""
        if self.voice_gate is not None and self.voice is None and self.voice_problem is None:
            self._load_voice(self.voice_gate)

    @work(thread=True, exclusive=True, group="voice-load")
    def _load_voice(self, gate: Speaking) -> None:
        from tui.speech.voice.errors import VoiceError
        from tui.speech.voice.model import shared_model
        from tui.speech.voice.speaker import InterviewerVoice

        def failed(message: str) -> None:  # from the voice's threads
            self.post_message(VoiceUnavailable(message))

        device = self.options.voice_device or self.settings.voice_device
        try:
            player = open_player(device, gate)  # no output device: said before the model loads
        except VoiceError as error:
            failed(str(error))
            return
        try:
            shared_model()
        except VoiceError as error:
            player.close()
            failed(str(error))
            return
        voice = InterviewerVoice(player, on_error=failed)
        self.post_message(VoiceReady(voice))

    def on_voice_ready(self, message: VoiceReady) -> None:
        if self.voice_problem is not None:
            message.voice.close()
            return
        self.voice = message.voice
        self._next_line()

    def on_voice_unavailable(self, message: VoiceUnavailable) -> None:
        if self.voice_problem is not None:
            return  # said once
        self.voice_problem = f"interviewer's voice off: {message.message}"
        self.notify(f"{message.message}. The round goes on with the text on screen only.",
                    title="Interviewer's voice off", severity="warning", timeout=10)
        self.silence_interviewer()
        self._waiting_lines.clear()
        self._show_voice_problem()

    def _show_voice_problem(self) -> None:
        """On the practice screen, if a round is open (a later one is built with it)."""
        practice = sys.modules.get("tui.app.screens.practice")  # not loaded before a round
        if practice is None:
            return
        for screen in self.screen_stack:
            if isinstance(screen, practice.PracticeScreen):
                screen.voice_note = self.voice_problem or ""

    # ---- what the interviewer says ----------------------------------------------------------
    def interviewer_hears(self, event: Event, session: Session) -> None:
        """React to a live session event: the round starts (read the prompt), a probe or a
        curveball appears (read it), the clock pauses or the round ends (stop)."""
        if self.voice_gate is None or self.replayer is not None:
            return
        if event.type == "timer_started":
            if not any(line.kind == "prompt" for line in session.state.interviewer) and not (
                    self._line is not None and self._line.kind == "prompt") and not any(
                    line.kind == "prompt" for line in self._waiting_lines):
                self.interviewer_say("prompt", session.state.prompt.text)
        elif event.type in SPOKEN:
            self.interviewer_say(SPOKEN[event.type], event["text"], event["id"])
        elif event.type in ("timer_paused", "round_ended", "session_closed"):
            self.silence_interviewer()

    def interviewer_say(self, kind: str, text: str, ref: str | None = None) -> None:
        """Queue a line; it is said once the voice is ready and the last line has ended."""
        if self.voice_gate is None or self.voice_problem is not None:
            return
        self._lines_made += 1
        self._waiting_lines.append(Line(self._lines_made, kind, text, ref))
        self._next_line()

    def _next_line(self) -> None:
        voice = self.voice
        if voice is None or self._line is not None or not self._waiting_lines:
            return
        line = self._line = self._waiting_lines.popleft()
        self._line_sounded = False
        voice.say(line.text)

        def watch() -> None:  # returns once the line played (or a stop dropped it)
            voice.wait()
            self.post_message(InterviewerFinished(line.number))

        threading.Thread(target=watch, name="voice-line", daemon=True).start()

    def on_interviewer_sounding(self, _message: InterviewerSounding) -> None:
        line = self._line
        if line is None or self._line_sounded:
            return
        self._line_sounded = True
        self._log_interviewer("interviewer_spoke", kind=line.kind, text=line.text, ref=line.ref)

    def on_interviewer_finished(self, message: InterviewerFinished) -> None:
        line = self._line
        if line is None or line.number != message.number:
            return  # a line already stopped
        self._line = None
        if self._line_sounded:
            self._log_interviewer("interviewer_done", reason="finished")
        self._next_line()

    def silence_interviewer(self) -> None:
        """Stop the voice now and forget the lines waiting; a line that was sounding is
        logged as `stopped`."""
        self._waiting_lines.clear()
        line, self._line = self._line, None
        if self.voice is not None:
            self.voice.stop()
        if line is not None and self._line_sounded:
            self._log_interviewer("interviewer_done", reason="stopped")

    def _log_interviewer(self, type_: str, **fields: object) -> None:
        session = self.session
        if session is not None and self.replayer is None and not session.state.closed:
            session.emit(type_, **fields)
