"""The phase engine: which phase runs, for how long, against each phase's min-max window.

`PhaseTracker` is a fold over timer and phase events; commands (`start`, `next`, ...) return
the events to append rather than changing anything themselves. It is also the one place that
decides how a phase stands (`result`: its window, skipped, rushed, with the layout's exempt
roles): the phase bar, the debrief's table, the timeline and the coach's flags all ask it.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from enum import Enum

from tui.core.config.coach_settings import coach_config, default_config
from tui.core.config.layouts import Layout, Phase
from tui.core.errors import ConfigError
from tui.core.session.events import Event


class Window(str, Enum):
    """Where a phase's elapsed time sits against its budget."""

    PENDING = "pending"  # never entered
    BELOW_MIN = "below_min"  # calm
    IN_WINDOW = "in_window"  # ready to move on
    OVER_MAX = "over_max"  # loud


#: The events that start, stop or move the round clock.
CLOCK_EVENTS = frozenset({"timer_started", "timer_paused", "phase_entered", "round_ended",
                          "session_resumed"})


@dataclass(frozen=True)
class Exemptions:
    """Phase roles never called rushed, and never called skipped (a break may be cut short or
    passed by): the layout's coach settings `rushed.exempt_roles` and `skipped.exempt_roles`."""

    rushed: frozenset[str] = frozenset()
    skipped: frozenset[str] = frozenset()


def exemptions_of(layout: Layout) -> Exemptions:
    """The exempt roles of a layout's coach settings (the shipped defaults when its `[coach]`
    table is invalid: the coach itself refuses such a layout, the phase results still show)."""
    try:
        config = coach_config(layout)
    except ConfigError:
        config = default_config()
    return Exemptions(rushed=frozenset(config.strings("rushed", "exempt_roles")),
                      skipped=frozenset(config.strings("skipped", "exempt_roles")))


@dataclass(frozen=True)
class PhaseResult:
    """How one phase stands against its plan at a moment: the verdict every output shows."""

    window: Window
    skipped: bool
    rushed: bool


@dataclass
class PhaseRecord:
    """What happened to one phase so far."""

    elapsed: float = 0.0
    first_entered: float | None = None
    visits: int = 0


