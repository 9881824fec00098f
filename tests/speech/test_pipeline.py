"""CaptionPipeline with real engines on real audio: flush on stop, backlog, pause, recording,
status. Live audio comes from a source the test drives block by block, with arrival times and a
pipeline clock the test sets, so that no test depends on how fast the machine is."""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from tests.speech import audio_fixtures as fx
from tests.speech.scripted import ScriptedSource, wait_for
from tests.support import require_module
from tui.speech.errors import ModelError
from tui.speech.pipeline import CaptionPipeline
from tui.speech.pipeline_status import PipelineStatus
from tui.speech.sources.file_source import FileSource
from tui.speech.types import ENGINE_RATE, Recognition


def sphinx():  # type: ignore[no-untyped-def]
    require_module("pocketsphinx")
    from tui.speech.engines.sphinx_engine import PocketSphinxEngine

    return PocketSphinxEngine()


class GatedEngine:
    """A real engine that can be held inside one `accept` (a CPU hiccup, a slow decode) and
    made to fail at another; the test says when it goes on."""

    def __init__(self, hold_at_block: int | None = None, fail_at_block: int | None = None):
        self.inner = sphinx()
        self.name = self.inner.name
        self.blocks = 0
        self.flushes = 0
        self.hold_at_block, self.fail_at_block = hold_at_block, fail_at_block
        self.held = threading.Event()
        self.release = threading.Event()

    def accept(self, pcm: np.ndarray) -> list[Recognition]:
        self.blocks += 1
        if self.blocks == self.fail_at_block:
            raise RuntimeError("decoder state corrupted\nsecond line")
        if self.blocks == self.hold_at_block:
            self.held.set()
            assert self.release.wait(30), "the test never released the engine"
        return self.inner.accept(pcm)

    def flush(self) -> list[Recognition]:
        self.flushes += 1
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

    def pipeline(self, source, factory=sphinx, **kwargs) -> CaptionPipeline:  # type: ignore[no-untyped-def]
        return CaptionPipeline(
            source, factory, self.on_result, self.on_status, self.on_level, **kwargs
        )


BLOCK = 1600  # 100 ms, as a microphone delivers
#: Blocks of the pause fixture: "Let me think about the storage layer for a moment." ends at
#: 2.58 s, then 4.8 s of silence, then "I would shard the user table ... in every region."
PAUSE_BLOCKS = [fx.load_pcm("hibari_pause")[i:i + BLOCK] for i in range(0, 200_000, BLOCK)]
FIRST_SENTENCE_BLOCKS = 26  # up to 2.6 s: the first sentence with no pause after it


def arrival(index: int) -> float:
    """When block `index` arrived, on the test's clock."""
    return 100.0 + 0.1 * (index + 1)


def play(source: ScriptedSource, pipeline: CaptionPipeline, blocks: range) -> None:
    """Hand over `blocks` one at a time, each once the pipeline has taken the one before."""
    for index in blocks:
        source.push(PAUSE_BLOCKS[index], arrival(index))
        wait_for(lambda i=index: pipeline.stats.received_s >= (i + 1) * BLOCK / ENGINE_RATE
                 - 1e-6, f"the pipeline to take block {index}")


def started(pipeline: CaptionPipeline, source: ScriptedSource) -> None:
    pipeline.start()
    wait_for(source.started.is_set, "the pipeline to start the source")


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


def lagging_end(k: int) -> int:
    """The blocks of audio the k-th result covers: all but the last `k % 4`."""
    return max(1, k - k % 4)


class LaggingEngine:
    """A stand-in engine whose k-th block gives one final ending up to three blocks before the
    newest audio (as a real engine's final can end before the silence that ended it)."""

    name = "lagging"

    def __init__(self) -> None:
        self.blocks = 0

    def accept(self, pcm: np.ndarray) -> list[Recognition]:
        self.blocks += 1
        end = lagging_end(self.blocks) * BLOCK / ENGINE_RATE
        return [Recognition(f"word{self.blocks}", True, max(0.0, end - 0.05), end)]

    def flush(self) -> list[Recognition]:
        return []

    def close(self) -> None:
        pass


