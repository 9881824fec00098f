"""The Textual app: owns the session, the caption feed, the replay clock and the timers, and
switches between the start, practice and results screens. Build it with `tui.app.factory`."""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import signal
import subprocess
import sys
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from textual import work
from textual.app import App
from textual.filter import LineFilter
from textual.message import Message
from textual.screen import Screen
from textual.timer import Timer

from tui.app import gc_pause
from tui.app.commands import ActionsProvider
from tui.app.contrast import ReadableDim
from tui.app.keys import bindings
from tui.app.options import AppOptions
from tui.app.screens.help import HelpScreen
from tui.app.screens.start import StartScreen
from tui.app.screens.too_small import TooSmallScreen, too_small
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
#: After SIGTERM, SIGHUP or SIGINT the process ends within this many seconds, saved or not.
EXIT_DEADLINE_S = 1.5
AUDIO_NAME = "audio.wav"
REPLAY_TICK_S = 0.1
#: Caption states with no input level to show.
CAPTIONS_SILENT = frozenset({CaptionsState.OFF, CaptionsState.ERROR, CaptionsState.STOPPED})


@dataclass
class Plan:
    """What the factory resolved before the app starts."""

    mode: str
    layout: Layout | None = None
    prompt: Prompt | None = None
    log_path: Path | None = None
    events: list[Event] | None = None


