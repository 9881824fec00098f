"""Errors the user can act on: each renders as one line, never a traceback."""

from __future__ import annotations

from tui.core.text.safe_text import one_line


class BoardlessError(Exception):
    """A problem the user can fix; `str()` is a single line telling what to change."""

    exit_code = 1

    def __str__(self) -> str:
        """The message as one inert line: control characters shown as escapes, a huge echoed
        value cut (tui.core.text.safe_text)."""
        return one_line(super().__str__())


class UsageError(BoardlessError):
    """Wrong arguments or invalid input files (exit code 2)."""

    exit_code = 2


class ConfigError(UsageError):
    """A layout, prompt bank or settings file that does not validate."""

    def __init__(self, path: object, message: str, line: int | None = None) -> None:
        where = f"{path}:{line}" if line else f"{path}"
        super().__init__(f"{where}: {message}")
        self.path = path
        self.line = line
        self.detail = message


class LogCorruptError(BoardlessError):
    """A session log that cannot be read past a damaged line in the middle."""

    def __init__(self, path: object, line: int, message: str) -> None:
        super().__init__(f"{path}:{line}: {message}")
        self.path = path
        self.line = line
