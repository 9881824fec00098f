"""Phase timing flags: `over_time`, `rushed` and `skipped`.

Whether a phase was rushed or skipped (exempt roles included) is the phase tracker's verdict
(`PhaseTracker.rushed`/`skipped`), the one the table, the timeline and the phase bar show; this
observer only chooses the moments to ask (a phase left forwards, the round ended) and words
the flag.
"""

from __future__ import annotations

import math

from tui.core.coach.base import CoachObserver, running_phase, when_spent
from tui.core.config.coach_settings import CoachConfig
from tui.core.config.layouts import Phase
from tui.core.session.events import Event, NewEvent
from tui.core.session.state import SessionState
from tui.core.text.durations import format_clock, format_minutes


class TimingObserver(CoachObserver):
    """Watches phase changes and the running clock against each phase's min-max window."""

    def __init__(self, state: SessionState, config: CoachConfig) -> None:
        super().__init__(state, config)
        self._current: str | None = state.current_phase_id

    def observe(self, event: Event, state: SessionState) -> list[NewEvent]:
        out: list[NewEvent] = []
        if event.type == "phase_entered" and state.current_phase_id != self._current:
            out += self._left(self._current, state.current_phase_id, event.t, state)
            self._current = state.current_phase_id
        elif event.type == "round_ended" and state.ended:
            out += self._ended(event.t, state)
        out += self.tick(event.t, state)
        return out

    def tick(self, t: float, state: SessionState) -> list[NewEvent]:
        phase = running_phase(state)
        if phase is None:
            return []
        spent = state.phases.elapsed(phase.id, t)
        out: list[NewEvent] = []
        if spent > phase.max_s:
            nxt = self._next(phase.id)
            hint = f"wrap up and move on to {nxt.title}" if nxt else "wrap up the round"
            out += self.flag(
                ("over", phase.id, 1), "over_time", phase.id,
                f"{phase.title} has passed its {format_minutes(phase.max_s)} maximum; {hint}.",
                self.config.string("over_time", "severity"),
            )
            if nxt is not None and spent > phase.max_s + nxt.min_s:
                out += self.flag(
                    ("over", phase.id, 2), "over_time", phase.id,
                    f"{phase.title} has now also used {nxt.title}'s "
                    f"{format_minutes(nxt.min_s)} minimum; the later phases will be squeezed.",
                    self.config.string("over_time", "second_severity"),
                )
        return out

    def quiet_until(self, t: float, state: SessionState) -> float:
        """Until the running phase passes its maximum (then the next phase's minimum too)."""
        phase = running_phase(state)
        if phase is None:
            return math.inf
        if ("over", phase.id, 1) not in self._raised:
            return when_spent(state, phase.id, t, phase.max_s)
        nxt = self._next(phase.id)
        if nxt is not None and ("over", phase.id, 2) not in self._raised:
            return when_spent(state, phase.id, t, phase.max_s + nxt.min_s)
        return math.inf

    def _next(self, phase_id: str) -> Phase | None:
        index = self.layout.index_of(phase_id)
        return self.layout.phases[index + 1] if index + 1 < len(self.layout.phases) else None

    def _left(self, old: str | None, new: str | None, t: float,
              state: SessionState) -> list[NewEvent]:
        if new is None:
            return []
        new_index = self.layout.index_of(new)
        out: list[NewEvent] = []
        if old is not None and self.layout.index_of(old) < new_index:
            out += self._rushed(old, t, state, f"you moved on to {self.layout.phase(new).title}")
        for phase in self.layout.phases[:new_index]:
            if state.phases.skipped(phase.id):
                out += self._skipped(phase.id, f"{self.layout.phase(new).title} began without it")
        return out

    def _ended(self, t: float, state: SessionState) -> list[NewEvent]:
        out: list[NewEvent] = []
        if self._current is not None:
            out += self._rushed(self._current, t, state, "the round ended")
        for phase in self.layout.phases:
            if state.phases.skipped(phase.id):
                out += self._skipped(phase.id, "the round ended before it began")
        return out

    def _rushed(self, phase_id: str, t: float, state: SessionState, why: str) -> list[NewEvent]:
        if not state.phases.rushed(phase_id, t):
            return []
        phase = self.layout.phase(phase_id)
        spent = state.phases.elapsed(phase_id, t)
        return self.flag(
            ("rushed", phase_id), "rushed", phase_id,
            f"{phase.title} took {format_clock(spent)}, under its "
            f"{format_minutes(phase.min_s)} minimum, when {why}; use the time the phase needs.",
            self.config.string("rushed", "severity"),
        )

    def _skipped(self, phase_id: str, why: str) -> list[NewEvent]:
        phase = self.layout.phase(phase_id)
        return self.flag(
            ("skipped", phase_id), "skipped", phase_id,
            f"{phase.title} was skipped: {why}.",
            self.config.string("skipped", "severity"),
        )
