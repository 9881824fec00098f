"""Hostile files where the app reads users' files (issue 15, "Files are checked before they are
read"): a FIFO, links to /dev/zero and /dev/urandom and a directory as settings.toml, as a
layout and as the prompt bank; files over the size limits; TOML nested far too deep; logs with
far-off times, huge sequence numbers and megabyte lines; thousands of captions in one phase.

Each is run as a user would, through the real command line in a subprocess with a time limit
and a memory cap, and must end in one line on stderr (exit 2 for a bad settings, layout or
prompt file; a damaged log is refused with one line or its damaged last line dropped), never a
hang, a traceback or a runaway read.
"""

from __future__ import annotations

import functools
import json
import os
import resource
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import pytest
import tomli

from tests.core.test_rounds import ROUNDS, play
from tui.core.coach import OUTPUT_TYPES, recompute
from tui.core.coach.delivery import DeliveryObserver
from tui.core.coach.timing import TimingObserver
from tui.core.config.coach_settings import default_config
from tui.core.debrief.report import build_report
from tui.core.limits import MAX_T
from tui.core.session.eventlog import read_log
from tui.core.session.events import make_event
from tui.core.session.session import Session
from tui.core.session.state import SessionState

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "sample_sessions" / "strong-round" / "events.jsonl"
LAYOUT = REPO / "layouts" / "generic-45.toml"
#: Seconds a command may take on a hostile file before it counts as a hang.
LIMIT_S = 5.0
#: Address space a command may use: a read of /dev/zero would pass it in well under a second.
MEMORY_CAP = 1536 * 1024 * 1024
KINDS = ("fifo", "dev-zero", "dev-urandom", "directory", "link-to-fifo")


def _cap_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))


