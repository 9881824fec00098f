"""`boardless report` and `boardless history` as a user runs them, on the sample sessions."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from tests.pty_run import plain, run_in_pty
from tui.cli.history_cmd import render
from tui.cli.main import main
from tui.core.debrief.history import BARS, History, fit_sparkline, sparkline

SAMPLES = Path(__file__).resolve().parents[2] / "sample_sessions"
NAMES = ("strong-round", "jumps-to-design", "skips-framing")


def _report(capsys: pytest.CaptureFixture[str], session: str) -> dict:
    assert main(["report", session, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def _codes(report: dict) -> dict[str, set[str | None]]:
    out: dict[str, set[str | None]] = {}
    for flag in report["flags"]:
        out.setdefault(flag["code"], set()).add(flag["phase"])
    return out


def test_report_json_strong_round(capsys: pytest.CaptureFixture[str]) -> None:
    report = _report(capsys, str(SAMPLES / "strong-round"))
    codes = _codes(report)
    for code in ("jumped_to_design", "no_core_challenge", "resilience_late", "skipped",
                 "over_time", "rushed"):
        assert code not in codes
    assert all(p["window"] == "in_window" for p in report["phases"])
    assert len(report["questions"]) >= 6
    assert all(d["covered"] for d in report["dimensions"])
    assert "core challenge" in report["core_challenge"]["text"]
    assert report["core_challenge"]["phase"] == "framing"
    early = [f for f in report["failures_before"] if not f["prompted"]]
    assert early and early[0]["phase"] in ("requirements", "framing")


def test_report_json_jumps_to_design(capsys: pytest.CaptureFixture[str]) -> None:
    report = _report(capsys, str(SAMPLES / "jumps-to-design" / "events.jsonl"))
    codes = _codes(report)
    assert codes["jumped_to_design"] == {"requirements"}
    assert codes["over_time"] == {"walkthrough"}
    assert report["flag_counts"]["over_time"] == 2
    assert {"deep_dive", "resilience"} & (codes.get("rushed", set()) | codes.get("skipped", set()))
    assert "resilience_late" in codes
    walk = next(p for p in report["phases"] if p["id"] == "walkthrough")
    assert walk["window"] == "over_max"
    assert report["flags"][0]["code"] == "jumped_to_design"
    assert report["flags"][0]["t"] < 60
    assert report["practice"][0].startswith("Open with clarifying questions")


def test_report_json_skips_framing(capsys: pytest.CaptureFixture[str]) -> None:
    report = _report(capsys, str(SAMPLES / "skips-framing"))
    codes = _codes(report)
    assert "framing" in codes["skipped"]
    assert codes["resilience_late"] == {"resilience"}
    assert "jumped_to_design" not in codes
    assert report["core_challenge"] is None
    assert not [f for f in report["failures_before"] if not f["prompted"]]
    framing = next(p for p in report["phases"] if p["id"] == "framing")
    assert framing["skipped"] and framing["actual_s"] == 0


@pytest.mark.parametrize("name", NAMES)
def test_report_flags_match_the_flags_written_live(name: str,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    report = _report(capsys, str(SAMPLES / name))
    live = [json.loads(line) for line in
            (SAMPLES / name / "events.jsonl").read_text(encoding="utf-8").splitlines()]
    written = [(e["code"], e["phase"]) for e in live if e["type"] == "flag_raised"]
    assert written == [(f["code"], f["phase"]) for f in report["flags"]]


def test_report_text_and_subprocess_json() -> None:
    run = subprocess.run([sys.executable, "-m", "tui", "report",
                          str(SAMPLES / "jumps-to-design"), "--json"],
                         capture_output=True, text=True, timeout=120, check=False)
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout)["layout_id"] == "netflix-l5"
    run = subprocess.run([sys.executable, "-m", "tui", "report", str(SAMPLES / "skips-framing")],
                         capture_output=True, text=True, timeout=120, check=False)
    assert run.returncode == 0 and run.stdout.startswith("## Debrief")


def test_report_unknown_session_is_one_line_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", "no-such-session"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no session 'no-such-session'" in err


def _data_dir(tmp_path: Path) -> Path:
    sessions = tmp_path / "data" / "sessions"
    sessions.mkdir(parents=True)
    for name in NAMES:
        shutil.copytree(SAMPLES / name, sessions / name)
    return sessions


def test_history_json_on_the_samples(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _data_dir(tmp_path)
    assert main(["history", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [s["id"] for s in data["sessions"]] == ["jumps-to-design", "skips-framing",
                                                   "strong-round"]
    strong = data["sessions"][-1]
    assert strong["flags"] == 0 and set(strong["phase_s"]) == {
        "requirements", "framing", "walkthrough", "deep_dive", "resilience"}
    jumps = data["sessions"][0]
    assert jumps["flag_counts"]["over_time"] == 2
    trends = {t["name"]: t for t in data["by_layout"]["netflix-l5"]}
    walk = trends["walkthrough"]
    assert walk["first"] == jumps["phase_s"]["walkthrough"]
    assert walk["latest"] == strong["phase_s"]["walkthrough"]
    assert len(walk["spark"]) == 3 and set(walk["spark"]) <= set(BARS)
    assert trends["flags"]["latest"] == 0
    assert "video-streaming-cdn" in data["by_prompt"]["netflix-l5"]


def test_history_text_and_prompt_filter(tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    sessions = _data_dir(tmp_path)
    (sessions / "broken").mkdir()
    (sessions / "broken" / "events.jsonl").write_text("not json\n{}\n", encoding="utf-8")
    assert main(["history"]) == 0
    captured = capsys.readouterr()
    assert "Trend per phase, layout netflix-l5 (3 sessions):" in captured.out
    assert "Trend for prompt" not in captured.out  # the one prompt: the layout's lines again
    assert "skipped damaged session broken" in captured.err
    assert main(["history", "--prompt", "video-streaming-cdn", "--json"]) == 0
    assert len(json.loads(capsys.readouterr().out)["sessions"]) == 3
    assert main(["history", "--prompt", "social-feed"]) == 0
    assert "No sessions for prompt 'social-feed'" in capsys.readouterr().out


def test_history_with_no_sessions(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["history"]) == 0
    assert capsys.readouterr().out.startswith("No sessions")


@pytest.mark.parametrize("command", [["report", "--help"], ["history", "--help"]])
def test_help(command: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        main(command)
    assert done.value.code == 0
    assert "--json" in capsys.readouterr().out


HAND_WRITTEN = """\
{"v":1,"seq":1,"t":0,"wall":"2026-11-22T09:00:00.000Z","type":"session_started","engine":"off","layout":{"id":"tiny","title":"Tiny round","description":"Two phases","total":600,"level":"senior","coach":{},"phases":[{"id":"requirements","title":"Requirements","role":"requirements","min":60,"max":180,"goal":"Ask","checklist":[],"cues":[],"probes":[]},{"id":"walkthrough","title":"Walkthrough","role":"walkthrough","min":120,"max":400,"goal":"Walk","checklist":[],"cues":[],"probes":[]}]},"prompt":{"id":"custom","title":"A URL shortener","domain":"custom","text":"Design a URL shortener.","clarifying":[],"probes":[]}}
{"v":1,"seq":2,"t":0,"wall":"","type":"timer_started"}
{"v":1,"seq":3,"t":0,"wall":"","type":"phase_entered","phase":"requirements","via":"start"}
{"v":1,"seq":4,"t":12.5,"wall":"","type":"caption","text":"how many links are created per day","final":true,"start":11.0,"end":12.4}
{"v":1,"seq":5,"t":20,"wall":"","type":"note_added","id":"n1","text":"100M links a day","phase":"requirements"}
{"v":1,"seq":6,"t":95,"wall":"","type":"phase_entered","phase":"walkthrough","via":"next"}
{"v":1,"seq":7,"t":100,"wall":"","type":"note_added","id":"n2","text":"Write path","phase":"walkthrough"}
{"v":1,"seq":8,"t":110,"wall":"","type":"note_added","id":"n3","text":"hash the URL, store in KV","kind":"flow","parent":"n2"}
{"v":1,"seq":9,"t":300,"wall":"","type":"round_ended","reason":"user"}
"""  # noqa: E501 (a log is one JSON object a line)


def test_report_on_a_hand_written_log(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    log = tmp_path / "hand" / "events.jsonl"
    log.parent.mkdir()
    log.write_text(HAND_WRITTEN, encoding="utf-8")
    report = _report(capsys, str(log.parent))
    # In every window, no framing or resilience phase to judge; but the walkthrough (two notes)
    # traced no request and the round never touched operations.
    assert {f["code"] for f in report["flags"]} == {"no_request_trace", "no_operability"}
    assert [q["text"] for q in report["questions"]] == ["how many links are created per day"]
    assert [p["actual_s"] for p in report["phases"]] == [95.0, 205.0]
    log.write_text(HAND_WRITTEN.replace('"t":95,', '"t":40,').replace(
        "how many links are created per day", "we store links in redis behind a service"),
        encoding="utf-8")
    codes = _codes(_report(capsys, str(log)))
    assert codes == {"jumped_to_design": {"requirements"}, "rushed": {"requirements"},
                     "no_request_trace": {"walkthrough"}, "no_operability": {"walkthrough"}}


# report in a terminal, history per layout, local times (issue 12, CLI habits).

RAW = "no\\_core\\_challenge"  # what the Markdown source holds, and a terminal must not show


def test_report_piped_is_plain_markdown() -> None:
    run = subprocess.run([sys.executable, "-m", "tui", "report", str(SAMPLES / "skips-framing")],
                         capture_output=True, text=True, timeout=120, check=False)
    assert run.returncode == 0 and run.stdout.startswith("## Debrief")
    assert RAW in run.stdout and "\x1b[" not in run.stdout
    chart = run.stdout.split("### Timeline", 1)[1].split("```text\n", 1)[1].split("```")[0]
    assert chart.splitlines()[1].startswith("Requirements ") and "█" in chart  # opens with it


def test_report_to_a_terminal_is_rendered(monkeypatch: pytest.MonkeyPatch,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    from tui.cli import terminal

    monkeypatch.setattr(terminal, "stdout_is_terminal", lambda: True)
    assert main(["report", str(SAMPLES / "skips-framing")]) == 0
    out = capsys.readouterr().out
    assert "\x1b[" in out and RAW not in out and "## Debrief" not in out
    assert "no_core_challenge" in plain(out)
    monkeypatch.setattr(terminal, "stdout_is_terminal", lambda: False)
    assert main(["report", str(SAMPLES / "skips-framing"), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["core_challenge"] is None  # --json as before


def test_report_in_a_real_terminal_is_rendered() -> None:
    code, out = run_in_pty("report", str(SAMPLES / "skips-framing"), columns=100)
    assert code == 0
    text = plain(out)
    assert "\x1b[" in out and RAW not in out and "## Debrief" not in text
    assert "no_core_challenge" in text and "Practise next" in text
    assert max(len(line) for line in text.splitlines()) <= 100
    lines = text.strip().splitlines()
    assert lines[0].strip() == "Timeline"  # it opens with the picture of the round
    assert lines[2].startswith("Requirements ") and "█" in lines[2]
    assert any(line.startswith("Flags ") and "✖" in line for line in lines[:10])


def _add_session(sessions: Path, name: str, layout: str, prompt: str, seconds: float,
                 wall: datetime) -> None:
    """A session of `layout` that ran `seconds` in its first phase and ended."""
    from tui.core.config.layouts import find_layout
    from tui.core.config.prompts import find_prompt
    from tui.core.session.clock import FakeClock
    from tui.core.session.session import Session

    clock = FakeClock(start_wall=wall)
    directory = sessions / name
    directory.mkdir(parents=True)
    session = Session.create(find_layout(layout), find_prompt(prompt), clock, directory)
    session.emit_all(session.state.phases.start_or_resume())
    clock.advance(seconds)
    session.emit("round_ended", reason="user")
    session.close()


def _mixed_layouts(tmp_path: Path) -> Path:
    """The three 45-minute netflix-l5 samples plus two 7-minute requirements drills."""
    sessions = _data_dir(tmp_path)
    start = datetime(2026, 11, 20, 8, 0, tzinfo=timezone.utc)
    _add_session(sessions, "drill-1", "requirements-drill", "social-feed", 240, start)
    _add_session(sessions, "drill-2", "requirements-drill", "social-feed", 300,
                 start + timedelta(days=1))
    return sessions


def test_history_trends_are_per_layout(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _mixed_layouts(tmp_path)
    assert main(["history", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert len(data["sessions"]) == 5 and "trends" not in data
    assert set(data["by_layout"]) == {"netflix-l5", "requirements-drill"}
    drill = {t["name"]: t for t in data["by_layout"]["requirements-drill"]}
    assert drill["requirements"]["values"] == [240.0, 300.0]
    assert drill["requirements"]["mean"] == 270.0  # the 45-minute rounds are not in it
    netflix = {t["name"]: t for t in data["by_layout"]["netflix-l5"]}
    assert len(netflix["flags"]["values"]) == 3
    assert [s["phase_s"]["requirements"] for s in data["sessions"][:3]] == \
        netflix["requirements"]["values"]
    assert set(data["by_prompt"]["netflix-l5"]) == {"video-streaming-cdn"}
    assert set(data["by_prompt"]["requirements-drill"]) == {"social-feed"}

    assert main(["history"]) == 0
    text = capsys.readouterr().out
    assert "Trend per phase, layout netflix-l5 (3 sessions):" in text
    assert "Trend per phase, layout requirements-drill (2 sessions):" in text
    assert "across sessions" not in text


def test_history_layout_filter(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _mixed_layouts(tmp_path)
    assert main(["history", "--layout", "requirements-drill", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [s["id"] for s in data["sessions"]] == ["drill-1", "drill-2"]
    assert data["layout"] == "requirements-drill" and set(data["by_layout"]) == {
        "requirements-drill"}
    assert main(["history", "--layout", "netflix-l5", "--prompt", "video-streaming-cdn"]) == 0
    text = capsys.readouterr().out
    assert "drill-1" not in text and "strong-round" in text
    assert "requirements-drill" not in text
    assert main(["history", "--layout", "generic-45"]) == 0
    assert "No sessions for layout 'generic-45'" in capsys.readouterr().out


def test_history_shows_local_start_times(tmp_path: Path) -> None:
    _mixed_layouts(tmp_path)
    env = {**os.environ, "TZ": "JST-9"}  # nine hours east of UTC, without needing tzdata
    run = subprocess.run([sys.executable, "-m", "tui", "history"], capture_output=True,
                         text=True, timeout=120, env=env, check=False)
    assert "drill-1  2026-11-20 17:00  requirements-drill" in run.stdout
    assert "strong-round  2026-11-19 03:30  netflix-l5" in run.stdout
    assert "T08:00" not in run.stdout and "Z " not in run.stdout
    run = subprocess.run([sys.executable, "-m", "tui", "history", "--json"], capture_output=True,
                         text=True, timeout=120, env=env, check=False)
    assert json.loads(run.stdout)["sessions"][-1]["started"] == "2026-11-21T08:00:00.000Z"


def test_sparklines_fit_the_terminal_and_keep_the_newest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    sessions = tmp_path / "data" / "sessions"
    start = datetime(2026, 11, 1, 8, 0, tzinfo=timezone.utc)
    seconds = [60.0 + (n * 37) % 50 * 4 for n in range(60)]  # an uneven walk, oldest first
    for n, secs in enumerate(seconds):
        _add_session(sessions, f"drill-{n:02d}", "requirements-drill", "social-feed", secs,
                     start + timedelta(hours=n))
    for columns in (40, 60, 80, 200):
        monkeypatch.setenv("COLUMNS", str(columns))
        assert main(["history"]) == 0
        lines = capsys.readouterr().out.splitlines()
        trend_at = lines.index("Trend per phase, layout requirements-drill (60 sessions):")
        trend = lines[trend_at + 1:]
        if columns >= 60:  # at 40 the numbers alone are wider than the terminal
            assert all(len(line) <= columns for line in trend)
        at = next(i for i, ln in enumerate(trend) if ln.startswith("  requirements "))
        words = trend[at].split()
        spark = words[1] if set(words[1]) <= set(BARS) else trend[at + 1].strip()
        assert set(spark) <= set(BARS) and len(spark) <= columns
        assert spark == sparkline(seconds[-len(spark):])  # the newest points, scaled over them
        if columns >= 100:
            assert len(spark) == 60
        else:
            assert 10 <= len(spark) < 60 and spark != sparkline(seconds[:len(spark)])


def test_fit_sparkline_keeps_the_newest_points() -> None:
    assert fit_sparkline([1, 2, 3, 4], 2) == sparkline([3, 4])
    assert fit_sparkline([1, 2, 3, 4], 10) == sparkline([1, 2, 3, 4])
    assert fit_sparkline([5, 1], 0) == sparkline([1]) and fit_sparkline([], 5) == ""
    assert render(History(None, None, (), {}, {}, ()), 40)[0].startswith("No sessions")


def test_report_and_export_say_when_they_drop_a_damaged_last_line(tmp_path: Path) -> None:
    log = tmp_path / "damaged" / "events.jsonl"
    log.parent.mkdir()
    log.write_bytes((SAMPLES / "skips-framing" / "events.jsonl").read_bytes() + b'{"v":1,"se')
    for args in (["report", str(log.parent)], ["export", str(log.parent), "-o", "-"]):
        run = subprocess.run([sys.executable, "-m", "tui", *args], capture_output=True,
                             text=True, timeout=120, check=False)
        assert run.returncode == 0 and run.stdout
        [line] = run.stderr.splitlines()
        assert line.startswith("warning: ") and "dropped a torn last line" in line
