"""The small vocabulary shared by audio sources, engines and the caption pipeline."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

import numpy as np

#: Every engine is fed 16 kHz mono signed 16-bit PCM.
ENGINE_RATE = 16_000


@dataclass(frozen=True)
class Word:
    """One recognised word with its audio-time span in seconds from the stream start."""

    text: str
    start: float
    end: float
    conf: float | None = None


@dataclass(frozen=True)
class Recognition:
    """A partial or final result. Times are audio seconds from the start of the stream.

    `delay` is the wall-clock seconds from the arrival of the newest audio this result covers
    to the moment the result was produced (measured by the pipeline).
    """

    text: str
    final: bool
    start: float
    end: float
    words: tuple[Word, ...] = ()
    delay: float = 0.0
    engine: str = ""


@dataclass
class AudioBlock:
    """A block of captured audio at the source's native rate and channel count.

    `data` is float32 or int16 with shape (frames, channels). `arrival` is the monotonic time
    the block was handed over by the device (or file reader).
    """

    data: np.ndarray
    rate: int
    arrival: float
    channels: int = 1
    meta: dict[str, object] = field(default_factory=dict)


class Engine(Protocol):
    """A recogniser fed 16 kHz mono int16 PCM in order. One instance per thread."""

    name: str

    def accept(self, pcm: np.ndarray) -> list[Recognition]:
        """Feed samples (int16, mono, 16 kHz); return any partial/final results ready now."""

    def flush(self) -> list[Recognition]:
        """End of stream: return the final result for everything not yet finalised."""

    def close(self) -> None:
        """Release the model and recogniser."""
