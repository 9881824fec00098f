"""The help screen: every key, generated from the key table."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from tui.app.keys import PLAIN_KEYS, SCOPE_TITLES, in_scope
from tui.core.round.markers import KIND_SYMBOLS, KIND_WORDS, MARKERS


def help_table() -> Table:
    """All keys, grouped by where they work."""
    table = Table.grid(padding=(0, 2), expand=True)
    table.add_column(style="bold", width=24)
    table.add_column(ratio=1)
    for scope, title in SCOPE_TITLES.items():
        table.add_row(Text(title, style="bold underline"), "")
        for action in in_scope(scope):
            table.add_row(action.key_display, action.help)
        for plain_scope, keys, text in PLAIN_KEYS:
            if plain_scope == scope:
                table.add_row(keys, text)
        table.add_row("", "")
    table.add_row(Text("Markers", style="bold underline"), "")
    for marker, kind in MARKERS.items():
        table.add_row(f"{marker} ", f"{KIND_SYMBOLS[kind]}  {KIND_WORDS[kind]}")
    return table


class HelpScreen(ModalScreen[None]):
    """F1 or Escape closes it."""

    CSS_PATH = "../dialogs.tcss"  # loaded when the screen is first shown

    BINDINGS = [Binding("escape,f1,q", "dismiss", "Close", id="help.close")]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-box"):
            yield Static(Text("boardless — keys", style="bold"), id="help-title")
            yield Static(help_table(), id="help-table")
