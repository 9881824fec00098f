"""The speaking gate: when the interviewer's voice is (or was) coming out of the speakers.

Headphones are not assumed, so the microphone hears the interviewer too. The player records
each stretch of sound it sends to the device as an `Interval` on the audio clock, which is
`time.monotonic()` by default: the clock the microphone stamps each block's `arrival` with
(`tui.speech.types.AudioBlock`). The caption pipeline can then ask `overlaps(start, end)` for a
block and drop it, so the candidate's captions, silence timing and pace never hear the
interviewer. Every interval is widened by `tail` seconds after its end for the room's echo and
the input's latency. All methods may be called from any thread.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np

from tui.speech.types import AudioBlock

#: Seconds after the last sample during which the room (and the input buffer) still carry it.
DEFAULT_TAIL_S = 0.3
#: Intervals kept for late questions about past blocks (a round has a few hundred at most).
KEEP = 256


@dataclass(frozen=True)
class Interval:
    """The interviewer sounds from `start` to `end` (audio-clock seconds); `end` is the expected
    end while the audio plays and the real one once it stopped."""

    start: float
    end: float

    def overlaps(self, start: float, end: float, tail: float = 0.0) -> bool:
        """Whether [start, end] meets this interval widened by `tail` after its end."""
        return start <= self.end + tail and end >= self.start


class Speaking:
    """Thread-safe record of when the interviewer speaks.

    The player calls `begin(start, end)` when it hands audio to the device and `finish(token,
    end)` once the audio ends or is stopped; everyone else asks `is_speaking()`,
    `interval()` or `overlaps()`.
    """

    def __init__(self, clock: Callable[[], float] = time.monotonic,
                 tail: float = DEFAULT_TAIL_S) -> None:
        self.clock = clock
        self.tail = tail
        self._lock = threading.Lock()
        self._intervals: deque[tuple[int, Interval]] = deque(maxlen=KEEP)
        self._next_token = 0

    def begin(self, start: float, end: float) -> int:
        """Record that audio sounds from `start` until about `end`; returns a token for
        `finish`. An interval that starts where the last one ends (within `tail`) joins it."""
        with self._lock:
            self._next_token += 1
            token = self._next_token
            if self._intervals:
                last_token, last = self._intervals[-1]
                if start <= last.end + self.tail and start >= last.start:
                    self._intervals[-1] = (token, Interval(last.start, max(last.end, end)))
                    return token
            self._intervals.append((token, Interval(start, max(start, end))))
            return token

    def finish(self, token: int, end: float) -> None:
        """The audio recorded under `token` ended (or was cut) at `end`: the interval ends
        there. A token already replaced by a later joined interval is ignored."""
        with self._lock:
            for position, (held, interval) in enumerate(self._intervals):
                if held == token:
                    self._intervals[position] = (held, Interval(interval.start,
                                                                max(interval.start, end)))
                    return

    def interval(self, at: float | None = None) -> Interval | None:
        """The interval the interviewer speaks in at `at` (default: now), tail included."""
        moment = self.clock() if at is None else at
        with self._lock:
            for _, interval in reversed(self._intervals):
                if interval.overlaps(moment, moment, self.tail):
                    return interval
        return None

    def is_speaking(self, at: float | None = None) -> bool:
        """Whether the interviewer is heard at `at` (default: now), tail included."""
        return self.interval(at) is not None

    def overlaps(self, start: float, end: float) -> bool:
        """Whether any of the interviewer's audio (tail included) falls in [start, end]: a
        captured block spanning that time heard the interviewer."""
        with self._lock:
            return any(interval.overlaps(start, end, self.tail)
                       for _, interval in self._intervals)

    def intervals(self) -> list[Interval]:
        """The intervals kept, oldest first (without the tail)."""
        with self._lock:
            return [interval for _, interval in self._intervals]


#: Set in a muted block's `meta`: the interviewer was heard while it was captured.
VOICE_GATED = "voice_gated"


def heard_during(block: AudioBlock, gate: Speaking) -> bool:
    """Whether the interviewer was heard while `block` was captured (its span is the `arrival`
    stamp less its duration)."""
    duration = len(block.data) / block.rate
    return gate.overlaps(block.arrival - duration, block.arrival)


def mute_heard_voice(block: AudioBlock, gate: Speaking) -> AudioBlock:
    """`block` as captured, or, when the interviewer was heard while it was captured, the same
    length of silence marked with `meta[VOICE_GATED]`: the engine then hears nothing of the
    interviewer and audio times stay aligned."""
    if not heard_during(block, gate):
        return block
    return replace(block, data=np.zeros_like(block.data), meta={**block.meta, VOICE_GATED: True})
