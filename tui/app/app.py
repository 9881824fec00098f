"""The Textual app: owns the session, the caption feed, the replay clock and the timers, and
switches between the start, practice and results screens. Build it with `tui.app.factory`.
Other jobs are mixed in from quitting, replay_steering, captions_host and exporting; screens
ask it for things with the messages of `tui.app.requests`."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual.app import App
from textual.filter import LineFilter
from textual.screen import Screen
from textual.timer import Timer

from tui.app import gc_pause
from tui.app.captions_host import CaptionsHost
from tui.app.commands import ActionsProvider
from tui.app.contrast import ReadableDim
from tui.app.exporting import Exporting
from tui.app.interviewer import InterviewerHost
from tui.app.keys import bindings
from tui.app.listening import Listening
from tui.app.options import AppOptions, Plan
from tui.app.quitting import Quitting
from tui.app.replay_steering import ReplaySteering
from tui.app.requests import (
    ExportRequested,
    NewRoundRequested,
    ResumeRequested,
    StartRoundRequested,
)
from tui.app.screens.help import HelpScreen
from tui.app.screens.start import StartScreen
from tui.app.screens.too_small import TooSmallScreen, too_small
from tui.app.session_messages import EventApplied
from tui.app.themes import INK, PAPER, other_theme
from tui.core.config.settings import Settings, save_settings
from tui.core.errors import BoardlessError
from tui.core.session.clock import Clock
from tui.core.session.events import CaptionsState
from tui.core.text.safe_text import visible, visible_line

if TYPE_CHECKING:
    from textual.notifications import SeverityLevel

    from tui.app.captions import CaptionFeed
    from tui.app.replay import Replayer
    from tui.core.config.layouts import Layout
    from tui.core.config.prompts import Prompt
    from tui.core.session.events import Event
    from tui.core.session.session import Session
    from tui.core.session.state import SessionState

# What a round needs (the session, its log, the practice screen, captions, replay) is imported
# when a round opens, not before the start screen's first frame.

LIVE_TICK_S = 0.5
#: How often the header's microphone level is drawn while captions run.
MIC_REPAINT_S = 0.15
REPLAY_TICK_S = 0.1


class BoardlessApp(Quitting, ReplaySteering, Listening, CaptionsHost, InterviewerHost, Exporting,
                   App[int]):
    """boardless: practise a spoken system-design round."""

    TITLE = "boardless"
    CSS_PATH = "app.tcss"
    BINDINGS = bindings("app") + bindings("replay")
    #: Textual's own commands (Keys, Theme, Screenshot, ...) and ours.
    COMMANDS = App.COMMANDS | {ActionsProvider}

    def __init__(self, options: AppOptions, clock: Clock, settings: Settings, plan: Plan) -> None:
        super().__init__()
        self.options = options
        self.clock = clock
        self.settings = settings
        self.plan = plan
        self.session: Session | None = None
        self.feed: CaptionFeed | None = None
        self.replayer: Replayer | None = None
        self.log_path: Path | None = None
        self.last_export: Path | None = None
        self.results_shown = False
        self._ticker: Timer | None = None
        self._mic_timer: Timer | None = None
        self.exit_message = None
        self._readable_dim = ReadableDim()
        self.register_theme(PAPER)
        self.register_theme(INK)
        # Set before the app runs: the first frame is already drawn in the chosen theme.
        self.theme = settings.theme

    def get_line_filters(self) -> Sequence[LineFilter]:
        """Dim text kept readable (see `tui.app.contrast`), then Textual's filters."""
        return [self._readable_dim, *super().get_line_filters()]

    def notify(self, message: str, *, title: str = "", severity: SeverityLevel = "information",
               timeout: float | None = None, markup: bool = False) -> None:
        """Every toast (the screens' too): messages carry file paths, errors and titles, so
        they are never read as markup and their control characters show as escapes."""
        super().notify(visible(message), title=visible_line(title), severity=severity,
                       timeout=timeout, markup=False)

    def get_theme_variable_defaults(self) -> dict[str, str]:
        """Our own theme variables, defaulted to the paper theme's values."""
        return dict(PAPER.variables)

    # ---- start-up ---------------------------------------------------------------------------
    def get_default_screen(self) -> Screen[Any]:
        """The start screen is the first screen itself (composed with the app, so the first
        frame is drawn once); resume and replay push their screen over a blank one."""
        plan = self.plan
        if plan.mode == "start":
            assert plan.layout is not None and plan.prompt is not None
            assert self.options.speech is not None
            return StartScreen(plan.layout, plan.prompt, self.options.speech, self.settings,
                               self.options.seed)
        return super().get_default_screen()

    def on_ready(self) -> None:
        """The first frame is on screen."""
        gc_pause.resume()
        self.load_voice()  # in a worker, while the start screen is up

    def on_mount(self) -> None:
        self._install_signal_handlers()
        self.prepare_voice()  # the speaking gate; the voice loads once the first frame is up
        plan = self.plan  # in "start" mode the start screen is already up (get_default_screen)
        if plan.mode == "resume":
            assert plan.log_path is not None
            self.resume_round(plan.log_path)
        elif plan.mode == "replay":
            assert plan.events is not None
            self._open_replay(plan.events)
        self._check_size(self.size.width, self.size.height)

    def _show(self, screen: Screen[Any]) -> None:
        """Replace the current screen (below the too-small notice, if it is up)."""
        if isinstance(self.screen, TooSmallScreen):
            self.pop_screen()
        if len(self.screen_stack) > 1:
            self.switch_screen(screen)
        else:
            self.push_screen(screen)
        self.call_after_refresh(self._check_size, self.size.width, self.size.height)

    # ---- what the screens ask ---------------------------------------------------------------
    def on_start_round_requested(self, message: StartRoundRequested) -> None:
        self.start_round(message.layout, message.prompt, message.engine)

    def on_resume_requested(self, message: ResumeRequested) -> None:
        self.resume_round(message.log_path)

    def on_export_requested(self, _message: ExportRequested) -> None:
        self.export_markdown()

    async def on_new_round_requested(self, _message: NewRoundRequested) -> None:
        await self.new_round()

    # ---- sessions ---------------------------------------------------------------------------
    def start_round(self, layout: Layout, prompt: Prompt, engine: str | None = None) -> None:
        """Create a new session directory and open the practice screen."""
        from tui.core.config.locations import sessions_dir
        from tui.core.session.session import Session
        from tui.core.session.store import new_session_dir, session_dir_name

        speech = self.options.speech
        name = engine or (speech.engine if speech else None) or self.settings.engine
        try:
            directory = new_session_dir(self.clock.wall(), prompt.id)
        except (BoardlessError, OSError):
            # The data directory cannot be written now: practise anyway. The log writer keeps
            # every event in memory, shows the fault and retries (creating the directory).
            directory = sessions_dir() / session_dir_name(self.clock.wall(), prompt.id)
        session = Session.create(layout, prompt, self.clock, directory, engine=name,
                                 on_disk_error=self._disk_error)
        self._open_live(session)
        session.emit_all(session.state.phases.start_or_resume())

    def resume_round(self, log_path: Path) -> None:
        """Reopen an unfinished session where it stopped (the clock waits for ctrl+t)."""
        from tui.core.session.session import Session

        try:
            session = Session.resume(log_path.parent, self.clock, on_disk_error=self._disk_error)
        except (BoardlessError, OSError) as error:
            if not isinstance(self.screen, StartScreen):  # `practice --resume`: nothing to show
                self._exit_saying(1, f"boardless: error: {error}")
                return
            self.notify(f"Cannot resume: {error}", severity="error")
            return
        for warning in session.warnings:
            self.notify(warning, severity="warning")
        self._open_live(session, resumed=True)
        if not session.state.ended:
            self.notify("Resumed. Press ctrl+t to continue the clock.", title="Resumed")

    def _open_live(self, session: Session, resumed: bool = False) -> None:
        self.session = session
        self.log_path = session.log_path
        from tui.app.screens.practice import PracticeScreen

        self._attach_coach(session, resumed)
        session.listeners.append(self._event_applied)
        if session.state.ended:
            self.show_results()
            return
        self._show(PracticeScreen(session, voice_note=self.voice_problem or ""))
        self._start_feed()
        self._ticker = self.set_interval(LIVE_TICK_S, self.tick)
        self._mic_timer = self.set_interval(MIC_REPAINT_S, self._show_level)

    def _open_replay(self, events: list[Event]) -> None:
        from tui.app.replay import Replayer

        self.replayer = Replayer(events, self.clock, self.options.replay_speed)
        self.log_path = self.plan.log_path
        self._show(self._replay_screen(self.replay_start(events)))  # at --from, if given
        self._ticker = self.set_interval(REPLAY_TICK_S, self.tick)
        if self.log_path is not None:
            self.start_listening(self.log_path.parent, events)  # its recording, if any

    def _replay_screen(self, state: SessionState) -> Screen[None]:
        """A new replay session over `state` and the read-only practice screen showing it."""
        from tui.app.replay import speed_label
        from tui.app.screens.practice import PracticeScreen
        from tui.core.session.session import Session

        assert self.replayer is not None
        self.session = Session(state, self.replayer)  # type: ignore[arg-type]
        self.session.listeners.append(self._event_applied)
        return PracticeScreen(self.session, read_only=True,
                              mode_label=speed_label(self.replayer.speed))

    def _attach_coach(self, session: Session, resumed: bool) -> None:
        """Live coach observers; a resumed session's observers first see its whole log."""
        try:
            from tui.core import coach
            from tui.core.session.eventlog import read_log
        except ImportError:
            return
        try:
            if resumed and session.log_path is not None:
                observers = coach.resume_observers(read_log(session.log_path).events)
            else:
                observers = coach.make_observers(session.state)
        except BoardlessError as error:
            self.notify(f"Coach off: {error}", severity="warning")
            return
        session.observers.extend(observers)

    def _event_applied(self, event: Event) -> None:
        """The session's listener (called inside the fold): the app reacts on its own queue."""
        if self.session is not None:
            self.post_message(EventApplied(event, self.session))

    def on_event_applied(self, message: EventApplied) -> None:
        event = message.event
        if message.session is not self.session:
            return  # a round (or a replay screen) already closed
        if self.replayer is None and self.feed is not None:
            if event.type == "timer_paused":
                self.feed.pause()  # a break: what is said now is not part of the round
            elif event.type == "timer_started":
                self.feed.resume()
            elif (event.type == "captions_status" and event["state"] == CaptionsState.READY
                  and self.feed.record_to is not None and self.session is not None
                  and self.session.state.audio_path != self.feed.record_to.name
                  and not self.session.state.closed):
                self.session.emit("audio_recorded", path=self.feed.record_to.name, rate=16000)
        if self.replayer is None:
            self.interviewer_hears(event, message.session)  # reads the prompt, probes, ...
        if event.type == "round_ended" and self.replayer is None:
            self.show_results()
        elif (event.type == "flag_raised" and event["severity"] == "serious"
              and self.replayer is None and self.settings.bell_on_serious):
            self.bell()

    # ---- time -------------------------------------------------------------------------------
    def tick(self) -> None:
        """Apply due replay events or let the coach see time pass; repaint the clocks."""
        session = self.session
        if session is None:
            return
        from tui.app.screens.practice import PracticeScreen  # loaded when the round opened

        if self.replayer is not None:
            for event in self.replayer.due():
                session.apply(event)
            self.follow_audio()
            if self.replayer.finished and not self.results_shown:
                self.show_results()
        elif not session.state.closed:
            if isinstance(self.screen, PracticeScreen):
                self.screen.save_typing()  # what is on screen is in the log
            now = session.now()
            session.tick(now)  # whole seconds only, exactly as `report` replays the log
            tracker = session.state.phases
            if tracker.running and tracker.remaining(now) <= 0:
                if isinstance(self.screen, PracticeScreen):
                    self.screen.outline.commit()  # what is being typed belongs to the round
                session.emit_all(tracker.end("time"))
            session.checkpoint()  # an idle round's clock reaches the log once a second
        if isinstance(self.screen, PracticeScreen):
            self.screen.now = session.now()  # the screen repaints its clocks

    # ---- results, export, quit --------------------------------------------------------------
    def show_results(self) -> None:
        if self.results_shown or self.session is None:
            return
        self.results_shown = True
        self.stop_listening()
        from tui.app.screens.results import ResultsScreen  # Markdown rendering: load when needed

        self._show(ResultsScreen(self.session, self.log_path, replay=self.replayer is not None))
        self.run_worker(self.stop_captions(), group="captions-stop")

    async def new_round(self) -> None:
        """Close this session and open the start screen for another round, with the same layout
        and prompt chosen."""
        session = self.session
        if session is None:
            return
        # The round's last words, flushed when the results opened, go to its log first.
        await self.workers.wait_for_complete(
            [worker for worker in self.workers if worker.group == "captions-stop"])
        await self.save(reason="new_round")
        if self._waiting():  # the next round must not drop this one's unwritten events
            copy, problem = self._save_copy()
            where = f"it is saved in {copy}" if copy else f"nor could it be saved in {problem}"
            self.notify(f"{self._write_problem()}; {where}.", title="Disk", severity="error",
                        timeout=30)
        for timer in (self._ticker, self._mic_timer):
            if timer is not None:
                timer.stop()
        self._ticker = self._mic_timer = None
        self.session = self.feed = self.replayer = None
        self.log_path = self.last_export = None
        self.results_shown = False
        assert self.options.speech is not None
        self._show(StartScreen(session.state.layout, session.state.prompt, self.options.speech,
                               self.settings))

    async def save(self, reason: str = "quit") -> None:
        """Everything typed and heard goes to the log, then the log is closed."""
        if self.session is not None:
            from tui.app.screens.practice import PracticeScreen  # loaded when the round opened

            for screen in self.screen_stack:
                if isinstance(screen, PracticeScreen) and screen.is_mounted:
                    screen.outline.commit()
        self.silence_interviewer()
        self.stop_listening()
        await self.stop_captions()
        if self.session is not None and self.replayer is None:
            self.session.close(reason)

    # ---- app-wide actions -------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "help" and isinstance(self.screen, HelpScreen):
            return False
        if action.startswith("replay_"):
            return self._replaying()
        return True

    def action_help(self) -> None:
        self.push_screen(HelpScreen())

    def action_toggle_theme(self) -> None:
        self.theme = other_theme(self.theme)
        self.settings.theme = self.theme
        try:
            save_settings(self.settings)
        except OSError as error:
            self.notify(f"Theme not saved: {error}", severity="warning")

    # ---- size -------------------------------------------------------------------------------
    def on_resize(self, event: object) -> None:
        size = getattr(event, "size", self.size)
        self._check_size(size.width, size.height)

    def _check_size(self, width: int, height: int) -> None:
        top = self.screen
        if too_small(width, height):
            if isinstance(top, TooSmallScreen):
                top.show_size(width, height)
            else:
                self.push_screen(TooSmallScreen())
        elif isinstance(top, TooSmallScreen):
            self.pop_screen()


