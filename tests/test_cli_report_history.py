"""`boardless report` and `boardless history` as a user runs them, on the sample sessions."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tui.cli.main import main
from tui.core.history import BARS

SAMPLES = Path(__file__).resolve().parent.parent / "sample_sessions"
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
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout)["layout_id"] == "netflix-l5"
    run = subprocess.run([sys.executable, "-m", "tui", "report", str(SAMPLES / "skips-framing")],
                         capture_output=True, text=True, timeout=120)
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
    trends = {t["name"]: t for t in data["trends"]}
    walk = trends["walkthrough"]
    assert walk["first"] == jumps["phase_s"]["walkthrough"]
    assert walk["latest"] == strong["phase_s"]["walkthrough"]
    assert len(walk["spark"]) == 3 and set(walk["spark"]) <= set(BARS)
    assert trends["flags"]["latest"] == 0
    assert "video-streaming-cdn" in data["by_prompt"]


def test_history_text_and_prompt_filter(tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    sessions = _data_dir(tmp_path)
    (sessions / "broken").mkdir()
    (sessions / "broken" / "events.jsonl").write_text("not json\n{}\n", encoding="utf-8")
    assert main(["history"]) == 0
    captured = capsys.readouterr()
    assert "Trend per phase across sessions:" in captured.out
    assert "Trend for prompt video-streaming-cdn:" in captured.out
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
"""


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
