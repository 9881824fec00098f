"""Replay clock: a recorded session's events handed out at their times, N times faster.

Driven by the app's timer; time comes from the injected clock (a FakeClock in tests).
"""

from __future__ import annotations

from datetime import datetime

from tui.core.clock import Clock
from tui.core.events import Event


class Replayer:
    """Plays `events` (the whole log; the first is `session_started`) against `clock`."""

    def __init__(self, events: list[Event], clock: Clock, speed: float = 1.0) -> None:
        if speed <= 0:
            raise ValueError("replay speed must be positive")
        self.events = events
        self.clock = clock
        self.speed = speed
        self.end_t = events[-1].t if events else 0.0
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

    @property
    def finished(self) -> bool:
        return self._index >= len(self.events)

    @property
    def progress(self) -> float:
        return 1.0 if self.end_t <= 0 else self.now() / self.end_t
