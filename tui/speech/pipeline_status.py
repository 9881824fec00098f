"""What the caption pipeline reports besides results: its state changes (each with one line for
the screen) and its counters."""

from __future__ import annotations

from dataclasses import dataclass

from tui.core.session.events import CaptionsState


@dataclass(frozen=True)
class PipelineStatus:
    """A change in the pipeline's state, with one line for the screen. The pipeline goes
    LOADING, READY (BEHIND, CAUGHT_UP)..., then STOPPED or ERROR; the states are those of the
    session's `captions_status` events."""

    state: CaptionsState
    message: str = ""


@dataclass
class PipelineStats:
    """Counters, read after `stop()` (or live, approximately)."""

    received_s: float = 0.0
    """Audio seconds taken off the queue (16 kHz)."""
    fed_s: float = 0.0
    """Audio seconds fed to the engine."""
    skipped_s: float = 0.0
    """Audio seconds dropped because recognition was behind."""
    paused_s: float = 0.0
    """Audio seconds not recognised while paused."""
    gated_s: float = 0.0
    """Audio seconds silenced because the interviewer's voice was heard."""
    engine_s: float = 0.0
    """Wall seconds spent inside engine calls."""
    results: int = 0
    """Recognitions delivered."""

