"""The flag banner: a flag's whole message over the caption strip the moment it is raised.

It stays for FLASH_SECONDS of round time whatever the captions do (the strip below keeps
streaming); serious, warning and note flags differ by symbol, word and colour.
"""

from __future__ import annotations

from rich.text import Text

from tui.app.widgets.quiet import QuietStatic
from tui.core.coach.severity import severity_mark
from tui.core.session.state import Flag
from tui.core.text.durations import format_clock
from tui.core.text.safe_text import visible_line

FLASH_SECONDS = 6.0  # seconds of session time a new flag stays in the banner
SEVERITY_CLASSES = ("-serious", "-warn", "-info")


RANK = {"serious": 0, "warn": 1, "info": 2}
MAX_SHOWN = 3


class FlagBanner(QuietStatic):
    """Every flag raised in the last few seconds, in full, the most serious first."""

    def show(self, flags: list[tuple[Flag, float]]) -> None:
        """Show `flags` (each with its round time), or hide the banner when there are none."""
        if not flags:
            self.display = False
            return
        ordered = sorted(flags, key=lambda item: (RANK.get(item[0].severity, 1), -item[0].t))
        top = ordered[0][0].severity
        for name in SEVERITY_CLASSES:
            self.set_class(name == f"-{top}", name)
        text = Text()
        for index, (flag, at) in enumerate(ordered[:MAX_SHOWN]):
            mark = severity_mark(flag.severity)
            if index:
                text.append("\n")
            text.append(f"{mark.symbol} {mark.word.upper()}", style="bold")
            text.append(f"  {format_clock(at)}  ")
            text.append(visible_line(flag.message), style="bold")
        self.show_content(text)
        self.display = True
