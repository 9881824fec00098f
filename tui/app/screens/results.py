"""The results screen: the round's timeline in colour, then the phases planned vs actual, flags,
the coach's debrief and the outline, rendered from the session log (the same Markdown as the
export, without the transcript, with the start in local time)."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Markdown, Static

from tui.app.keys import bindings
from tui.app.requests import ExportRequested, NewRoundRequested
from tui.app.timeline_text import timeline_text
from tui.core.debrief.export import render_markdown
from tui.core.debrief.report import build_report, report_markdown
from tui.core.debrief.timeline import Timeline
from tui.core.session.eventlog import read_log
from tui.core.session.session import Session
from tui.core.session.state import fold
from tui.core.text.durations import format_clock
from tui.core.text.safe_text import visible_line

END_WORDS = {"user": "you ended it", "time": "time ran out"}


#: Timeline piece roles -> theme colours.
TIMELINE_COLOURS = {"ok": "success", "short": "primary", "rushed": "warning", "over": "error",
                    "serious": "error", "warn": "warning", "info": "primary",
                    "silence": "secondary", "window": "foreground", "axis": "foreground",
                    "label": "foreground", "status": "foreground"}


def results_markdown(session: Session, log_path: Path | None) -> tuple[str, Timeline | None]:
    """The results as Markdown and the timeline; with a log, folded from it (safe on a worker
    thread)."""
    if log_path is not None and log_path.is_file():
        events = read_log(log_path).events
        report = build_report(events)
        markdown = render_markdown(fold(events), transcript=False, local_time=True,
                                   debrief=report_markdown(report, timeline=False))
        return markdown, report.timeline
    return render_markdown(session.state, transcript=False, local_time=True), None


class ResultsScreen(Screen[None]):
    """Shown when the round ends (or a replay finishes)."""

    CSS_PATH = "../results.tcss"  # loaded when the screen is first shown

    BINDINGS = bindings("results")

    def __init__(self, session: Session, log_path: Path | None, replay: bool = False) -> None:
        super().__init__()
        self.session = session
        self.log_path = log_path
        self.replay = replay
        self.timeline: Timeline | None = None

    def compose(self) -> ComposeResult:
        state = self.session.state
        tracker = state.phases
        reason = END_WORDS.get(tracker.end_reason or "", tracker.end_reason or "not ended")
        title = "Replay finished" if self.replay else "Round over"
        used = format_clock(tracker.total_elapsed(state.last_t))
        yield Static(Text.assemble(
            (title, "bold"), f" · {visible_line(reason)} · {used} of "
            f"{format_clock(state.layout.total_s)} · {len(state.flags)} flags · "
            f"{len(state.outline)} notes"), id="results-title")
        yield Static("ctrl+e writes it as Markdown beside the session log", id="results-path")
        with VerticalScroll(id="results-scroll"):
            yield Static("", id="results-timeline")
            yield Markdown("Loading the results…", id="results-body")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#results-scroll").focus()
        self.load()

    @work(thread=True, exclusive=True, group="results")
    def load(self) -> None:
        text, timeline = results_markdown(self.session, self.log_path)
        self.app.call_from_thread(self._show, text, timeline)

    def _show(self, text: str, timeline: Timeline | None) -> None:
        self.timeline = timeline
        self._draw_timeline()
        self.query_one("#results-body", Markdown).update(text)

    def _draw_timeline(self) -> None:
        box = self.query_one("#results-timeline", Static)
        if self.timeline is None:
            box.display = False
            return
        colours = self.app.theme_variables
        styles = {role: colours.get(name, "") for role, name in TIMELINE_COLOURS.items()}
        styles["label"] = f"bold {styles['label']}"
        width = max(40, (self.query_one("#results-scroll").content_region.width or 96))
        box.update(timeline_text(self.timeline, width, styles))
        box.display = True

    def on_resize(self) -> None:
        if self.timeline is not None:
            self._draw_timeline()

    def show_export(self, path: Path) -> None:
        box = self.query_one("#results-path", Static)
        box.update(Text(f"exported to {visible_line(str(path))}"))
        box.add_class("-done")

    def action_export(self) -> None:
        self.post_message(ExportRequested())

    def action_new_round(self) -> None:
        self.post_message(NewRoundRequested())
