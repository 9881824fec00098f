"""Downmix to mono and convert any sample rate to the engines' 16 kHz signed 16-bit PCM (soxr)."""

from __future__ import annotations

import numpy as np
import soxr

from tui.speech.types import ENGINE_RATE


def to_mono_float(data: np.ndarray) -> np.ndarray:
    """Return float32 mono samples in [-1, 1] from int16/float (frames,) or (frames, channels)."""
    if data.dtype == np.int16:
        samples = data.astype(np.float32) / 32768.0
    elif data.dtype == np.uint8:  # 8-bit PCM is unsigned, centred on 128
        samples = (data.astype(np.float32) - 128.0) / 128.0
    elif data.dtype == np.int32:
        samples = data.astype(np.float32) / 2147483648.0
    else:
        samples = data.astype(np.float32, copy=False)
    if samples.ndim == 2:
        samples = samples.mean(axis=1, dtype=np.float32) if samples.shape[1] > 1 else samples[:, 0]
    return samples


def float_to_int16(samples: np.ndarray) -> np.ndarray:
    """Clip float samples to [-1, 1] and scale to int16."""
    return (np.clip(samples, -1.0, 32767 / 32768) * 32768.0).astype(np.int16)


def is_engine_format(data: np.ndarray, rate: int) -> bool:
    """True when `data` is already 16 kHz mono int16 and can pass through untouched."""
    mono = data.ndim == 1 or (data.ndim == 2 and data.shape[1] == 1)
    return rate == ENGINE_RATE and data.dtype == np.int16 and mono


def resample(data: np.ndarray, rate: int) -> np.ndarray:
    """Convert a whole signal (any dtype, rate, channels) to 16 kHz mono int16 in one call."""
    if is_engine_format(data, rate):
        return data.reshape(-1)
    samples = to_mono_float(data)
    if rate != ENGINE_RATE:
        samples = soxr.resample(samples, rate, ENGINE_RATE, quality="HQ")
    return float_to_int16(samples)


class Resampler:
    """Streaming converter for one live source: feed blocks in order, then `finish()`.

    soxr keeps filter state between blocks so block edges do not click; output length tracks
    the input duration to within a few samples (the filter delay is returned by `finish`).
    """

    def __init__(self, in_rate: int, channels: int) -> None:
        self.in_rate = in_rate
        self.channels = channels
        self._stream = (
            None
            if in_rate == ENGINE_RATE
            else soxr.ResampleStream(in_rate, ENGINE_RATE, 1, dtype="float32", quality="HQ")
        )

    def matches(self, rate: int, channels: int) -> bool:
        """True when this resampler was built for blocks of that rate and channel count."""
        return rate == self.in_rate and channels == self.channels

    def process(self, data: np.ndarray) -> np.ndarray:
        """Convert one block; returns 16 kHz mono int16 (possibly empty)."""
        if self._stream is None:
            if data.dtype == np.int16 and (data.ndim == 1 or data.shape[1] == 1):
                return data.reshape(-1)
            return float_to_int16(to_mono_float(data))
        out = self._stream.resample_chunk(to_mono_float(data), last=False)
        return float_to_int16(out)

    def finish(self) -> np.ndarray:
        """Flush the filter tail at the end of the stream."""
        if self._stream is None:
            return np.zeros(0, dtype=np.int16)
        out = self._stream.resample_chunk(np.zeros(0, dtype=np.float32), last=True)
        return float_to_int16(out)
