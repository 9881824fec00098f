"""Crash safety of the real app: `boardless practice` in tmux, captions streaming from a file,
notes typed, then SIGKILL at seeded random moments; SIGTERM, SIGHUP, SIGINT, Ctrl+C and the
terminal closing save cleanly.

Each SIGKILL trial records from outside, while the app runs, what the log held and what the
screen showed; after the kill the log must load, hold every event written a second before the
kill (in fact every line the outside saw), and resuming (the core's `Session.resume` on a copy,
and in some trials the app's `practice --resume`) must restore phase, clocks, outline and
transcript.
"""

from __future__ import annotations

import random
import shutil
import signal
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.e2e.app_process import (
    AppProcess,
    clock_seconds,
    committed_notes,
    log_lines,
    long_recording,
    session_log,
    typed_notes,
    wait_for,
)
from tests.support import require_module, require_program
from tui.core.config.layouts import find_layout
from tui.core.session.clock import FakeClock
from tui.core.session.eventlog import read_log
from tui.core.session.session import Session
from tui.core.session.state import SessionState, fold

TRIALS = 16
SEED = 6_2026
RESUME_EVERY = 4
#: Trials run in this many independent chains at once (each its own tmux server).
CHAINS = 2
START_SCREEN = r"Start \(ctrl\+t\)"
PRACTICE_SCREEN = r"Start/pause"
PHASE_TITLES = [p.title for p in find_layout("netflix-l5").phases]

pytestmark = pytest.mark.timeout(240)


@pytest.fixture(scope="module")
def recording(tmp_path_factory: pytest.TempPathFactory) -> Path:
    require_program("tmux")
    require_module("pocketsphinx")
    return long_recording(tmp_path_factory.mktemp("audio") / "talk.wav")


def practice_args(recording: Path, resume: Path | None = None) -> list[str]:
    args = ["practice", "--engine", "pocketsphinx", "--audio-file", str(recording), "--speed",
            "2"]
    if resume is not None:
        return [*args, "--resume", str(resume)]
    return [*args, "--layout", "netflix-l5", "--prompt", "video-streaming-cdn"]


def app_env(root: Path) -> dict[str, str]:
    return {"BOARDLESS_DATA_DIR": str(root / "data"), "BOARDLESS_CONFIG_DIR": str(root / "config"),
            "TEXTUAL_CURSOR_BLINK": "0"}


def running_phase(screen: str) -> int | None:
    """Index of the phase the phase bar marks as running (▶ Title…), if any."""
    for line in screen.splitlines():
        if "▶" not in line or "/ 1:00:00" in line:
            continue
        label = line.split("▶", 1)[1].strip().split("  ")[0].rstrip("…")
        for index, title in enumerate(PHASE_TITLES):
            if title.startswith(label):
                return index
    return None


@dataclass
class Trial:
    """One SIGKILL trial's plan and what it observed."""

    number: int
    resume: Path | None
    steps: list[str]
    linger: float
    notes: list[str] = field(default_factory=list)


