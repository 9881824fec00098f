"""The practice screen: header, phase bar, paper outline, side panel, probe and curveball
banners and caption strip.

It renders the session's state and turns keys into events; the app owns the session, the
caption feed and the clock. In replay the same screen is read-only.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable
from typing import Concatenate, ParamSpec, TypeVar

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.css.query import NoMatches
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import Footer

from tui.app.keys import bindings
from tui.app.requests import ExportRequested, ReplayPauseRequested
from tui.app.screens.confirm import ConfirmScreen
from tui.app.session_messages import (
    CaptionsChanged,
    ChecklistTicked,
    FlagRaised,
    OutlineChanged,
    PhasesChanged,
    ProbesChanged,
    message_for,
)
from tui.app.widgets.caption_strip import CaptionStrip, ProbeBanner, cue_pattern
from tui.app.widgets.curveball_banner import CurveballBanner
from tui.app.widgets.flag_banner import FLASH_SECONDS, FlagBanner
from tui.app.widgets.header import SessionHeader
from tui.app.widgets.outline_view import OutlineView
from tui.app.widgets.phase_bar import PhaseBar
from tui.app.widgets.side_panel import SidePanel
from tui.core.session.events import CaptionsState, Event, NewEvent
from tui.core.session.session import Session
from tui.core.session.state import Flag

LIVE_ONLY = {"next_phase", "previous_phase", "jump_phase", "pin_caption", "end_round"}

_Screen = TypeVar("_Screen", bound="PracticeScreen")
_Args = ParamSpec("_Args")


def while_shown(method: Callable[Concatenate[_Screen, _Args], None],
                ) -> Callable[Concatenate[_Screen, _Args], None]:
    """Paint only while the screen is composed: not before its first mount, and not while it is
    being taken down (its widgets already gone, as the app exits)."""

    @functools.wraps(method)
    def paint(self: _Screen, *args: _Args.args, **kwargs: _Args.kwargs) -> None:
        if self._ready:
            with contextlib.suppress(NoMatches):
                method(self, *args, **kwargs)

    return paint


class PracticeScreen(Screen[None]):
    """One round, live or replayed.

    Session events arrive as messages (`tui.app.session_messages`), each repainting what it
    changed; the clock (`now`, set by the app's timer), the mode label, the microphone level and
    the revealed questions are reactives whose watchers repaint what shows them."""

    CSS_PATH = "../practice.tcss"  # loaded when the screen is first shown

    BINDINGS = bindings("practice")

    now: reactive[float] = reactive(0.0, init=False)
    """Session time shown (set by the app's timer): clocks, countdowns, the flag banner."""
    mode_label: reactive[str] = reactive("", init=False)
    """Replay's "replay ×4" in the header, or "" for a live round."""
    mic_level: reactive[float | None] = reactive(None, init=False)
    """The input level (set by the app a few times a second), None when captions are off."""
    reveal: reactive[bool] = reactive(False, init=False)
    """The prompt's clarifying questions are shown in the side panel."""
    voice_note: reactive[str] = reactive("", init=False)
    #: In a replay with its recording: the caption whose audio is being heard now.
    heard: reactive[str] = reactive("", init=False)
    """Why the interviewer's voice is silent (one line in the caption strip), or ""."""

    def __init__(self, session: Session, read_only: bool = False, mode_label: str = "",
                 voice_note: str = "") -> None:
        super().__init__()
        self.session = session
        self.read_only = read_only
        self.set_reactive(PracticeScreen.mode_label, mode_label)
        self.set_reactive(PracticeScreen.voice_note, voice_note)
        self.set_reactive(PracticeScreen.now, session.now())
        self.flashes: list[tuple[Flag, float]] = []
        """Flags in the banner, each with the session time it leaves at."""
        self._pattern = cue_pattern(session.state.phases.current_phase)
        self._pattern_phase = session.state.current_phase_id
        self._keys: tuple[object, ...] = ()
        self._ready = False
        """Composed and mounted: until then there is nothing to paint (and no outline)."""

    def compose(self) -> ComposeResult:
        yield SessionHeader(id="header")
        yield PhaseBar(self.session.state.phases, id="phase-bar")
        with Horizontal(id="main"):
            yield OutlineView(self.session, read_only=self.read_only, id="outline")
            yield SidePanel(id="side")
        yield ProbeBanner(id="probe")
        yield CurveballBanner(id="curveball")
        yield FlagBanner(id="flag-banner")
        yield CaptionStrip(id="captions")
        yield Footer(compact=True)

    @property
    def outline(self) -> OutlineView:
        return self.query_one(OutlineView)

    def on_mount(self) -> None:
        self.session.listeners.append(self._session_event)
        self._ready = True
        self.outline.rebuild()
        self.outline.focus()
        self._repaint_all()
        # the flags list is coloured in code, from the theme: drawn again once the new theme's
        # colours are in place
        self.app.theme_changed_signal.subscribe(self, lambda _theme: self.watch_reveal())

    def on_unmount(self) -> None:
        if self._session_event in self.session.listeners:
            self.session.listeners.remove(self._session_event)

    # ---- session -> messages ----------------------------------------------------------------
    def _session_event(self, event: Event) -> None:
        """The session's listener (called inside the fold): only posts what changed."""
        state = self.session.state
        # each flag is shown for FLASH_SECONDS of session time (so it outlasts a pause)
        message = message_for(event, state.flags, self.session.now() + FLASH_SECONDS)
        if message is not None:
            self.post_message(message)

    @while_shown
    def on_outline_changed(self, message: OutlineChanged) -> None:
        outline = self.outline
        if self.read_only and message.added is not None:
            outline.cursor_id = message.added  # replay follows the newest note
        outline.outline_changed(message.seq)

    @while_shown
    def on_captions_changed(self, _message: CaptionsChanged) -> None:
        self._repaint_strip()
        self._repaint_header()
        self._refresh_keys()

    @while_shown
    def on_phases_changed(self, _message: PhasesChanged) -> None:
        self._repaint_all()

    @while_shown
    def on_flag_raised(self, message: FlagRaised) -> None:
        self.flashes.append((message.flag, message.until))
        self._repaint_flags()
        self._repaint_side()

    @while_shown
    def on_checklist_ticked(self, _message: ChecklistTicked) -> None:
        self._repaint_side()

    @while_shown
    def on_probes_changed(self, _message: ProbesChanged) -> None:
        self._repaint_probe()
        self._repaint_side()

    # ---- reactives -> widgets ---------------------------------------------------------------
    @while_shown
    def watch_now(self) -> None:
        self._repaint_header()
        self.query_one(PhaseBar).show(self.now)
        self._repaint_probe()
        self._repaint_flags()

    @while_shown
    def watch_mode_label(self) -> None:
        self._repaint_header()

    @while_shown
    def watch_mic_level(self, level: float | None) -> None:
        self.query_one(SessionHeader).show_level(level)

    @while_shown
    def watch_voice_note(self) -> None:
        self._repaint_strip()

    @while_shown
    def watch_heard(self) -> None:
        self._repaint_strip()

    @while_shown
    def watch_reveal(self) -> None:
        self._repaint_side()

    # ---- painting ---------------------------------------------------------------------------
    def _repaint_all(self) -> None:
        """Everything, from the state: a phase change moves every part of the screen."""
        self._repaint_header()
        self.query_one(PhaseBar).show(self.session.now())
        self._repaint_side()
        self._repaint_probe()
        self._repaint_flags()
        self._repaint_strip()
        self._refresh_keys()

    def _repaint_header(self) -> None:
        self.query_one(SessionHeader).show(self.session.state, self.session.now(),
                                           self.mode_label or self._engine_label(),
                                           self.mic_level)

    def _repaint_side(self) -> None:
        self.query_one(SidePanel).show(self.session.state, self.reveal)

    def _repaint_probe(self) -> None:
        self.query_one(ProbeBanner).show(self.session.state, self.session.now())
        self.query_one(CurveballBanner).show(self.session.state, self.session.now())

    def _repaint_flags(self) -> None:
        now, state = self.session.now(), self.session.state
        self.flashes = [(flag, until) for flag, until in self.flashes if now < until]
        self.query_one(FlagBanner).show(
            [(flag, state.round_time(flag.t)) for flag, _until in self.flashes])

    def _repaint_strip(self) -> None:
        state = self.session.state
        if self._pattern_phase != state.current_phase_id:
            self._pattern_phase = state.current_phase_id
            self._pattern = cue_pattern(state.phases.current_phase)
        strip = self.query_one(CaptionStrip)
        strip.show(state, max(1, strip.content_region.height or 3), self._pattern,
                   note=self.voice_note, heard=self.heard)

    def _refresh_keys(self) -> None:
        """Redraw the footer when what the keys can do changes (Pin once there is a caption;
        Next, Prev and End as phases move), not on every event."""
        state = self.session.state
        keys = (bool(state.captions or state.partial), state.phases.current, state.ended)
        if keys != self._keys:
            self._keys = keys
            self.refresh_bindings()

    @while_shown
    def save_typing(self) -> None:
        """Log the note being typed (it stays open), so nothing on screen is lost."""
        if not self.read_only:
            self.outline.save_typing()

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

    def _phase_command(self, events: list[NewEvent]) -> None:
        self.outline.commit(keep_empty_new=True)
        if events:
            self.session.emit_all(events)

    def action_toggle_timer(self) -> None:
        if self.read_only:
            self.post_message(ReplayPauseRequested())
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
        self.outline.commit(keep_empty_new=True)  # typing goes on in the new note after
        self.post_message(ExportRequested())

    def action_flags(self) -> None:
        self.outline.commit(keep_empty_new=True)  # back with Escape, typing goes on there
        self.query_one(SidePanel).focus_flags()

    def action_reveal(self) -> None:
        self.reveal = not self.reveal

    def action_end_round(self) -> None:
        def confirmed(yes: bool | None) -> None:
            if yes:
                self._phase_command(self.session.state.phases.end("user"))

        self.app.push_screen(ConfirmScreen("End the round and see the results?"), confirmed)
