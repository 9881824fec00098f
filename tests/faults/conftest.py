"""Fixtures for the fault tests: the app built exactly as the CLI builds it, isolated dirs."""

from __future__ import annotations

import weakref
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tui.app.app import BoardlessApp
from tui.app.factory import build_app
from tui.app.options import AppOptions, SpeechOptions
from tui.core.session.clock import FakeClock


@pytest.fixture(autouse=True)
def quiet_cursor(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TEXTUAL_CURSOR_BLINK", "0")


@pytest.fixture
def fake_clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def build(fake_clock: FakeClock) -> Callable[..., BoardlessApp]:
    """`build(speech=...)`: the app on the start screen for netflix-l5 / video-streaming-cdn."""

    def make(speech: SpeechOptions | None = None) -> BoardlessApp:
        options = AppOptions(layout="netflix-l5", prompt="video-streaming-cdn", seed=1,
                             speech=speech or SpeechOptions(enabled=False))
        return record_notifications(build_app(options, fake_clock))

    return make


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
