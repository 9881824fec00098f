"""Hostile input: audio files (random bytes, mutated and truncated WAV/FLAC, odd rates, channels
and bit depths), layout and prompt files as raw bytes, and the CLI on all of them. Every
failure is one clear line (AudioFileError / UsageError / BoardlessError), never a traceback or
a hang. (Parsed-data fuzzing of the loaders and the log reader lives in tests/core.)
"""

from __future__ import annotations

import io
import queue
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from tui.core.config.layouts import load_layout_file
from tui.core.config.prompts import load_prompt_bank
from tui.core.errors import UsageError
from tui.speech.errors import AudioFileError
from tui.speech.resample import Resampler
from tui.speech.sources.file_source import FileSource

FUZZ = settings(max_examples=120, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
#: Seconds a whole file may take to read through the source before we call it a hang.
READ_LIMIT_S = 10.0
WAV_SUBTYPES = ["PCM_U8", "PCM_16", "PCM_24", "PCM_32", "FLOAT", "DOUBLE", "ULAW", "ALAW"]
FLAC_SUBTYPES = ["PCM_S8", "PCM_16", "PCM_24"]
RATES = [1, 4000, 7999, 8000, 11025, 16000, 22050, 44100, 48000, 96000, 192000]


def encode(fmt: str, subtype: str, rate: int, channels: int, frames: int, seed: int) -> bytes:
    """A valid audio file of noise, in memory."""
    noise = np.random.default_rng(seed).uniform(-0.5, 0.5, (frames, channels))
    buffer = io.BytesIO()
    sf.write(buffer, noise, rate, subtype=subtype, format=fmt)
    return buffer.getvalue()


@st.composite
def valid_audio(draw: st.DrawFn) -> tuple[str, bytes]:
    fmt = draw(st.sampled_from(["WAV", "FLAC"]))
    subtype = draw(st.sampled_from(WAV_SUBTYPES if fmt == "WAV" else FLAC_SUBTYPES))
    rate = draw(st.sampled_from(RATES))
    assume(fmt == "WAV" or 1 <= rate <= 655350)
    channels = draw(st.integers(1, 8 if fmt == "FLAC" else 12))
    frames = draw(st.integers(0, 3000))
    try:
        data = encode(fmt, subtype, rate, channels, frames, draw(st.integers(0, 2**16)))
    except (sf.LibsndfileError, RuntimeError, ValueError):
        assume(False)
    return fmt.lower(), data


@st.composite
def mutated_audio(draw: st.DrawFn) -> tuple[str, bytes]:
    """A valid file, then cut short, with header bytes flipped, or chunk sizes overwritten."""
    suffix, data = draw(valid_audio())
    raw = bytearray(data)
    for _ in range(draw(st.integers(0, 4))):
        if not raw:
            break
        position = draw(st.integers(0, min(len(raw) - 1, 80)))
        raw[position] = draw(st.integers(0, 255))
    if draw(st.booleans()) and len(raw) > 44:
        where = draw(st.sampled_from([4, 16, 40]))  # RIFF size, fmt size, data size
        raw[where:where + 4] = draw(st.binary(min_size=4, max_size=4))
    if draw(st.booleans()):
        raw = raw[: draw(st.integers(0, len(raw)))]
    return suffix, bytes(raw)


def read_all(path: Path) -> tuple[str, int]:
    """Open `path` as the app would and read every block as fast as possible, converting to
    16 kHz mono; returns ("ok", samples) or ("error", message). Fails on a hang."""
    try:
        source = FileSource(path, speed=0)
    except AudioFileError as error:
        return "error", str(error)
    out: queue.Queue = queue.Queue(maxsize=8)
    resampler = Resampler(source.info.rate, source.info.channels)
    source.start(out)
    samples = 0
    try:
        while True:
            block = out.get(timeout=READ_LIMIT_S)
            if block is None:
                break
            samples += len(resampler.process(block.data))
        samples += len(resampler.finish())
    except queue.Empty:
        pytest.fail(f"reading {path.name} hung for {READ_LIMIT_S:g} s")
    finally:
        source.stop()
    if source.error:
        return "error", source.error
    return "ok", samples


def assert_one_line(message: str) -> None:
    assert message.strip() and "\n" not in message and "Traceback" not in message, message


def check_file(tmp: Path, suffix: str, data: bytes) -> None:
    path = tmp / f"hostile.{suffix}"
    path.write_bytes(data)
    outcome, detail = read_all(path)
    if outcome == "error":
        assert_one_line(str(detail))


@FUZZ
@given(st.sampled_from(["wav", "flac"]), st.binary(max_size=2048))
def test_random_bytes_as_audio(tmp_path_factory: pytest.TempPathFactory, suffix: str,
                               data: bytes) -> None:
    check_file(tmp_path_factory.mktemp("bytes"), suffix, data)


@FUZZ
@given(valid_audio())
def test_odd_rates_channels_and_depths(tmp_path_factory: pytest.TempPathFactory,
                                       audio: tuple[str, bytes]) -> None:
    suffix, data = audio
    path = tmp_path_factory.mktemp("valid") / f"odd.{suffix}"
    path.write_bytes(data)
    try:
        info = sf.info(str(path))
    except sf.LibsndfileError:  # libsndfile writes some empty files it cannot read back
        info = None
    outcome, detail = read_all(path)
    if info is None or info.frames == 0 or info.samplerate < 8000:
        assert outcome == "error"
        assert_one_line(str(detail))
    else:
        assert outcome == "ok", detail
        expected = info.frames * 16000 / info.samplerate
        assert abs(int(detail) - expected) <= 16000 / 8000 * 64 + 2  # resampler edge samples


@FUZZ
@given(mutated_audio())
def test_mutated_and_truncated_headers(tmp_path_factory: pytest.TempPathFactory,
                                       audio: tuple[str, bytes]) -> None:
    check_file(tmp_path_factory.mktemp("mutated"), *audio)


@FUZZ
@given(st.binary(max_size=600) | st.text(max_size=300).map(lambda t: t.encode("utf-8", "replace")))
def test_layout_and_prompt_files_as_raw_bytes(tmp_path_factory: pytest.TempPathFactory,
                                              data: bytes) -> None:
    path = tmp_path_factory.mktemp("toml") / "hostile.toml"
    path.write_bytes(data)
    for load in (load_layout_file, load_prompt_bank):
        try:
            load(path)
        except UsageError as error:
            assert_one_line(str(error))
            assert "hostile.toml" in str(error), str(error)


HOSTILE_FILES = {
    "garbage.wav": b"RIFF\x00\x00\x00\x00WAVEfmt " + bytes(range(256)),
    "empty.flac": b"",
    "cut.wav": encode("WAV", "PCM_16", 48000, 2, 4800, 1)[:1000],
    "noise.flac": b"fLaC" + bytes(300),
}


@pytest.mark.parametrize("name", sorted(HOSTILE_FILES))
def test_cli_transcribe_says_one_line(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(HOSTILE_FILES[name])
    done = subprocess.run([sys.executable, "-m", "tui", "transcribe", str(path), "--engine",
                           "pocketsphinx"], capture_output=True, text=True, timeout=60)
    assert done.returncode != 0
    assert "Traceback" not in done.stderr
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and name in lines[0], done.stderr


def test_cli_layout_check_and_export_say_one_line(tmp_path: Path) -> None:
    layout = tmp_path / "bad.toml"
    layout.write_bytes(b"\xff\xfe[[phases]]\x00id = \n")
    log = tmp_path / "events.jsonl"
    log.write_bytes(b'{"v":1,"seq":1}\n\x00\x01garbage\n{"v":1}\n')
    for args in (["layouts", "check", str(layout)], ["export", str(log)]):
        done = subprocess.run([sys.executable, "-m", "tui", *args], capture_output=True,
                              text=True, timeout=60)
        assert done.returncode == 2 or done.returncode == 1, done
        assert "Traceback" not in done.stderr
        assert len(done.stderr.strip().splitlines()) == 1, done.stderr