def boardless(*args: str, home: Path, timeout: float = LIMIT_S,
              code: str | None = None) -> tuple[subprocess.CompletedProcess[str], float]:
    """Run the CLI (or `code`, a Python snippet) with its own config and data directories,
    a memory cap and a time limit; returns the result and the seconds it took."""
    env = {**os.environ, "BOARDLESS_CONFIG_DIR": str(home / "config"),
           "BOARDLESS_DATA_DIR": str(home / "data"), "NO_COLOR": "1"}
    command = [sys.executable, "-c", code, *args] if code else [sys.executable, "-m", "tui", *args]
    began = time.monotonic()
    try:
        result = subprocess.run(command, check=False, capture_output=True, text=True, env=env,
                                cwd=home, timeout=timeout, preexec_fn=_cap_memory,
                                stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        pytest.fail(f"{' '.join(args)} still running after {timeout} s (a hang)")
    return result, time.monotonic() - began


def one_line_error(result: subprocess.CompletedProcess[str], *fragments: str,
                   code: int = 2) -> str:
    """The single stderr line of a failed command, checked."""
    lines = result.stderr.splitlines()
    assert "Traceback" not in result.stderr, result.stderr[-2000:]
    assert len(lines) == 1, result.stderr[-2000:]
    assert result.returncode == code, (result.returncode, result.stderr)
    assert len(lines[0]) < 400
    for fragment in fragments:
        assert fragment in lines[0], lines[0]
    return lines[0]


def make_hostile(kind: str, path: Path) -> None:
    """Put a FIFO, a link to a device, a directory or a link to a FIFO at `path`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "dev-zero":
        path.symlink_to("/dev/zero")
    elif kind == "dev-urandom":
        path.symlink_to("/dev/urandom")
    elif kind == "directory":
        path.mkdir()
        (path / "inside.toml").write_text('id = "x"\n', encoding="utf-8")
    else:
        os.mkfifo(path.parent / "pipe")
        path.symlink_to(path.parent / "pipe")


EXPECTED = {"fifo": "FIFO", "dev-zero": "character device", "dev-urandom": "character device",
            "directory": "directory", "link-to-fifo": "FIFO"}


# ------------------------------------------------------------------ special files


@pytest.mark.parametrize("kind", KINDS)
def test_special_file_as_settings(kind: str, tmp_path: Path) -> None:
    make_hostile(kind, tmp_path / "config" / "settings.toml")
    result, _ = boardless("practice", "--layout", "netflix-l5", home=tmp_path)
    one_line_error(result, "settings.toml", EXPECTED[kind], "not a regular file")


@pytest.mark.parametrize("kind", KINDS)
def test_special_file_as_layout(kind: str, tmp_path: Path) -> None:
    path = tmp_path / "hostile.toml"
    make_hostile(kind, path)
    result, _ = boardless("layouts", "check", str(path), home=tmp_path)
    one_line_error(result, "hostile.toml", EXPECTED[kind])
    result, _ = boardless("practice", "--layout", str(path), home=tmp_path)
    one_line_error(result, "hostile.toml", EXPECTED[kind])


@pytest.mark.parametrize("kind", KINDS)
def test_special_file_among_user_layouts(kind: str, tmp_path: Path) -> None:
    """`layouts list` lists every other layout; a link to a special file is named in one
    line (a FIFO or a directory that merely ends in .toml is not a layout file and is passed
    over, as before)."""
    make_hostile(kind, tmp_path / "config" / "layouts" / "hostile.toml")
    result, _ = boardless("layouts", "list", home=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "netflix-l5" in result.stdout
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    if kind in ("fifo", "directory"):
        assert lines == []
    else:
        assert len(lines) == 1 and "hostile.toml" in lines[0] and EXPECTED[kind] in lines[0]


#: `prompts list` with the prompt bank at the path given as the first argument.
PROMPTS_FROM = """
import sys
from pathlib import Path
import tui.core.config.prompts as prompts
prompts.bank_file = lambda: Path(sys.argv[1])
from tui.cli.main import main
raise SystemExit(main(["prompts", "list"]))
"""


@pytest.mark.parametrize("kind", KINDS)
def test_special_file_as_prompt_bank(kind: str, tmp_path: Path) -> None:
    path = tmp_path / "prompts.toml"
    make_hostile(kind, path)
    result, _ = boardless(str(path), home=tmp_path, code=PROMPTS_FROM)
    one_line_error(result, "prompts.toml", EXPECTED[kind])


def test_prompt_bank_runner_reads_a_good_bank(tmp_path: Path) -> None:
    """The runner above really reads the bank it is given."""
    path = tmp_path / "prompts.toml"
    path.write_bytes((REPO / "tui" / "data" / "prompts.toml").read_bytes())
    result, _ = boardless(str(path), home=tmp_path, code=PROMPTS_FROM, timeout=30)
    assert result.returncode == 0 and "video-streaming-cdn" in result.stdout, result.stderr


# ------------------------------------------------------------------ size and depth


def test_layout_over_a_megabyte(tmp_path: Path) -> None:
    path = tmp_path / "big.toml"
    text = LAYOUT.read_text(encoding="utf-8")
    path.write_text(text + "\n" + "# padding padding padding\n" * 82_000, encoding="utf-8")
    assert path.stat().st_size > 2 * 1024 * 1024
    result, _ = boardless("layouts", "check", str(path), home=tmp_path)
    one_line_error(result, "big.toml", "over the 1 MB limit")


def test_settings_over_a_megabyte(tmp_path: Path) -> None:
    path = tmp_path / "config" / "settings.toml"
    path.parent.mkdir()
    path.write_text('theme = "ink"\n' + "# padding\n" * 200_000, encoding="utf-8")
    result, _ = boardless("practice", "--layout", "netflix-l5", home=tmp_path)
    one_line_error(result, "settings.toml", "over the 1 MB limit")


@pytest.mark.parametrize("nesting", ["array", "inline-table", "dotted-key"])
def test_toml_nested_100k_deep(nesting: str, tmp_path: Path) -> None:
    depth = 100_000
    text = {"array": "x = " + "[" * depth + "]" * depth,
            "inline-table": "x = " + "{a=" * depth + "1" + "}" * depth,
            "dotted-key": "a" + ".a" * depth + " = 1"}[nesting]
    path = tmp_path / "deep.toml"
    path.write_text(text + "\n", encoding="utf-8")
    result, took = boardless("layouts", "check", str(path), home=tmp_path)
    one_line_error(result, "deep.toml", "nest more than 32 levels deep")
    assert took < LIMIT_S


def test_coach_table_nested_900_deep(tmp_path: Path) -> None:
    """A valid layout whose [coach] table nests 900 deep: one short line, not a RecursionError
    (whose rendering once took minutes and a gigabyte)."""
    path = tmp_path / "deep-coach.toml"
    header = "[coach." + ".".join(["a"] * 900) + "]"
    path.write_text(LAYOUT.read_text(encoding="utf-8") + f"\n{header}\nb = 1\n", encoding="utf-8")
    result, _ = boardless("layouts", "check", str(path), home=tmp_path)
    one_line_error(result, "deep-coach.toml", "nest more than 32 levels deep")
    result, _ = boardless("practice", "--layout", str(path), home=tmp_path)
    one_line_error(result, "deep-coach.toml", "nest more than 32 levels deep")


def test_log_snapshot_nested_900_deep(tmp_path: Path) -> None:
    """The same table inside a session log's layout snapshot is a damaged first line."""
    lines = SAMPLE.read_text(encoding="utf-8").splitlines()
    first = json.loads(lines[0])
    nested: dict[str, object] = {"b": 1}
    for _ in range(900):
        nested = {"a": nested}
    first["layout"]["coach"] = nested
    log = write_log(tmp_path / "data" / "sessions" / "deep", [json.dumps(first), *lines[1:]])
    for command in ("report", "export"):
        result, _ = boardless(command, str(log.parent), home=tmp_path)
        one_line_error(result, "events.jsonl:1", "nests more than 32 levels deep", code=1)


# ------------------------------------------------------------------ logs


def write_log(directory: Path, lines: list[str]) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "events.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def sample_with(last: list[dict[str, object]] | None = None, middle: str | None = None,
                tail: str | None = None) -> list[str]:
    """The sample log, its last two events (round_ended, session_closed) replaced by `last`,
    `middle` inserted as line 100 and `tail` appended as its last line."""
    lines = SAMPLE.read_text(encoding="utf-8").splitlines()
    body, ending = lines[:-2], [json.loads(line) for line in lines[-2:]]
    for event, change in zip(ending, last or [{}, {}]):
        event.update(change)
    body += [json.dumps(event) for event in ending]
    if middle is not None:
        body.insert(99, middle)
    if tail is not None:
        body.append(tail)
    return body


