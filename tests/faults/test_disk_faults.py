"""Disk faults in the running app (Pilot): writes failing with ENOSPC (the log swapped for a
symlink to /dev/full) and the session directory becoming unusable, mid-round. The screen warns,
the outline and clock keep working, nothing in memory is lost, the writer retries until the disk
is back and then the log holds every event; Ctrl+E still exports everything (from a full copy
of the round saved elsewhere while the log cannot be written)."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.pilot import log_dir, messages, notes_of, type_note, wait_until
from tui.app.app import BoardlessApp
from tui.app.screens.unsaved import UnsavedScreen
from tui.core.session.clock import FakeClock
from tui.core.session.eventlog import LOG_NAME, read_log
from tui.core.session.state import fold

DEV_FULL = Path("/dev/full")


@contextmanager
def log_on_dev_full(app: BoardlessApp) -> Iterator[Path]:
    """While inside: `events.jsonl` is a symlink to /dev/full, so every write gets a real
    ENOSPC from the kernel. The writer holds the file open, so it is closed first (it reopens
    the path lazily on the next write, as after any failure)."""
    if not DEV_FULL.exists():
        pytest.fail("needs /dev/full (Linux)")
    directory = log_dir(app)
    log, real = directory / LOG_NAME, directory / "events.jsonl.real"
    assert app.session is not None and app.session.writer is not None
    app.session.writer.close()
    log.rename(real)
    log.symlink_to(DEV_FULL)
    try:
        yield log
    finally:
        log.unlink()
        real.rename(log)


@contextmanager
def session_dir_replaced_by_a_file(app: BoardlessApp) -> Iterator[Path]:
    """While inside: the session directory is gone and a plain file sits at its path (ENOTDIR
    on every open, even for root, who ignores permission bits)."""
    directory = log_dir(app)
    assert app.session is not None and app.session.writer is not None
    app.session.writer.close()
    aside = directory.with_name(directory.name + ".aside")
    directory.rename(aside)
    directory.write_text("not a directory")
    try:
        yield directory
    finally:
        directory.unlink()
        aside.rename(directory)


FAULTS: dict[str, Callable[[BoardlessApp], object]] = {
    "ENOSPC": log_on_dev_full,
    "unwritable directory": session_dir_replaced_by_a_file,
}


@pytest.mark.parametrize("fault", list(FAULTS))
async def test_disk_fault_warns_keeps_everything_and_recovers(
    make_app: Callable[..., BoardlessApp], clock: FakeClock, tmp_path: Path, fault: str
) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("ctrl+t")
        await pilot.pause()
        await type_note(pilot, "before the fault")
        assert app.session is not None and app.session.writer is not None
        writer = app.session.writer
        with FAULTS[fault](app):  # type: ignore[attr-defined]
            clock.advance(30)
            await type_note(pilot, "written while the disk fails")
            await pilot.press("ctrl+n", "enter")  # the phase still changes; a new note
            await pilot.pause()
            clock.advance(30)
            await type_note(pilot, "still typing")
            assert writer.error is not None and writer.pending > 0
            warning = [m for m in messages(app) if "cannot write" in m]
            assert warning and "retrying" in warning[0], messages(app)
            assert app.session.state.current_phase_id == "framing"
            assert notes_of(app)[:3] == ["before the fault", "written while the disk fails",
                                         "still typing"]
            # Ctrl+E while the log cannot be written: the app exports a full copy of the round
            # saved elsewhere, so what is on screen is in the export
            await pilot.press("ctrl+e")
            await wait_until(pilot, lambda: app.last_export is not None, "the export")
            assert app.last_export is not None
            assert app.last_export.parent != log_dir(app)  # beside the copy, not the log
            exported = app.last_export.read_text(encoding="utf-8")
            assert "written while the disk fails" in exported and "still typing" in exported
            assert any("exporting a full copy" in m for m in messages(app)), messages(app)
            in_memory = app.session.state.last_seq
        clock.advance(5)
        await type_note(pilot, "after recovery")  # the next write retries and succeeds
        assert writer.error is None and writer.pending == 0
        assert any("written again" in m for m in messages(app)), messages(app)
        await pilot.press("ctrl+q")
        await pilot.pause()
    events = read_log(log_dir(app) / LOG_NAME).events
    seqs = [e.seq for e in events]
    assert seqs == list(range(1, len(seqs) + 1)), "an event went missing"
    assert seqs[-1] > in_memory
    state = fold(events)
    assert [n.text for n, _ in state.outline.walk()][:4] == [
        "before the fault", "written while the disk fails", "still typing", "after recovery"]
    assert state.current_phase_id == "framing" and state.closed


async def test_export_key_during_a_disk_fault_does_not_export_a_stale_log(
    make_app: Callable[..., BoardlessApp], clock: FakeClock
) -> None:
    """ctrl+e while the session directory is unusable: either the export holds what is on the
    screen, or the app says it failed; it must never silently write an outline missing notes.
    (Not with /dev/full: reading it never ends, which no real full disk does.)"""
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("ctrl+t")
        await pilot.pause()
        await type_note(pilot, "before the fault")
        with session_dir_replaced_by_a_file(app):
            await type_note(pilot, "only in memory")
            await pilot.press("ctrl+e")
            await app.workers.wait_for_complete()
            await pilot.pause()
            exported = app.last_export
            if exported is not None:
                assert "only in memory" in exported.read_text(encoding="utf-8")
            else:
                assert any("Export failed" in m for m in messages(app)), messages(app)
        await pilot.press("ctrl+q")
        await pilot.pause()


def test_dev_full_really_fails() -> None:
    """The injected fault is the kernel's own ENOSPC, not a simulation."""
    with pytest.raises(OSError) as raised, open(DEV_FULL, "a", encoding="utf-8") as handle:
        handle.write("x\n")
        handle.flush()
    assert raised.value.errno == 28 and os.strerror(28) in str(raised.value)


