"""Shown instead of everything else while the terminal is smaller than the app needs."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Center, Middle
from textual.screen import Screen
from textual.widgets import Static

MIN_WIDTH, MIN_HEIGHT = 80, 24


def too_small(width: int, height: int) -> bool:
    return width < MIN_WIDTH or height < MIN_HEIGHT


class TooSmallScreen(Screen[None]):
    """A clear "make the terminal larger" message that follows resizes."""

    def compose(self) -> ComposeResult:
        with Middle(), Center():
            yield Static("", id="too-small-message")

    def on_mount(self) -> None:
        self.show_size(self.app.size.width, self.app.size.height)

    def show_size(self, width: int, height: int) -> None:
        self.query_one("#too-small-message", Static).update(Text.assemble(
            ("Make the terminal larger", "bold"),
            f"\n\nboardless needs {MIN_WIDTH}x{MIN_HEIGHT}, now {width}x{height}"
            "\n\n(ctrl+q quits and saves)"))