def test_stop_mid_sentence_keeps_what_was_said() -> None:
    source, seen, engine = ScriptedSource(), Recorder(), GatedEngine()
    flushes: list[int] = []  # how many flushes the engine had when each result came
    seen.on_result = lambda result: (flushes.append(engine.flushes), seen.results.append(result))
    pipeline = seen.pipeline(source, lambda: engine)
    started(pipeline, source)
    play(source, pipeline, range(FIRST_SENTENCE_BLOCKS))
    assert pipeline.stop(timeout=30)
    assert seen.states == ["loading", "ready", "stopped"]
    assert any(not result.final for result in seen.results)  # partials came while speaking
    finals = [(result, count) for result, count in zip(seen.results, flushes) if result.final]
    # The sentence had no pause after it: its final came from the flush that stop() does.
    assert [count for _, count in finals] == [1]
    assert "storage" in finals[0][0].text and finals[0][0].end <= 2.6


def test_a_results_delay_counts_from_the_arrival_of_its_last_audio() -> None:
    source, seen, engine = ScriptedSource(), Recorder(), LaggingEngine()

    def clock() -> float:
        # The pipeline's time: 0.25 s after the newest block the engine was given arrived (a
        # function of what the engine has heard, so it cannot race the test's pushes).
        return arrival(engine.blocks - 1) + 0.25

    pipeline = seen.pipeline(source, lambda: engine, clock=clock)
    started(pipeline, source)
    play(source, pipeline, range(30))
    source.end()
    assert pipeline.join(timeout=30)
    assert [r.text for r in seen.results] == [f"word{k}" for k in range(1, 31)]
    delays = [result.delay for result in seen.results]
    # the k-th was delivered at arrival(k - 1) + 0.25; its audio ends in block lagging_end(k) - 1
    expected = [arrival(k - 1) + 0.25 - arrival(lagging_end(k) - 1) for k in range(1, 31)]
    assert delays == pytest.approx(expected, abs=0.0015)
    assert {round(d, 2) for d in delays} == {0.25, 0.35, 0.45, 0.55}


def test_backlog_drops_oldest_audio_reports_behind_then_catches_up(tmp_path: Path) -> None:
    source, seen = ScriptedSource(), Recorder()
    engine = GatedEngine(hold_at_block=6)
    record = tmp_path / "session.wav"
    pipeline = seen.pipeline(source, lambda: engine, max_backlog_s=3.0, record_to=record)
    started(pipeline, source)
    play(source, pipeline, range(5))
    source.push(PAUSE_BLOCKS[5], arrival(5))
    assert engine.held.wait(30)  # block 5 (the engine's 6th) is stuck in the engine...
    for index in range(6, 56):  # ...while 5 s of audio arrive
        source.push(PAUSE_BLOCKS[index], arrival(index))
    engine.release.set()
    wait_for(lambda: "caught_up" in seen.states, "the pipeline to catch up")
    play(source, pipeline, range(56, len(PAUSE_BLOCKS)))
    source.end()
    assert pipeline.join(timeout=30)
    states = seen.states
    assert states.count("behind") == 1 and states.index("behind") < states.index("caught_up")
    assert states[-1] == "stopped"
    behind = next(s for s in seen.statuses if s.state == "behind")
    assert behind.message.startswith("captions behind: skipped 3.")
    stats = pipeline.stats
    # 5 s queued behind the stuck block; the oldest is dropped until 1.5 s (at most) is left
    assert 3.5 <= stats.skipped_s <= 3.6
    assert stats.fed_s + stats.skipped_s == pytest.approx(stats.received_s, abs=0.001)
    assert stats.received_s == pytest.approx(12.5, abs=0.001)
    # the second sentence (after the pause) is recognised at its true stream time
    last = seen.finals[-1]
    assert "region" in last.text and last.start > 6.5 and last.end <= 12.5
    # the recording keeps every block, skipped ones too, so it lines up with caption times
    info = sf.info(str(record))
    assert info.samplerate == ENGINE_RATE and info.channels == 1 and info.subtype == "PCM_16"
    assert info.duration == pytest.approx(12.5, abs=0.001)


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
    source, seen = ScriptedSource(), Recorder()
    pipeline = seen.pipeline(source, lambda: GatedEngine(fail_at_block=8))
    started(pipeline, source)
    for index in range(8):
        source.push(PAUSE_BLOCKS[index], arrival(index))
    assert pipeline.join(timeout=30)
    assert seen.states[-1] == "error"
    assert seen.statuses[-1].message == (
        "captions stopped: pocketsphinx failed: decoder state corrupted"
    )
    assert source.stopped.is_set()


