"""A one-line text buffer with a caret, drawn inside the outline's line renderer."""

from __future__ import annotations

from rich.segment import Segment
from rich.style import Style


class LineEdit:
    """Text being typed into one outline row."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.original = text
        self.pos = len(text)

    @property
    def dirty(self) -> bool:
        return self.text != self.original

    def insert(self, chars: str) -> None:
        self.text = self.text[: self.pos] + chars + self.text[self.pos:]
        self.pos += len(chars)

    def key(self, key: str) -> None:
        """Apply an editing key: backspace, delete, left, right, home, end."""
        if key == "backspace" and self.pos > 0:
            self.text = self.text[: self.pos - 1] + self.text[self.pos:]
            self.pos -= 1
        elif key == "delete":
            self.text = self.text[: self.pos] + self.text[self.pos + 1:]
        elif key == "left":
            self.pos = max(0, self.pos - 1)
        elif key == "right":
            self.pos = min(len(self.text), self.pos + 1)
        elif key == "home":
            self.pos = 0
        elif key == "end":
            self.pos = len(self.text)

    def segments(self, width: int, style: Style, caret: Style) -> list[Segment]:
        """The visible part of the text (scrolled to keep the caret in view) and the caret."""
        start = max(0, self.pos - width + 1)
        before = self.text[start: self.pos]
        under = self.text[self.pos: self.pos + 1] or " "
        after = self.text[self.pos + 1: start + width]
        return [Segment(before, style), Segment(under, style + caret), Segment(after, style)]
