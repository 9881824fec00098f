"""The results screen: phases planned vs actual, flags, the coach's debrief and the outline,
rendered from the session log (the same Markdown as the export, without the transcript)."""

from __future__ import annotations

from pathlib import Path

from textual import work
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Markdown, Static

from tui.app.keys import bindings
from tui.core.durations import format_clock
from tui.core.eventlog import read_log
from tui.core.export import debrief_lines, render_markdown
from tui.core.session import Session
from tui.core.state import fold


END_WORDS = {"user": "you ended it", "time": "time ran out"}


def results_markdown(session: Session, log_path: Path | None) -> str:
    """The results as Markdown; with a log, folded from it (safe on a worker thread)."""
    if log_path is not None and log_path.is_file():
        events = read_log(log_path).events
        return render_markdown(fold(events), transcript=False, debrief=debrief_lines(events))
    return render_markdown(session.state, transcript=False)


class ResultsScreen(Screen[None]):
    """Shown when the round ends (or a replay finishes)."""

    CSS_PATH = "../results.tcss"  # loaded when the screen is first shown

    BINDINGS = bindings("results")

    def __init__(self, session: Session, log_path: Path | None, replay: bool = False) -> None:
        super().__init__()
        self.session = session
        self.log_path = log_path
        self.replay = replay

    def compose(self) -> ComposeResult:
        state = self.session.state
        tracker = state.phases
        reason = END_WORDS.get(tracker.end_reason or "", tracker.end_reason or "not ended")
        title = "Replay finished" if self.replay else "Round over"
        used = format_clock(tracker.total_elapsed(state.last_t))
        yield Static(f"[b]{title}[/b] · {reason} · {used} of {format_clock(state.layout.total_s)}"
                     f" · {len(state.flags)} flags · {len(state.outline)} notes", id="results-title")
        yield Static("ctrl+e writes it as Markdown beside the session log", id="results-path")
        with VerticalScroll(id="results-scroll"):
            yield Markdown("Loading the results…", id="results-body")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#results-scroll").focus()
        self.load()

    @work(thread=True, exclusive=True, group="results")
    def load(self) -> None:
        text = results_markdown(self.session, self.log_path)
        self.app.call_from_thread(self.query_one("#results-body", Markdown).update, text)

    def show_export(self, path: Path) -> None:
        box = self.query_one("#results-path", Static)
        box.update(f"exported to {path}")
        box.add_class("-done")

    def action_export(self) -> None:
        self.app.export_markdown()  # type: ignore[attr-defined]

    async def action_new_round(self) -> None:
        await self.app.new_round()  # type: ignore[attr-defined]
