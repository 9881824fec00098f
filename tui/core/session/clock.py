"""Injected clocks. Nothing in the core reads the system time directly."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Protocol


class Clock(Protocol):
    """A monotonic source of seconds plus a wall-clock for timestamps."""

    def now(self) -> float:
        """Monotonic seconds; only differences are meaningful."""

    def wall(self) -> datetime:
        """The current wall-clock time (UTC)."""


class SystemClock:
    """The real clock: `time.monotonic()` and UTC wall time."""

    def now(self) -> float:
        return time.monotonic()

    def wall(self) -> datetime:
        return datetime.now(timezone.utc)


@dataclass
class FakeClock:
    """A clock that only moves when told to; for tests and replay."""

    t: float = 0.0
    start_wall: datetime = field(
        default_factory=lambda: datetime(2026, 1, 1, 9, 0, 0, tzinfo=timezone.utc)
    )

    def now(self) -> float:
        return self.t

    def wall(self) -> datetime:
        from datetime import timedelta

        return self.start_wall + timedelta(seconds=self.t)

    def advance(self, seconds: float) -> None:
        """Move time forward by `seconds` (must be >= 0)."""
        if seconds < 0:
            raise ValueError("a clock cannot go backwards")
        self.t += seconds


class SessionClock:
    """Seconds since the session began, continuing from `offset` after a resume.

    The gap while the app was closed is not counted: a resumed session picks up at the time of
    its last event.
    """

    def __init__(self, base: Clock, offset: float = 0.0) -> None:
        self.base = base
        self.offset = offset
        self._origin = base.now()

    def now(self) -> float:
        return self.offset + (self.base.now() - self._origin)

    def wall(self) -> datetime:
        return self.base.wall()