class BoardlessApp(App[int]):
    """boardless: practise a spoken system-design round."""

    TITLE = "boardless"
    CSS_PATH = "app.tcss"
    BINDINGS = bindings("app") + bindings("replay")
    COMMANDS = {ActionsProvider}

    class CaptionsWaiting(Message):
        """The caption feed has results queued (merged: one is enough)."""

        def can_replace(self, message: Message) -> bool:
            return isinstance(message, BoardlessApp.CaptionsWaiting)

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
        self._signalled = False
        self._signal_exit_code: int | None = None
        self._copy: Path | None = None
        #: One line for the CLI to print after the app exits (what was saved where, or lost).
        self.exit_message: str | None = None
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
    def get_default_screen(self) -> Screen[object]:
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

    def on_mount(self) -> None:
        self._install_signal_handlers()
        plan = self.plan  # in "start" mode the start screen is already up (get_default_screen)
        if plan.mode == "resume":
            assert plan.log_path is not None
            self.resume_round(plan.log_path)
        elif plan.mode == "replay":
            assert plan.events is not None
            self._open_replay(plan.events)
        self._check_size(self.size.width, self.size.height)

    def _install_signal_handlers(self) -> None:
        try:
            loop = asyncio.get_running_loop()
            for sig in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT):
                loop.add_signal_handler(sig, self._on_signal, sig)
        except (NotImplementedError, RuntimeError, AttributeError, ValueError):
            pass  # not on the main thread (tests) or no signals on this platform

    def _on_signal(self, sig: signal.Signals) -> None:
        """SIGTERM, SIGHUP (the terminal closed) or SIGINT: save and quit without asking, and
        be gone within EXIT_DEADLINE_S whatever the terminal does."""
        if sig == signal.SIGHUP:
            _detach_from_dead_terminal()
        if self._signalled:
            return
        self._signalled = True
        watchdog = threading.Timer(EXIT_DEADLINE_S, self._exit_now)
        watchdog.daemon = True
        watchdog.start()
        self.call_later(self._quit_on_signal)

    def _exit_now(self) -> None:
        """The watchdog: the app did not finish quitting in time (Textual's output thread can
        block for good on a terminal that went away). Every event already reached the OS when
        it was logged; end the process."""
        os._exit(self._signal_exit_code if self._signal_exit_code is not None else 1)

    def _show(self, screen: Screen[object]) -> None:
        """Replace the current screen (below the too-small notice, if it is up)."""
        if isinstance(self.screen, TooSmallScreen):
            self.pop_screen()
        if len(self.screen_stack) > 1:
            self.switch_screen(screen)
        else:
            self.push_screen(screen)
        self.call_after_refresh(self._check_size, self.size.width, self.size.height)

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
        session.emit_all(session.state.phases.start_or_resume())  # type: ignore[arg-type]

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
        session.listeners.append(self._on_event)
        if session.state.ended:
            self.show_results()
            return
        self._show(PracticeScreen(session))
        self._start_feed()
        self._ticker = self.set_interval(LIVE_TICK_S, self.tick)

    def _open_replay(self, events: list[Event]) -> None:
        from tui.app.replay import Replayer
        from tui.core.session.state import SessionState

        self.replayer = Replayer(events, self.clock, self.options.replay_speed)
        self.log_path = self.plan.log_path
        self._show(self._replay_screen(SessionState.from_start(events[0])))
        self._ticker = self.set_interval(REPLAY_TICK_S, self.tick)

    def _replay_screen(self, state: SessionState) -> Screen[None]:
        """A new replay session over `state` and the read-only practice screen showing it."""
        from tui.app.replay import speed_label
        from tui.app.screens.practice import PracticeScreen
        from tui.core.session.session import Session

        assert self.replayer is not None
        self.session = Session(state, self.replayer)  # type: ignore[arg-type]
        self.session.listeners.append(self._on_event)
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

    def _disk_error(self, message: str | None) -> None:
        if message:
            self.notify(message, title="Disk", severity="error", timeout=10)
        else:
            self.notify("The session log is being written again.", title="Disk")

    def _on_event(self, event: Event) -> None:
        if self.replayer is None and self.feed is not None:
            if event.type == "timer_paused":
                self.feed.pause()  # a break: what is said now is not part of the round
            elif event.type == "timer_started":
                self.feed.resume()
            elif (event.type == "captions_status" and event["state"] == CaptionsState.READY
                  and self.feed.record_to is not None and self.session is not None
                  and self.session.state.audio_path is None):
                self.session.emit("audio_recorded", path=AUDIO_NAME, rate=16000)
        if event.type == "round_ended" and self.replayer is None:
            self.call_later(self.show_results)
        elif event.type == "probe_asked" and self.replayer is None and self.settings.speak_probes:
            self._speak(event["text"])
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
                session.emit_all(tracker.end("time"))  # type: ignore[arg-type]
            session.checkpoint()  # an idle round's clock reaches the log once a second
        if isinstance(self.screen, PracticeScreen):
            self.screen.refresh_view()

    def toggle_replay_pause(self) -> None:
        if self.replayer is not None:
            self.replayer.toggle_pause()

    # ---- replay steering (keys of the "replay" scope) ----------------------------------------
    def _replaying(self) -> bool:
        from tui.app.screens.practice import PracticeScreen

        return (self.replayer is not None and not self.results_shown
                and isinstance(self.screen, PracticeScreen))

    async def action_replay_seek(self, seconds: float) -> None:
        if self.replayer is not None:
            await self._seek(self.replayer.now() + seconds)

    async def action_replay_flag(self, direction: int) -> None:
        if self.replayer is None:
            return
        t = self.replayer.next_flag() if direction > 0 else self.replayer.previous_flag()
        if t is None:
            self.notify("No later flag." if direction > 0 else "No earlier flag.", timeout=2)
            return
        await self._seek(t)

    def action_replay_speed(self, direction: int) -> None:
        from tui.app.replay import speed_label
        from tui.app.screens.practice import PracticeScreen

        if self.replayer is None:
            return
        speed = self.replayer.step_speed(direction)
        if isinstance(self.screen, PracticeScreen):
            self.screen.mode_label = speed_label(speed)
            self.screen.refresh_view()

    async def _seek(self, t: float) -> None:
        """Show the round at session time `t`. Going back, the state is folded again from
        the log's events before `t` on a new screen; then the events at `t` (a flag) and,
        going forward, those on the way are applied as the timer would."""
        assert self.replayer is not None
        if self.replayer.seek(t):
            # No tick until the new screen listens: it must see the events at `t` (a flag).
            if self._ticker is not None:
                self._ticker.pause()
            try:
                await self.switch_screen(self._replay_screen(self.replayer.state_before()))
            finally:
                if self._ticker is not None:
                    self._ticker.resume()
        self.tick()

    def mic_level(self) -> float | None:
        """The input level for the header, or None when captions are off."""
        if self.feed is None or self.session is None:
            return None
        if self.session.state.captions_state in CAPTIONS_SILENT:
            return None
        return self.feed.level

    # ---- captions ---------------------------------------------------------------------------
    def _start_feed(self) -> None:
        assert self.options.speech is not None and self.session is not None
        record_to = None
        if self.settings.record_audio and self.session.directory is not None:
            record_to = self.session.directory / AUDIO_NAME
        from tui.app.captions import CaptionFeed

        self.feed = CaptionFeed(self.options.speech, self.settings,
                                wake=lambda: self.post_message(self.CaptionsWaiting()),
                                record_to=record_to)
        self._run_feed(self.feed)

    @work(thread=True, exclusive=True, group="captions")
    def _run_feed(self, feed: CaptionFeed) -> None:
        feed.start()

    def on_boardless_app_captions_waiting(self, _message: CaptionsWaiting) -> None:
        self._drain()

    def _drain(self) -> None:
        if self.feed is not None and self.session is not None and not self.session.state.closed:
            self.session.emit_all(self.feed.drain())

    async def stop_captions(self) -> None:
        """Stop the pipeline off the UI thread, then log the words it flushed."""
        feed = self.feed
        if feed is None:
            return
        await asyncio.to_thread(feed.stop)
        self._drain()
        self.feed = None

    # ---- results, export, quit --------------------------------------------------------------
    def show_results(self) -> None:
        if self.results_shown or self.session is None:
            return
        self.results_shown = True
        from tui.app.screens.results import ResultsScreen  # Markdown rendering: load when needed

        self._show(ResultsScreen(self.session, self.log_path, replay=self.replayer is not None))
        self.run_worker(self.stop_captions(), group="captions-stop")

    def export_markdown(self) -> None:
        """Export beside the log in a worker; the path is shown when done."""
        if self.log_path is None:
            self.notify("This session has no log to export.", severity="warning")
            return
        if self.session is not None and self.session.writer is not None:
            self.session.writer.sync()
        self._export(self.log_path)

    @work(thread=True, exclusive=True, group="export")
    def _export(self, log_path: Path) -> None:
        try:
            from tui.core.debrief.export import (
                export_session,  # coach replay and report: when needed
            )

            path = export_session(log_path)
        except (BoardlessError, OSError) as error:
            self.call_from_thread(self.notify, f"Export failed: {error}", severity="error")
            return
        self.call_from_thread(self._exported, path)

    def _exported(self, path: Path) -> None:
        self.last_export = path
        self.notify(str(path), title="Exported Markdown", timeout=8)
        from tui.app.screens.results import ResultsScreen

        for screen in self.screen_stack:
            if isinstance(screen, ResultsScreen):
                screen.show_export(path)

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
        if self._ticker is not None:
            self._ticker.stop()
            self._ticker = None
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
        await self.stop_captions()
        if self.session is not None and self.replayer is None:
            self.session.close(reason)

    async def action_quit(self) -> None:
        """Save and quit; if the disk would not take every event, ask first (UnsavedScreen)."""
        from tui.app.screens.unsaved import UnsavedScreen

        if isinstance(self.screen, UnsavedScreen):
            return  # already asking
        await self.save()
        if self._waiting():
            self._ask_unsaved()
            return
        self.exit(0)

    async def _quit_on_signal(self) -> None:
        """Save and quit for a signal: nobody may be there to answer, so events the log would
        not take go to a copy in a fallback directory; exit code 1 if even that fails."""
        await self.save()
        code, message = 0, None
        if self._waiting():
            copy, problem = self._save_copy()
            if copy is not None:
                message = f"boardless: {self._write_problem()}; the round is saved in {copy}"
            else:
                code = 1
                message = (f"boardless: {self._write_problem()}, nor in {problem}; "
                           f"{self._waiting()} events lost")
        self._signal_exit_code = code
        self._exit_saying(code, message)

    # ---- events the disk would not take -----------------------------------------------------
    def _waiting(self) -> int:
        """Events of the live session still waiting to be written (a disk fault)."""
        session = self.session
        if session is None or session.writer is None or self.replayer is not None:
            return 0
        return session.writer.pending

    def _write_problem(self) -> str:
        assert self.session is not None and self.session.writer is not None
        writer = self.session.writer
        error = writer.error or f"cannot write {writer.path}"
        return f"{writer.pending} events not written ({error.removesuffix('; retrying')})"

    def _save_copy(self) -> tuple[Path | None, str]:
        """Save the whole round in the first fallback directory that takes it: (the log's
        path, "") or (None, what failed)."""
        from tui.core.config.locations import unsaved_dirs

        assert self.session is not None and self.session.writer is not None
        writer = self.session.writer
        problem = ""
        for root in unsaved_dirs():
            try:
                return writer.save_copy(root / writer.path.parent.name), ""
            except OSError as error:
                problem = f"{root} ({error.strerror or error})"
        return None, problem

    def _ask_unsaved(self) -> None:
        """Save a copy of the round elsewhere at once (nothing is lost if the terminal goes
        now), then ask: retry the real log, quit keeping the copy, or discard."""
        from tui.app.screens.unsaved import UnsavedScreen
        from tui.core.config.locations import unsaved_dirs

        assert self.session is not None and self.session.writer is not None
        self._copy, problem = self._save_copy()
        where = unsaved_dirs()[0] / self.session.writer.path.parent.name
        if self._copy is not None:
            saved = f"The whole round is saved in {self._copy}."
        else:
            saved = f"It could not be saved in {problem} either."
        message = (f"Quit: {self._write_problem()}.\n{saved}\n"
                   "Retry writing the log, quit keeping the copy, or discard what is unsaved?")
        self.push_screen(UnsavedScreen(message, self._copy is not None, str(where)),
                         self._unsaved_chosen)

    def _unsaved_chosen(self, choice: str | None) -> None:
        assert self.session is not None and self.session.writer is not None
        writer = self.session.writer
        if choice == "retry":
            writer.close()  # writes what waits, fsyncs, closes again
            if writer.pending == 0:
                self._drop_copy()
                self.exit(0)
            else:
                self._ask_unsaved()
        elif choice == "keep" and self._copy is not None:
            self._exit_saying(
                0, f"boardless: {self._write_problem()}; the round is saved in {self._copy}")
        elif choice == "keep":
            self._ask_unsaved()  # tries the copy again
        else:
            lost = writer.pending
            self._drop_copy()
            self._exit_saying(
                1, f"boardless: discarded {lost} events that could not be written to {writer.path}")

    def _exit_saying(self, code: int, message: str | None) -> None:
        """Exit with `code`; the CLI prints `message` as one line once the screen is restored."""
        self.exit_message = message
        self.exit(code)

    def _drop_copy(self) -> None:
        """Remove the fallback copy (the real log has everything, or the person discarded)."""
        if self._copy is not None:
            with contextlib.suppress(OSError):
                self._copy.unlink()
                self._copy.parent.rmdir()
            self._copy = None

    async def action_help_quit(self) -> None:
        """Ctrl+C (a key in raw mode, not SIGINT) saves and quits like ctrl+q."""
        await self.action_quit()

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

    @work(thread=True, group="speak")
    def _speak(self, text: str) -> None:
        program = shutil.which("espeak-ng")
        if program is None:
            return
        try:
            subprocess.run([program, text], capture_output=True, timeout=60, check=False)
        except (OSError, subprocess.TimeoutExpired):
            pass

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


def _detach_from_dead_terminal() -> None:
    """After a hangup whose terminal is really gone, send what the app still draws to
    /dev/null: Textual's output thread dies on the first failed write and its queue then
    blocks the exit. A SIGHUP sent with the terminal still there changes nothing."""
    try:
        import termios

        termios.tcgetattr(sys.__stderr__.fileno())  # type: ignore[union-attr]
        return  # still a working terminal
    except (ImportError, AttributeError, ValueError):
        return
    except (OSError, termios.error):
        pass
    try:
        null = os.open(os.devnull, os.O_WRONLY)
    except OSError:
        return
    for fd in (1, 2):
        with contextlib.suppress(OSError):
            os.dup2(null, fd)
    os.close(null)
