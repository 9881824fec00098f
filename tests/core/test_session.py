"""Sessions: resume continues the clock and state; a SIGKILLed writer loses at most a second."""

from __future__ import annotations

import itertools
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tui.core.session.clock import FakeClock
from tui.core.session.eventlog import read_log
from tui.core.session.session import Session
from tui.core.session.store import (
    latest_unfinished,
    list_sessions,
    new_session_dir,
    resolve_session,
)


def test_resume_restores_phase_clock_outline_and_transcript(session: Session,
                                                           clock: FakeClock) -> None:
    session.emit_all(session.state.phases.start_or_resume())
    clock.advance(90)
    session.emit("note_added", id="n1", text="Edge", kind="note", parent=None, index=-1,
                 phase="requirements")
    session.emit("caption", text="what is the p99 target", final=True, start=1, end=2, words=[],
                 delay=0.2, engine="pocketsphinx")
    session.emit_all(session.state.phases.next())
    clock.advance(30)
    session.close()
    assert session.directory is not None

    later = FakeClock(t=10_000)  # the app was closed for hours: that gap does not count
    resumed = Session.resume(session.directory, later)
    state = resumed.state
    assert state.current_phase_id == "framing"
    assert state.phases.elapsed("requirements", resumed.now()) == 90
    assert resumed.now() == 120  # continues from the last event's time
    assert [n.text for n, _ in state.outline.walk()] == ["Edge"]
    assert state.captions[0].text == "what is the p99 target"
    assert not state.phases.running  # paused until the person resumes
    resumed.emit_all(state.phases.start_or_resume())
    later.advance(15)
    # 30 s of framing before the close, then 15 s after resuming
    assert state.phases.elapsed("framing", resumed.now()) == 45
    resumed.close()
    seqs = [e.seq for e in read_log(session.directory / "events.jsonl").events]
    assert seqs == sorted(set(seqs))


def test_store_names_lists_and_resolves(tmp_path: Path) -> None:
    from datetime import datetime, timezone

    from tui.core.config.layouts import find_layout
    from tui.core.config.prompts import find_prompt

    root = tmp_path / "data" / "sessions"
    started = datetime(2026, 5, 1, 10, 0, tzinfo=timezone.utc)
    first = new_session_dir(started, "Video Streaming CDN!", root)
    second = new_session_dir(started, "Video Streaming CDN!", root)
    assert first.name == "20260501-100000-video-streaming-cdn" and second.name.endswith("-2")
    clock = FakeClock()
    for directory in (first, second):
        s = Session.create(find_layout("netflix-l5"), find_prompt("video-streaming-cdn"), clock,
                           directory)
        s.emit_all(s.state.phases.start_or_resume())
        s.close()
    rows = list_sessions(root)
    assert [r.id for r in rows] == [first.name, second.name]
    assert latest_unfinished(root).id == second.name
    assert resolve_session(second.name, root) == second / "events.jsonl"
    assert resolve_session(str(first), root) == first / "events.jsonl"
    assert resolve_session(str(first / "events.jsonl"), root) == first / "events.jsonl"
    import pytest

    from tui.core.errors import UsageError

    with pytest.raises(UsageError, match="ambiguous"):
        resolve_session("20260501", root)
    with pytest.raises(UsageError, match="no session"):
        resolve_session("nothing-here", root)
    with pytest.raises(UsageError, match="does not exist"):
        resolve_session(str(tmp_path / "gone" / "session"), root)
    with pytest.raises(UsageError, match="does not exist"):
        resolve_session("./missing", root)


WRITER = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from tui.core.session.clock import SystemClock
    from tui.core.config.layouts import find_layout
    from tui.core.config.prompts import find_prompt
    from tui.core.session.session import Session

    session = Session.create(find_layout("netflix-l5"), find_prompt("video-streaming-cdn"),
                             SystemClock(), Path(sys.argv[1]))
    session.emit_all(session.state.phases.start_or_resume())
    n = 0
    while True:
        n += 1
        event = session.emit("note_added", id=f"n{n}", text="x" * 200, kind="note",
                             parent=None, index=-1, phase="requirements")
        print(event.seq, time.monotonic(), flush=True)
        time.sleep(0.002)
    """
)


def test_sigkill_loses_at_most_the_last_second(tmp_path: Path) -> None:
    import time

    directory = tmp_path / "killed"
    directory.mkdir()
    child = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(directory)], stdout=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    assert child.stdout is not None
    reported: list[tuple[int, float]] = []
    for line in child.stdout:
        seq, stamp = line.split()
        reported.append((int(seq), float(stamp)))
        if len(reported) >= 400:
            break
    killed_at = time.monotonic()
    child.send_signal(signal.SIGKILL)
    child.wait()
    loaded = read_log(directory / "events.jsonl")
    present = {event.seq for event in loaded.events}
    older = [seq for seq, stamp in reported if stamp < killed_at - 1.0]
    assert set(older) <= present
    assert len(loaded.events) >= len(reported)  # flushed to the OS at once: nothing lost at all


def test_nothing_follows_session_closed(session: Session, clock: FakeClock) -> None:
    """Observers that react to every event (here: one raising a flag each time) stay quiet
    for the close and for ticks after it, so session_closed is the log's last line."""

    class Noisy:
        def observe(self, event, state):  # type: ignore[no-untyped-def]
            return [] if event.type == "flag_raised" else [
                ("flag_raised", {"code": "over_time", "phase": None, "message": "m"})]

        def tick(self, t, state):  # type: ignore[no-untyped-def]
            return [("flag_raised", {"code": "dead_air", "phase": None, "message": "m"})]

    session.observers.append(Noisy())  # type: ignore[arg-type]
    session.emit_all(session.state.phases.start_or_resume())
    clock.advance(5)
    assert session.tick()
    session.close()
    clock.advance(5)
    assert session.tick() == []
    assert session.directory is not None
    assert read_log(session.directory / "events.jsonl").events[-1].type == "session_closed"


