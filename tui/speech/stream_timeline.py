"""Where the engine's time is in the stream: the caption pipeline leaves audio out (skipped while
recognition is behind, or paused) and rebuilds engines, so engine seconds are mapped back to
stream seconds, and a result to the arrival time of the audio it ends on (its delay)."""

from __future__ import annotations

import bisect
import collections

from tui.speech.types import ENGINE_RATE


class StreamTimeline:
    """Maps engine time (samples fed) to stream time, and results to block arrival times."""

    def __init__(self) -> None:
        self.fed = 0  # samples fed to the engine
        self.stream = 0  # samples of the stream (fed + skipped + paused)
        self._gap_at: list[int] = []  # engine sample positions where audio was left out
        self._gap_offset: list[int] = []  # stream - engine samples after each gap
        self._arrivals: collections.deque[tuple[int, float]] = collections.deque(maxlen=8192)
        self.base = 0  # samples fed to engines before the current one was built

    def rebase(self) -> None:
        """A new engine starts counting from 0 here."""
        self.base = self.fed

    def feed(self, samples: int, arrival: float) -> None:
        """`samples` were fed to the engine; their block arrived at `arrival`."""
        self.fed += samples
        self.stream += samples
        self._arrivals.append((self.fed, arrival))

    def skip(self, samples: int) -> None:
        """`samples` of the stream were left out (skipped while behind, or paused)."""
        if self._gap_at and self._gap_at[-1] == self.fed:
            self._gap_offset[-1] += samples
        else:
            self._gap_at.append(self.fed)
            self._gap_offset.append(self.stream - self.fed + samples)
        self.stream += samples

    def to_stream(self, seconds: float) -> float:
        """Stream seconds of the current engine's time `seconds`."""
        position = self.base + round(seconds * ENGINE_RATE)
        index = bisect.bisect_left(self._gap_at, position) - 1
        offset = self._gap_offset[index] if index >= 0 else 0
        return round((position + offset) / ENGINE_RATE, 3)

    def arrival_of(self, seconds: float) -> float | None:
        """Arrival time of the block holding engine time `seconds` (the newest if beyond)."""
        target = self.base + round(seconds * ENGINE_RATE)
        found: float | None = None
        for end, arrival in reversed(self._arrivals):  # results are near the newest audio
            if end < target:
                break
            found = arrival
        if found is None and self._arrivals:
            found = self._arrivals[-1][1]
        return found