def note_line(seq: int, t: object, text: str = "x") -> str:
    return json.dumps({"v": 1, "seq": seq, "t": t, "wall": "2026-11-18T19:14:30.000Z",
                       "type": "note_added", "id": f"hostile-{seq}", "text": text})


MB2 = "y" * (2 * 1024 * 1024)
#: name -> (log lines, fragment of the one-line error, or None when the damaged last line is
#: dropped and the command succeeds)
LOGS: dict[str, tuple[list[str], str | None]] = {
    "t-1e7-last": (sample_with(tail=note_line(742, 1e7)), None),
    "t-1e308-last": (sample_with(tail=note_line(742, 1e308)), None),
    "t-huge-int-last": (sample_with(tail=note_line(742, 10**400)), None),
    "t-1e7-middle": (sample_with(middle=note_line(99, 1e7)), "past the longest session"),
    "t-1e308-middle": (sample_with(middle=note_line(99, 1e308)), "past the longest session"),
    "t-1e7-round-end": (sample_with(last=[{"t": 1e7}, {"t": 1e7 + 4}]),
                        "past the longest session"),
    "seq-huge-last": (sample_with(tail=note_line(10**30, 2700.0)), None),
    "seq-5000-digits": (sample_with(middle=note_line(99, 1.0).replace(
        '"seq": 99', '"seq": ' + "9" * 5000)), "not valid JSON"),
    "2mb-line-middle": (sample_with(middle=note_line(99, 100.0, MB2)), "over the 1 MB limit"),
    "2mb-line-last": (sample_with(tail=note_line(742, 2700.0, MB2)), None),
    "2mb-torn-tail": (sample_with(tail=note_line(742, 2700.0, MB2)[:-1]), None),
}


@pytest.mark.parametrize("name", sorted(LOGS))
def test_hostile_log(name: str, tmp_path: Path) -> None:
    lines, fragment = LOGS[name]
    log = write_log(tmp_path / "data" / "sessions" / name, lines)
    if name.endswith("torn-tail"):  # no final newline
        log.write_bytes(log.read_bytes()[:-1])
    for command in ("report", "export", "history"):
        args = (command,) if command == "history" else (command, str(log.parent))
        result, took = boardless(*args, home=tmp_path)
        assert "Traceback" not in result.stderr, result.stderr[-2000:]
        assert took < LIMIT_S
        if fragment is None or command == "history":
            assert len(result.stderr.splitlines()) <= 1, result.stderr[-2000:]
            continue
        one_line_error(result, "events.jsonl:", fragment, code=1)
    if fragment is None:
        loaded = read_log(log)
        assert len(loaded.warnings) == 1 and loaded.events[-1].type == "session_closed"


