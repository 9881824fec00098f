"""The header: prompt, layout, total clock against the round's length, mic level, engine."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal

from tui.app.widgets.quiet import QuietLabel
from tui.core.session.state import SessionState
from tui.core.text.durations import format_clock
from tui.core.text.safe_text import visible_line

BLOCKS = " ▁▂▃▄▅▆▇█"


def level_bar(level: float, cells: int = 5) -> str:
    """An input level (0..1, RMS) as a small bar; speech RMS sits well below 0.5."""
    scaled = min(1.0, max(0.0, level) * 3.0) * cells
    out = []
    for cell in range(cells):
        part = min(1.0, max(0.0, scaled - cell))
        out.append(BLOCKS[int(round(part * (len(BLOCKS) - 1)))] if part > 0 else "▁")
    return "".join(out)


class SessionHeader(Horizontal):
    """One line at the top of the practice screen."""

    def compose(self) -> ComposeResult:
        yield QuietLabel("", id="head-title")
        yield QuietLabel("", id="head-clock")
        yield QuietLabel("", id="head-mic")
        yield QuietLabel("", id="head-engine")

    def show(self, state: SessionState, now: float, mode: str, level: float | None) -> None:
        self.query_one("#head-title", QuietLabel).show_content(title_text(state))
        tracker = state.phases
        used = tracker.total_elapsed(now)
        if tracker.ended:
            status = "ended"
        elif not tracker.started:
            status = "ready"
        else:
            status = "▶" if tracker.running else "paused"
        clock = self.query_one("#head-clock", QuietLabel)
        clock.show_content(f"{format_clock(used)} / {format_clock(state.layout.total_s)} {status}")
        clock.set_class(tracker.remaining(now) < 0, "-over")
        clock.set_class(not tracker.running and tracker.started and not tracker.ended, "-paused")
        self.show_level(level)
        self.query_one("#head-engine", QuietLabel).show_content(mode)


    def show_level(self, level: float | None) -> None:
        """The microphone level alone (repainted ~7 times a second while captions run)."""
        self.query_one("#head-mic", QuietLabel).show_content(
            "mic off" if level is None else f"mic {level_bar(level)}")


def title_text(state: SessionState) -> Text:
    """Prompt and layout titles as Rich text: never read as markup, control characters shown
    as escapes (a title ending in a backslash shows the backslash)."""
    return Text.assemble((visible_line(state.prompt.title), "bold"), " ",
                         ("· " + visible_line(state.layout.title), "dim"))