def plan(rng: random.Random, number: int, previous: Path | None) -> Trial:
    resume = previous if (number // CHAINS) % RESUME_EVERY == RESUME_EVERY - 1 else None
    steps = [rng.choice(["note", "note", "note", "draft", "next", "wait"])
             for _ in range(rng.randint(0, 4))]
    return Trial(number, resume, steps, linger=rng.uniform(0.3, 4.0))


def start_practice(app: AppProcess, log_of: Callable[[], Path | None], resumed: bool) -> Path:
    """Get to a running round: ctrl+t on the start screen (new) or to continue the clock."""
    if resumed:
        app.wait_screen(PRACTICE_SCREEN)
    else:
        app.wait_screen(START_SCREEN)
    before = timer_starts(log_of())
    app.keys("C-t")
    log = wait_for(log_of, 15, "the session log")
    wait_for(lambda: timer_starts(log) > before, 15, "the clock to run")
    return log


def timer_starts(log: Path | None) -> int:
    return sum(1 for e in log_lines(log) if e["type"] == "timer_started")


def run_trial(trial: Trial, app: AppProcess, rng: random.Random) -> tuple[Path, float]:
    """Start, act, observe, SIGKILL; returns the log and the kill time."""
    data = Path(app.env["BOARDLESS_DATA_DIR"])
    if trial.resume is not None:
        log = start_practice(app, lambda: trial.resume / "events.jsonl", resumed=True)
    else:
        log = start_practice(app, lambda: session_log(data), resumed=False)
    for index, step in enumerate(trial.steps):
        if step in ("note", "draft"):
            text = f"t{trial.number} note {index} {rng.choice(['cache', 'queue', 'shard', 'cdn'])}"
            if trial.resume is not None and not trial.notes:
                app.keys("Enter")  # a new note, not typing over the resumed one
            app.type(text)
            if step == "note":
                app.keys("Enter")
            else:
                app.keys("Enter")  # a draft: a new note typed into and left open
                app.type(f"t{trial.number} draft {index}")
            trial.notes.append(text)
        elif step == "next":
            app.keys("C-n")
        app.observe_until(time.monotonic() + rng.uniform(0.05, 0.6), log)
    app.observe_until(time.monotonic() + trial.linger, log)
    app.observe(log)
    killed = app.signal(signal.SIGKILL)
    app.wait_exit()
    return log, killed


@dataclass
class Coverage:
    """What the trials actually exercised, so the test cannot pass vacuously."""

    trials: int = 0
    app_resumes: int = 0
    notes_on_screen: int = 0
    captions_logged: int = 0
    phase_changes: int = 0
    torn_tails: int = 0
    drafts_on_screen: int = 0


def check_after_kill(app: AppProcess, log: Path, killed: float, tmp: Path,
                     seen: Coverage) -> SessionState:
    """The log loads, holds what the outside saw, and resumes to the same state."""
    loaded = read_log(log)  # raises on anything but a torn last line
    seen.trials += 1
    seen.torn_tails += bool(loaded.warnings)
    on_disk = [e.to_dict() for e in loaded.events]
    last = app.snapshots[-1]
    assert on_disk[: last.events] == last.lines, "a line the outside saw before the kill is gone"
    second_before = app.seen_before(killed - 1.0)
    if second_before is not None:
        assert on_disk[: second_before.events] == second_before.lines
        screen = second_before.screen
        state = fold(loaded.events)
        # every character of a note the screen showed, saved or still being typed, was logged
        # (it may have been typed further since)
        texts = [e["text"] for e in on_disk if e["type"] in ("note_added", "note_edited")]
        missing = [t for t in typed_notes(screen) if not any(x.startswith(t) for x in texts)]
        assert not missing, f"notes on screen a second before the kill are lost: {missing}"
        seen.drafts_on_screen += any(" draft " in t for t in typed_notes(screen))
        seen.notes_on_screen += bool(committed_notes(screen))
        seen.captions_logged += any(e["type"] == "caption" and e["final"]
                                    for e in on_disk[: second_before.events])
        seen.phase_changes += sum(e["type"] == "phase_entered" for e in on_disk) > 1
        shown = clock_seconds(screen)
        if shown is not None:
            assert state.phases.total_elapsed(state.last_t) >= shown - 1.0
        phase = running_phase(screen)
        if phase is not None and state.phases.current is not None:
            assert state.phases.current >= phase
    copy = Path(tempfile.mkdtemp(prefix="resumed-", dir=tmp)) / log.parent.name
    shutil.copytree(log.parent, copy)
    folded = fold(loaded.events)
    resumed = Session.resume(copy, FakeClock())
    state = resumed.state
    assert state.current_phase_id == folded.current_phase_id
    assert resumed.now() == pytest.approx(folded.last_t, abs=1e-6)
    assert state.phases.total_elapsed(resumed.now()) == pytest.approx(
        folded.phases.total_elapsed(folded.last_t))
    assert [(n.id, n.text, n.parent) for n, _ in state.outline.walk()] == \
        [(n.id, n.text, n.parent) for n, _ in folded.outline.walk()]
    assert [c.text for c in state.captions] == [c.text for c in folded.captions]
    resumed.emit("note_added", id=state.outline.next_id(), text="after the crash", kind="note",
                 parent=None, index=-1, phase=state.current_phase_id)
    resumed.close()
    again = read_log(copy / "events.jsonl")
    assert not again.warnings, "resuming must leave a clean log behind"
    assert [e.type for e in again.events][-3:] == ["session_resumed", "note_added",
                                                   "session_closed"]
    return folded


def check_app_resumed(app: AppProcess, before: SessionState) -> None:
    """The app's own resume path shows the outline, phase and clock the log holds."""
    app.wait_screen(PRACTICE_SCREEN)
    # the header may paint a moment after the rest of the screen: wait until its clock shows
    screen = wait_for(lambda: (s := app.screen()) and clock_seconds(s) is not None and s, 20.0,
                      "the round clock in the header")
    texts = [n.text for n, _ in before.outline.walk()]
    shown = committed_notes(screen)
    assert shown[: len(texts)] == texts[: len(shown)], (texts, screen)
    assert bool(shown) == bool(texts), (texts, screen)
    clock = clock_seconds(screen)
    assert clock is not None
    assert clock == pytest.approx(before.phases.total_elapsed(before.last_t), abs=1.0)
    if before.phases.current is not None:
        assert running_phase(screen) in (None, before.phases.current)


def run_chain(chain: int, recording: Path, tmp: Path) -> Coverage:
    """TRIALS // CHAINS trials in a row; every RESUME_EVERY-th resumes the previous one's
    session through the app (`practice --resume`) and is killed in turn."""
    rng = random.Random(SEED + chain)
    seen = Coverage()
    previous: tuple[Path, Path] | None = None  # (data root, session directory)
    for number in range(chain, TRIALS, CHAINS):
        trial = plan(rng, number, previous[1] if previous else None)
        root = previous[0] if trial.resume is not None and previous else tmp / f"trial{number}"
        app = AppProcess(f"boardless-crash-{number}-{id(trial)}", app_env(root),
                         practice_args(recording, trial.resume))
        app.start(tmp)
        try:
            if trial.resume is not None:
                before = fold(read_log(trial.resume / "events.jsonl").events)
                check_app_resumed(app, before)
                seen.app_resumes += 1
            log, killed = run_trial(trial, app, rng)
        finally:
            app.close()
        check_after_kill(app, log, killed, tmp, seen)
        previous = (root, log.parent)
    return seen


def test_sigkill_at_random_moments_loses_nothing_older_than_a_second(
    recording: Path, tmp_path: Path
) -> None:
    with ThreadPoolExecutor(CHAINS) as pool:
        chains = list(pool.map(lambda c: run_chain(c, recording, tmp_path), range(CHAINS)))
    seen = Coverage(*(sum(getattr(c, f) for c in chains) for f in Coverage.__dataclass_fields__))
    print(f"{TRIALS} SIGKILL trials: {seen}")
    assert seen.trials == TRIALS and seen.app_resumes >= 2, seen
    assert seen.notes_on_screen >= 4 and seen.captions_logged >= 3, seen
    assert seen.drafts_on_screen >= 2, seen
    assert seen.phase_changes >= 2, seen


#: Generous for a loaded machine: the app ends itself within 1.5 s (quitting.EXIT_DEADLINE_S).
EXIT_BOUND_S = 5.0

CLEAN_EXITS = {
    "SIGTERM": lambda app: app.signal(signal.SIGTERM),
    "SIGHUP": lambda app: app.signal(signal.SIGHUP),
    "SIGINT": lambda app: app.signal(signal.SIGINT),
    "ctrl+c": lambda app: app.keys("C-c"),
    # the terminal itself goes away: the pty hangs up and, as a shell does, the runner passes
    # the SIGHUP on; the app saves with no terminal left to draw on
    "terminal closed": lambda app: app.tmux("kill-server"),
}


@pytest.mark.parametrize("how", list(CLEAN_EXITS))
def test_signals_and_ctrl_c_save_cleanly(how: str, recording: Path, tmp_path: Path) -> None:
    app = AppProcess(f"boardless-exit-{how}-{id(tmp_path)}", app_env(tmp_path),
                     practice_args(recording))
    app.start(tmp_path)
    try:
        log = start_practice(app, lambda: session_log(tmp_path / "data"), resumed=False)
        app.type("saved note")
        app.keys("Enter")
        app.type("draft being typed")
        wait_for(lambda: any(e["type"] == "caption" and e["final"] for e in log_lines(log)), 30,
                 "a final caption in the log")
        app.wait_screen("draft being typed")
        sent = time.monotonic()
        CLEAN_EXITS[how](app)
        status = app.wait_exit()
        took = time.monotonic() - sent
    finally:
        app.close()
    print(f"{how}: exited {took:.2f} s after it was sent")
    assert took < EXIT_BOUND_S, f"{how}: the app took {took:.1f} s to exit"
    loaded = read_log(log)
    assert not loaded.warnings
    types = [e.type for e in loaded.events]
    assert types[-1] == "session_closed", types[-5:]
    assert status == 0
    stopped = [i for i, e in enumerate(loaded.events)
               if e.type == "captions_status" and e["state"] == "stopped"]
    assert stopped, "the caption pipeline was not stopped before closing"
    assert "caption" not in types[stopped[-1]:], "captions arrived after the pipeline stopped"
    texts = [n.text for n, _ in fold(loaded.events).outline.walk()]
    assert texts == ["saved note", "draft being typed"]


def test_an_idle_round_keeps_its_clock_through_sigkill(tmp_path: Path) -> None:
    """Captions off, nothing typed: the round clock runs 5 s with nothing else to log, then
    SIGKILL. The log's clock checkpoints bring the resumed clock within a second of the
    screen's (before them it came back as 0:00)."""
    require_program("tmux")
    args = ["practice", "--engine", "off", "--layout", "netflix-l5", "--prompt",
            "video-streaming-cdn"]
    app = AppProcess(f"boardless-idle-{id(tmp_path)}", app_env(tmp_path), args)
    app.start(tmp_path)
    try:
        log = start_practice(app, lambda: session_log(tmp_path / "data"), resumed=False)
        wait_for(lambda: (clock_seconds(app.screen()) or 0) >= 6, 30, "6 s on the round clock")
        shown = clock_seconds(app.screen())
        app.signal(signal.SIGKILL)
        app.wait_exit()
    finally:
        app.close()
    assert shown is not None
    loaded = read_log(log)
    assert not [e for e in loaded.events if e.type not in (
        "session_started", "timer_started", "phase_entered", "clock", "captions_status")]
    copy = Path(tempfile.mkdtemp(dir=tmp_path)) / "session"
    shutil.copytree(log.parent, copy)
    resumed = Session.resume(copy, FakeClock())
    restored = resumed.state.round_time(resumed.now())
    resumed.close()
    print(f"idle round: screen {shown:.0f} s at the kill, resumed clock {restored:.2f} s")
    assert shown - 1.0 <= restored <= shown + 1.0, (shown, restored)
