"""The interviewer's voice in a round (issue 14): the prompt and curveballs read aloud through a
real PortAudio output and logged, the candidate's captions free of the interviewer's words (no
headphones: the microphone hears the speakers), no output device in one line, `--voice off`,
pausing and quitting cut the voice, replay never speaks."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import tui.app.interviewer as interviewer
from tests.pilot import screen_text, start_round, wait_until
from tests.speech.alsa_output_device import contains_only, no_output_env, played, speaker_env
from tests.speech.fake_output import FakeSoundDevice
from tui.app.app import BoardlessApp
from tui.app.options import AppOptions
from tui.core.config.settings import Settings, load_settings
from tui.core.session.eventlog import read_log
from tui.speech.voice.gate import Speaking
from tui.speech.voice.playback import Player
from tui.speech.voice.speaker import InterviewerVoice
from tui.speech.voice.synthesis import stream_speech

ROOT = Path(__file__).resolve().parents[2]
CANDIDATE_TEXT = (ROOT / "tests" / "fixtures" / "audio" / "hibari_pause.txt").read_text()


#: Words of the candidate's speech that Whisper hears (at least four must reach the captions).
SPOKEN_BY_CANDIDATE = {"think", "storage", "layer", "moment", "shard", "user", "table", "replica",
                       "every", "region"}


#: Imported before any test patches `model.shared_model`: `speaker` binds it when first imported.
assert InterviewerVoice


def voice_round(scenario: str, tmp_path: Path, env: dict[str, str]) -> dict[str, Any]:
    """Run `tests.app.voice_round SCENARIO` in a child Python with `env`; its JSON report."""
    env = dict(env, BOARDLESS_DATA_DIR=str(tmp_path / "data"),
               BOARDLESS_CONFIG_DIR=str(tmp_path / "config"), TEXTUAL_CURSOR_BLINK="0",
               HF_HUB_OFFLINE="1")
    done = subprocess.run([sys.executable, "-m", "tests.app.voice_round", scenario,
                           str(tmp_path)], env=env, cwd=ROOT, capture_output=True, text=True,
                          timeout=150, check=False)
    lines = done.stdout.strip().splitlines()
    assert done.returncode == 0 and lines, f"child failed:\n{done.stderr[-4000:]}"
    return json.loads(lines[-1])  # type: ignore[no-any-return]


def words(text: str) -> set[str]:
    return set(re.findall(r"[a-z]+", text.lower()))


def of_type(events: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    return [event for event in events if event["type"] == kind]


def test_a_round_with_the_voice_on_logs_the_interviewer_and_the_captions_hold_none_of_it(
        tmp_path: Path) -> None:
    """The issue's check, end to end: the voice plays through a real PortAudio output (an ALSA
    file device, paced like a sound card), the microphone hears it mixed with the candidate,
    and Whisper captions the candidate only."""
    speaker = tmp_path / "speaker.raw"
    result = voice_round("speaker", tmp_path, speaker_env(tmp_path, speaker))
    events = result["events"]
    (curveball,) = of_type(events, "curveball_asked")
    # the prompt, then the curveball sprung at 5 s (read once the prompt has been said)
    said = [(e["kind"], e["text"], e["ref"]) for e in of_type(events, "interviewer_spoke")]
    assert said == [("prompt", result["prompt_text"], None),
                    ("curveball", curveball["text"], curveball["id"])]
    assert [e["reason"] for e in of_type(events, "interviewer_done")] == ["finished"] * 2
    order = [e["type"] for e in events if e["type"].startswith("interviewer_")]
    assert order == ["interviewer_spoke", "interviewer_done"] * 2
    # the curveball shows in its banner and in the side panel
    assert result["banner"].startswith("CURVEBALL")
    assert curveball["text"][:40] in result["banner"] and "to take it up" in result["banner"]
    assert "Curveballs (1)" in result["screen"]
    # the device really played it: its file holds the last line (the curveball), exactly
    expected = np.concatenate([s.int16() for s in stream_speech(curveball["text"])])
    assert contains_only(played(speaker), expected)
    # the candidate was heard, the interviewer was not
    captions = " ".join(e["text"] for e in of_type(events, "caption") if e["final"])
    heard = words(captions)
    assert len(heard & words(CANDIDATE_TEXT) & SPOKEN_BY_CANDIDATE) >= 4, captions
    candidate = words(CANDIDATE_TEXT)
    interviewer_words = {w for w in words(result["prompt_text"] + " " + curveball["text"])
                         if len(w) > 4 and w not in candidate and w.rstrip("s") not in candidate}
    assert len(interviewer_words) > 15
    assert not heard & interviewer_words, captions


def test_no_output_device_is_one_line_and_the_round_goes_on(tmp_path: Path) -> None:
    result = voice_round("no-output", tmp_path, no_output_env(tmp_path))
    problem = "no audio output device found: plug in speakers or headphones"
    assert result["voice_problem"] == f"interviewer's voice off: {problem}"
    (toast,) = result["toasts"]
    assert problem in toast and "text on screen only" in toast
    # the caption strip says it too (wrapped to its width)
    assert f"interviewer's voice off: {problem}" in " ".join(result["screen"].split())
    events = result["events"]
    assert not [e for e in events if e["type"].startswith("interviewer_")]
    notes = [e["text"] for e in of_type(events, "note_added") + of_type(events, "note_edited")]
    assert "rate cap" in notes
    captions = " ".join(e["text"] for e in of_type(events, "caption") if e["final"])
    assert len(words(captions) & SPOKEN_BY_CANDIDATE) >= 4, captions


# -- in process: a fake sound card, paced like a real one ------------------------------------

@pytest.fixture
def fake_card(monkeypatch: pytest.MonkeyPatch) -> FakeSoundDevice:
    card = FakeSoundDevice()

    def open_player(device: str | None, gate: Speaking) -> Player:
        return Player(device, gate=gate, sd=card)  # type: ignore[arg-type]

    monkeypatch.setattr(interviewer, "open_player", open_player)
    return card


def interviewer_events(app: BoardlessApp) -> list[tuple[str, str]]:
    assert app.session is not None and app.session.log_path is not None
    return [(e.type, e.get("kind") or e.get("reason"))
            for e in read_log(app.session.log_path).events if e.type.startswith("interviewer_")]


async def test_pausing_the_round_stops_the_voice_and_resuming_does_not_read_again(
        make_app: Callable[..., BoardlessApp], fake_card: FakeSoundDevice) -> None:
    app = make_app(voice=True)
    async with app.run_test() as pilot:
        await start_round(pilot)
        assert app.session is not None
        state = app.session.state
        await wait_until(pilot, lambda: state.interviewer, "the prompt to sound")
        assert state.interviewer_speaking
        await pilot.press("ctrl+t")  # pause
        await wait_until(pilot, lambda: not state.interviewer_speaking, "the voice to stop")
        assert app.voice is not None and app.voice.wait(timeout=5)
        assert "abort" in fake_card.events  # cut, not played out
        await pilot.press("ctrl+t")  # resume: the prompt was read already
        await pilot.pause()
        assert app._line is None and not state.interviewer_speaking
        assert interviewer_events(app) == [("interviewer_spoke", "prompt"),
                                           ("interviewer_done", "stopped")]


async def test_quitting_stops_the_voice_and_logs_it_before_the_log_closes(
        make_app: Callable[..., BoardlessApp], fake_card: FakeSoundDevice) -> None:
    app = make_app(voice=True)
    async with app.run_test() as pilot:
        await start_round(pilot)
        assert app.session is not None and app.session.log_path is not None
        log_path = app.session.log_path
        await wait_until(pilot, lambda: app.session is not None
                         and app.session.state.interviewer_speaking, "the prompt to sound")
        await pilot.press("ctrl+q")
    kinds = [e.type for e in read_log(log_path).events]
    assert kinds[-2:] == ["interviewer_done", "session_closed"]
    assert read_log(log_path).events[-2]["reason"] == "stopped"


async def test_voice_off_says_nothing_and_logs_no_interviewer(
        make_app: Callable[..., BoardlessApp], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(interviewer.VOICE_ENV, "on")  # --voice off wins over it
    opened: list[object] = []
    monkeypatch.setattr(interviewer, "open_player", lambda *args: opened.append(args))
    app = make_app(voice=False)
    async with app.run_test() as pilot:
        await start_round(pilot)
        assert app.session is not None
        app.session.emit("probe_asked", id="p1", text="What if a region goes down?",
                         phase="requirements", answer_s=90.0)
        await wait_until(pilot, lambda: "region goes down" in screen_text(app), "the probe")
        assert app.voice_gate is None and app.voice is None and opened == []
        assert not [w for w in app.workers if w.group == "voice-load"]
        assert interviewer_events(app) == []


def test_the_voice_is_chosen_by_flag_then_environment_then_setting(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv(interviewer.VOICE_ENV, raising=False)
    wanted = interviewer.voice_wanted
    assert Settings().voice is True and wanted(AppOptions(), Settings())
    assert not wanted(AppOptions(), Settings(voice=False))
    assert wanted(AppOptions(voice=True), Settings(voice=False))
    monkeypatch.setenv(interviewer.VOICE_ENV, "off")
    assert not wanted(AppOptions(), Settings())
    assert wanted(AppOptions(voice=True), Settings())
    assert not wanted(AppOptions(mode="replay", voice=True), Settings())  # replay never speaks
    settings = tmp_path / "settings.toml"
    settings.write_text('voice = false\nvoice_device = 3\n', encoding="utf-8")
    loaded = load_settings(settings)
    assert loaded.voice is False and loaded.voice_device == "3"


def test_tests_run_with_the_voice_off() -> None:
    assert os.environ.get(interviewer.VOICE_ENV) == "off"


async def test_a_probe_is_read_after_the_prompt_and_logged_with_its_id(
        make_app: Callable[..., BoardlessApp], fake_card: FakeSoundDevice,
        monkeypatch: pytest.MonkeyPatch) -> None:
    import threading

    import tui.speech.voice.model as model

    fake_card.pace = 0.05  # a fast card: the lines play in a twentieth of their length
    loaded_on: list[str] = []
    real_model = model.shared_model

    def shared_model() -> model.VoiceModel:
        loaded_on.append(threading.current_thread().name)
        return real_model()

    monkeypatch.setattr(model, "shared_model", shared_model)
    app = make_app(voice=True)
    async with app.run_test() as pilot:
        # the model is loaded by a worker while the start screen is up, never on the UI thread
        await wait_until(pilot, lambda: app.voice is not None, "the voice to load")
        assert loaded_on and threading.main_thread().name not in loaded_on
        await start_round(pilot)
        assert app.session is not None
        state = app.session.state
        app.session.emit("probe_asked", id="p1", text="What if a region goes down?",
                         phase="requirements", answer_s=90.0)
        await wait_until(pilot, lambda: len(state.interviewer) == 2
                         and state.interviewer[-1].done_t is not None, "the probe to be read")
        assert [(line.kind, line.ref) for line in state.interviewer] == [("prompt", None),
                                                                          ("probe", "p1")]
        assert state.interviewer[1].text == "What if a region goes down?"
        assert interviewer_events(app) == [("interviewer_spoke", "prompt"),
                                           ("interviewer_done", "finished"),
                                           ("interviewer_spoke", "probe"),
                                           ("interviewer_done", "finished")]


async def test_a_voice_that_cannot_load_is_one_line_and_the_round_goes_on(
        make_app: Callable[..., BoardlessApp], fake_card: FakeSoundDevice,
        monkeypatch: pytest.MonkeyPatch) -> None:
    import tui.speech.voice.model as model
    from tests.pilot import messages

    def broken() -> None:
        raise model.VoiceLoadError("the interviewer's voice cannot load from x.onnx: damaged")

    monkeypatch.setattr(model, "shared_model", broken)
    app = make_app(voice=True)
    async with app.run_test() as pilot:
        await start_round(pilot)
        await wait_until(pilot, lambda: app.voice_problem, "the voice's one line")
        await pilot.press(*"quota", "enter")
        await wait_until(pilot, lambda: "quota" in screen_text(app), "the note")
        assert "cannot load from x.onnx: damaged" in " ".join(screen_text(app).split())
        shown = [m for m in messages(app) if "voice" in m.lower()]
        assert shown == ["Interviewer's voice off: the interviewer's voice cannot load from "
                         "x.onnx: damaged. The round goes on with the text on screen only."]
        assert interviewer_events(app) == [] and fake_card.writes == 0


def test_voice_flags_reach_the_app(monkeypatch: pytest.MonkeyPatch,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    from tui.cli import practice_cmd
    from tui.cli.main import main

    seen: list[AppOptions] = []
    monkeypatch.setattr(practice_cmd, "_run", lambda options: seen.append(options) or 0)
    main(["practice", "--voice", "off"])
    main(["practice", "--voice", "on", "--voice-device", "2"])
    main(["practice", "--resume", "--voice", "off"])
    main(["practice"])
    assert [(o.voice, o.voice_device) for o in seen] == [(False, None), (True, "2"),
                                                         (False, None), (None, None)]
    with pytest.raises(SystemExit) as stop:
        main(["practice", "--voice", "loud"])
    assert stop.value.code == 2
    assert len(capsys.readouterr().err.strip().splitlines()) == 1


async def test_a_device_failing_while_the_prompt_plays_is_one_line_and_the_line_stops(
        make_app: Callable[..., BoardlessApp], fake_card: FakeSoundDevice) -> None:
    from tests.pilot import messages

    fake_card.fail_after = 5  # five blocks play, then the device is gone
    app = make_app(voice=True)
    async with app.run_test() as pilot:
        await start_round(pilot)
        await wait_until(pilot, lambda: app.voice_problem, "the voice's one line")
        await wait_until(pilot, lambda: len(interviewer_events(app)) == 2, "the line to stop")
        assert interviewer_events(app) == [("interviewer_spoke", "prompt"),
                                           ("interviewer_done", "stopped")]
        (shown,) = [m for m in messages(app) if "voice" in m.lower()]
        assert "audio output 'Fake speakers' failed" in shown
        await wait_until(pilot, lambda: "interviewer's voice off: audio output 'Fake speakers' "
                         "failed" in " ".join(screen_text(app).split()), "the caption strip")
        assert app.session is not None and app.session.state.phases.running  # the round goes on


def test_a_line_a_crash_left_sounding_ends_when_the_session_resumes(tmp_path: Path) -> None:
    from tui.core.config.layouts import find_layout
    from tui.core.config.prompts import find_prompt
    from tui.core.session.clock import FakeClock
    from tui.core.session.events import make_event
    from tui.core.session.session import Session

    clock = FakeClock()
    session = Session.create(find_layout("netflix-l5"), find_prompt("rate-limiter"), clock,
                             tmp_path / "s")
    session.emit_all(session.state.phases.start_or_resume())
    clock.advance(2)
    session.emit("interviewer_spoke", kind="prompt", text="Design a rate limiter.")
    clock.advance(3)
    session.emit("clock")  # the last event before the crash
    state = session.state
    assert state.interviewer_speaking
    state.apply(make_event("session_resumed", 5.0, seq=99))
    assert not state.interviewer_speaking and state.interviewer[-1].done_t == 5.0
