"""Listening back in a replay (issue 14, part 3): `boardless replay` of a recorded session plays
its recording through a real PortAudio output (an ALSA file device, in a child process) and
the device gets exactly the recording; without an output device the replay says so in one line
and goes on silently; `replay --from 12:30` starts at that point of the round's clock."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import soundfile as sf

from tests.pilot import first_screen, recorded_session, screen_text, wait_until
from tests.speech import audio_fixtures as fx
from tests.speech.alsa_output_device import contains_only, no_output_env, played, speaker_env
from tui.app.listening import session_time_at
from tui.core.session.clock import FakeClock
from tui.core.session.eventlog import LOG_NAME, read_log

ROOT = Path(__file__).resolve().parents[2]
RECORDED_AT = 1.0  # session time of the recording's first sample
RECORDING_S = 3.0
ROUND_END = RECORDED_AT + RECORDING_S + 1.0


def recorded_round(clock: FakeClock) -> tuple[Path, np.ndarray]:
    """A short round with a recording: `audio_recorded` at 1 s, 3 s of speech in audio.wav
    (from the pause fixture) with one caption on it, ended at 5 s. Its directory, its samples."""
    session = recorded_session(clock)
    assert session.log_path is not None
    directory = session.log_path.parent
    pcm = fx.load_pcm("hibari_pause")[16000:16000 + int(RECORDING_S * 16000)]
    assert pcm[0] != 0 and pcm.any()
    sf.write(str(directory / "audio.wav"), pcm, 16000, subtype="PCM_16")
    clock.advance(RECORDED_AT)
    session.emit("audio_recorded", path="audio.wav", rate=16000)
    clock.advance(2.5)
    session.emit("caption", text="i think the storage layer", final=True, start=0.2, end=2.1,
                 delay=0.4, engine="pocketsphinx")
    clock.advance(ROUND_END - clock.now())
    session.emit_all(session.state.phases.end("user"))
    session.close()
    return directory, pcm


def listen_replay(scenario: str, session_dir: Path, env: dict[str, str]) -> dict[str, Any]:
    """Run `tests.app.listen_replay SCENARIO SESSION_DIR` in a child Python with `env`."""
    env = dict(env, TEXTUAL_CURSOR_BLINK="0")
    done = subprocess.run([sys.executable, "-m", "tests.app.listen_replay", scenario,
                           str(session_dir)], env=env, cwd=ROOT, capture_output=True, text=True,
                          timeout=90, check=False)
    lines = done.stdout.strip().splitlines()
    assert done.returncode == 0 and lines, f"child failed:\n{done.stderr[-4000:]}"
    return json.loads(lines[-1])  # type: ignore[no-any-return]


def test_the_issue_check_replay_plays_the_recording_through_a_real_output(
        tmp_path: Path, clock: FakeClock) -> None:
    directory, pcm = recorded_round(clock)
    speaker = tmp_path / "speaker.raw"
    result = listen_replay("speaker", directory, speaker_env(tmp_path, speaker))
    assert result["toasts"] == [] and result["played"] and result["closed"]
    assert result["replayed_to"] == pytest.approx(ROUND_END)
    written = played(speaker)
    assert contains_only(written, pcm), (len(written), len(pcm), result["moves"])
    # the caption being heard is highlighted in the strip, in the order they were said
    said = [e["text"] for e in read_log(directory / LOG_NAME).events
            if e.type == "caption" and e["final"]]
    assert result["heard"] and result["heard"] == [t for t in said if t in result["heard"]]


def test_no_output_device_is_one_line_and_the_replay_goes_on(
        tmp_path: Path, clock: FakeClock) -> None:
    directory, _ = recorded_round(clock)
    result = listen_replay("no-output", directory, no_output_env(tmp_path))
    (toast,) = result["toasts"]
    assert "no audio output device found" in toast and "goes on silently" in toast
    assert len([line for line in result["notified"] if line.startswith("Listen back")]) == 1
    assert not result["played"] and result["closed"]
    assert result["replayed_to"] == pytest.approx(ROUND_END)  # it ran to the end


# -- replay --from: the round's clock, pauses left out -------------------------------------------

def paused_round(clock: FakeClock) -> Path:
    """A round paused for 50 s after 100 s of play, with a note before 12:30 and one after."""
    session = recorded_session(clock)
    clock.advance(100)
    session.emit_all(session.state.phases.pause())
    clock.advance(50)
    session.emit_all(session.state.phases.start_or_resume())
    clock.advance(600)  # round time 700
    session.emit("note_added", id="n1", text="before the mark", kind="note", parent=None,
                 index=-1, phase="requirements")
    clock.advance(100)  # round time 800
    session.emit("note_added", id="n2", text="after the mark", kind="note", parent=None,
                 index=-1, phase="requirements")
    clock.advance(10)
    session.close()
    assert session.log_path is not None
    return session.log_path.parent


def test_round_time_maps_to_session_time_past_the_pauses(clock: FakeClock) -> None:
    events = read_log(paused_round(clock) / "events.jsonl").events
    start = events[0].t
    assert session_time_at(events, 0) == start
    assert session_time_at(events, 60) == pytest.approx(start + 60)
    assert session_time_at(events, 750) == pytest.approx(start + 800)  # 50 s paused
    assert session_time_at(events, 99_999) == events[-1].t  # never reached: the end


@pytest.mark.parametrize("start", ["12:30", "750"])
async def test_replay_from_starts_at_that_point_of_the_round(
        make_app: Any, clock: FakeClock, start: str) -> None:
    from tui.cli.practice_cmd import _round_time

    directory = paused_round(clock)
    app = make_app(mode="replay", session=str(directory), replay_from=_round_time(start))
    async with app.run_test(size=(120, 40)) as pilot:
        await first_screen(pilot)
        await wait_until(pilot, lambda: "12:30 /" in screen_text(app), "the clock at 12:30")
        text = screen_text(app)
        assert "before the mark" in text and "after the mark" not in text
        assert app.replayer.now() == pytest.approx(app.replayer.events[0].t + 800)


@pytest.mark.parametrize("bad", ["12:3x", "1:75", "-3", "soon", "1:2:3:4", ""])
def test_a_bad_from_is_one_line_and_exit_2(bad: str) -> None:
    done = subprocess.run([sys.executable, "-m", "tui", "replay", "x", "--from", bad], cwd=ROOT,
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1
    assert "argument --from: expected seconds or MM:SS" in done.stderr
