"""The one place for fixtures: isolated data and config directories for every test, a frozen
clock, a ready-made session, and the app built exactly as the CLI builds it (`make_app`; the
helpers that drive it are in `tests/pilot.py`)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings

from tests.support import IN_CI
from tui.core.config.layouts import find_layout
from tui.core.config.prompts import find_prompt
from tui.core.session.clock import FakeClock
from tui.core.session.session import Session

# In CI the property tests draw the same examples every run (a failure there is a real one, never
# a new random draw); locally they keep exploring, and what they find becomes an @example.
settings.register_profile("ci", derandomize=True, print_blob=True)
if IN_CI:
    settings.load_profile("ci")


@pytest.fixture(autouse=True)
def isolated_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own data and config directory."""
    data = tmp_path / "data"
    config = tmp_path / "config"
    monkeypatch.setenv("BOARDLESS_DATA_DIR", str(data))
    monkeypatch.setenv("BOARDLESS_CONFIG_DIR", str(config))
    monkeypatch.setenv("BOARDLESS_UNSAVED_DIR", str(tmp_path / "unsaved"))
    monkeypatch.setenv("TEXTUAL_CURSOR_BLINK", "0")  # screens drawn the same every time
    return tmp_path


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def session(tmp_path: Path, clock: FakeClock) -> Session:
    """A netflix-l5 session on a FakeClock writing to tmp_path/session."""
    directory = tmp_path / "session"
    directory.mkdir()
    return Session.create(find_layout("netflix-l5"), find_prompt("video-streaming-cdn"), clock,
                          directory)


@pytest.fixture
def make_app(clock: FakeClock) -> Callable[..., Any]:
    """`make_app(**options)`: the app built as the CLI builds it (`tui.app.factory.build_app`)
    on the frozen `clock`, for netflix-l5 / video-streaming-cdn with captions off unless told
    otherwise; what it notifies is kept for `tests.pilot.messages`. (Textual is imported only
    by the tests that use it.)"""
    from tests.pilot import PROMPT, record_notifications
    from tui.app.factory import build_app
    from tui.app.options import AppOptions, SpeechOptions

    def make(**options: Any) -> Any:
        options.setdefault("prompt", PROMPT)
        options.setdefault("layout", "netflix-l5")
        options.setdefault("seed", 1)
        speech = options.pop("speech", SpeechOptions(enabled=False))
        return record_notifications(build_app(AppOptions(speech=speech, **options), clock))

    return make


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):  # type: ignore[no-untyped-def]
    """In CI (CI=true) a skipped test is a failure: the suite must run everything."""
    outcome = yield
    report = outcome.get_result()
    if IN_CI and report.skipped and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
        report.longrepr = f"skipped in CI, which must run every test: {reason}"
