"""Line numbers in TOML text, so every config error can name the line to change.

`tomllib` gives values without positions; these best-effort lookups find a key or a table in the
text. `parse_with_lines` validates without them first (the fast path) and looks the line up only
when validation fails.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TypeVar

from tui.core.errors import ConfigError

T = TypeVar("T")

_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?\s*(?:#.*)?$")


_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?\s*(?:#.*)?$")


class TomlLines:
    """Best-effort line numbers (1-based) for keys and tables in TOML text; empty without text.

    File formats add their own lookups on top (a layout's phases, a bank's prompts).
    """

    def __init__(self, text: str | None) -> None:
        self.lines = text.splitlines() if text else []
        self.headers: list[tuple[int, str]] = []  # (0-based line index, dotted name)
        for index, line in enumerate(self.lines):
            match = _HEADER.match(line)
            if match:
                name = re.sub(r"\s*\.\s*", ".", match.group(2)).replace('"', "")
                self.headers.append((index, name))

    def next_header(self, after: int) -> int:
        """The 0-based index of the first table header after line index `after` (or the end)."""
        for index, _ in self.headers:
            if index > after:
                return index
        return len(self.lines)

    def key_in(self, start: int, end: int, key: str) -> int | None:
        """The line of `key = ...` between two 0-based line indexes."""
        pattern = re.compile(rf"^\s*(?:{re.escape(key)}|\"{re.escape(key)}\")\s*=")
        for index in range(start, end):
            if pattern.match(self.lines[index]):
                return index + 1
        return None

    def nth_header(self, name: str, n: int, start: int = -1, end: int | None = None) -> int | None:
        """The 0-based index of the `n`th `[name]`/`[[name]]` header between two indexes."""
        end = len(self.lines) if end is None else end
        found = [i for i, h in self.headers if h == name and start < i < end]
        return found[n] if n < len(found) else None

    def top(self, key: str | None = None) -> int | None:
        """The line of a top-level key, or of the first table of that name."""
        if not self.lines:
            return None
        first = self.headers[0][0] if self.headers else len(self.lines)
        if key is None:
            return None
        line = self.key_in(0, first, key)
        if line is None:
            header = self.nth_header(key, 0)
            line = header + 1 if header is not None else None
        return line


def line_of_key(text: str, key: str, occurrence: int = 0) -> int | None:
    """Best-effort line number where `key =` (or a `[key]` table) appears in TOML text."""
    pattern = re.compile(
        rf"^\s*(?:{re.escape(key)}\s*=|\[\[?\s*(?:[\w.\-]+\.)?{re.escape(key)}\s*\]\]?)",
        re.MULTILINE,
    )
    matches = list(pattern.finditer(text))
    if len(matches) <= occurrence:
        return None
    return text.count("\n", 0, matches[occurrence].start()) + 1


def parse_with_lines(parse: Callable[[str | None], T],
                     text: str | Callable[[], str | None] | None) -> T:
    """`parse(None)`: validation without line numbers, the fast path. If that fails, the same
    deterministic failure is raised again by `parse(text)`, which carries the line number.
    `text` may be a function that reads the TOML text, called only on a failure."""
    try:
        return parse(None)
    except ConfigError:
        text = text() if callable(text) else text
        if not text:
            raise
    return parse(text)
