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
from tui.core.eventlog import read_log
from tui.core.export import debrief_lines, render_markdown
from tui.core.session import Session
from tui.core.state import fold


def results_markdown(session: Session, log_path: Path | None) -> str:
    """The results as Markdown; with a log, folded from it (safe on a worker thread)."""
    if log_path is not None and log_path.is_file():
        events = read_log(log_path).events
        return render_markdown(fold(events), transcript=False, debrief=debrief_lines(events))
    return render_markdown(session.state, transcript=False)


class ResultsScreen(Screen[None]):
    """Shown when the round ends (or a replay finishes)."""

    BINDINGS = bindings("results")

    def __init__(self, session: Session, log_path: Path | None, replay: bool = False) -> None:
        super().__init__()
        self.session = session
        self.log_path = log_path
        self.replay = replay

    def compose(self) -> ComposeResult:
        state = self.session.state
        reason = state.phases.end_reason or ("replay finished" if self.replay else "")
        title = "Replay finished" if self.replay else "Round over"
        yield Static(f"[b]{title}[/b] · {reason} · ctrl+e exports Markdown · ctrl+q quits",
                     id="results-title")
        yield Static("", id="results-path")
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
        self.query_one("#results-path", Static).update(f"exported to {path}")

    def action_export(self) -> None:
        self.app.export_markdown()  # type: ignore[attr-defined]