@dataclass
class PhaseTracker:
    """Fold of timer/phase events for one layout. All times are session seconds."""

    layout: Layout
    current: int | None = None
    running: bool = False
    since: float = 0.0
    ended: bool = False
    end_reason: str | None = None
    records: dict[str, PhaseRecord] = field(default_factory=dict)
    clock_marks: list[tuple[float, float, bool]] = field(default_factory=list)
    """(session t, round time then, whether round time runs on from there), at every change;
    `round_time` reads past moments from them."""
    _exempt: Exemptions | None = field(default=None, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        for phase in self.layout.phases:
            self.records.setdefault(phase.id, PhaseRecord())

    # ---- fold -------------------------------------------------------------------------------
    def apply(self, event: Event) -> None:
        """Fold one event (others are ignored)."""
        kind = event.type
        if kind in CLOCK_EVENTS:
            self._apply(event)
            self._mark(event.t)

    def _apply(self, event: Event) -> None:
        kind = event.type
        if kind == "timer_started" and not self.ended:
            if not self.running:
                self.running, self.since = True, event.t
        elif kind == "timer_paused":
            self._bank(event.t)
            self.running = False
        elif kind == "phase_entered":
            phase_id = event["phase"]
            if phase_id not in self.records or self.ended:
                return
            self._bank(event.t)
            self.current = self.layout.index_of(phase_id)
            record = self.records[phase_id]
            record.visits += 1
            if record.first_entered is None:
                record.first_entered = event.t
        elif kind == "round_ended":
            self._bank(event.t)
            self.running = False
            self.ended = True
            self.end_reason = event.get("reason", "user")
        elif kind == "session_resumed":
            # The app was closed: whatever ran stopped at the last event's time (this event's
            # t), so the stretch up to it counts.
            self._bank(event.t)
            self.running = False

    def _mark(self, t: float) -> None:
        counting = self.running and self.current is not None and not self.ended
        banked = sum(record.elapsed for record in self.records.values())
        if self.clock_marks and self.clock_marks[-1][0] == t:
            self.clock_marks.pop()
        self.clock_marks.append((t, banked, counting))

    def round_time(self, t: float) -> float:
        """Round time at session time `t`: seconds the clock had run by then, pauses (and
        anything before the round started) excluded. Every time shown to a person is this."""
        index = bisect_right(self.clock_marks, t, key=lambda mark: mark[0])
        if index == 0:
            return 0.0
        at, banked, counting = self.clock_marks[index - 1]
        return banked + (max(0.0, t - at) if counting else 0.0)

    def _bank(self, t: float) -> None:
        """Add the running stretch up to `t` to the current phase."""
        if self.running and self.current is not None:
            phase_id = self.layout.phases[self.current].id
            self.records[phase_id].elapsed += max(0.0, t - self.since)
        self.since = t

    # ---- queries ----------------------------------------------------------------------------
    @property
    def started(self) -> bool:
        return self.current is not None

    @property
    def current_phase(self) -> Phase | None:
        return None if self.current is None else self.layout.phases[self.current]

    def elapsed(self, phase_id: str, now: float) -> float:
        """Seconds spent in `phase_id`, including the running stretch up to `now`."""
        record = self.records[phase_id]
        extra = 0.0
        if (self.running and self.current is not None
                and self.layout.phases[self.current].id == phase_id):
            extra = max(0.0, now - self.since)
        return record.elapsed + extra

    def total_elapsed(self, now: float) -> float:
        """Seconds of round time used (the sum over phases; pauses excluded)."""
        return sum(self.elapsed(p.id, now) for p in self.layout.phases)

    def remaining(self, now: float) -> float:
        """Seconds left of the round's total (negative when over)."""
        return self.layout.total_s - self.total_elapsed(now)

    def window(self, phase_id: str, now: float) -> Window:
        """Where the phase sits against its min-max budget."""
        phase = self.layout.phase(phase_id)
        record = self.records[phase_id]
        if record.visits == 0:
            return Window.PENDING
        spent = self.elapsed(phase_id, now)
        if spent > phase.max_s:
            return Window.OVER_MAX
        if spent >= phase.min_s:
            return Window.IN_WINDOW
        return Window.BELOW_MIN

    def is_current(self, phase_id: str) -> bool:
        phase = self.current_phase
        return phase is not None and phase.id == phase_id

    @property
    def exemptions(self) -> Exemptions:
        """The roles never called rushed or skipped (read from the layout once)."""
        if self._exempt is None:
            self._exempt = exemptions_of(self.layout)
        return self._exempt

    def result(self, phase_id: str, now: float) -> PhaseResult:
        """How the phase stands at session time `now`: window, skipped, rushed."""
        return PhaseResult(self.window(phase_id, now), self.skipped(phase_id),
                           self.rushed(phase_id, now))

    def skipped(self, phase_id: str) -> bool:
        """Never entered although a later phase was, or the round ended without it (never for
        an exempt role)."""
        if self.records[phase_id].visits:
            return False
        if self.layout.phase(phase_id).role in self.exemptions.skipped:
            return False
        index = self.layout.index_of(phase_id)
        later_visited = any(
            self.records[p.id].visits for p in self.layout.phases[index + 1 :]
        )
        return later_visited or self.ended

    def rushed(self, phase_id: str, now: float) -> bool:
        """Entered, then left (or the round ended) before reaching its minimum (never for an
        exempt role)."""
        record = self.records[phase_id]
        if not record.visits or (self.is_current(phase_id) and not self.ended):
            return False
        if self.layout.phase(phase_id).role in self.exemptions.rushed:
            return False
        return self.elapsed(phase_id, now) < self.layout.phase(phase_id).min_s

    # ---- commands: return the events to append ----------------------------------------------
    def start_or_resume(self) -> list[tuple[str, dict[str, object]]]:
        """Start the round (entering the first phase) or resume a paused timer."""
        if self.ended:
            return []
        out: list[tuple[str, dict[str, object]]] = []
        if not self.running:
            out.append(("timer_started", {}))
        if self.current is None:
            out.append(("phase_entered", {"phase": self.layout.phases[0].id, "via": "start"}))
        return out

    def pause(self) -> list[tuple[str, dict[str, object]]]:
        """Pause the timer if it runs."""
        return [("timer_paused", {})] if self.running and not self.ended else []

    def toggle(self) -> list[tuple[str, dict[str, object]]]:
        """Start/resume when stopped, pause when running."""
        return self.pause() if self.running else self.start_or_resume()

    def next(self) -> list[tuple[str, dict[str, object]]]:
        """Move to the next phase (starting the round if needed); nothing after the last."""
        if self.ended:
            return []
        if self.current is None:
            return self.start_or_resume()
        if self.current + 1 >= len(self.layout.phases):
            return []
        return self._enter(self.current + 1, "next")

    def previous(self) -> list[tuple[str, dict[str, object]]]:
        """Move back one phase; nothing before the first."""
        if self.ended or self.current is None or self.current == 0:
            return []
        return self._enter(self.current - 1, "previous")

    def jump(self, phase_id: str) -> list[tuple[str, dict[str, object]]]:
        """Enter any phase of the layout."""
        index = self.layout.index_of(phase_id)
        if self.ended or index == self.current:
            return []
        return self._enter(index, "jump")

    def end(self, reason: str = "user") -> list[tuple[str, dict[str, object]]]:
        """End the round."""
        return [] if self.ended else [("round_ended", {"reason": reason})]

    def _enter(self, index: int, via: str) -> list[tuple[str, dict[str, object]]]:
        out: list[tuple[str, dict[str, object]]] = []
        if not self.running:
            out.append(("timer_started", {}))
        out.append(("phase_entered", {"phase": self.layout.phases[index].id, "via": via}))
        return out
