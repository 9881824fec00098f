"""Fetching Vosk models into the cache (`boardless models fetch`): a catalogue pinned by size
and SHA-256, a bounded download that gives up on a stalled server, and a safe unpack."""

from __future__ import annotations

import hashlib
import http.client
import os
import re
import shutil
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tui.core.session import leftovers
from tui.speech.errors import ModelError
from tui.speech.models import model_root, tilde, vosk_cache_dir, vosk_model_problem
from tui.speech.unpack import UnpackLimits, safe_extract

OFFICIAL_BASE_URL = "https://alphacephei.com/vosk/models/"
CHUNK = 1 << 16
_HEX64 = re.compile(r"^[0-9a-fA-F]{64}$")


@dataclass(frozen=True)
class FetchLimits:
    """What a download may cost before it is abandoned."""

    read_timeout: float = 30.0
    """Seconds one read may wait for data."""
    stall_window: float = 30.0
    """Seconds over which at least `stall_min_bytes` must arrive."""
    stall_min_bytes: int = 16 << 10
    """Bytes the server must send per `stall_window` (a byte every 5 s is a stall)."""
    max_download: int = 4 << 30
    """Largest archive accepted from a --url that is not a catalogue entry (no pinned size)."""
    leftover_age: float = leftovers.MIN_AGE
    """Seconds after which an unlocked `.part` or `.unpack` is an interrupted fetch's."""
    unpack: UnpackLimits = field(default_factory=UnpackLimits)


LIMITS = FetchLimits()


@dataclass(frozen=True)
class CatalogueEntry:
    """An official Vosk model archive; `sha256` and `size` pin the exact file."""

    name: str
    language: str
    approx: str
    """Approximate download size for the listing, e.g. "40M"."""
    note: str
    size: int
    """Exact archive size in bytes."""
    sha256: str
    """SHA-256 of the archive. Every entry is pinned: a model whose digest is not known is not
    listed, and is fetched with --url URL --sha256 HEX."""


# Alpha Cephei publishes no SHA-256 for its archives. These are the digests that independent
# mirrors and packagers of the same files agree on (e.g. the git-lfs object ids in
# huggingface.co/rhasspy/vosk-models, and Arch's vosk-model PKGBUILDs), with the sizes the
# server sends. Every entry is pinned: a model whose digest could not be confirmed (such as
# vosk-model-en-us-0.22 or vosk-model-small-en-in-0.4) is not listed, and is fetched with
# --url URL --sha256 HEX after checking the archive yourself.
CATALOGUE: tuple[CatalogueEntry, ...] = (
    CatalogueEntry(
        "vosk-model-small-en-us-0.15",
        "en",
        "40M",
        "small US English; runs on any laptop (recommended)",
        size=41_205_931,
        sha256="30f26242c4eb449f948e42cb302dd7a686cb29a3423a8367f99ff41780942498",
    ),
    CatalogueEntry(
        "vosk-model-en-us-0.22-lgraph",
        "en",
        "128M",
        "US English, bigger and more accurate; still streams on 2 cores",
        size=130_557_655,
        sha256="d9838b4aaa82a75c4a17f5aca300eaca129aaab2a7cbf951bafbb500eb9c4334",
    ),
)


class OfflineError(ModelError):
    """The model server cannot be reached; `manual_steps` says how to install by hand."""

    def __init__(self, message: str, manual_steps: list[str]) -> None:
        super().__init__(message)
        self.manual_steps = manual_steps


class ChecksumNeeded(ModelError):
    """Nothing to verify the archive against: --sha256 is missing or malformed (exit code 2)."""

    exit_code = 2


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


def manual_steps(name: str, url: str, dest_dir: Path, sha256: str | None = None) -> list[str]:
    """What to do by hand when boardless cannot download a model."""
    steps = [f"1. on a machine with internet access, download {url}"]
    if sha256:
        steps.append(f"2. check that `sha256sum {name}.zip` prints {sha256}")
    n = len(steps) + 1
    return steps + [
        f"{n}. unzip it so that {tilde(dest_dir / name)}/am/final.mdl exists",
        f"{n + 1}. or unzip it anywhere and pass --model PATH (or set vosk_model in settings.toml)",
    ]


def expected_sha256(
    name: str, entry: CatalogueEntry | None, url: str | None, given: str | None
) -> str:
    """The SHA-256 the archive must have: --sha256, else the catalogue's pin.

    A ChecksumNeeded error when there is none (--url, or a name not in the catalogue, without
    --sha256), when --sha256 is not 64 hex digits, or when it contradicts the catalogue.
    """
    if given is not None:
        if not _HEX64.match(given):
            raise ChecksumNeeded(f"--sha256 must be 64 hexadecimal digits, got {given[:80]!r}")
        if entry and given.lower() != entry.sha256:
            raise ChecksumNeeded(
                f"--sha256 differs from the SHA-256 boardless pins for {name} ({entry.sha256})"
            )
        return given.lower()
    if url is not None or entry is None:
        raise ChecksumNeeded(
            f"--url needs --sha256 HEX (the archive's SHA-256) so that {name} can be verified"
        )
    return entry.sha256


