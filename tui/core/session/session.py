"""A live session: stamps events with time and sequence, folds them, logs them, lets observers
(the coach) react. Live use, replay, reports and tests all go through `Session.apply`."""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any, Protocol

from tui import __version__
from tui.core.config.layouts import Layout, layout_to_dict
from tui.core.config.prompts import Prompt, prompt_to_dict
from tui.core.session.clock import Clock, SessionClock
from tui.core.session.eventlog import LOG_NAME, LogWriter, SessionLock, read_log
from tui.core.session.events import Event, NewEvent, make_event
from tui.core.session.state import SessionState, fold

#: Events after which the log is fsynced at once.
DURABLE_TYPES = frozenset({"phase_entered", "round_ended", "session_closed", "timer_paused"})
#: While the round clock runs, a `clock` checkpoint is logged once nothing else was for this
#: long, so a killed app loses at most about a second of round time (a little under a second,
#: so that a tick arriving a few milliseconds early still writes one).
CHECKPOINT_S = 0.9


class Observer(Protocol):
    """Something that reacts to events (and to time passing) with more events."""

    def observe(self, event: Event, state: SessionState) -> list[NewEvent]:
        """Called after `event` was folded into `state`."""

    def tick(self, t: float, state: SessionState) -> list[NewEvent]:
        """Called as time passes with no event, at session time `t`."""


