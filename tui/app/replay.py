"""Replay clock: a recorded session's events handed out at their times, N times faster.

Driven by the app's timer; time comes from the injected clock (a FakeClock in tests). It can
seek (by seconds or to a flag) and change speed while playing; a seek back asks the caller to
rebuild the state from the events before the new time (`seek` returns True).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from datetime import datetime

from tui.core.session.clock import Clock
from tui.core.session.events import Event
from tui.core.session.state import SessionState, fold

#: The speed steps that slower/faster walk through.
SPEEDS = (0.5, 1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0)
SEEK_STEP_S = 10.0
#: "Previous flag" skips a flag raised less than this long before now, so pressing it again
#: walks back instead of landing on the flag just reached.
FLAG_GRACE_S = 1.0


class Replayer:
    """Plays `events` (the whole log; the first is `session_started`) against `clock`."""

    def __init__(self, events: list[Event], clock: Clock, speed: float = 1.0) -> None:
        if speed <= 0:
            raise ValueError("replay speed must be positive")
        self.events = events
        self.clock = clock
        self.speed = speed
        self.end_t = events[-1].t if events else 0.0
        self._times = [event.t for event in events]
        self._flags = [event.t for event in events if event.type == "flag_raised"]
        self._index = 1
        self._origin = clock.now()
        self._offset = 0.0
        self.paused = False

    def now(self) -> float:
        """Session time being shown."""
        if self.paused:
            return self._offset
        return min(self.end_t, self._offset + (self.clock.now() - self._origin) * self.speed)

    def wall(self) -> datetime:
        return self.clock.wall()

    def toggle_pause(self) -> None:
        self._offset = self.now()
        self._origin = self.clock.now()
        self.paused = not self.paused

    def due(self) -> list[Event]:
        """Events whose time has come and that were not handed out yet."""
        now = self.now()
        start = self._index
        while self._index < len(self.events) and self.events[self._index].t <= now:
            self._index += 1
        return self.events[start:self._index]

    # ---- steering ---------------------------------------------------------------------------
    def seek(self, t: float) -> bool:
        """Show session time `t` (clamped to the log) from now on, paused or not. True when
        events already handed out lie after `t`: the caller rebuilds the state with
        `state_before()` and then takes `due()` as usual (the events at exactly `t` included)."""
        t = max(0.0, min(self.end_t, t))
        self._offset = t
        self._origin = self.clock.now()
        first_after = max(1, bisect_left(self._times, t, lo=1))
        if first_after >= self._index:
            return False  # forward: `due()` hands out what lies between
        self._index = first_after
        return True

    def state_before(self) -> SessionState:
        """The state folded from every event not handed out again (those before the seek)."""
        return fold(self.events[:self._index])

    def next_flag(self) -> float | None:
        """Time of the first flag after now, or None."""
        i = bisect_right(self._flags, self.now())
        return self._flags[i] if i < len(self._flags) else None

    def previous_flag(self) -> float | None:
        """Time of the last flag before now (allowing FLAG_GRACE_S), or None."""
        i = bisect_left(self._flags, self.now() - FLAG_GRACE_S)
        return self._flags[i - 1] if i > 0 else None

    def set_speed(self, speed: float) -> None:
        """Change the speed without moving the time shown."""
        if speed <= 0:
            raise ValueError("replay speed must be positive")
        self._offset = self.now()
        self._origin = self.clock.now()
        self.speed = speed

    def step_speed(self, direction: int) -> float:
        """Move to the next slower (-1) or faster (+1) step of SPEEDS; returns the new speed."""
        if direction > 0:
            faster = [s for s in SPEEDS if s > self.speed]
            speed = faster[0] if faster else self.speed
        else:
            slower = [s for s in SPEEDS if s < self.speed]
            speed = slower[-1] if slower else self.speed
        self.set_speed(speed)
        return speed

    @property
    def finished(self) -> bool:
        return self._index >= len(self.events)

    @property
    def progress(self) -> float:
        return 1.0 if self.end_t <= 0 else self.now() / self.end_t


def speed_label(speed: float) -> str:
    """The header's mode label: "replay ×4", "replay ×0.5"."""
    return f"replay ×{speed:g}"
