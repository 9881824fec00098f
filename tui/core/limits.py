"""Limits on what users hand the app: files are checked before they are read, sizes and nesting
are capped, times are bounded.

A FIFO, a device (`/dev/zero`, `/dev/urandom`), a directory or a link to one of them given where a
settings, layout, prompt or log file is expected becomes one clear line instead of a hang or a
read that never ends: the path is stat'ed first and opened with O_NONBLOCK (so opening a FIFO
does not wait for a writer), and the open file is checked again with fstat before one byte is
read. Every read is bounded by a size limit.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import BinaryIO

MB = 1024 * 1024
#: Largest settings, layout or prompt bank TOML file read (the shipped ones are under 60 KB).
MAX_TOML_BYTES = MB
#: Largest line of a session log (a layout snapshot, the biggest event, is a few KB).
MAX_LOG_LINE_BYTES = MB
#: Deepest nesting of tables and lists in a TOML file or a log event (layouts need about 6).
MAX_DEPTH = 32
#: Latest session time (seconds) an event may carry: a week. A session is a practice round of
#: an hour or two, perhaps resumed over days; anything later is a damaged or hostile line.
MAX_T = 7 * 24 * 3600.0
#: Largest sequence number (and integer field) of an event: what a JSON double holds exactly.
MAX_INT = 2**53

_OPEN_FLAGS = (os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
               | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0))


class UnreadableFile(Exception):
    """Why a file is not read; `str()` is a short reason ("is a FIFO (named pipe), not a
    regular file"), to follow the path in a one-line error. `missing` is True when nothing is
    there."""

    def __init__(self, reason: str, missing: bool = False) -> None:
        super().__init__(reason)
        self.missing = missing


def kind_of(mode: int) -> str:
    """What a non-regular file is, as words after "is"."""
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def _refuse(mode: int) -> UnreadableFile:
    kind = kind_of(mode)
    if kind == "not a regular file":
        return UnreadableFile(kind)
    return UnreadableFile(f"is {kind}, not a regular file")


def _os_reason(error: OSError) -> UnreadableFile:
    if isinstance(error, FileNotFoundError):
        return UnreadableFile("no such file", missing=True)
    if isinstance(error, IsADirectoryError):
        return UnreadableFile("is a directory, not a regular file")
    return UnreadableFile(f"cannot read: {error.strerror or error}")


def open_regular(path: Path) -> BinaryIO:
    """Open `path` for binary reading if (after following links) it is a regular file; raises
    UnreadableFile otherwise. Never blocks: a FIFO is refused, not waited on."""
    try:
        info = os.stat(path)
    except OSError as error:
        raise _os_reason(error) from None
    except ValueError:  # a NUL byte in the path
        raise UnreadableFile("is not a valid path", missing=True) from None
    if not stat.S_ISREG(info.st_mode):
        raise _refuse(info.st_mode)
    try:
        fd = os.open(path, _OPEN_FLAGS)
    except OSError as error:
        raise _os_reason(error) from None
    try:
        info = os.fstat(fd)  # the path may have been swapped for something else since stat
        if not stat.S_ISREG(info.st_mode):
            raise _refuse(info.st_mode)
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def size_words(size: int) -> str:
    """A byte count for a message: "2.0 MB", "1 MB", "640 KB"."""
    if size >= MB:
        return f"{size / MB:.1f} MB".replace(".0 MB", " MB")
    return f"{max(1, round(size / 1024))} KB"


def read_regular(path: Path, limit: int) -> bytes:
    """The bytes of the regular file at `path`, at most `limit` of them; UnreadableFile for
    anything else or anything larger (checked before reading, and again while reading, in case
    the file grows)."""
    with open_regular(path) as handle:
        try:
            size = os.fstat(handle.fileno()).st_size
            if size > limit:
                raise UnreadableFile(f"is {size_words(size)}, over the {size_words(limit)} limit")
            data = handle.read(limit + 1)
        except OSError as error:
            raise _os_reason(error) from None
    if len(data) > limit:
        raise UnreadableFile(f"is over the {size_words(limit)} limit")
    return data


def too_deep(value: object, limit: int = MAX_DEPTH) -> bool:
    """True when lists and dicts in `value` nest more than `limit` levels (a scalar is level 0,
    `[1]` level 1). Iterative, so any depth is checked without recursion."""
    stack: list[tuple[object, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children: object = item.values()
        elif isinstance(item, (list, tuple)):
            children = item
        else:
            continue
        if depth + 1 > limit:
            return True
        stack.extend((child, depth + 1) for child in children)  # type: ignore[attr-defined]
    return False
