"""Repaint only what changed: `Static.update` always re-lays out the screen, which is the
costliest thing a once-a-second repaint can do."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Label, Static


class QuietStatic(Static):
    """A Static that remembers what it shows and repaints only when that changes."""

    def __init__(self, content: str | Text = "", **kwargs: object) -> None:
        super().__init__(content, **kwargs)  # type: ignore[arg-type]
        self.shown: str | Text | None = None
        """What `show_content` last put on screen (a copy: the caller may change its Text)."""

    def show_content(self, content: str | Text) -> None:
        """`update(content)` unless it already shows exactly this content; a one-line text of
        the same length (a ticking clock, a level meter) repaints without a relayout."""
        shown = self.shown
        if shown == content:
            return
        same_size = (isinstance(shown, str) and isinstance(content, str) and "\n" not in content
                     and len(shown) == len(content))
        self.shown = content.copy() if isinstance(content, Text) else content
        self.update(content, layout=not same_size)


class QuietLabel(Label, QuietStatic):
    """A Label (sized to its text) that repaints only when its text changes."""
