"""Replaying a log through the coach: the same input events always give the same coach events.

`let_time_pass` is the one way time moves on a fake clock: the replay, the sample sessions and
the tests' scripted rounds all use it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone

from tui.core.session.clock import FakeClock, SessionClock
from tui.core.session.events import Event
from tui.core.session.session import Observer, Session
from tui.core.session.state import SessionState

#: Event types the coach writes; everything else is input.
OUTPUT_TYPES = frozenset({"flag_raised", "checklist_ticked", "probe_asked", "probe_closed",
                          "curveball_asked", "curveball_answered"})


@dataclass
class Replay:
    """A finished replay: the rebuilt session, the observers (with their statistics) and the
    coach events they produced, in order."""

    session: Session
    observers: list[Observer]
    outputs: list[Event]

    @property
    def state(self) -> SessionState:
        return self.session.state


def is_output(event: Event) -> bool:
    """Written by the coach (a checklist item the person ticked by hand is input)."""
    if event.type == "checklist_ticked":
        source: object = event.get("source")
        return source != "user"
    return event.type in OUTPUT_TYPES


def input_events(events: Sequence[Event]) -> list[Event]:
    """The log without the coach's own events."""
    return [event for event in events if not is_output(event)]


def let_time_pass(session: Session, clock: FakeClock, t: float) -> None:
    """Move a fake clock on to session time `t` (to the millisecond, as the log keeps times;
    never back) and let the session's observers see every whole second up to `t` (see
    `Session.tick`), as the app's timer does live."""
    clock.t = max(clock.t, float(round(t, 3)))
    session.tick(t)


def replay(events: Sequence[Event],
           factory: Callable[[SessionState], list[Observer]]) -> Replay:
    """Feed a log's input events through a fresh session with observers from `factory`, on a
    fake clock; the session ticks the observers at every whole second between events (before
    an event at the same second) and on to the time of the log's last event of any kind, as
    it does live. The first event
    must be `session_started`."""
    inputs = input_events(events)
    if not inputs or inputs[0].type != "session_started":
        raise ValueError("a log must begin with session_started")
    first = inputs[0]
    clock = FakeClock(t=0.0, start_wall=_wall(first.wall))
    session = Session(SessionState.from_start(first), SessionClock(clock, 0.0))
    observers = factory(session.state)
    session.observers.extend(observers)
    outputs: list[Event] = []
    session.listeners.append(lambda e: outputs.append(e) if is_output(e) else None)
    for event in inputs[1:]:
        let_time_pass(session, clock, event.t)  # every whole second before the event first
        session.apply(event)
    # The live coach kept ticking after the last input; its last events show for how long.
    let_time_pass(session, clock, max((event.t for event in events), default=first.t))
    return Replay(session, observers, outputs)


def _wall(text: str) -> datetime:
    try:
        stamp = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return datetime(2026, 1, 1, tzinfo=timezone.utc)
    return stamp if stamp.tzinfo else stamp.replace(tzinfo=timezone.utc)
