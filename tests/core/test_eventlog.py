"""The durable log: round trips, torn and corrupt lines, every-byte truncation, disk faults."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tui.core.errors import BoardlessError, LogCorruptError, UsageError
from tui.core.session.clock import FakeClock
from tui.core.session.eventlog import LOG_NAME, LogWriter, read_log
from tui.core.session.events import event_from_dict, make_event
from tui.core.session.session import Session
from tui.core.session.state import fold


def small_log(session: Session, clock: FakeClock) -> Path:
    session.emit_all(session.state.phases.start_or_resume())
    for n in range(3):
        clock.advance(2)
        session.emit("note_added", id=f"n{n + 1}", text=f"note {n}", kind="note", parent=None,
                     index=-1, phase="requirements")
    session.emit("caption", text="how many users", final=True, start=0.5, end=1.5,
                 words=[["how", 0.5, 0.7]], delay=0.1, engine="pocketsphinx")
    session.close()
    assert session.log_path is not None
    return session.log_path


def test_round_trip(session: Session, clock: FakeClock) -> None:
    path = small_log(session, clock)
    loaded = read_log(path)
    assert loaded.warnings == []
    assert [e.seq for e in loaded.events] == list(range(1, len(loaded.events) + 1))
    assert all(json.loads(line)["v"] == 1 for line in path.read_text().splitlines())
    state = fold(loaded.events)
    assert len(state.outline) == 3 and state.captions[0].text == "how many users"


def test_torn_last_line_is_dropped_with_warning(session: Session, clock: FakeClock) -> None:
    path = small_log(session, clock)
    whole = path.read_bytes()
    path.write_bytes(whole + b'{"v":1,"seq":99,"t":3')
    loaded = read_log(path)
    assert len(loaded.warnings) == 1 and "torn" in loaded.warnings[0]
    assert len(loaded.events) == whole.count(b"\n")


def test_corrupt_complete_last_line_is_dropped(session: Session, clock: FakeClock) -> None:
    path = small_log(session, clock)
    path.write_bytes(path.read_bytes() + b"garbage\n")
    assert read_log(path).warnings


def test_corruption_in_the_middle_names_the_line(session: Session, clock: FakeClock) -> None:
    path = small_log(session, clock)
    lines = path.read_bytes().split(b"\n")
    lines[3] = b'{"v":1,"seq":4,"t":1,"type":"note_added"}'  # missing fields
    path.write_bytes(b"\n".join(lines))
    with pytest.raises(LogCorruptError) as info:
        read_log(path)
    assert info.value.line == 4 and ":4:" in str(info.value)


def test_truncation_at_every_byte_loads_the_whole_event_prefix(
    session: Session, clock: FakeClock, tmp_path: Path
) -> None:
    path = small_log(session, clock)
    data = path.read_bytes()
    ends = [i + 1 for i, byte in enumerate(data) if byte == ord("\n")]
    cut = tmp_path / "cut.jsonl"
    for offset in range(len(data) + 1):
        cut.write_bytes(data[:offset])
        complete = sum(1 for end in ends if end <= offset)
        if complete == 0 and offset < ends[0] - 1:
            with pytest.raises(BoardlessError):
                read_log(cut)
            continue
        loaded = read_log(cut)
        # a cut just before a newline still holds a whole JSON object: it loads too
        assert len(loaded.events) in (complete, complete + 1)
        assert [e.seq for e in loaded.events] == list(range(1, len(loaded.events) + 1))


def test_schema_errors_are_clear() -> None:
    with pytest.raises(UsageError, match="schema version"):
        event_from_dict({"v": 2, "seq": 1, "t": 0, "type": "timer_started"})
    with pytest.raises(UsageError, match="unknown event type"):
        event_from_dict({"v": 1, "seq": 1, "t": 0, "type": "teleport"})
    with pytest.raises(UsageError, match="must be a string"):
        make_event("note_edited", 0, id="n1", text=3)
    with pytest.raises(UsageError, match="non-negative"):
        event_from_dict({"v": 1, "seq": 1, "t": -1, "type": "timer_started"})


def test_empty_or_headless_logs_are_refused(tmp_path: Path) -> None:
    empty = tmp_path / "empty.jsonl"
    empty.write_bytes(b"")
    with pytest.raises(BoardlessError, match="no events"):
        read_log(empty)
    headless = tmp_path / "headless.jsonl"
    headless.write_text(
        json.dumps({"v": 1, "seq": 1, "t": 0, "wall": "", "type": "timer_started"}) + "\n")
    with pytest.raises(LogCorruptError, match="session_started"):
        read_log(headless)


def test_fsync_at_most_a_second_apart(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    clock = FakeClock()
    synced: list[float] = []
    real_fsync = os.fsync
    monkeypatch.setattr(os, "fsync", lambda fd: (synced.append(clock.now()), real_fsync(fd)))
    writer = LogWriter(tmp_path / LOG_NAME, clock.now)
    for n in range(30):
        clock.advance(0.25)
        writer.append(make_event("timer_started", clock.now(), seq=n + 1))
    gaps = [b - a for a, b in zip(synced, synced[1:])]
    assert synced and all(gap <= 1.0 + 1e-9 for gap in gaps)
    assert len(synced) < 30  # not every event


def test_enospc_keeps_events_in_memory_and_retries(tmp_path: Path) -> None:
    """A real ENOSPC from /dev/full, then the disk 'recovers'."""
    if not Path("/dev/full").exists():
        pytest.skip("needs /dev/full (Linux)")
    log = tmp_path / LOG_NAME
    log.symlink_to("/dev/full")
    errors: list[str | None] = []
    clock = FakeClock()
    writer = LogWriter(log, clock.now, errors.append)
    writer.append(make_event("timer_started", 0, seq=1))
    writer.append(make_event("timer_paused", 1, seq=2))
    assert writer.error and "No space left" in writer.error
    assert writer.pending == 2 and errors[0] is not None
    log.unlink()
    writer.append(make_event("timer_started", 2, seq=3))
    writer.close()
    assert writer.error is None and errors[-1] is None and writer.pending == 0
    seqs = [json.loads(line)["seq"] for line in log.read_text().splitlines()]
    assert seqs == [1, 2, 3]


def test_unwritable_directory_is_reported_then_recovers(tmp_path: Path) -> None:
    if os.geteuid() == 0:
        # root ignores permission bits: make the log's parent a file instead
        blocker = tmp_path / "blocked"
        blocker.write_text("not a directory")
        writer = LogWriter(blocker / LOG_NAME, FakeClock().now)
        writer.append(make_event("timer_started", 0, seq=1))
        assert writer.error and writer.pending == 1
        blocker.unlink()
        writer.sync()
        assert writer.error is None and (blocker / LOG_NAME).read_text().count("\n") == 1
        return
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    writer = LogWriter(locked / LOG_NAME, FakeClock().now)
    writer.append(make_event("timer_started", 0, seq=1))
    assert writer.error and writer.pending == 1
    locked.chmod(0o700)
    writer.sync()
    assert writer.error is None


def test_a_device_is_not_read_as_a_log(tmp_path: Path) -> None:
    """A log that points at an endless device (here /dev/zero) is refused, not read forever."""
    log = tmp_path / LOG_NAME
    log.symlink_to("/dev/zero")
    with pytest.raises(BoardlessError, match="not a regular file"):
        read_log(log)


def test_a_copy_holds_the_whole_log_when_the_disk_fails(session: Session,
                                                        clock: FakeClock, tmp_path: Path) -> None:
    """ENOSPC mid-round (the log swapped for /dev/full, never read): the copy is the real
    log's complete lines, then what waits; with the log unreadable it starts with the first
    event, so it loads on its own either way."""
    if not Path("/dev/full").exists():
        pytest.skip("needs /dev/full (Linux)")
    session.emit_all(session.state.phases.start_or_resume())
    writer = session.writer
    assert writer is not None and session.log_path is not None
    log = session.log_path
    writer.close()
    with open(log, "ab") as handle:
        handle.write(b'{"v":1,"seq":')  # a line torn by the failing disk
    real = log.with_name("real.jsonl")
    log.rename(real)
    log.symlink_to("/dev/full")
    clock.advance(3)
    session.emit("note_added", id="n1", text="only in memory", kind="note", parent=None,
                 index=-1, phase="requirements")
    assert writer.pending == 1
    seen = writer.save_copy(tmp_path / "unsaved" / "unreadable")  # /dev/full is not read
    first_and_waiting = read_log(seen).events
    assert [e.type for e in first_and_waiting] == ["session_started", "note_added"]
    log.unlink()
    real.rename(log)
    copy = writer.save_copy(tmp_path / "unsaved" / "whole")
    loaded = read_log(copy)
    assert loaded.warnings == []
    assert [e.seq for e in loaded.events] == list(range(1, loaded.events[-1].seq + 1))
    assert [n.text for n, _ in fold(loaded.events).outline.walk()] == ["only in memory"]
