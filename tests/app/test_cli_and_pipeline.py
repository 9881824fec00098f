"""The practice/replay commands build the right app; the real caption pipeline (pocketsphinx on
a committed recording) reaches the screen and the log; sample sessions replay to the end."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.pilot import start_round, wait_until
from tests.support import require_module
from tui.app.app import BoardlessApp
from tui.app.options import SpeechOptions
from tui.app.screens.results import ResultsScreen
from tui.app.widgets.header import level_bar
from tui.cli import practice_cmd
from tui.cli.main import main
from tui.core.session.eventlog import read_log
from tui.core.session.state import SessionState, fold

ROOT = Path(__file__).resolve().parents[2]
AUDIO = ROOT / "tests" / "fixtures" / "audio" / "hibari_requirements.wav"
SAMPLES = sorted(p for p in (ROOT / "sample_sessions").glob("*/events.jsonl"))


@pytest.fixture
def captured(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    seen: list[object] = []
    monkeypatch.setattr(practice_cmd, "_run", lambda options: seen.append(options) or 0)
    return seen


def test_practice_options(captured: list) -> None:
    assert main(["practice", "--layout", "junior-60", "--prompt", "social-feed", "--engine", "off",
                 "--audio-file", "a.wav", "--speed", "4"]) == 0
    options = captured[0]
    assert (options.mode, options.layout, options.prompt) == ("start", "junior-60", "social-feed")
    assert options.speech.engine == "off" and options.speech.speed == 4
    assert options.speech.audio_file == Path("a.wav")


def test_no_arguments_opens_practice(captured: list) -> None:
    assert main([]) == 0
    assert captured[0].mode == "start"


def test_resume_latest_and_named(captured: list) -> None:
    main(["practice", "--resume"])
    main(["practice", "--resume", "20260101-090000-x"])
    assert [(o.mode, o.session) for o in captured] == [("resume", None),
                                                         ("resume", "20260101-090000-x")]


def test_replay_options_and_bad_speed(captured: list, capsys: pytest.CaptureFixture) -> None:
    main(["replay", "some-session", "--speed", "8"])
    assert (captured[0].mode, captured[0].session, captured[0].replay_speed) == (
        "replay", "some-session", 8.0)
    with pytest.raises(SystemExit) as stop:
        main(["replay", "x", "--speed", "0"])
    assert stop.value.code == 2
    assert "speed must be greater than 0" in capsys.readouterr().err


def test_unknown_session_is_one_line(capsys: pytest.CaptureFixture) -> None:
    assert main(["replay", "/no/such/session"]) == 2
    assert main(["practice", "--resume"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 2 and all(line.startswith("boardless: error:") for line in err)


def test_other_commands_do_not_import_textual() -> None:
    code = ("import sys\nfrom tui.cli.main import build_parser\nbuild_parser()\n"
            "print(any(m == 'textual' or m.startswith('textual.') for m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_level_bar() -> None:
    assert level_bar(0.0) == "▁▁▁▁▁"
    assert level_bar(1.0) == "█████"
    assert len(level_bar(0.1)) == 5


async def test_real_pipeline_captions_reach_the_log(make_app) -> None:
    require_module("pocketsphinx")
    app: BoardlessApp = make_app(speech=SpeechOptions(engine="pocketsphinx", audio_file=AUDIO,
                                                      speed=8))
    async with app.run_test(size=(100, 30)) as pilot:
        await start_round(pilot)
        await wait_until(pilot, lambda: app.session.state.captions, "a caption", limit_s=60)
        assert isinstance(app.feed.level, float)
        await pilot.press("ctrl+q")
    events = read_log(app.session.log_path).events
    finals = [e for e in events if e.type == "caption" and e["final"]]
    assert finals and all(e["engine"] == "pocketsphinx" for e in finals)
    states = [e["state"] for e in events if e.type == "captions_status"]
    assert "loading" in states and "ready" in states
    assert events[-1].type == "session_closed"
    closed_at = len(events) - 1
    assert all(i < closed_at for i, e in enumerate(events) if e.type == "caption")


@pytest.mark.parametrize("log", SAMPLES, ids=[p.parent.name for p in SAMPLES])
async def test_sample_sessions_replay_to_the_results(make_app, clock, log: Path) -> None:
    """Played to the end, a recorded round is exactly what its log folds to (every note as
    last written, every flag, every phase), and the results screen says so."""
    events = read_log(log).events
    expected = fold(events)
    app = make_app(mode="replay", session=str(log), replay_speed=1000)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_until(pilot, lambda: app.session is not None, "the replay to open")
        clock.advance(events[-1].t / 1000 + 1)
        app.tick()
        await wait_until(pilot, lambda: isinstance(app.screen, ResultsScreen)
                         and app.screen.query("#results-title"), "the results")
        state = app.session.state
        assert state.outline.notes and outline_of(state) == outline_of(expected)
        assert state.flags == expected.flags
        assert state.phases.end_reason == expected.phases.end_reason
        assert [state.phases.elapsed(p.id, state.last_t) for p in state.layout.phases] == [
            expected.phases.elapsed(p.id, expected.last_t) for p in expected.layout.phases]
        title = str(app.screen.query_one("#results-title").render())
        assert f"{len(expected.flags)} flags · {len(expected.outline)} notes" in title
        await app.workers.wait_for_complete()


def outline_of(state: SessionState) -> list[tuple[str, str, str, int]]:
    return [(note.id, note.kind, note.text, depth) for note, depth in state.outline.walk()]
