"""Text to the interviewer's voice: float32 samples at 24 kHz (the voice's own rate) or 16 kHz
(the engines' rate, converted with soxr), sentence by sentence so the first audio is ready
after one sentence, and deterministic: the same text and seed give the same samples.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import soxr

from tui.speech.resample import float_to_int16
from tui.speech.types import ENGINE_RATE
from tui.speech.voice.model import VOICE_RATE, VoiceModel, shared_model

#: The noise component's seed when none is given: the same text always sounds the same.
DEFAULT_SEED = 0
#: The interviewer's pace (hibari-tts: 1.0 is its own pace, 0.5 slow, 2.0 fast). A little slower
#: than the voice's own reads like an interviewer putting a question, and is heard more exactly:
#: Whisper tiny.en hears every word of the sentences in tests/speech/test_voice.py at 0.9, and
#: at 1.0 mishears "when" as "on" in the cache stampede question.
DEFAULT_SPEED = 0.9
#: Rates the voice can be had at: its own, and the speech engines'.
RATES = (ENGINE_RATE, VOICE_RATE)


@dataclass(frozen=True)
class Speech:
    """Mono float32 samples in [-1, 1] at `rate`, and the sentence they say (or the whole
    text, for a whole synthesis)."""

    samples: np.ndarray
    rate: int
    text: str = ""

    @property
    def duration(self) -> float:
        """Seconds of audio."""
        return len(self.samples) / self.rate

    def int16(self) -> np.ndarray:
        """The samples as signed 16-bit PCM (clipped, scaled by 32768)."""
        return float_to_int16(self.samples)


def convert_rate(samples: np.ndarray, rate: int, to_rate: int) -> np.ndarray:
    """float32 mono samples from `rate` to `to_rate` (soxr, high quality); unchanged when equal."""
    samples = samples.astype(np.float32, copy=False)
    if rate == to_rate or not len(samples):
        return samples
    converted: np.ndarray = soxr.resample(samples, rate, to_rate, quality="HQ")
    return converted.astype(np.float32, copy=False)


def check_rate(rate: int) -> int:
    """`rate` if the voice can be had at it, else ValueError."""
    if rate not in RATES:
        raise ValueError(f"rate must be one of {', '.join(map(str, RATES))}, not {rate}")
    return rate


def stream_speech(text: str, seed: int = DEFAULT_SEED, rate: int = VOICE_RATE,
                  model: VoiceModel | None = None,
                  speed: float = DEFAULT_SPEED) -> Iterator[Speech]:
    """One `Speech` per sentence of `text`, each yielded as soon as it is synthesised.

    The model is the process's shared one unless `model` is given (loading it may raise
    VoiceLoadError). One random generator seeded with `seed` runs through all sentences, so
    the whole stream is reproducible. Sentences with nothing to say are skipped.
    """
    check_rate(rate)
    voice = model or shared_model()
    rng = np.random.default_rng(seed)
    for sentence in voice.sentences(text):
        samples = voice.sentence_audio(sentence, rng, speed)
        if len(samples):
            yield Speech(convert_rate(samples, voice.rate, rate), rate, sentence)


def synthesize(text: str, seed: int = DEFAULT_SEED, rate: int = VOICE_RATE,
               model: VoiceModel | None = None, speed: float = DEFAULT_SPEED) -> Speech:
    """All of `text` as one `Speech` (empty samples when there is nothing to say)."""
    parts = list(stream_speech(text, seed, rate, model, speed))
    samples = (np.concatenate([part.samples for part in parts]) if parts
               else np.zeros(0, dtype=np.float32))
    return Speech(samples, rate, text)