def test_far_time_within_the_limit_replays_quickly(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """A round that ends six days in is allowed, and the coach does not tick through every
    second of it: a few hundred ticks, and report, export and history each take well under
    the limit."""
    lines = sample_with(last=[{"t": 518_400.0}, {"t": 518_404.0}])
    log = write_log(tmp_path / "data" / "sessions" / "far", lines)
    for args in (("report", str(log.parent)), ("export", str(log.parent)), ("history",)):
        result, took = boardless(*args, home=tmp_path)
        assert result.returncode == 0, result.stderr
        assert took < LIMIT_S
    ticks = 0
    tick = TimingObserver.tick

    def counted(self: TimingObserver, t: float, state: SessionState) -> list:  # type: ignore[type-arg]
        nonlocal ticks
        ticks += 1
        return tick(self, t, state)

    monkeypatch.setattr(TimingObserver, "tick", counted)
    assert "over_time" in json.dumps(build_report(read_log(log).events).to_dict())
    assert ticks < 5000  # the sample's own 45 minutes are under 2700 seconds


def test_a_megabyte_line_is_never_held_whole(tmp_path: Path) -> None:
    log = write_log(tmp_path, sample_with(middle=note_line(99, 100.0, "z" * (20 * 1024 * 1024))))
    tracemalloc.start()
    try:
        with pytest.raises(Exception, match="over the 1 MB limit"):
            read_log(log)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 8 * 1024 * 1024


def test_times_are_bounded_in_every_number_field() -> None:
    with pytest.raises(Exception, match="more than a week"):
        make_event("speech", 1.0, start=10**400, end=1.0)
    with pytest.raises(Exception, match="more than a week"):
        make_event("caption", 1.0, text="x", final=True, start=0.0, end=MAX_T * 2)
    with pytest.raises(Exception, match="too large"):
        make_event("note_added", 1.0, id="n", text="x", index=10**30)


# ------------------------------------------------------------------ the coach's clock


def _without_skipping(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Session, "_next_tick", lambda self, target: self._ticked + 1)


def _outputs(events: list) -> list[tuple[str, float, dict]]:  # type: ignore[type-arg]
    return [(e.type, e.t, dict(e.data)) for e in events if e.type in OUTPUT_TYPES]


def _long_pauses() -> list:  # type: ignore[type-arg]
    """A round with hour-long silences mid-phase (dead air, probes, time-outs, over-time)."""
    path = ROUNDS / "10-dead-air-walkthrough.toml"
    script = tomli.loads(path.read_text(encoding="utf-8"))
    from tests.core.coach_helpers import Driver
    from tui.core.config.layouts import find_layout
    from tui.core.config.prompts import find_prompt

    d = Driver(find_layout(script["layout"]), find_prompt(script["prompt"]))
    d.at(5).start()
    for index in range(12):
        d.say("so the cache sits in front of the database and we shard by user id")
        d.wait(3600 if index % 3 == 0 else 47)
        if index % 4 == 3:
            d.next()
    d.end()
    return d.events


@pytest.mark.parametrize("name", [p.stem for p in sorted(ROUNDS.glob("*.toml"))]
                         + ["long-pauses", "sample"])
def test_skipping_quiet_seconds_changes_no_coach_event(
        name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Live (ticks skipped where the observers say nothing can happen) and a replay ticking
    every single second give the same flags, probes and ticks at the same times."""
    if name == "sample":
        events = read_log(SAMPLE).events
    elif name == "long-pauses":
        events = _long_pauses()
    else:
        events = play(ROUNDS / f"{name}.toml").events
    live = _outputs(events)
    assert live == _outputs(recompute(events))
    _without_skipping(monkeypatch)
    assert live == _outputs(recompute(events))
    if name == "long-pauses":
        codes = {data.get("code") for _, _, data in live}
        assert {"dead_air", "over_time"} <= codes


# ------------------------------------------------------------------ linear in captions


def _python_calls(run: Callable[[], object]) -> int:
    count = 0

    def profile(frame: object, event: str, arg: object) -> None:
        nonlocal count
        if event == "call":
            count += 1

    sys.setprofile(profile)
    try:
        run()
    finally:
        sys.setprofile(None)
    return count


def _captions_in_one_phase(count: int) -> list:  # type: ignore[type-arg]
    """The sample's first events (the first phase started) and `count` final captions, all
    within the coach's 90 s window, full of fillers, then the end of the round."""
    head = read_log(SAMPLE).events[:5]
    events = list(head)
    seq, t = head[-1].seq, 10.0
    for index in range(count):
        seq, t = seq + 1, 10.0 + index * 0.002
        events.append(make_event(
            "caption", t, seq=seq, text="um so we shard the users table by user id and uh like",
            final=True, start=max(0.0, t - 1.5), end=t, words=[], delay=0.3, engine="vosk"))
    events.append(make_event("round_ended", t + 1, seq=seq + 1, reason="user"))
    return events


def _growth(work: Callable[[int], object], n: int) -> float:
    """Python calls per extra caption from 2n to 4n over those from n to 2n: about 1 when the
    work is linear in the captions, about 2 when it is quadratic."""
    work(n)  # warm caches (compiled patterns, the coach defaults)
    calls = [_python_calls(functools.partial(work, size)) for size in (n, 2 * n, 4 * n)]
    return ((calls[2] - calls[1]) / (2 * n)) / ((calls[1] - calls[0]) / n)


def test_pace_and_filler_checks_are_linear_in_captions() -> None:
    def deliver(count: int) -> None:
        events = _captions_in_one_phase(count)
        state = SessionState.from_start(events[0])
        for event in events[1:5]:
            state.apply(event)
        observer = DeliveryObserver(state, default_config())
        for event in events[5:-1]:
            state.apply(event)
            observer.observe(event, state)

    assert _growth(deliver, 1000) < 1.3


def test_report_building_is_linear_in_captions() -> None:
    assert _growth(lambda count: build_report(_captions_in_one_phase(count)), 250) < 1.3
