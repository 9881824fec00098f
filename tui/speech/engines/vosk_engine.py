"""Vosk (Kaldi) engine: streaming partials and finals with per-word times from a model directory.

Rules from the Vosk docs and its users' bug reports: `SetLogLevel(-1)` before anything (Kaldi
writes to fd 2 and garbles a terminal UI), `Model(path)` only (`Model(lang=...)` downloads and
calls `sys.exit` on failure), skip repeated identical partials, always `FinalResult()` at the
end so the last words are never lost, one recogniser per thread. For long sessions the
recogniser (not the model) is rebuilt at an utterance boundary every `recreate_every_s` seconds
of audio so its memory stays flat; times keep counting from the stream start.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from typing import Any

import numpy as np

from tui.speech.engines.results import SampleClock, make_result
from tui.speech.errors import ModelError
from tui.speech.types import ENGINE_RATE, Recognition, Word

INSTALL_HINT = "pip install vosk"


def available() -> str | None:
    """None when vosk imports, else what to install."""
    if importlib.util.find_spec("vosk") is None:
        return INSTALL_HINT
    return None


def _import_vosk() -> Any:
    try:
        import vosk
    except ImportError as error:
        raise ModelError(f"the vosk engine is not installed: {INSTALL_HINT}") from error
    vosk.SetLogLevel(-1)
    return vosk


def check_model_dir(path: Path) -> None:
    """Raise ModelError unless `path` looks like an unpacked Vosk model directory."""
    fetch = "get one with 'boardless models fetch NAME' or pass --model PATH"
    if not path.exists():
        raise ModelError(f"Vosk model not found at {path}: {fetch}")
    if not path.is_dir():
        raise ModelError(f"Vosk model must be an unpacked directory, not a file: {path}")
    if not (path / "am").is_dir() and not (path / "final.mdl").exists():
        raise ModelError(f"{path} is not a Vosk model directory (no 'am' folder): {fetch}")


class VoskEngine:
    """Streaming recogniser over one Vosk model directory (loaded in the constructor)."""

    name = "vosk"

    def __init__(self, model_path: Path | str, recreate_every_s: float | None = 600.0) -> None:
        self.model_path = Path(model_path).expanduser()
        check_model_dir(self.model_path)
        self._vosk = _import_vosk()
        try:
            self._model: Any = self._vosk.Model(str(self.model_path))
        except Exception as error:  # vosk raises a bare Exception("Failed to create a model")
            raise ModelError(
                f"Vosk model at {self.model_path} failed to load (damaged or incomplete?): "
                "delete it and fetch it again"
            ) from error
        self.recreate_every_s = recreate_every_s
        self._clock = SampleClock()
        self._offset = 0.0  # stream seconds before the current recogniser was built
        self._recognizer: Any = None
        self._last_partial = ""
        self._utt_start = 0.0
        self.recreated = 0
        self._new_recognizer()

    def accept(self, pcm: np.ndarray) -> list[Recognition]:
        """Feed int16 mono 16 kHz samples; returns a final at an endpoint, else a new partial."""
        data = np.asarray(pcm, dtype=np.int16)
        self._clock.advance(len(data))
        if self._recognizer.AcceptWaveform(data.tobytes()):
            results = self._final(self._recognizer.Result())
            self._maybe_recreate()
            return results
        return self._partial(self._recognizer.PartialResult())

    def flush(self) -> list[Recognition]:
        """End of stream: `FinalResult()` for everything pending, then a fresh recogniser."""
        results = self._final(self._recognizer.FinalResult())
        self._new_recognizer()
        return results

    def recreate(self) -> None:
        """Rebuild the recogniser (not the model) at an utterance boundary; times go on."""
        self._new_recognizer()
        self.recreated += 1

    def close(self) -> None:
        """Release the recogniser and the model."""
        self._recognizer = None
        self._model = None

    # -- internals -----------------------------------------------------------------------------

    def _new_recognizer(self) -> None:
        self._offset = self._clock.seconds
        self._recognizer = self._vosk.KaldiRecognizer(self._model, ENGINE_RATE)
        self._recognizer.SetWords(True)
        self._recognizer.SetPartialWords(True)
        self._last_partial = ""
        self._utt_start = self._offset

    def _maybe_recreate(self) -> None:
        limit = self.recreate_every_s
        if limit is not None and self._clock.seconds - self._offset >= limit:
            self._new_recognizer()
            self.recreated += 1

    def _words(self, items: list[dict[str, Any]]) -> list[Word]:
        return [
            Word(
                str(item["word"]),
                round(self._offset + float(item["start"]), 3),
                round(self._offset + float(item["end"]), 3),
                round(float(item["conf"]), 3) if "conf" in item else None,
            )
            for item in items
        ]

    def _partial(self, payload: str) -> list[Recognition]:
        data = json.loads(payload)
        text = str(data.get("partial", "")).strip()
        if not text or text == self._last_partial:
            return []
        self._last_partial = text
        words = self._words(data.get("partial_result", []))
        start = words[0].start if words else self._utt_start
        return [make_result(self.name, text, False, start, self._clock.seconds, words)]

    def _final(self, payload: str) -> list[Recognition]:
        data = json.loads(payload)
        text = str(data.get("text", "")).strip()
        words = self._words(data.get("result", []))
        end = self._clock.seconds
        start = words[0].start if words else self._utt_start
        self._last_partial = ""
        self._utt_start = end
        if not text:
            return []
        last = words[-1].end if words else end
        return [make_result(self.name, text, True, start, last, words)]
