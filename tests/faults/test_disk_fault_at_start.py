"""The data directory cannot be written when the round starts: the round starts anyway, the
header says the log is not being saved for as long as that lasts, everything stays in memory,
and once the directory can be made the log is written in full."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from tests.pilot import type_note
from tui.app.app import BoardlessApp
from tui.app.widgets.header import SessionHeader
from tui.core.session.clock import FakeClock
from tui.core.session.eventlog import LOG_NAME, read_log
from tui.core.session.state import fold


def header_text(app: BoardlessApp) -> str:
    header = app.screen.query_one(SessionHeader)
    return " ".join(str(label.render()) for label in header.children)


async def test_unwritable_data_directory_at_start(
    make_app: Callable[..., BoardlessApp], clock: FakeClock
) -> None:
    data = Path(os.environ["BOARDLESS_DATA_DIR"])
    data.parent.mkdir(parents=True, exist_ok=True)
    data.write_text("a file where the data directory should be")  # ENOTDIR, even for root
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("ctrl+t")
        await pilot.pause()
        assert app.session is not None and app.session.writer is not None
        writer = app.session.writer
        await type_note(pilot, "typed while nothing can be saved")
        clock.advance(2)
        app.tick()
        await pilot.pause()
        assert writer.error is not None and writer.pending > 0
        assert "log not saved" in header_text(app)
        data.unlink()  # the disk is usable again
        clock.advance(2)
        await type_note(pilot, "after the fix")
        app.tick()
        await pilot.pause()
        assert writer.error is None and writer.pending == 0
        assert "log not saved" not in header_text(app)
        await pilot.press("ctrl+q")
        await pilot.pause()
    assert app.session.directory is not None
    events = read_log(app.session.directory / LOG_NAME).events
    assert [e.seq for e in events] == list(range(1, len(events) + 1))
    state = fold(events)
    assert [n.text for n, _ in state.outline.walk()][:2] == [
        "typed while nothing can be saved", "after the fix"]
    assert state.closed


async def test_a_round_never_written_is_saved_to_the_fallback_and_named(
    make_app: Callable[..., BoardlessApp], clock: FakeClock
) -> None:
    """Data directory unusable from the start to the end: at quit the whole round is saved
    elsewhere, the dialog names where, and quitting keeps it there (exit 0, nothing lost)."""
    from tui.app.screens.unsaved import UnsavedScreen

    data = Path(os.environ["BOARDLESS_DATA_DIR"])
    data.parent.mkdir(parents=True, exist_ok=True)
    data.write_text("a file where the data directory should be")
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("ctrl+t")
        await pilot.pause()
        for n in range(6):
            clock.advance(1)
            await type_note(pilot, f"note {n}")
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert isinstance(app.screen, UnsavedScreen)
        assert app.session is not None and app.session.directory is not None
        copy = Path(os.environ["BOARDLESS_UNSAVED_DIR"]) / app.session.directory.name / LOG_NAME
        shown = str(app.screen.query_one("#unsaved-message").render())
        assert f"saved in {copy}" in shown
        await pilot.press("k")
        await pilot.pause()
    assert app.return_value == 0 and app.exit_message and str(copy) in app.exit_message
    state = fold(read_log(copy).events)
    assert [n.text for n, _ in state.outline.walk()][:6] == [f"note {n}" for n in range(6)]
    assert state.closed


async def test_a_signal_with_the_disk_failing_saves_the_round_without_asking(
    make_app: Callable[..., BoardlessApp], clock: FakeClock
) -> None:
    """SIGTERM/SIGHUP: nobody may be there to answer, so the round goes to the fallback copy
    and the app exits (0: nothing lost)."""
    data = Path(os.environ["BOARDLESS_DATA_DIR"])
    data.parent.mkdir(parents=True, exist_ok=True)
    data.write_text("a file where the data directory should be")
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("ctrl+t")
        await pilot.pause()
        await type_note(pilot, "kept on SIGTERM")
        await app._quit_on_signal()
        await pilot.pause()
    assert app.return_value == 0 and app.exit_message is not None
    assert app.session is not None and app.session.directory is not None
    copy = Path(os.environ["BOARDLESS_UNSAVED_DIR"]) / app.session.directory.name / LOG_NAME
    assert str(copy) in app.exit_message
    first_note = next(n.text for n, _ in fold(read_log(copy).events).outline.walk())
    assert first_note == "kept on SIGTERM"
