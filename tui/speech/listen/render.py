"""The recording read block by block from any sample, at a speed, as the int16 mono samples an
output device takes.

Speed is a **time-stretch** (`stretch.Wsola`): 0.5x to 4x at the voice's own pitch. A device
that does not take the recording's rate gets it converted with soxr after the stretch. At 1x on
a device that takes the recording's own rate nothing is converted at all: the device gets
exactly the recorded samples.

Read from one thread only (the player's).
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
import soxr  # type: ignore[import-untyped]

from tui.speech.errors import one_line
from tui.speech.listen.errors import RecordingUnreadable
from tui.speech.listen.stretch import Wsola
from tui.speech.resample import float_to_int16, to_mono_float

#: The speeds a recording can be played at.
MIN_SPEED, MAX_SPEED = 0.5, 4.0


def check_speed(speed: float) -> float:
    """`speed` if it can be played at, else ValueError."""
    if not MIN_SPEED <= speed <= MAX_SPEED:
        raise ValueError(f"listening speed must be {MIN_SPEED:g} to {MAX_SPEED:g}, not {speed:g}")
    return float(speed)


class Renderer:
    """The WAV file at `path` played from a sample at a speed, as int16 blocks at `out_rate`
    (the file's own rate unless given; set it before `start`).

    Opening reads only the header; an unreadable or empty file is `RecordingUnreadable`."""

    def __init__(self, path: Path, out_rate: int | None = None) -> None:
        import soundfile as sf  # type: ignore[import-untyped]

        try:
            self._file: Any = sf.SoundFile(str(path))
        except (OSError, RuntimeError) as error:
            raise RecordingUnreadable(
                f"cannot play the recording {path.name}: {one_line(error)}") from error
        self.path = path
        self.rate = int(self._file.samplerate)
        self.frames = int(self._file.frames)
        self.out_rate = out_rate or self.rate
        if self.frames <= 0:
            self._file.close()
            raise RecordingUnreadable(f"the recording {path.name} holds no audio")
        self.origin = 0
        self.speed = 1.0
        self._resampler: soxr.ResampleStream | None = None
        self._stretch: Wsola | None = None
        self._flushed = False

    @property
    def duration(self) -> float:
        """Seconds of recording."""
        return self.frames / self.rate

    @property
    def ratio(self) -> float:
        """Recording samples consumed per device frame."""
        return self.speed * self.rate / self.out_rate

    def start(self, sample: int, speed: float) -> None:
        """Play from recording sample `sample` (clamped to the file) at `speed` from now on."""
        self.origin = max(0, min(self.frames, int(sample)))
        self.speed = check_speed(speed)
        self._file.seek(self.origin)
        self._flushed = False
        self._stretch = (None if self.speed == 1.0 else
                         Wsola(self._read, self.rate, self.origin, self.speed, self.frames))
        self._resampler = (None if self.rate == self.out_rate else soxr.ResampleStream(
            self.rate, self.out_rate, 1, dtype="float32", quality="HQ"))

    def source_at(self, out_frames: int) -> float:
        """The recording sample reached after `out_frames` device frames of this run."""
        return min(float(self.frames), self.origin + out_frames * self.ratio)

    def next_block(self, frames: int) -> np.ndarray | None:
        """About `frames` device frames of audio (int16 mono), or None at the end of the file.
        A converted block may be shorter or longer, or empty while a filter fills."""
        if self._stretch is None and self._resampler is None:
            data = self._file.read(frames, dtype="int16", always_2d=True)
            if not len(data):
                return None
            return np.ascontiguousarray(data[:, 0] if data.shape[1] == 1
                                        else float_to_int16(to_mono_float(data)))
        if self._flushed:
            return None
        wanted = max(1, math.ceil(frames * self.rate / self.out_rate))
        samples = self._stretched(wanted) if self._stretch is not None else self._next(wanted)
        last = len(samples) == 0
        self._flushed = last
        if self._resampler is not None:
            samples = self._resampler.resample_chunk(samples, last=last)
        elif last:
            return None
        return float_to_int16(np.asarray(samples, dtype=np.float32))

    def _stretched(self, wanted: int) -> np.ndarray:
        assert self._stretch is not None
        hops: list[np.ndarray] = []
        while sum(map(len, hops)) < wanted:
            hop = self._stretch.next_hop()
            if hop is None:
                break
            hops.append(hop)
        return np.concatenate(hops) if hops else np.zeros(0, dtype=np.float32)

    def _next(self, count: int) -> np.ndarray:
        """The next `count` samples of the file as float32 mono."""
        return to_mono_float(self._file.read(count, dtype="float32", always_2d=True))

    def _read(self, start: int, count: int) -> np.ndarray:
        """`count` samples from `start` as float32 mono (the stretch reads where it likes)."""
        self._file.seek(max(0, start))
        return self._next(count)

    def close(self) -> None:
        """Close the file. Safe to call twice."""
        self._file.close()
