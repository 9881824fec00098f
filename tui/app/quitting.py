"""Leaving the app without losing a word: quit saves first, and asks when the disk would not
take every event (retry, quit keeping a copy saved elsewhere, or discard); SIGTERM, SIGHUP and
SIGINT save without asking and end the process within EXIT_DEADLINE_S. Mixed into BoardlessApp.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from textual.app import App

if TYPE_CHECKING:
    from tui.app.replay import Replayer
    from tui.core.session.eventlog import LogWriter
    from tui.core.session.session import Session

#: After SIGTERM, SIGHUP or SIGINT the process ends within this many seconds, saved or not.
EXIT_DEADLINE_S = 1.5


def save_copy_elsewhere(writer: LogWriter) -> tuple[Path | None, str]:
    """Save the whole round (what reached the log and what is waiting) in the first fallback
    directory that takes it: (the copy's log path, "") or (None, what failed)."""
    from tui.core.config.locations import unsaved_dirs

    problem = ""
    for root in unsaved_dirs():
        try:
            return writer.save_copy(root / writer.path.parent.name), ""
        except OSError as error:
            problem = f"{root} ({error.strerror or error})"
    return None, problem


class Quitting(App[int]):
    """Quit, signals and the events the disk would not take; BoardlessApp provides `save`."""

    session: Session | None
    replayer: Replayer | None
    #: One line for the CLI to print after the app exits (what was saved where, or lost).
    exit_message: str | None = None
    _signalled = False
    _signal_exit_code: int | None = None
    _copy: Path | None = None

    async def save(self, reason: str = "quit") -> None:  # provided by BoardlessApp
        raise NotImplementedError

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
    def _disk_error(self, message: str | None) -> None:
        """The log writer's fault (its message), or None once it writes again."""
        if message:
            self.notify(message, title="Disk", severity="error", timeout=10)
        else:
            self.notify("The session log is being written again.", title="Disk")

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
        assert self.session is not None and self.session.writer is not None
        return save_copy_elsewhere(self.session.writer)

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

    def action_help_quit(self) -> None:
        """Textual's Ctrl+C action (a key in raw mode, not SIGINT) saves and quits like ctrl+q
        instead of telling how to quit."""
        self.call_later(self.action_quit)


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
