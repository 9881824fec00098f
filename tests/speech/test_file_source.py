"""FileSource: odd files give one clear line at open time; pacing, back-pressure and stop."""

from __future__ import annotations

import queue
import threading
import time
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from tests.speech import audio_fixtures as fx
from tests.speech.scripted import WAIT_LIMIT_S, FakeClock, wait_for
from tui.speech.errors import AudioFileError
from tui.speech.sources.audio_source import is_realtime
from tui.speech.sources.file_source import FileSource
from tui.speech.types import AudioBlock


def drain(source: FileSource, maxsize: int = 0, timeout: float = 20.0) -> list[AudioBlock]:
    """Run the source into a queue and collect every block up to the end marker."""
    out: queue.Queue[AudioBlock | None] = queue.Queue(maxsize=maxsize)
    source.start(out)
    blocks: list[AudioBlock] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            item = out.get(timeout=0.1)
        except queue.Empty:
            continue
        if item is None:
            source.stop()
            return blocks
        blocks.append(item)
    raise AssertionError("the file source never ended its stream")


@pytest.mark.parametrize(
    ("writer", "expected"),
    [
        (fx.write_truncated, "truncated"),
        (fx.write_empty, "empty (0 bytes)"),
        (fx.write_no_samples, "no samples"),
        (fx.write_garbage, "not a readable WAV or FLAC"),
    ],
)
def test_unusable_files_raise_one_line_at_open(tmp_path: Path, writer, expected: str) -> None:  # type: ignore[no-untyped-def]
    path = writer(tmp_path / "odd.wav")
    with pytest.raises(AudioFileError) as caught:
        FileSource(path)
    message = str(caught.value)
    assert expected in message and str(path) in message and "\n" not in message


def test_missing_file_and_directory(tmp_path: Path) -> None:
    with pytest.raises(AudioFileError, match="not found"):
        FileSource(tmp_path / "absent.wav")
    with pytest.raises(AudioFileError, match="directory"):
        FileSource(tmp_path)


def test_8bit_wav_plays_with_a_one_line_notice(tmp_path: Path) -> None:
    source = FileSource(fx.write_8bit(tmp_path / "u8.wav"), speed=0)
    assert source.notice is not None and "8-bit" in source.notice and "\n" not in source.notice
    blocks = drain(source)
    assert sum(len(b.data) for b in blocks) == source.info.frames
    assert blocks[0].data.dtype == np.int16  # libsndfile widens 8-bit to 16-bit
    assert max(float(np.abs(b.data).max()) for b in blocks) > 3000


def test_48k_stereo_keeps_native_rate_and_channels(tmp_path: Path) -> None:
    source = FileSource(fx.write_48k_stereo(tmp_path / "st.wav"), speed=0)
    assert source.notice is not None and "48000 Hz stereo" in source.notice
    blocks = drain(source)
    assert {b.rate for b in blocks} == {48_000} and {b.channels for b in blocks} == {2}
    assert blocks[0].data.shape == (4800, 2)
    assert sum(len(b.data) for b in blocks) == source.info.frames


def test_flac_plays(tmp_path: Path) -> None:
    path = tmp_path / "clip.flac"
    sf.write(str(path), fx.load_pcm("hibari_pause")[:16000], 16000, format="FLAC")
    source = FileSource(path, speed=0)
    assert source.notice is None and source.duration == pytest.approx(1.0)
    assert sum(len(b.data) for b in drain(source)) == 16000


def one_second_wav(tmp_path: Path) -> Path:
    path = tmp_path / "one_second.wav"
    sf.write(str(path), fx.load_pcm("hibari_pause")[:16000], 16000, subtype="PCM_16")
    return path


def test_real_time_pacing_and_speed_up(tmp_path: Path) -> None:
    path = one_second_wav(tmp_path)
    for speed, step in ((1.0, 0.1), (4.0, 0.025)):
        clock = FakeClock(50.0)
        blocks = drain(FileSource(path, speed=speed, clock=clock, sleep=clock.sleep))
        # each 100 ms block is handed over when it is due: at 1x every 100 ms, at 4x every 25 ms
        assert [b.arrival for b in blocks] == pytest.approx(
            [50.0 + step * n for n in range(1, 11)]
        )
        assert clock.sleeps == pytest.approx([step] * 10)
    assert is_realtime(FileSource(path, speed=4.0))
    assert not is_realtime(FileSource(path, speed=0))
    assert not is_realtime(FileSource(path, float("inf")))


def test_as_fast_as_possible_waits_for_a_slow_consumer_instead_of_dropping() -> None:
    source = FileSource(fx.wav("hibari_pause"), speed=0)
    out: queue.Queue[AudioBlock | None] = queue.Queue(maxsize=2)
    source.start(out)
    frames = 0
    while True:
        # A consumer slower than the reader: it takes a block only once the queue is full (or
        # the stream has ended), so the reader has had to wait for room every time.
        wait_for(lambda: out.full() or source.finished.is_set(), "a full queue")
        item = out.get_nowait()
        if item is None:
            break
        frames += len(item.data)
    source.stop()
    assert frames == source.info.frames and source.dropped == 0 and source.finished.is_set()


def test_real_time_source_drops_when_the_queue_is_full_and_stop_ends_it() -> None:
    clock = FakeClock()
    source = FileSource(fx.wav("hibari_pause"), speed=20.0, clock=clock, sleep=clock.sleep)
    blocks = -(-source.info.frames // source.block_frames)
    out: queue.Queue[AudioBlock | None] = queue.Queue(maxsize=1)
    source.start(out)  # nobody takes from the queue: the first block fills it
    wait_for(lambda: source.dropped == blocks - 1, "every later block to be dropped")
    stopper = threading.Thread(target=source.stop)
    stopper.start()  # the reader waits to put the end marker: stop() must end that wait
    stopper.join(WAIT_LIMIT_S)
    assert not stopper.is_alive(), "stop() did not end the reader"
    assert not source.finished.is_set()  # the end marker never found room
    first = out.get_nowait()
    assert first is not None and first.arrival == pytest.approx(0.1 / 20)
    assert out.empty()
    source.stop()  # twice is fine


def test_level_is_the_rms_of_the_latest_block_and_zero_after_the_end() -> None:
    clock = FakeClock()
    seen: list[float] = []

    def between_blocks(seconds: float) -> None:
        seen.append(source.level)  # the reader waits here before each block is due
        clock.sleep(seconds)

    source = FileSource(fx.wav("hibari_pause"), speed=1.0, clock=clock, sleep=between_blocks)
    blocks = drain(source)
    expected = [
        float(np.sqrt(np.mean((b.data[-1600:].astype(np.float64) / 32768) ** 2))) for b in blocks
    ]
    assert seen[0] == 0.0  # nothing delivered yet
    assert seen[1:] == pytest.approx(expected[:-1], abs=1e-4)
    assert max(expected) > 0.05 and min(expected) < 0.001  # speech and the silent pause
    assert source.level == 0.0  # the stream has ended
