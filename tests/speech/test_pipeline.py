"""CaptionPipeline with real engines on real files: flush on stop, backlog, recording, status."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from tests.speech import audio_fixtures as fx
from tests.support import require_module
from tui.speech.errors import ModelError
from tui.speech.pipeline import CaptionPipeline, PipelineStatus
from tui.speech.sources.file_source import FileSource
from tui.speech.types import ENGINE_RATE, Recognition


def sphinx():  # type: ignore[no-untyped-def]
    require_module("pocketsphinx")
    from tui.speech.engines.sphinx_engine import PocketSphinxEngine

    return PocketSphinxEngine()


class SlowEngine:
    """A real engine that sometimes stalls (like a CPU hiccup): the pipeline must cope."""

    def __init__(self, stall_at_block: int, stall_s: float, fail_at_block: int | None = None):
        self.inner = sphinx()
        self.name = self.inner.name
        self.blocks = 0
        self.stall_at_block, self.stall_s, self.fail_at_block = stall_at_block, stall_s, fail_at_block

    def accept(self, pcm: np.ndarray) -> list[Recognition]:
        self.blocks += 1
        if self.blocks == self.fail_at_block:
            raise RuntimeError("decoder state corrupted\nsecond line")
        if self.blocks == self.stall_at_block:
            time.sleep(self.stall_s)
        return self.inner.accept(pcm)

    def flush(self) -> list[Recognition]:
        return self.inner.flush()

    def close(self) -> None:
        self.inner.close()


class Recorder:
    """Collects everything the pipeline reports."""

    def __init__(self) -> None:
        self.results: list[Recognition] = []
        self.statuses: list[PipelineStatus] = []
        self.levels: list[float] = []
        self.lock = threading.Lock()

    def on_result(self, result: Recognition) -> None:
        with self.lock:
            self.results.append(result)

    def on_status(self, status: PipelineStatus) -> None:
        self.statuses.append(status)

    def on_level(self, level: float) -> None:
        self.levels.append(level)

    @property
    def states(self) -> list[str]:
        return [s.state for s in self.statuses]

    @property
    def finals(self) -> list[Recognition]:
        return [r for r in self.results if r.final]

    def pipeline(self, source: FileSource, factory=sphinx, **kwargs) -> CaptionPipeline:  # type: ignore[no-untyped-def]
        return CaptionPipeline(source, factory, self.on_result, self.on_status, self.on_level, **kwargs)


def trimmed_clip(tmp_path: Path, name: str) -> Path:
    """The fixture cut right after its last loud sample: no trailing pause to end on."""
    pcm = fx.load_pcm(name)
    last = int(np.nonzero(np.abs(pcm) > 1000)[0][-1]) + ENGINE_RATE // 50
    path = tmp_path / f"{name}_trimmed.wav"
    sf.write(str(path), pcm[:last], ENGINE_RATE, subtype="PCM_16")
    return path


def test_stop_right_after_the_last_block_still_recognises_the_last_words(tmp_path: Path) -> None:
    source = FileSource(trimmed_clip(tmp_path, "hibari_failure"), speed=0)
    seen = Recorder()
    pipeline = seen.pipeline(source)
    pipeline.start()
    assert source.finished.wait(20), "the file source never delivered its last block"
    assert pipeline.stop(timeout=30)
    assert seen.states[:2] == ["loading", "ready"] and seen.states[-1] == "stopped"
    assert pipeline.stats.received_s == pytest.approx(source.duration, abs=0.01)
    assert pipeline.stats.fed_s == pytest.approx(source.duration, abs=0.01)
    last = seen.finals[-1].text.split()
    assert last[-2:] == ["metrics", "drop"], last
    assert fx.wer(fx.truth("hibari_failure"), " ".join(r.text for r in seen.finals)) <= 0.26


def test_stop_mid_sentence_at_real_time_keeps_what_was_said() -> None:
    source = FileSource(fx.wav("hibari_pause"), speed=1.0)
    seen = Recorder()
    pipeline = seen.pipeline(source)
    pipeline.start()
    deadline = time.monotonic() + 15
    while not any("storage" in r.text for r in seen.results) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert pipeline.stop(timeout=10)
    assert seen.finals and "storage" in seen.finals[-1].text
    assert seen.finals[-1].end < 4.0
    for result in seen.results:  # at real time, captions follow the audio closely
        assert 0.0 < result.delay < 1.5
    assert len(seen.levels) >= 5 and max(seen.levels) > 0.02
    assert all(0.0 <= level <= 1.0 for level in seen.levels)


def test_backlog_drops_oldest_audio_reports_behind_then_catches_up(tmp_path: Path) -> None:
    source = FileSource(fx.wav("hibari_pause"), speed=2.0)
    seen = Recorder()
    record = tmp_path / "session.wav"
    pipeline = seen.pipeline(
        source, lambda: SlowEngine(stall_at_block=6, stall_s=2.5), max_backlog_s=3.0,
        record_to=record,
    )
    pipeline.start()
    assert pipeline.join(timeout=30)
    states = seen.states
    assert "behind" in states and "caught_up" in states[states.index("behind"):]
    assert states[-1] == "stopped"
    behind = next(s for s in seen.statuses if s.state == "behind")
    assert "skipped" in behind.message
    stats = pipeline.stats
    assert 1.0 <= stats.skipped_s <= 4.5
    assert stats.fed_s + stats.skipped_s == pytest.approx(stats.received_s, abs=0.01)
    # the second sentence (after the 4 s pause) is recognised at its true stream time
    last = seen.finals[-1]
    assert "region" in last.text and last.start > 6.5 and last.end <= source.duration + 0.01
    # the recording keeps every block, skipped ones too, so it lines up with caption times
    info = sf.info(str(record))
    assert info.samplerate == ENGINE_RATE and info.channels == 1 and info.subtype == "PCM_16"
    assert info.duration == pytest.approx(source.duration, abs=0.01)


def test_recording_of_48k_stereo_is_16k_mono_of_the_same_length(tmp_path: Path) -> None:
    source = FileSource(fx.write_48k_stereo(tmp_path / "st.wav", seconds=4.0), speed=0)
    seen = Recorder()
    record = tmp_path / "rec" / "audio.wav"
    pipeline = seen.pipeline(source, record_to=record)
    pipeline.start()
    assert pipeline.join(timeout=30)
    assert seen.states[-1] == "stopped"
    recorded, rate = sf.read(str(record), dtype="int16")
    assert rate == ENGINE_RATE and recorded.ndim == 1
    assert len(recorded) == pytest.approx(4.0 * ENGINE_RATE, abs=8)
    original = fx.load_pcm("hibari_pause")[: len(recorded)].astype(np.float32)
    correlation = np.corrcoef(original, recorded.astype(np.float32))[0, 1]
    assert correlation > 0.9  # the same speech, at 0.9x level (stereo average)
    assert "storage" in " ".join(r.text for r in seen.finals)
    assert all(r.delay >= 0.0 and r.engine == "pocketsphinx" for r in seen.results)


def test_a_model_that_fails_to_load_becomes_an_error_status(tmp_path: Path) -> None:
    require_module("vosk")
    from tui.speech.engines.vosk_engine import VoskEngine

    source = FileSource(fx.wav("hibari_pause"), speed=0)
    seen = Recorder()
    pipeline = seen.pipeline(source, lambda: VoskEngine(tmp_path / "missing-model"))
    pipeline.start()
    assert pipeline.join(timeout=10)
    assert seen.states == ["loading", "error"]
    assert "Vosk model not found" in seen.statuses[-1].message
    assert "\n" not in seen.statuses[-1].message
    assert not source.finished.is_set()  # the file was never played
    assert pipeline.stop(timeout=1)
    with pytest.raises(ModelError):
        VoskEngine(tmp_path / "missing-model")


def test_an_engine_failing_mid_stream_is_one_error_line_and_stops_the_source() -> None:
    source = FileSource(fx.wav("hibari_pause"), speed=4.0)
    seen = Recorder()
    pipeline = seen.pipeline(source, lambda: SlowEngine(0, 0.0, fail_at_block=8))
    pipeline.start()
    assert pipeline.join(timeout=10)
    assert seen.states[-1] == "error"
    assert seen.statuses[-1].message == (
        "captions stopped: pocketsphinx failed: decoder state corrupted"
    )
    assert source._stop.is_set()


def test_pause_skips_recognition_and_keeps_stream_times(tmp_path: Path) -> None:
    source = FileSource(fx.wav("hibari_pause"), speed=4.0)
    seen = Recorder()
    pipeline = seen.pipeline(source, record_to=tmp_path / "a.wav")
    pipeline.pause()
    pipeline.start()
    time.sleep(0.4 + 5.0 / 4.0)  # model load, then 5 s of audio: inside the pause
    assert pipeline.paused
    pipeline.resume()
    assert pipeline.join(timeout=20)
    assert [r.text for r in seen.finals if "storage" in r.text] == []
    assert len(seen.finals) == 1 and "region" in seen.finals[0].text
    assert seen.finals[0].start > 6.5  # stream time, though the engine heard only ~7 s
    assert 3.0 < pipeline.stats.paused_s < 7.2
    assert sf.info(str(tmp_path / "a.wav")).duration == pytest.approx(source.duration, abs=0.01)


def test_stop_while_the_model_loads_never_starts_the_source() -> None:
    source = FileSource(fx.wav("hibari_pause"), speed=0)
    seen = Recorder()
    release = threading.Event()

    def slow_factory():  # type: ignore[no-untyped-def]
        release.wait(5)
        return sphinx()

    pipeline = seen.pipeline(source, slow_factory)
    pipeline.start()
    time.sleep(0.05)
    stopper = threading.Thread(target=pipeline.stop, kwargs={"timeout": 10})
    stopper.start()
    time.sleep(0.05)
    release.set()
    stopper.join(10)
    assert pipeline.join(timeout=10)
    assert seen.states == ["loading", "stopped"]
    assert source._thread is None


def test_recreate_every_rebuilds_the_engine_at_a_pause_and_keeps_stream_times() -> None:
    source = FileSource(fx.wav("hibari_pause"), speed=0)
    seen = Recorder()
    built: list[object] = []

    def factory():  # type: ignore[no-untyped-def]
        built.append(sphinx())
        return built[-1]

    pipeline = seen.pipeline(source, factory, recreate_every_s=2.0)
    pipeline.start()
    assert pipeline.join(timeout=30)
    assert seen.states[-1] == "stopped"
    assert pipeline.recreated == 1 and len(built) == 2  # after the first sentence's final
    first, second = seen.finals
    assert "storage" in first.text and first.end < 4.0
    assert "region" in second.text and second.start > 6.5  # the new engine's clock is rebased
    assert all(second.start <= w.start <= w.end <= second.end for w in second.words)
