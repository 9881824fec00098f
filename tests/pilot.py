"""Driving the running app in tests as a person would: waiting on what the screen shows (never
on a fixed pause), reading the screen, typing, and what the app notified. The `make_app` and
`clock` fixtures are in `tests/conftest.py`."""

from __future__ import annotations

import time
import weakref
from collections.abc import Callable
from pathlib import Path
from typing import Any

from textual.geometry import Region
from textual.widget import Widget

from tui.app.app import BoardlessApp
from tui.core.config.layouts import find_layout
from tui.core.config.prompts import find_prompt
from tui.core.session.clock import FakeClock
from tui.core.session.session import Session
from tui.core.session.store import new_session_dir

PROMPT = "video-streaming-cdn"


def recorded_session(clock: FakeClock, notes: int = 0) -> Session:
    """A session on disk in the data dir, written through the core as the app would."""
    directory = new_session_dir(clock.wall(), PROMPT)
    session = Session.create(find_layout("netflix-l5"), find_prompt(PROMPT), clock, directory)
    session.emit_all(session.state.phases.start_or_resume())
    for number in range(notes):
        session.emit("note_added", id=f"n{number + 1}", text=f"note {number + 1}", kind="note",
                     parent=None, index=-1, phase="requirements")
    return session


#: How long `wait_until` lets the app work towards a condition before the test fails. Only a
#: bound: a test goes on the moment its condition holds, however fast the machine.
WAIT_LIMIT_S = 20.0


async def wait_until(pilot: Any, check: Callable[[], object], what: str = "the condition",
                     limit_s: float = WAIT_LIMIT_S) -> None:
    """Let the app process its messages (`pilot.pause()`) until `check()` holds; fail naming
    `what` if it still does not after `limit_s` seconds."""
    deadline = time.monotonic() + limit_s
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {limit_s:g} s waiting for {what}")
        await pilot.pause()
        if not check():
            await pilot.pause(0.01)  # a worker thread may be what the check waits for


def shown_text(widget: Widget) -> str:
    """The text a widget draws, line by line, as a person reads it on the screen."""
    lines = widget.render_lines(Region(0, 0, *widget.outer_size))
    return "\n".join(strip.text for strip in lines)


def screen_text(app) -> str:  # type: ignore[no-untyped-def]
    """What every widget shown on the current screen draws (widgets hidden with `display`
    left out), one widget after another."""
    leaves = [widget for widget in app.screen.query("*")
              if not widget.children and widget.size.area
              and all(node.display for node in (widget, *widget.ancestors_with_self))]
    return "\n".join(shown_text(widget) for widget in leaves)


def toasts(app) -> list[str]:  # type: ignore[no-untyped-def]
    """The text of every toast on the screen (title and message; a toast wraps it to its
    width). Tests that read toasts run the app with `run_test(notifications=True)`."""
    return [" ".join(str(toast.render()).split()) for toast in app.screen.query("Toast")]


async def first_screen(pilot) -> None:  # type: ignore[no-untyped-def]
    """Wait until the app shows its first screen of its own (start, practice or replay),
    composed."""
    from textual.screen import Screen

    app = pilot.app
    await wait_until(pilot, lambda: type(app.screen) is not Screen and app.screen.is_mounted
                     and bool(app.screen.children), "the first screen")


async def screen_is(pilot, kind: type) -> None:  # type: ignore[no-untyped-def]
    """Wait until the current screen is a `kind`, composed."""
    app = pilot.app
    await wait_until(pilot, lambda: isinstance(app.screen, kind) and app.screen.is_mounted
                     and bool(app.screen.children), f"the {kind.__name__}")


async def start_round(pilot) -> None:  # type: ignore[no-untyped-def]
    """Press ctrl+t on the start screen and wait for the practice screen, laid out."""
    from tui.app.screens.practice import PracticeScreen

    app = pilot.app
    await pilot.press("ctrl+t")
    await wait_until(pilot, lambda: isinstance(app.screen, PracticeScreen)
                     and app.screen.is_mounted and app.screen.outline.size.width > 0,
                     "the practice screen")


async def type_text(pilot, text: str) -> None:  # type: ignore[no-untyped-def]
    await pilot.press(*[("space" if ch == " " else ch) for ch in text])


#: What each app built here has notified, in order ("title: message").
_SHOWN: weakref.WeakKeyDictionary[BoardlessApp, list[str]] = weakref.WeakKeyDictionary()


def record_notifications(app: BoardlessApp) -> BoardlessApp:
    """Keep every notification the app shows (through its public `notify`, which still runs)."""
    shown = _SHOWN.setdefault(app, [])
    real_notify = app.notify

    def notify(message: str, *, title: str = "", **options: Any) -> None:
        shown.append(f"{title}: {message}")
        real_notify(message, title=title, **options)

    app.notify = notify  # type: ignore[method-assign]
    return app


async def type_note(pilot, text: str) -> None:  # type: ignore[no-untyped-def]
    """Type one note and press Enter (saved, a new one opens below)."""
    await pilot.press(*[("space" if ch == " " else ch) for ch in text], "enter")
    await pilot.pause()


def notes_of(app: BoardlessApp) -> list[str]:
    assert app.session is not None
    return [note.text for note, _ in app.session.state.outline.walk()]


def messages(app: BoardlessApp) -> list[str]:
    """Every notification the app has shown so far (titles and messages)."""
    return list(_SHOWN.get(app, []))


def log_dir(app: BoardlessApp) -> Path:
    assert app.session is not None and app.session.directory is not None
    return app.session.directory
