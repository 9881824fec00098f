"""The practice screen: header, phase bar, paper outline, side panel, probe and caption strip.

It renders the session's state and turns keys into events; the app owns the session, the
caption feed and the clock. In replay the same screen is read-only.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.css.query import NoMatches
from textual.screen import Screen
from textual.widgets import Footer

from tui.app.keys import bindings
from tui.app.screens.confirm import ConfirmScreen
from tui.app.widgets.caption_strip import CaptionStrip, ProbeBanner, cue_pattern
from tui.app.widgets.flag_banner import FLASH_SECONDS, FlagBanner
from tui.app.widgets.header import SessionHeader
from tui.app.widgets.outline_view import OutlineView
from tui.app.widgets.phase_bar import PhaseBar
from tui.app.widgets.side_panel import SidePanel
from tui.core.session.events import CaptionsState, Event
from tui.core.session.session import Session
from tui.core.session.state import Flag

MIC_REPAINT_S = 0.15
LIVE_ONLY = {"next_phase", "previous_phase", "jump_phase", "pin_caption", "end_round"}
ALL_PARTS = frozenset({"header", "bar", "side", "probe", "flag", "strip"})
EVENT_PARTS = {
    "caption": frozenset({"strip"}),
    "captions_status": frozenset({"strip", "header"}),
    "flag_raised": frozenset({"flag", "side"}),
    "checklist_ticked": frozenset({"side"}),
    "probe_asked": frozenset({"probe"}),
    "probe_closed": frozenset({"probe"}),
}
PHASE_EVENTS = {"phase_entered", "timer_started", "timer_paused", "round_ended",
                "session_resumed"}


class PracticeScreen(Screen[None]):
    """One round, live or replayed."""

    CSS_PATH = "../practice.tcss"  # loaded when the screen is first shown

    BINDINGS = bindings("practice")

    def __init__(self, session: Session, read_only: bool = False, mode_label: str = "") -> None:
        super().__init__()
        self.session = session
        self.read_only = read_only
        self.mode_label = mode_label
        self.reveal = False
        self.flashes: list[tuple[Flag, float]] = []
        """Flags in the banner, each with the session time it leaves at."""
        self._pattern = cue_pattern(session.state.phases.current_phase)
        self._pattern_phase = session.state.current_phase_id
        self._ready = False
        self._keys: tuple[object, ...] = ()

    def compose(self) -> ComposeResult:
        yield SessionHeader(id="header")
        yield PhaseBar(self.session.state.phases, id="phase-bar")
        with Horizontal(id="main"):
            yield OutlineView(self.session, read_only=self.read_only, id="outline")
            yield SidePanel(id="side")
        yield ProbeBanner(id="probe")
        yield FlagBanner(id="flag-banner")
        yield CaptionStrip(id="captions")
        yield Footer(compact=True)

    @property
    def outline(self) -> OutlineView:
        return self.query_one(OutlineView)

    def on_mount(self) -> None:
        self.session.listeners.append(self.on_session_event)
        self._ready = True
        self.outline.rebuild()
        self.outline.focus()
        self.refresh_view()
        if not self.read_only:
            self.set_interval(MIC_REPAINT_S, self._repaint_mic)

    def on_unmount(self) -> None:
        if self.on_session_event in self.session.listeners:
            self.session.listeners.remove(self.on_session_event)

    # ---- state -> widgets -------------------------------------------------------------------
    def on_session_event(self, event: Event) -> None:
        """Called synchronously for every event applied to the session."""
        kind = event.type
        if not self._ready:
            return
        if kind.startswith("note_") or kind.startswith("outline_"):
            try:
                if self.read_only and kind == "note_added":
                    self.outline.cursor_id = event["id"]  # replay follows the newest note
                self.outline.rebuild()
            except NoMatches:
                return
        elif kind == "flag_raised":
            # each shown for FLASH_SECONDS of session time (so the banner outlasts a pause)
            self.flashes.append((self.session.state.flags[-1],
                                 self.session.now() + FLASH_SECONDS))
        parts = ALL_PARTS if kind in PHASE_EVENTS else EVENT_PARTS.get(kind)
        if parts:
            self.refresh_view(parts)
        if kind in PHASE_EVENTS or kind == "caption":
            self._refresh_keys()

    def _refresh_keys(self) -> None:
        """Redraw the footer when what the keys can do changes (Pin once there is a caption;
        Next, Prev and End as phases move), not on every event."""
        state = self.session.state
        keys = (bool(state.captions or state.partial), state.phases.current, state.ended)
        if keys != self._keys:
            self._keys = keys
            self.refresh_bindings()

    def refresh_view(self, parts: frozenset[str] | None = None) -> None:
        """Repaint what depends on time or on the state: everything (at least 1x/s) or, for a
        single event, only the parts it changes (captions stream without relayouts)."""
        if not self._ready:
            return
        try:
            self._repaint(parts or ALL_PARTS)
        except NoMatches:
            pass  # the screen is being taken down (the app is exiting)

    def _repaint(self, parts: frozenset[str]) -> None:
        state = self.session.state
        now = self.session.now()
        if self._pattern_phase != state.current_phase_id:
            self._pattern_phase = state.current_phase_id
            self._pattern = cue_pattern(state.phases.current_phase)
        self.flashes = [(flag, until) for flag, until in self.flashes if now < until]
        if "header" in parts:
            self.query_one(SessionHeader).show(state, now, self.mode_label or
                                               self._engine_label(),
                                               self.app.mic_level())  # type: ignore[attr-defined]
        if "bar" in parts:
            self.query_one(PhaseBar).show(now)
        if "side" in parts:
            self.query_one(SidePanel).show(state, self.reveal)
        if "probe" in parts:
            self.query_one(ProbeBanner).show(state, now)
        if "flag" in parts:
            self.query_one(FlagBanner).show(
                [(flag, state.round_time(flag.t)) for flag, _until in self.flashes])
        if "strip" in parts:
            strip = self.query_one(CaptionStrip)
            strip.show(state, max(1, strip.content_region.height or 3), self._pattern)

    def save_typing(self) -> None:
        """Log the note being typed (it stays open), so nothing on screen is lost."""
        if self._ready and not self.read_only:
            try:
                self.outline.save_typing()
            except NoMatches:
                pass  # the screen is being taken down

    def _repaint_mic(self) -> None:
        level = self.app.mic_level()  # type: ignore[attr-defined]
        if level is not None:
            try:
                self.query_one(SessionHeader).show_level(level)
            except NoMatches:
                pass

    def _engine_label(self) -> str:
        state = self.session.state
        engine = state.engine if state.captions_state != CaptionsState.OFF else "off"
        writer = self.session.writer
        if writer is not None and writer.error:  # stays up for as long as the disk fails
            return f"⚠ log not saved ({writer.pending} waiting) · engine {engine}"
        return f"engine {engine}"

    # ---- actions ----------------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if self.read_only and action in LIVE_ONLY:
            return False
        tracker = self.session.state.phases
        if tracker.ended and action in LIVE_ONLY | {"toggle_timer"}:
            return False
        if action == "previous_phase" and (tracker.current is None or tracker.current == 0):
            return False
        if action == "next_phase" and tracker.current == len(tracker.layout.phases) - 1:
            return False
        if action == "pin_caption" and not (self.session.state.captions
                                            or self.session.state.partial):
            return None  # shown, but dimmed: nothing to pin yet
        return True

    def _phase_command(self, events: list[tuple[str, dict[str, object]]]) -> None:
        self.outline.commit(keep_empty_new=True)
        if events:
            self.session.emit_all(events)  # type: ignore[arg-type]
        self.refresh_view()

    def action_toggle_timer(self) -> None:
        if self.read_only:
            self.app.toggle_replay_pause()  # type: ignore[attr-defined]
            self.refresh_view()
            return
        self._phase_command(self.session.state.phases.toggle())

    def action_next_phase(self) -> None:
        self._phase_command(self.session.state.phases.next())

    def action_previous_phase(self) -> None:
        self._phase_command(self.session.state.phases.previous())

    def action_jump_phase(self, phase_id: str) -> None:
        self._phase_command(self.session.state.phases.jump(phase_id))

    def action_pin_caption(self) -> None:
        state = self.session.state
        text = state.captions[-1].text if state.captions else state.partial
        if not text:
            self.notify("No caption to pin yet.", severity="warning")
            return
        self.outline.pin(text)

    def action_export(self) -> None:
        self.outline.commit()
        self.app.export_markdown()  # type: ignore[attr-defined]

    def action_flags(self) -> None:
        self.outline.commit()
        self.query_one(SidePanel).focus_flags()

    def action_reveal(self) -> None:
        self.reveal = not self.reveal
        self.refresh_view()

    def action_end_round(self) -> None:
        def confirmed(yes: bool | None) -> None:
            if yes:
                self._phase_command(self.session.state.phases.end("user"))

        self.app.push_screen(ConfirmScreen("End the round and see the results?"), confirmed)