# Quitting while events wait (issue 15): never a silent loss.

def unsaved_copy(app: BoardlessApp) -> Path:
    """Where the app saves the round when its own log will not take it (BOARDLESS_UNSAVED_DIR
    is the test's own directory)."""
    return Path(os.environ["BOARDLESS_UNSAVED_DIR"]) / log_dir(app).name / LOG_NAME


def dialog_text(app: BoardlessApp) -> str:
    return str(app.screen.query_one("#unsaved-message").render())


@pytest.mark.parametrize("fault", list(FAULTS))
async def test_quit_with_waiting_events_asks_and_keeps_a_copy(
    make_app: Callable[..., BoardlessApp], fault: str
) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("ctrl+t")
        await pilot.pause()
        await type_note(pilot, "before the fault")
        with FAULTS[fault](app):  # type: ignore[attr-defined]
            await type_note(pilot, "only in memory")
            await pilot.press("ctrl+q")
            await pilot.pause()
            assert isinstance(app.screen, UnsavedScreen)
            shown = dialog_text(app)
            assert "events not written" in shown and str(unsaved_copy(app)) in shown
            await pilot.press("ctrl+q")  # quitting again does not stack a second dialog
            await pilot.press("r")  # the disk still fails: asked again
            await pilot.pause()
            assert isinstance(app.screen, UnsavedScreen)
            await pilot.press("k")
            await pilot.pause()
    assert app.return_value == 0
    assert app.exit_message is not None and str(unsaved_copy(app)) in app.exit_message
    copy = read_log(unsaved_copy(app))
    assert copy.warnings == []
    state = fold(copy.events)
    assert "only in memory" in [n.text for n, _ in state.outline.walk()] and state.closed


async def test_discarding_waiting_events_is_explicit_and_exits_non_zero(
    make_app: Callable[..., BoardlessApp]
) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("ctrl+t")
        await pilot.pause()
        with session_dir_replaced_by_a_file(app):
            await type_note(pilot, "thrown away")
            await pilot.press("ctrl+q")
            await pilot.pause()
            assert isinstance(app.screen, UnsavedScreen)
            await pilot.press("d")
            await pilot.pause()
    assert app.return_value == 1
    assert not unsaved_copy(app).exists()
    assert app.exit_message is not None
    assert re.match(r"boardless: discarded \d+ events that could not be written", app.exit_message)


async def test_retry_after_the_disk_recovers_writes_the_log_and_quits(
    make_app: Callable[..., BoardlessApp]
) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("ctrl+t")
        await pilot.pause()
        with log_on_dev_full(app):
            await type_note(pilot, "written on retry")
            await pilot.press("ctrl+q")
            await pilot.pause()
            assert isinstance(app.screen, UnsavedScreen)
        await pilot.press("r")  # the disk is back
        await pilot.pause()
    assert app.return_value == 0
    events = read_log(log_dir(app) / LOG_NAME).events
    assert [e.seq for e in events] == list(range(1, len(events) + 1))
    state = fold(events)
    assert "written on retry" in [n.text for n, _ in state.outline.walk()] and state.closed
    assert not unsaved_copy(app).exists()
