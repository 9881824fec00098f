"""What the CLI asks of the terminal: is a stream one, how wide is it, ask a yes/no question."""

from __future__ import annotations

import shutil
import sys
from typing import TextIO


def is_terminal(stream: TextIO) -> bool:
    """Whether `stream` is an interactive terminal (a closed or odd stream is not)."""
    try:
        return stream.isatty()
    except (AttributeError, ValueError, OSError):
        return False


def stdout_is_terminal() -> bool:
    """Whether standard output is a terminal (tests replace this to take the terminal path)."""
    return is_terminal(sys.stdout)


def stdin_is_terminal() -> bool:
    """Whether standard input is a terminal, so a question can be asked."""
    return is_terminal(sys.stdin)


def terminal_columns() -> int:
    """Width of the terminal (COLUMNS, else the terminal's own, else 80)."""
    return shutil.get_terminal_size().columns


def confirm(question: str) -> bool:
    """Ask `question` followed by " [y/N] " on standard error; only "y" or "yes" is a yes.

    End of input counts as no."""
    sys.stderr.write(f"{question} [y/N] ")
    sys.stderr.flush()
    answer = sys.stdin.readline()
    if not answer.endswith("\n"):
        sys.stderr.write("\n")
    return answer.strip().lower() in ("y", "yes")
