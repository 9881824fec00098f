"""Read TOML files, turning syntax errors into one-line ConfigErrors with a line number."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import date, datetime, time
from pathlib import Path
from typing import Any, Generic, TypeVar

# tomli is the standard library's tomllib, released on PyPI with compiled (mypyc) wheels that
# parse about 3x faster: the layouts and prompt bank are read before the first frame.
import tomli as tomllib

from tui.core.errors import ConfigError
from tui.core.limits import MAX_DEPTH, MAX_TOML_BYTES, UnreadableFile, read_regular, too_deep

_LINE = re.compile(r"\(at line (\d+), column \d+\)")
T = TypeVar("T")


def read_toml(path: Path) -> dict[str, Any]:
    """Parse `path` as TOML; any failure becomes a ConfigError naming the file and line. Only a
    regular file of at most MAX_TOML_BYTES is read (a FIFO or a device is refused, not read)."""
    try:
        raw = read_regular(path, MAX_TOML_BYTES)
    except UnreadableFile as error:
        raise ConfigError(path, str(error)) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise ConfigError(path, "not UTF-8 text; save the file as UTF-8", line) from None
    return parse_toml_text(text, path)


def parse_toml_text(text: str, path: object) -> dict[str, Any]:
    """Parse TOML text; syntax errors become ConfigErrors with the line TOML reports, and so
    does nesting deeper than MAX_DEPTH (which the parser, and every reader after it, would
    otherwise meet as a RecursionError)."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        message = str(error)
        match = _LINE.search(message)
        line = int(match.group(1)) if match else None
        detail = _LINE.sub("", message).strip()
        raise ConfigError(path, f"invalid TOML: {detail}", line) from None
    except RecursionError:
        data = None  # the error (and its thousand frames) is dropped here, not rendered
    if data is None or too_deep(data):
        raise ConfigError(path, f"tables or lists nest more than {MAX_DEPTH} levels deep")
    return data


def type_name(value: object) -> str:
    """How a TOML value's type reads in an error message: "a string", "a table", ..."""
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, Mapping):
        return "a table"
    if isinstance(value, (datetime, date, time)):
        return "a date/time"
    return type(value).__name__


def read_text_or_none(path: Path) -> str | None:
    """The file's UTF-8 text, or None when it cannot be read (line numbers are then unknown)."""
    try:
        return read_regular(path, MAX_TOML_BYTES).decode("utf-8")
    except (UnreadableFile, UnicodeDecodeError):
        return None


class FileCache(Generic[T]):
    """Values built from files, each built once while its file is unchanged (same modification
    time and size); start-up reads the same layouts and prompt bank more than once."""

    def __init__(self) -> None:
        self._built: dict[tuple[Path, int, int], T] = {}

    def get(self, path: Path, build: Callable[[Path], T]) -> T:
        """`build(path)`, or what it returned before for this unchanged file. A file that cannot
        be stat'ed is built every time (so `build` reports the problem)."""
        try:
            stat = path.stat()
            key = (path.resolve(), stat.st_mtime_ns, stat.st_size)
        except OSError:
            return build(path)
        if key not in self._built:
            self._built[key] = build(path)
        return self._built[key]
