"""Unpacking a model ZIP without trusting it: no path outside the folder, no links or special
files, and a cap on entries and on unpacked bytes (declared and actually written)."""

from __future__ import annotations

import re
import stat
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from tui.speech.errors import ModelError

CHUNK = 1 << 16
_SPECIAL = {
    stat.S_IFLNK: "symbolic link",
    stat.S_IFIFO: "FIFO",
    stat.S_IFCHR: "character device",
    stat.S_IFBLK: "block device",
    stat.S_IFSOCK: "socket",
}


@dataclass(frozen=True)
class UnpackLimits:
    """How much an archive may unpack to."""

    ratio: int = 20
    """Unpacked bytes allowed per archive byte (official Vosk archives unpack to about 2x)."""
    floor: int = 1 << 20
    """Bytes always allowed, so that tiny archives are not refused by the ratio."""
    ceiling: int = 8 << 30
    """Bytes never exceeded, whatever the archive's size."""
    members: int = 10_000
    """Most entries an archive may hold (official models hold a few dozen)."""

    def allowance(self, archive_size: int) -> int:
        """Unpacked bytes allowed for an archive of `archive_size` bytes."""
        return min(self.ceiling, max(self.floor, self.ratio * archive_size))


def safe_extract(
    bundle: zipfile.ZipFile, root: Path, limit: int | None = None, members: int = 10_000
) -> None:
    """Extract every member under `root` (default cap: UnpackLimits' ceiling).

    Refuses absolute paths, `..`, symbolic links, devices, FIFOs and sockets, more than
    `members` entries, and more than `limit` bytes, declared or written. Raises only
    ModelError; what was written stays under `root` for the caller to remove.
    """
    try:
        _extract_members(bundle, root, UnpackLimits().ceiling if limit is None else limit, members)
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


def _too_big(limit: int) -> ModelError:
    return ModelError(
        f"the model archive unpacks to more than {limit:,} bytes (a zip bomb?): refusing it"
    )


def _extract_members(bundle: zipfile.ZipFile, root: Path, limit: int, most: int) -> None:
    members = bundle.infolist()
    if len(members) > most:
        raise ModelError(
            f"the model archive has {len(members):,} entries, over {most:,}: refusing it"
        )
    if sum(m.file_size for m in members) > limit:
        raise _too_big(limit)
    for member in members:  # every member is checked before anything is written
        _check(member)
    root = root.resolve()
    written = 0
    for member in members:
        parts = PurePosixPath(member.filename.replace("\\", "/")).parts
        destination = root.joinpath(*parts) if parts else root
        if not destination.resolve().is_relative_to(root):
            raise ModelError(
                f"the model archive has an unsafe path {member.filename!r}: refusing it"
            )
        if member.is_dir():
            destination.mkdir(parents=True, exist_ok=True)
            continue
        destination.parent.mkdir(parents=True, exist_ok=True)
        with bundle.open(member) as source, destination.open("wb") as out:
            while chunk := source.read(CHUNK):
                written += len(chunk)
                if written > limit:  # headers can lie; the bytes themselves cannot
                    raise _too_big(limit)
                out.write(chunk)


def _check(member: zipfile.ZipInfo) -> None:
    """Refuse a member whose name leaves the folder or which is not a file or directory."""
    name = member.filename
    if not name:
        raise ModelError("the model archive has a member without a name: refusing it")
    parts = PurePosixPath(name.replace("\\", "/")).parts
    if name.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", name) or ".." in parts:
        raise ModelError(f"the model archive has an unsafe path {name!r}: refusing it")
    kind = _SPECIAL.get(stat.S_IFMT(member.external_attr >> 16))
    if kind:
        raise ModelError(f"the model archive holds a {kind} {name!r}: refusing it")
