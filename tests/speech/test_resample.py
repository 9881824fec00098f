"""Resampling to 16 kHz mono int16: one-shot and streaming agree, pitch and length survive."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tui.speech.resample import Resampler, resample, to_mono_float
from tui.speech.sources.audio_source import rms
from tui.speech.types import ENGINE_RATE


def tone(rate: int, seconds: float, freq: float = 440.0, channels: int = 1) -> np.ndarray:
    t = np.arange(int(rate * seconds)) / rate
    mono = (0.5 * np.sin(2 * np.pi * freq * t)).astype(np.float32)
    return np.stack([mono] * channels, axis=1) if channels > 1 else mono


def peak_hz(pcm: np.ndarray) -> float:
    spectrum = np.abs(np.fft.rfft(pcm.astype(np.float32)))
    return float(np.argmax(spectrum) * ENGINE_RATE / len(pcm))


@pytest.mark.parametrize("rate", [8_000, 11_025, 22_050, 44_100, 48_000, 96_000])
def test_any_rate_becomes_16k_with_the_same_pitch_and_length(rate: int) -> None:
    out = resample(tone(rate, 1.0, channels=2), rate)
    assert out.dtype == np.int16 and out.ndim == 1
    assert len(out) == pytest.approx(ENGINE_RATE, abs=2)
    assert peak_hz(out) == pytest.approx(440, abs=2)


def test_engine_format_passes_through_untouched() -> None:
    pcm = (np.arange(1000) % 300).astype(np.int16)
    same = resample(pcm, ENGINE_RATE)
    assert same is not None and np.array_equal(same, pcm)
    assert np.array_equal(Resampler(ENGINE_RATE, 1).process(pcm[:, None]), pcm)


def test_downmix_averages_channels_and_8bit_is_centred() -> None:
    stereo = np.array([[0.5, -0.5], [1.0, 0.0]], dtype=np.float32)
    assert np.allclose(to_mono_float(stereo), [0.0, 0.5])
    assert np.allclose(to_mono_float(np.array([128, 255, 0], dtype=np.uint8)), [0, 127 / 128, -1])
    assert rms(np.full(100, 128, dtype=np.uint8)) == 0.0
    assert rms(np.full((10, 2), 0.5, dtype=np.float32)) == pytest.approx(0.5)


@settings(max_examples=25, deadline=None)
@given(
    rate=st.sampled_from([22_050, 44_100, 48_000]),
    cuts=st.lists(st.integers(min_value=1, max_value=5000), min_size=1, max_size=12),
)
def test_streaming_matches_one_shot_for_any_block_split(rate: int, cuts: list[int]) -> None:
    signal = tone(rate, 0.5, freq=300.0, channels=2)
    stream = Resampler(rate, 2)
    pieces, start = [], 0
    for size in cuts:
        pieces.append(stream.process(signal[start:start + size]))
        start += size
    pieces.append(stream.process(signal[start:]))
    pieces.append(stream.finish())
    joined = np.concatenate(pieces)
    whole = resample(signal, rate)
    assert abs(len(joined) - len(whole)) <= 1
    n = min(len(joined), len(whole))
    assert np.abs(joined[:n].astype(int) - whole[:n].astype(int)).max() <= 40  # filter edges
