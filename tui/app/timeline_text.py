"""The round's timeline chart in colour (Rich text), for the results screen and `report` in a
terminal; `tui.core.debrief.timeline` draws it, this only colours its pieces."""

from __future__ import annotations

from collections.abc import Mapping

from rich.text import Text

from tui.core.debrief.timeline import Timeline, draw, legend

#: Colours for a terminal without a theme (the CLI): piece role -> Rich style.
TERMINAL_STYLES = {
    "axis": "dim", "label": "bold", "status": "", "ok": "green", "short": "cyan",
    "rushed": "yellow", "over": "red", "window": "dim", "serious": "bold red",
    "warn": "bold yellow", "info": "bold blue", "silence": "magenta",
}


def timeline_text(timeline: Timeline, width: int,
                  styles: Mapping[str, str] = TERMINAL_STYLES) -> Text:
    """The chart in `width` columns with each piece styled by its role, then the legend."""
    out = Text(no_wrap=True, overflow="crop")
    for line in draw(timeline, width):
        for text, role in line:
            out.append(text, style=styles.get(role, ""))
        out.append("\n")
    out.append(legend(timeline), style="dim italic")
    return out