def test_resume_cuts_a_damaged_last_line(session: Session, clock: FakeClock) -> None:
    session.emit_all(session.state.phases.start_or_resume())
    session.writer.close()  # type: ignore[union-attr]  # killed: its lock is gone with it
    assert session.directory is not None
    log = session.directory / "events.jsonl"
    for damage in (b'{"v":1,"seq":99,"t":', b"garbage\n"):
        log.write_bytes(log.read_bytes() + damage)
        resumed = Session.resume(session.directory, FakeClock())
        assert resumed.warnings
        resumed.close()
        loaded = read_log(log)
        assert loaded.warnings == [] and loaded.events[-1].type == "session_closed"


# Clock checkpoints (issue 15): an idle round's clock survives a kill.

def test_an_idle_running_clock_is_checkpointed_once_a_second(
    session: Session, clock: FakeClock, tmp_path: Path
) -> None:
    import shutil

    from tui.core.debrief.report import build_report

    session.emit_all(session.state.phases.start_or_resume())
    assert session.checkpoint() is None  # just logged
    for _ in range(48):  # 24 s with nothing said or typed, ticked as the app does
        clock.advance(0.5)
        session.tick()
        session.checkpoint()
    assert session.directory is not None
    events = read_log(session.directory / "events.jsonl").events
    times = [e.t for e in events if e.type == "clock"]
    assert len(times) == 24 and times[-1] == 24.0
    assert all(later - earlier >= 0.9 for earlier, later in itertools.pairwise(times))

    # SIGKILLed now (a copy of the log as it stands): the resumed clock loses under a second
    copy = tmp_path / "killed"
    shutil.copytree(session.directory, copy)
    resumed = Session.resume(copy, FakeClock())
    assert resumed.state.round_time(resumed.now()) == 24.0
    resumed.close()
    assert build_report(read_log(copy / "events.jsonl").events).used_s == 24.0

    # something else logged within the second: no checkpoint; paused: none at all
    for _ in range(6):
        clock.advance(0.5)
        session.emit("note_edited", id="n1", text="x", kind="note", merge=True)
        assert session.checkpoint() is None
    session.emit_all(session.state.phases.pause())
    clock.advance(10)
    assert session.checkpoint() is None
    session.emit_all(session.state.phases.start_or_resume())
    clock.advance(1)
    assert session.checkpoint() is not None
    session.close()
    clock.advance(5)
    assert session.checkpoint() is None


# One writer per session (issue 15).

HOLDER = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from tui.core.session.clock import SystemClock
    from tui.core.session.session import Session

    session = Session.resume(Path(sys.argv[1]), SystemClock())
    print("holding", flush=True)
    time.sleep(120)
    """
)


def test_a_second_writer_is_refused_until_the_first_is_gone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from tui.cli.main import main
    from tui.core.config.layouts import find_layout
    from tui.core.config.prompts import find_prompt
    from tui.core.session.eventlog import SessionInUseError

    directory = new_session_dir(FakeClock().wall(), "video-streaming-cdn",
                                tmp_path / "data" / "sessions")
    first = Session.create(find_layout("netflix-l5"), find_prompt("video-streaming-cdn"),
                           FakeClock(), directory)
    first.emit_all(first.state.phases.start_or_resume())
    first.close()
    log = directory / "events.jsonl"
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(directory)],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "holding\n"
        before = log.read_bytes()
        with pytest.raises(SessionInUseError, match="open in another boardless"):
            Session.resume(directory, FakeClock())
        second = subprocess.run([sys.executable, "-m", "tui", "practice", "--resume",
                                 str(directory)], capture_output=True, text=True, timeout=60,
                                check=False, stdin=subprocess.DEVNULL)
        assert second.returncode != 0, second.stderr
        assert len(second.stderr.strip().splitlines()) == 1, second.stderr
        assert "open in another boardless" in second.stderr and "Traceback" not in second.stderr
        assert main(["sessions", "delete", directory.name, "--yes"]) == 1
        assert "nothing deleted" in capsys.readouterr().err
        assert directory.is_dir() and log.read_bytes() == before
        read_log(log)  # still loads
    finally:
        holder.kill()
        holder.wait()
    again = Session.resume(directory, FakeClock())  # the kernel let go with the process
    again.close()
    assert read_log(log).events[-1].type == "session_closed"