def is_leftover(name: str) -> bool:
    """True for the names of an interrupted fetch's archive or staging folder."""
    return name.startswith(".") and name.endswith((".zip.part", ".unpack"))


def _leftover_busy(path: Path) -> bool:
    """A `.part` is busy while its fetch holds a lock on it; an `.unpack` while its `.part` is."""
    if path.name.endswith(".unpack"):
        path = path.with_name(path.name.removesuffix(".unpack") + ".zip.part")
    return leftovers.in_use(path)


def sweep_leftovers(dest_dir: Path, min_age: float = leftovers.MIN_AGE) -> list[Path]:
    """Remove `.part` archives and `.unpack` folders of fetches that were interrupted."""
    return leftovers.sweep(dest_dir, is_leftover, min_age, _leftover_busy)


def fetch_model(
    name: str,
    dest_dir: Path | None = None,
    url_override: str | None = None,
    progress: Callable[[int, int], None] | None = None,
    sha256: str | None = None,
    limits: FetchLimits = LIMITS,
) -> Path:
    """Download, verify and unpack Vosk model `name` into `dest_dir` (default: the Vosk cache).

    Returns the model directory; an installed model is returned without downloading. The
    archive must match its SHA-256 (`sha256`, else the catalogue's) and pinned size; it is
    unpacked beside the target and renamed into place, so a failure never leaves a partial
    model. Errors are one-line ModelErrors; an unreachable server is an OfflineError.
    """
    dest_dir = (dest_dir or vosk_cache_dir()).expanduser()
    entry = catalogue_entry(name)
    if entry is None and url_override is None:
        known = ", ".join(e.name for e in CATALOGUE)
        raise ModelError(f"unknown model {name!r}; known: {known} (or give --url URL --sha256 HEX)")
    if "/" in name or "\\" in name or name in ("", ".", ".."):
        raise ModelError(f"invalid model name {name!r}")
    target = dest_dir / name
    if vosk_model_problem(target) is None:
        return target
    if target.exists():
        raise ModelError(
            f"{tilde(target)} exists but {vosk_model_problem(target)}: remove it first"
        )
    digest = expected_sha256(name, entry, url_override, sha256)
    url = url_override or model_url(name)
    try:
        dest_dir.mkdir(parents=True, exist_ok=True)
        sweep_leftovers(dest_dir, limits.leftover_age)
        fd, part = tempfile.mkstemp(prefix=f".{name}.", suffix=".zip.part", dir=dest_dir)
    except OSError as error:
        raise ModelError(
            f"cannot write into {tilde(dest_dir)}: {error.strerror or error}"
        ) from error
    archive = Path(part)
    try:
        _lock(fd)  # tells a concurrent sweep that this download is alive
        limit = entry.size if entry else limits.max_download
        size, got = _download(url, archive, name, dest_dir, limit, digest, limits, progress)
        _verify(name, size, got, entry, digest)
        return _install(archive, target, name, limits.unpack.allowance(size), limits.unpack)
    finally:
        archive.unlink(missing_ok=True)
        os.close(fd)


def _lock(fd: int) -> None:
    try:
        import fcntl

        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except (ImportError, OSError):
        pass  # without a lock, the sweep's age check still protects a live download


