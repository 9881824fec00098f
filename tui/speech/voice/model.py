"""The voice model: hibari-tts's bundled English voice, loaded once per process on first use.

hibari-tts ships one voice, "heart", inside its wheel; every other voice would be downloaded
from the network on first use, so boardless never names another and passes the bundled model's
path itself (no code path here can start a download). Nothing here imports hibari or
onnxruntime until a model is loaded.
"""

from __future__ import annotations

import importlib
import threading
from pathlib import Path
from types import ModuleType
from typing import Protocol

import numpy as np

from tui.speech.voice.errors import VoiceLoadError

#: The only voice boardless uses: the one inside the hibari-tts wheel.
VOICE_NAME = "heart"
#: hibari-tts synthesises 24 kHz mono float32.
VOICE_RATE = 24_000
INSTALL_HINT = "pip install hibari-tts"

#: onnxruntime's own load errors (its pybind classes derive from Exception only).
_ORT_ERROR_NAMES = ("Fail", "InvalidArgument", "NoSuchFile", "NoModel", "EngineError",
                    "RuntimeException", "InvalidProtobuf", "ModelLoaded", "NotImplemented",
                    "InvalidGraph", "EPFail")


class Synthesizer(Protocol):
    """What boardless uses of `hibari.Hibari` (the package has no type hints)."""

    def split_sentences(self, text: str) -> list[str]:
        """Sentences (paragraph breaks and end punctuation)."""

    def phonemize(self, text: str) -> list[str]:
        """Phoneme strings, one per sentence (long ones cut at clause punctuation)."""

    def ids(self, phonemes: str) -> list[int]:
        """The model's input ids for a phoneme string."""

    def from_ids(self, ids: list[int], speed: float = 1.0,
                 rng: np.random.Generator | None = None) -> np.ndarray:
        """float32 samples at 24 kHz for one id sequence; `rng` draws the noise component."""


class VoiceModel:
    """A loaded voice: splits text into sentences and turns one sentence into samples.

    Calls are serialised by a lock, so threads may share one model.
    """

    rate = VOICE_RATE

    def __init__(self, synthesizer: Synthesizer, path: Path) -> None:
        self._synthesizer = synthesizer
        self.path = path
        self._lock = threading.Lock()

    def sentences(self, text: str) -> list[str]:
        """`text` cut into sentences (paragraph breaks and end punctuation), none empty."""
        found = self._synthesizer.split_sentences(text)
        return [sentence.strip() for sentence in found if sentence.strip()]

    def sentence_audio(self, sentence: str, rng: np.random.Generator,
                       speed: float = 1.0) -> np.ndarray:
        """float32 samples at `rate` for one sentence (empty when it has nothing to say)."""
        with self._lock:
            parts = [self._synthesizer.from_ids(self._synthesizer.ids(phonemes), speed, rng)
                     for phonemes in self._synthesizer.phonemize(sentence)]
        if not parts:
            return np.zeros(0, dtype=np.float32)
        return np.concatenate(parts).astype(np.float32, copy=False)


def _hibari() -> ModuleType:
    try:
        return importlib.import_module("hibari")
    except ImportError as error:
        raise VoiceLoadError(
            f"the interviewer's voice needs hibari-tts: {INSTALL_HINT} ({error})"
        ) from error


def bundled_model_path() -> Path:
    """The ONNX file of the voice inside the hibari-tts package (never downloaded)."""
    _hibari()
    voices = importlib.import_module("hibari.voices")
    entry = voices.VOICES.get(VOICE_NAME, {})
    if not entry.get("bundled"):
        raise VoiceLoadError(
            f"this hibari-tts does not ship the {VOICE_NAME!r} voice in its package: "
            f"{INSTALL_HINT}"
        )
    return Path(voices.voice_path(VOICE_NAME, download_missing=False))


def load_errors() -> tuple[type[BaseException], ...]:
    """The exceptions a model load may raise that mean "this voice cannot load"."""
    errors: list[type[BaseException]] = [ImportError, OSError, RuntimeError, ValueError,
                                         KeyError, EOFError]
    try:
        state = importlib.import_module("onnxruntime.capi.onnxruntime_pybind11_state")
    except ImportError:
        return tuple(errors)
    for name in _ORT_ERROR_NAMES:
        error = getattr(state, name, None)
        if isinstance(error, type) and issubclass(error, BaseException):
            errors.append(error)
    return tuple(errors)


def load_model(path: Path | None = None, threads: int = 1) -> VoiceModel:
    """Load the voice from `path` (default: the bundled model) with `threads` onnxruntime
    threads, and its pronunciation dictionaries, so the first sentence is not slowed by them.

    Raises VoiceLoadError (one line) when hibari-tts or onnxruntime is missing or the model
    file is missing or broken.
    """
    hibari = _hibari()
    model_path = path or bundled_model_path()
    if not model_path.is_file():
        raise VoiceLoadError(
            f"the voice model {model_path} is missing: reinstall hibari-tts ({INSTALL_HINT})"
        )
    try:
        synthesizer: Synthesizer = hibari.Hibari(voice=VOICE_NAME, model=str(model_path),
                                                 threads=threads)
        synthesizer.phonemize("Ready.")  # loads the lexicons and the tagger now
    except load_errors() as error:
        raise VoiceLoadError(
            f"the interviewer's voice cannot load from {model_path}: {error}"
        ) from error
    return VoiceModel(synthesizer, model_path)


_shared: VoiceModel | None = None
_shared_lock = threading.Lock()


def shared_model() -> VoiceModel:
    """The process's voice model, loaded on the first call (about a second) and kept."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = load_model()
        return _shared
