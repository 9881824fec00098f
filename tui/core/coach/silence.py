"""Silence: `dead_air` when nothing is said for too long while a phase runs and captions listen.

Silence is measured from the last sign of speech (a caption, partial or final, or a `speech`
event: the voice-activity detector hearing words not yet decoded), the start of the phase or
the end of what the interviewer's voice said, only while the phase clock runs, the recognizer
listens and the interviewer is not speaking; a pause up to the thinking-pause length is normal
and only long stretches are flagged.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from tui.core.coach.base import CoachObserver, running_phase
from tui.core.config.coach_settings import CoachConfig
from tui.core.session.events import Event, NewEvent
from tui.core.session.state import SessionState


@dataclass(frozen=True)
class Silence:
    """A stretch without speech longer than a thinking pause."""

    start: float
    end: float
    phase: str

    @property
    def length(self) -> float:
        return self.end - self.start


class SilenceObserver(CoachObserver):
    """Tracks silent stretches and flags the ones past the dead-air threshold."""

    def __init__(self, state: SessionState, config: CoachConfig) -> None:
        super().__init__(state, config)
        self.silences: list[Silence] = []
        self._since: float | None = None
        self._phase: str | None = None

    def observe(self, event: Event, state: SessionState) -> list[NewEvent]:
        out: list[NewEvent] = []
        if event.type in ("caption", "speech", "phase_entered"):
            out += self._close(event.t)
        out += self._sync(event.t, state)
        return out

    def tick(self, t: float, state: SessionState) -> list[NewEvent]:
        out = self._sync(t, state)
        if self._since is not None and t - self._since > self._threshold():
            out += self._flag(t)
        return out

    def quiet_until(self, t: float, state: SessionState) -> float:
        """Until the silence under way passes the dead-air threshold (at once when the
        countable phase changed since the last event, so that `tick` notices)."""
        phase = self._countable(state)
        if phase != self._phase or (phase is not None and self._since is None):
            return t + 1.0
        if self._since is None or ("dead", self._since) in self._raised:
            return math.inf
        return self._since + self._threshold()

    def summary(self) -> tuple[Silence, ...]:
        """The silences past a thinking pause so far, in order (for the debrief)."""
        return tuple(self.silences)

    def _threshold(self) -> float:
        return self.config.number("dead_air", "threshold_s")

    def _countable(self, state: SessionState) -> str | None:
        phase = running_phase(state)
        if phase is None or phase.role in self.config.strings("dead_air", "exempt_roles"):
            return None
        if state.interviewer_speaking:  # the candidate listens: no silence of theirs
            return None
        if state.captions_state not in self.config.strings("dead_air", "listening_states"):
            return None
        return phase.id

    def _sync(self, t: float, state: SessionState) -> list[NewEvent]:
        phase = self._countable(state)
        out: list[NewEvent] = []
        if phase != self._phase:
            out += self._close(t)
        if phase is not None and self._since is None:
            self._since, self._phase = t, phase
        return out

    def _close(self, t: float) -> list[NewEvent]:
        out: list[NewEvent] = []
        if self._since is not None and self._phase is not None:
            length = t - self._since
            if length > self.config.number("dead_air", "thinking_pause_s"):
                self.silences.append(Silence(self._since, t, self._phase))
            if length > self._threshold():
                out += self._flag(t)
        self._since, self._phase = None, None
        return out

    def _flag(self, t: float) -> list[NewEvent]:
        assert self._since is not None and self._phase is not None
        title = self.layout.phase(self._phase).title
        pause = self.config.number("dead_air", "thinking_pause_s")
        return self.flag(
            ("dead", self._since), "dead_air", self._phase,
            f"{int(t - self._since)} s without a word in {title} (a thinking pause is up to "
            f"{pause:g} s); think out loud: say what you are weighing.",
            self.config.string("dead_air", "severity"),
        )
