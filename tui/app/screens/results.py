"""The results screen: the round's timeline in colour, then the phases planned vs actual, flags,
the coach's debrief and the outline, rendered from the session log (the same Markdown as the
export, without the transcript, with the start in local time)."""

from __future__ import annotations

import copy
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
from tui.core.session.events import Event
from tui.core.session.session import Session
from tui.core.session.state import SessionState, fold
from tui.core.text.durations import format_clock
from tui.core.text.safe_text import visible_line

END_WORDS = {"user": "you ended it", "time": "time ran out"}


#: Timeline piece roles -> theme colours.
TIMELINE_COLOURS = {"ok": "success", "short": "primary", "rushed": "warning", "over": "error",
                    "serious": "error", "warn": "warning", "info": "primary",
                    "silence": "secondary", "window": "foreground", "axis": "foreground",
                    "label": "foreground", "status": "foreground"}


def results_markdown(events: list[Event] | None,
                     state: SessionState | None) -> tuple[str, Timeline | None]:
    """The results as Markdown and the timeline: folded from the log's `events` when there is
    a log (with the coach's debrief), else from `state` (a copy: safe on a worker thread)."""
    if events is not None:
        report = build_report(events)
        markdown = render_markdown(fold(events), transcript=False, local_time=True,
                                   debrief=report_markdown(report, timeline=False))
        return markdown, report.timeline
    assert state is not None
    return render_markdown(state, transcript=False, local_time=True), None


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

    def load(self) -> None:
        """Build the results off the UI thread from what the UI thread hands over (the log's
        path, or a copy of the state), then show them on the UI thread."""
        log_path = self.log_path
        if log_path is not None and log_path.is_file():
            self._build(log_path, None)
        else:
            self._build(None, copy.deepcopy(self.session.state))

    @work(thread=True, exclusive=True, group="results")
    def _build(self, log_path: Path | None, state: SessionState | None) -> None:
        events = read_log(log_path).events if log_path is not None else None
        text, timeline = results_markdown(events, state)
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
