"""Repaint only what changed: `Static.update` always re-lays out the screen, which is the
costliest thing a once-a-second repaint can do."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

_SHOWN = "_boardless_shown"


def update_if_changed(widget: Static, content: str | Text) -> None:
    """`widget.update(content)` unless it already shows exactly this content; a one-line text
    of the same length (a ticking clock, a level meter) repaints without a relayout."""
    shown = getattr(widget, _SHOWN, None)
    if shown == content:
        return
    same_size = (isinstance(shown, str) and isinstance(content, str) and "\n" not in content
                 and len(shown) == len(content))
    setattr(widget, _SHOWN, content.copy() if isinstance(content, Text) else content)
    widget.update(content, layout=not same_size)