def test_pause_skips_recognition_and_keeps_stream_times(tmp_path: Path) -> None:
    source, seen = ScriptedSource(realtime=False), Recorder()
    pipeline = seen.pipeline(source, record_to=tmp_path / "a.wav")
    pipeline.pause()
    started(pipeline, source)
    for index in range(50):  # the first 5 s, the first sentence among them, while paused
        source.push(PAUSE_BLOCKS[index], arrival(index))
    wait_for(lambda: pipeline.stats.received_s >= 5.0 - 1e-6, "the paused audio to be taken")
    assert pipeline.paused
    pipeline.resume()
    for index in range(50, len(PAUSE_BLOCKS)):
        source.push(PAUSE_BLOCKS[index], arrival(index))
    source.end()
    assert pipeline.join(timeout=30)
    assert [r.text for r in seen.results if "storage" in r.text] == []
    assert len(seen.finals) == 1 and "region" in seen.finals[0].text
    assert seen.finals[0].start > 6.5  # stream time, though the engine heard only 7.5 s
    assert pipeline.stats.paused_s == pytest.approx(5.0, abs=0.001)
    assert sf.info(str(tmp_path / "a.wav")).duration == pytest.approx(12.5, abs=0.001)


def test_stop_while_the_model_loads_never_starts_the_source() -> None:
    source, seen = ScriptedSource(), Recorder()
    loading, release = threading.Event(), threading.Event()

    def slow_factory():  # type: ignore[no-untyped-def]
        loading.set()
        assert release.wait(30)
        return sphinx()

    pipeline = seen.pipeline(source, slow_factory)
    pipeline.start()
    assert loading.wait(30)
    assert not pipeline.stop(timeout=0)  # asked to stop while the model still loads
    release.set()
    assert pipeline.join(timeout=30)
    assert seen.states == ["loading", "stopped"]
    assert not source.started.is_set()


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


def test_audio_heard_while_the_interviewer_speaks_reaches_the_engine_as_silence(
        tmp_path: Path) -> None:
    """The first sentence plays while the gate says the interviewer is speaking (no headphones:
    the microphone hears the voice): the engine hears silence there, the second sentence is
    captioned at its stream time, and the recording keeps what was captured."""
    from tui.speech.voice.gate import Speaking

    gate = Speaking(clock=lambda: 0.0, tail=0.0)
    gate.begin(arrival(0) - 0.1, arrival(FIRST_SENTENCE_BLOCKS + 5))
    source, seen = ScriptedSource(realtime=False), Recorder()
    pipeline = seen.pipeline(source, record_to=tmp_path / "a.wav", gate=gate)
    started(pipeline, source)
    for index in range(len(PAUSE_BLOCKS)):
        source.push(PAUSE_BLOCKS[index], arrival(index))
    source.end()
    assert pipeline.join(timeout=30)
    assert [r.text for r in seen.results if "storage" in r.text] == []
    assert len(seen.finals) == 1 and "region" in seen.finals[0].text
    assert seen.finals[0].start > 6.5
    # blocks 0 to FIRST+6: the last one starts the moment the voice ends (the gate is inclusive)
    assert pipeline.stats.gated_s == pytest.approx((FIRST_SENTENCE_BLOCKS + 7) * 0.1, abs=0.001)
    recorded, _ = sf.read(str(tmp_path / "a.wav"), dtype="int16")
    assert np.abs(recorded[:FIRST_SENTENCE_BLOCKS * BLOCK]).max() > 1000  # the voice, as heard
