"""Quitting while the log cannot be written: say so, and let the person choose."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static


class UnsavedScreen(ModalScreen[str]):
    """Events still wait to be written. Dismissed with "retry", "keep" (quit; the round is
    kept where the copy was saved, or that save is tried again) or "discard"."""

    CSS_PATH = "../dialogs.tcss"  # loaded when the screen is first shown

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "choose('retry')", "Retry", id="unsaved.retry"),
        Binding("k,s", "choose('keep')", "Keep the copy", id="unsaved.keep"),
        Binding("d", "choose('discard')", "Discard", id="unsaved.discard"),
    ]

    def __init__(self, message: str, copied: bool, where: str) -> None:
        super().__init__()
        self.message = message
        self.copied = copied
        self.where = where

    def compose(self) -> ComposeResult:
        keep = "Quit, keep the copy (k)" if self.copied else f"Save to {self.where} (s)"
        with Vertical(id="unsaved-box"):
            yield Static(Text(self.message), id="unsaved-message")  # paths are never markup
            with Horizontal(id="unsaved-buttons"):
                yield Button("Retry (r)", id="retry", variant="primary")
                yield Button(Text(keep), id="keep")
                yield Button("Discard and quit (d)", id="discard", variant="error")

    def on_mount(self) -> None:
        self.query_one("#retry", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(str(event.button.id))

    def action_choose(self, choice: str) -> None:
        self.dismiss(choice)
