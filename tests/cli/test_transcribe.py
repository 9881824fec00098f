"""`boardless transcribe` as a user runs it: a subprocess on the committed fixtures."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.speech import audio_fixtures as fx


def transcribe(
    *args: str, env_dir: Path, extra: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, BOARDLESS_CONFIG_DIR=str(env_dir / "config"),
               BOARDLESS_DATA_DIR=str(env_dir / "data"), HF_HUB_OFFLINE="1", **(extra or {}))
    return subprocess.run(
        [sys.executable, "-m", "tui", "transcribe", *args],
        capture_output=True, text=True, timeout=120, env=env,
    )


def test_default_engine_prints_timed_finals(tmp_path: Path) -> None:
    run = transcribe(str(fx.wav("hibari_pause")), env_dir=tmp_path)
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    assert len(lines) == 2
    pattern = re.compile(r"^\[(\d+):(\d\d\.\d)-(\d+):(\d\d\.\d)\] (.+)$")
    first, second = (pattern.match(line) for line in lines)
    assert first and second
    assert first.group(1) == "0" and float(first.group(2)) < 0.5
    assert "storage layer" in first.group(5).lower()
    assert float(second.group(2)) > 6.5 and "region" in second.group(5)
    assert re.match(r"engine (vosk|whisper|pocketsphinx): ", run.stderr)


def test_json_lines_with_word_times(tmp_path: Path) -> None:
    run = transcribe("--engine", "pocketsphinx", "--json", str(fx.wav("hibari_pause")),
                     env_dir=tmp_path)
    assert run.returncode == 0, run.stderr
    items = [json.loads(line) for line in run.stdout.splitlines()]
    assert len(items) == 2
    for item in items:
        assert set(item) == {"text", "start", "end", "delay", "words"}
        assert isinstance(item["delay"], float) and item["delay"] >= 0.0
        assert item["start"] <= item["words"][0]["start"]
        assert item["words"][-1]["end"] <= item["end"] + 1e-6
        assert all(set(w) == {"text", "start", "end"} for w in item["words"])
        assert [w["text"] for w in item["words"]] == item["text"].split()
    text = " ".join(item["text"] for item in items)
    assert fx.wer(fx.truth("hibari_pause"), text) <= 0.28
    assert run.stderr.startswith("engine pocketsphinx:")


def test_several_utterances_are_decoded_whole_with_whispers_own_decode(tmp_path: Path) -> None:
    run = transcribe("--json", str(fx.wav("hibari_pause")), env_dir=tmp_path)
    assert run.returncode == 0, run.stderr
    items = [json.loads(line) for line in run.stdout.splitlines()]
    assert len(items) == 2
    assert all(item["delay"] is None and item["words"] == [] for item in items)
    assert items[0]["end"] <= items[1]["start"]
    assert fx.wer(fx.truth("hibari_pause"), " ".join(i["text"] for i in items)) == 0.0
    notes = run.stderr.splitlines()[1:]
    assert notes == ["note: 2 utterances: the whole file is decoded at once, each sentence in "
                     "the context of those before it (--live captions it utterance by "
                     "utterance, as the app does)"]


def test_one_utterance_or_live_runs_the_live_pipeline(tmp_path: Path) -> None:
    import soundfile as sf

    one = tmp_path / "one.wav"
    sf.write(one, fx.load_pcm("hibari_pause")[: 3 * 16000], 16000, subtype="PCM_16")
    for args in (["--json", str(one)], ["--json", "--live", str(fx.wav("hibari_pause"))]):
        run = transcribe(*args, env_dir=tmp_path)
        assert run.returncode == 0, run.stderr
        items = [json.loads(line) for line in run.stdout.splitlines()]
        assert items and all(isinstance(i["delay"], float) and i["words"] for i in items)
        assert "utterances" not in run.stderr
    assert "storage layer" in items[0]["text"] and "region" in items[-1]["text"]


@pytest.mark.parametrize("live", [False, True])
def test_silence_and_room_noise_print_nothing(tmp_path: Path, live: bool) -> None:
    import numpy as np
    import soundfile as sf

    from tests.speech.test_whisper_engine import room_noise

    quiet = tmp_path / "quiet.wav"
    sf.write(quiet, np.concatenate([np.zeros(60 * 16000, np.int16), room_noise(60, 0.03, 2)]),
             16000, subtype="PCM_16")
    run = transcribe(*(["--live"] if live else []), str(quiet), env_dir=tmp_path)
    assert run.returncode == 0, run.stderr
    assert run.stdout == ""


def test_48k_stereo_file_is_transcribed_with_a_note(tmp_path: Path) -> None:
    path = fx.write_48k_stereo(tmp_path / "stereo.wav")
    run = transcribe("--engine", "pocketsphinx", str(path), env_dir=tmp_path)
    assert run.returncode == 0, run.stderr
    assert "storage" in run.stdout
    assert "note: stereo.wav: 48000 Hz stereo, converted to 16 kHz mono" in run.stderr


@pytest.mark.parametrize(
    ("writer", "expected"),
    [
        (fx.write_truncated, "truncated"),
        (fx.write_empty, "empty"),
        (fx.write_garbage, "not a readable WAV or FLAC"),
        (lambda path: path, "not found"),
    ],
)
def test_unusable_files_give_one_line_and_exit_1(tmp_path: Path, writer, expected: str) -> None:  # type: ignore[no-untyped-def]
    path = writer(tmp_path / "odd.wav")
    run = transcribe("--engine", "pocketsphinx", str(path), env_dir=tmp_path)
    assert run.returncode == 1
    assert run.stdout == ""
    lines = run.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("boardless: error: ") and expected in lines[0]


def test_missing_model_is_one_line(tmp_path: Path) -> None:
    run = transcribe("--engine", "vosk", "--model", str(tmp_path / "nope"),
                     str(fx.wav("hibari_pause")), env_dir=tmp_path)
    assert run.returncode == 1
    assert len(run.stderr.splitlines()) == 1 and "Traceback" not in run.stderr


def test_bad_speed_is_a_usage_error(tmp_path: Path) -> None:
    run = transcribe("--speed", "-1", str(fx.wav("hibari_pause")), env_dir=tmp_path)
    assert run.returncode == 2 and "speed" in run.stderr


def test_vosk_with_only_a_korean_model_is_one_line_unless_the_model_is_named(
    tmp_path: Path,
) -> None:
    home = {"HOME": str(tmp_path / "home"), "XDG_CACHE_HOME": str(tmp_path / "home" / ".cache")}
    refused = transcribe("--engine", "vosk", str(fx.wav("espeak_ko_scale")), env_dir=tmp_path,
                         extra=home)
    assert refused.returncode == 2 and refused.stdout == ""
    lines = refused.stderr.splitlines()
    assert len(lines) == 1 and "is Korean, not English" in lines[0]
    assert "boardless models fetch vosk-model-small-en-us-0.15" in lines[0]

    run = transcribe("--engine", "vosk", "--model", str(fx.vosk_korean_model()),
                     str(fx.wav("espeak_ko_scale")), env_dir=tmp_path, extra=home)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() and all(line.startswith("[") for line in run.stdout.splitlines())
    # Kaldi's own log lines ("LOG (VoskAPI:ReadDataFiles ...)") never reach either stream.
    assert run.stderr.splitlines() == [line for line in run.stderr.splitlines()
                                       if line.startswith(("engine ", "note: "))]
    assert "VoskAPI" not in run.stdout + run.stderr and "LOG (" not in run.stderr