class StallWatch:
    """Says when fewer than `min_bytes` arrived in a `window` of seconds (injected clock)."""

    def __init__(
        self, window: float, min_bytes: int, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.window, self.min_bytes, self.clock = window, min_bytes, clock
        self.start = clock()
        self.count = 0

    def stalled(self, received: int) -> bool:
        """Count `received` bytes; True when the window closed with too few."""
        self.count += received
        now = self.clock()
        if now - self.start < self.window:
            return False
        if self.count < self.min_bytes:
            return True
        self.start, self.count = now, 0
        return False


def _open(url: str, name: str, dest_dir: Path, timeout: float, sha: str) -> Any:
    """urlopen with every failure turned into one line."""
    host = urllib.parse.urlsplit(url).netloc or url
    try:
        return urllib.request.urlopen(url, timeout=timeout)
    except urllib.error.HTTPError as error:
        error.close()
        raise ModelError(
            f"download of {name} failed: HTTP {error.code} {error.reason} ({url})"
        ) from error
    except urllib.error.URLError as error:
        if not isinstance(error.reason, OSError):
            raise ModelError(f"download of {name} failed: {error.reason} ({url})") from error
        raise OfflineError(
            f"cannot reach {host}: you appear to be offline",
            manual_steps(name, url, dest_dir, sha),
        ) from error
    except TimeoutError as error:
        raise ModelError(
            f"download of {name} failed: {host} did not answer within {timeout:g} s: try again"
        ) from error
    except (OSError, http.client.HTTPException, ValueError) as error:
        raise ModelError(f"download of {name} failed: {_reason(error)} ({url})") from error


def _reason(error: BaseException) -> str:
    text = getattr(error, "strerror", None) or str(error) or type(error).__name__
    return text.splitlines()[0][:200] if text else type(error).__name__


def _download(
    url: str,
    archive: Path,
    name: str,
    dest_dir: Path,
    limit: int,
    sha: str,
    limits: FetchLimits,
    progress: Callable[[int, int], None] | None,
) -> tuple[int, str]:
    """Stream `url` into `archive`, at most `limit` bytes; returns (bytes, sha256 hex)."""
    digest = hashlib.sha256()
    done = 0
    watch = StallWatch(limits.stall_window, limits.stall_min_bytes)
    with _open(url, name, dest_dir, limits.read_timeout, sha) as response:
        length = response.headers.get("Content-Length", "")
        declared = int(length) if length.isdigit() else 0
        if declared > limit:
            raise _oversize(name, limit, declared)
        total = declared or (0 if limit == limits.max_download else limit)  # 0: unknown
        if progress:
            progress(0, total)
        read = getattr(response, "read1", response.read)
        try:
            with archive.open("wb") as out:
                while True:
                    try:
                        chunk = read(CHUNK)
                    except TimeoutError as error:
                        raise _stalled(name, limits, done) from error
                    except (OSError, http.client.HTTPException, ValueError) as error:
                        if isinstance(error, http.client.IncompleteRead):
                            done += len(error.partial)
                        raise ModelError(
                            f"download of {name} failed after {done:,} bytes: "
                            f"{_reason(error)}: try again"
                        ) from error
                    if not chunk:
                        break
                    done += len(chunk)
                    if done > limit:
                        raise _oversize(name, limit)
                    out.write(chunk)
                    digest.update(chunk)
                    if progress:
                        progress(done, total)
                    if watch.stalled(len(chunk)):
                        raise _stalled(name, limits, done)
        except OSError as error:
            raise ModelError(f"cannot write {tilde(archive)}: {error.strerror or error}") from error
    if declared and done < declared:
        raise ModelError(f"download of {name} was cut short: {done} of {declared} bytes: try again")
    return done, digest.hexdigest()


def _oversize(name: str, limit: int, declared: int | None = None) -> ModelError:
    size = f"is {declared:,} bytes, more than the {limit:,}" if declared else ""
    size = size or f"is more than the {limit:,} bytes"
    return ModelError(
        f"{name}.zip {size} expected: the download is damaged or the server sent something else"
    )


def _stalled(name: str, limits: FetchLimits, done: int) -> ModelError:
    return ModelError(
        f"download of {name} stalled after {done:,} bytes: less than "
        f"{limits.stall_min_bytes:,} bytes in {limits.stall_window:g} s: try again"
    )


def _verify(name: str, size: int, digest: str, entry: CatalogueEntry | None, expected: str) -> None:
    """Check the archive against the pinned size and the expected SHA-256."""
    if entry is not None and size != entry.size:
        raise ModelError(
            f"{name}.zip is {size} bytes, expected {entry.size}: the download is damaged or "
            "the server sent something else"
        )
    if digest != expected:
        raise ModelError(
            f"{name}.zip has the wrong SHA-256 checksum ({digest[:12]}…, expected "
            f"{expected[:12]}…): the download is damaged or was tampered with"
        )


def _install(archive: Path, target: Path, name: str, allowance: int, limits: UnpackLimits) -> Path:
    """Unpack `archive` into a staging folder beside `target`, check it, rename it in."""
    staging = archive.with_name(archive.name.removesuffix(".zip.part") + ".unpack")
    try:
        staging.mkdir()
        try:
            with zipfile.ZipFile(archive) as bundle:
                safe_extract(bundle, staging, allowance, limits.members)
        except zipfile.BadZipFile as error:
            raise ModelError(f"{name}.zip is not a valid ZIP archive: {error}") from error
        root = model_root(staging)
        problem = vosk_model_problem(root)
        if problem:
            raise ModelError(f"{name}.zip does not hold a usable Vosk model: it {problem}")
        os.rename(root, target)
        return target
    except OSError as error:
        raise ModelError(
            f"cannot install {name} in {tilde(target)}: {error.strerror or error}"
        ) from error
    finally:
        shutil.rmtree(staging, ignore_errors=True)