class Session:
    """One practice session bound to a directory, a clock and (optionally) a log writer."""

    def __init__(
        self,
        state: SessionState,
        clock: SessionClock,
        directory: Path | None = None,
        writer: LogWriter | None = None,
    ) -> None:
        self.state = state
        self.clock = clock
        self.directory = directory
        self.writer = writer
        self.observers: list[Observer] = []
        self.listeners: list[Callable[[Event], None]] = []
        self.warnings: list[str] = []
        self._seq = state.last_seq
        #: The last whole session second the observers have been ticked at.
        self._ticked = math.floor(state.last_t)

    # ---- construction -----------------------------------------------------------------------
    @classmethod
    def create(
        cls,
        layout: Layout,
        prompt: Prompt,
        clock: Clock,
        directory: Path | None = None,
        engine: str = "off",
        on_disk_error: Callable[[str | None], None] | None = None,
    ) -> Session:
        """Start a new session; with a directory, its log is written there."""
        session_clock = SessionClock(clock, 0.0)
        first = make_event(
            "session_started", 0.0, seq=1, wall=_iso(clock),
            layout=layout_to_dict(layout), prompt=prompt_to_dict(prompt), engine=engine,
            app_version=__version__,
        )
        writer = None
        if directory is not None:
            writer = LogWriter(directory / LOG_NAME, session_clock.now, on_disk_error)
            writer.append(first)
            writer.sync()
        return cls(SessionState.from_start(first), session_clock, directory, writer)

    @classmethod
    def resume(
        cls,
        directory: Path,
        clock: Clock,
        on_disk_error: Callable[[str | None], None] | None = None,
    ) -> Session:
        """Reopen a session directory: fold its log, continue its clock, append to it. Raises
        SessionInUseError (before anything is read) while another writer has the session."""
        path = directory / LOG_NAME
        lock = SessionLock(path)
        lock.acquire()
        try:
            loaded = read_log(path)
            state = fold(loaded.events)
            if loaded.warnings:
                _drop_torn_tail(path)
        except BaseException:
            lock.release()
            raise
        session_clock = SessionClock(clock, state.last_t)
        writer = LogWriter(path, session_clock.now, on_disk_error, lock=lock)
        writer.first_line = loaded.events[0].to_json() + "\n"
        session = cls(state, session_clock, directory, writer)
        session.warnings.extend(loaded.warnings)
        session.emit("session_resumed")
        return session

    # ---- events -----------------------------------------------------------------------------
    def now(self) -> float:
        """Session time in seconds."""
        return self.clock.now()

    def emit(self, type_: str, **data: Any) -> Event:
        """Stamp, fold, log and observe one new event; observers' events follow it. Observers
        first see every whole second that passed before it (see `tick`)."""
        now = round(self.now(), 3)  # as the log stores it, so live and replay see one time
        self._catch_up(now)
        return self._emit_at(now, type_, data)

    def emit_all(self, items: list[NewEvent]) -> list[Event]:
        """Emit several (type, fields) pairs in order."""
        return [self.emit(kind, **fields) for kind, fields in items]

    def apply(self, event: Event) -> None:
        """Fold an already-stamped event, log it, tell listeners and observers. Observers
        first see every whole second up to the event's time, as they would have live."""
        self._catch_up(event.t)
        self._seq = max(self._seq, event.seq)
        self.state.apply(event)
        if self.writer is not None:
            self.writer.append(event)
            if event.type in DURABLE_TYPES:
                self.writer.sync()
        for listener in self.listeners:
            listener(event)
        if self.state.closed:
            return  # nothing follows a close: observers react again only after a resume
        for observer in self.observers:
            for kind, fields in observer.observe(event, self.state):
                self._emit_at(event.t, kind, fields)

    def tick(self, until: float | None = None) -> list[Event]:
        """Let observers see time pass up to `until` (default: now), once at every whole
        session second not yet seen, with their events stamped at that second. Live use,
        replay and tests all tick this way, so the same log always gives the same coach
        events at the same times; call it as often as you like."""
        return self._catch_up(self.now() if until is None else until)

    def checkpoint(self) -> Event | None:
        """Log a `clock` event if the round clock runs, this session writes a log and nothing
        was logged for CHECKPOINT_S seconds. A resume continues from the last event's time, so
        without these an idle round would lose its clock since the last note or caption."""
        if self.writer is None or self.state.closed or self.state.ended:
            return None
        if not self.state.phases.running:
            return None
        if self.now() - self.state.last_t < CHECKPOINT_S:
            return None
        return self.emit("clock")

    def _catch_up(self, t: float) -> list[Event]:
        target = math.floor(t)
        if target <= self._ticked:
            return []
        if not self.observers or self.state.closed:
            self._ticked = target
            return []
        out: list[Event] = []
        while self._ticked < target:
            self._ticked = self._next_tick(target)
            second = float(self._ticked)
            for observer in self.observers:
                out += [self._emit_at(second, kind, fields)
                        for kind, fields in observer.tick(second, self.state)]
        if self.writer is not None:
            self.writer.sync()
        return out

    def _next_tick(self, target: int) -> int:
        """The next whole second (up to `target`) worth ticking: the seconds before the
        earliest `quiet_until` of the observers are skipped, since none of them would react (a
        long pause replays in a few steps, not one per second). The second before that time is
        ticked too, which absorbs rounding; an observer without `quiet_until` is ticked every
        second."""
        step = self._ticked + 1
        quiet = math.inf
        for observer in self.observers:
            until = getattr(observer, "quiet_until", None)
            if until is None:
                return step
            quiet = min(quiet, until(float(self._ticked), self.state))
            if quiet <= step + 1:
                return step
        if quiet >= target:
            return target
        return max(step, math.floor(quiet) - 1)

    def _emit_at(self, t: float, type_: str, data: dict[str, Any]) -> Event:
        self._seq += 1
        wall = _iso(self.clock, behind=max(0.0, self.now() - t))
        event = make_event(type_, t, seq=self._seq, wall=wall, **data)
        self.apply(event)
        return event

    def close(self, reason: str = "quit") -> None:
        """Record a clean close and make the log durable."""
        if not self.state.closed:
            self.emit("session_closed", reason=reason)
        if self.writer is not None:
            self.writer.close()

    @property
    def log_path(self) -> Path | None:
        return None if self.directory is None else self.directory / LOG_NAME


def _iso(clock: SessionClock | Clock, behind: float = 0.0) -> str:
    """The clock's wall time (`behind` seconds ago) as an ISO stamp to the millisecond."""
    stamp = clock.wall() - timedelta(seconds=behind)
    return stamp.strftime("%Y-%m-%dT%H:%M:%S.") + f"{stamp.microsecond // 1000:03d}Z"


def _drop_torn_tail(path: Path) -> None:
    """Cut the damaged last line (torn without its newline, or complete but invalid) so that
    new events start on a clean line."""
    data = path.read_bytes()
    body = data[:-1] if data.endswith(b"\n") else data
    with open(path, "rb+") as handle:
        handle.truncate(body.rfind(b"\n") + 1)
