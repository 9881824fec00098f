"""What the CLI (or a test) asks the app to do; plain data, no Textual."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tui.core.config.layouts import Layout
    from tui.core.config.prompts import Prompt
    from tui.core.session.events import Event


@dataclass
class SpeechOptions:
    """How captions should run for a live session."""

    enabled: bool = True
    """False: never start a caption pipeline (tests, or a screen that must stay silent)."""
    engine: str | None = None
    """auto, vosk, whisper, pocketsphinx or off; None means the settings' engine."""
    model: str | None = None
    device: str | None = None
    audio_file: Path | None = None
    speed: float = 1.0
    """Pace of an audio file: 1 is real time, N is N times faster."""
    record: bool | None = None
    """Keep the round's audio (`--no-record`: False); None means the settings' record_audio."""


@dataclass
class AppOptions:
    """One run of the app: start screen, resume or replay."""

    mode: str = "start"
    """"start" (the start screen), "resume" (a session directly) or "replay"."""
    layout: str | None = None
    """Layout id or file; None means the settings' layout."""
    prompt: str | None = None
    """Prompt id or free text; None means a random prompt."""
    session: str | None = None
    """SESSION for resume/replay (directory, events.jsonl or id); None: the latest unfinished."""
    replay_speed: float = 1.0
    replay_from: float | None = None
    """`replay --from`: round time (as the header's clock shows it) to start the replay at."""
    seed: int | None = None
    """Seed for the random prompt (tests pin it)."""
    speech: SpeechOptions | None = None
    voice: bool | None = None
    """The interviewer's voice (`--voice on|off`); None: BOARDLESS_VOICE, else the setting."""
    voice_device: str | None = None
    """Output device for the voice (`--voice-device`): index or name part; None: settings."""

    def __post_init__(self) -> None:
        if self.speech is None:
            self.speech = SpeechOptions()


@dataclass
class Plan:
    """What the factory resolved before the app starts."""

    mode: str
    layout: Layout | None = None
    prompt: Prompt | None = None
    log_path: Path | None = None
    events: list[Event] | None = None
