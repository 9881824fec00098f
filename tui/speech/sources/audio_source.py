"""What a source is to the caption pipeline: the `AudioSource` protocol, the bounded queue it
fills, and the level of a block."""

from __future__ import annotations

import queue
from typing import Protocol

import numpy as np

from tui.speech.types import AudioBlock

AudioQueue = queue.Queue[AudioBlock | None]


class AudioSource(Protocol):
    """What the caption pipeline needs from a microphone or a file."""

    name: str
    """Human-readable origin, e.g. the device name or the file name."""

    def start(self, out: AudioQueue) -> None:
        """Begin delivering blocks to `out`; a final `None` marks the end of the stream."""

    def stop(self) -> None:
        """Stop delivering; safe to call twice and from any thread. Returns once no more
        blocks will be put (any thread it started has finished)."""

    @property
    def level(self) -> float:
        """RMS (0..1) of the latest ~100 ms of audio."""

    @property
    def dropped(self) -> int:
        """Blocks dropped because the queue was full."""

    @property
    def overflows(self) -> int:
        """Input overflows reported by the device (always 0 for files)."""


def is_realtime(source: object) -> bool:
    """True unless the source declares `realtime = False` (it applies back-pressure instead)."""
    return bool(getattr(source, "realtime", True))


def rms(data: np.ndarray) -> float:
    """Root-mean-square level in 0..1 of an int16, uint8 or float block (all channels)."""
    if data.size == 0:
        return 0.0
    if data.dtype == np.int16:
        samples = data.astype(np.float32) / 32768.0
    elif data.dtype == np.uint8:
        samples = (data.astype(np.float32) - 128.0) / 128.0
    elif data.dtype == np.int32:
        samples = data.astype(np.float32) / 2147483648.0
    else:
        samples = data.astype(np.float32, copy=False)
    return float(min(1.0, np.sqrt(np.mean(np.square(samples, dtype=np.float32)))))
