"""Printing lines whose parts come from the system (device names, paths, model files)."""

from __future__ import annotations

from tui.core.text.safe_text import visible


def say(text: str) -> None:
    """Print `text` with its control characters shown as escapes, never sent to the terminal
    raw."""
    print(visible(text))
