"""The caption pipeline: audio source -> bounded queue -> recogniser thread -> callbacks.

The engine (and its model) is built inside the recogniser thread, so a slow model load never
blocks the caller; the thread posts "loading" then "ready". Blocks arrive at the source's native
rate and are resampled to 16 kHz mono here. If a live source gets more than `max_backlog_s` of
audio ahead of recognition, the oldest queued audio is skipped (counted, status "behind") until
half of that is left; "caught_up" follows once the queue is nearly empty. `stop()` stops the
source, feeds everything already queued through the engine and flushes it, so the last sentence
is never lost. Engine failures become status "error" with one line; nothing is raised to the
caller. Callbacks run on the recogniser thread (a Textual app should `post_message` from them).

Times in the results are seconds of the source's stream: skipped or paused audio is accounted
for, so they match the optional recording (which keeps every block, skipped ones included).
With a `gate` (the interviewer's `Speaking`), audio captured while the interviewer was heard
reaches the engine as silence of the same length (the recording keeps it as captured).

For long sessions, `recreate_every_s` rebuilds the recogniser at the first utterance boundary
after that much audio, so its memory stays flat (an engine's own `recreate()` when it has one,
which keeps the model loaded; otherwise the factory builds a new engine).
"""

from __future__ import annotations

import dataclasses
import queue
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from tui.core.errors import BoardlessError
from tui.core.session.events import CaptionsState
from tui.speech.errors import one_line
from tui.speech.pipeline_status import PipelineStats, PipelineStatus
from tui.speech.recording import Recording
from tui.speech.resample import Resampler
from tui.speech.sources.audio_source import AudioSource, is_realtime
from tui.speech.stream_timeline import StreamTimeline
from tui.speech.types import ENGINE_RATE, AudioBlock, Engine, Recognition
from tui.speech.voice.gate import Speaking, heard_during

#: `PipelineStatus` and `PipelineStats` are what callers get from a pipeline.
__all__ = ["CaptionPipeline", "PipelineStats", "PipelineStatus"]

GET_TIMEOUT = 0.1
LEVEL_INTERVAL = 0.1


class CaptionPipeline:
    """Runs one engine over one audio source on a background thread."""

    def __init__(
        self,
        source: AudioSource,
        engine_factory: Callable[[], Engine],
        on_result: Callable[[Recognition], None],
        on_status: Callable[[PipelineStatus], None],
        on_level: Callable[[float], None] | None = None,
        record_to: Path | None = None,
        max_backlog_s: float = 3.0,
        queue_blocks: int = 512,
        recreate_every_s: float | None = None,
        clock: Callable[[], float] = time.monotonic,
        gate: Speaking | None = None,
    ) -> None:
        """`clock` is the time a result is delivered, against the arrival times of the source's
        blocks (its `delay`); injectable for tests."""
        self.source = source
        self.engine_factory = engine_factory
        self.on_result = on_result
        self.on_status = on_status
        self.on_level = on_level
        self.record_to = record_to
        self.gate = gate
        self.max_backlog_s = max_backlog_s
        self.recreate_every_s = recreate_every_s
        self.recreated = 0
        """How often the recogniser was rebuilt (see `recreate_every_s`)."""
        self._engine: Any = None
        self._engine_from = 0  # samples fed when the current recogniser was (re)built
        self.realtime = is_realtime(source)
        self.engine_name = ""
        self.stats = PipelineStats()
        self.state = ""
        self._queue: queue.Queue[AudioBlock | None] = queue.Queue(maxsize=queue_blocks)
        self._stop_requested = threading.Event()
        self._source_done = threading.Event()
        self._paused = threading.Event()
        self._source_lock = threading.Lock()
        self._source_started = False
        self._thread: threading.Thread | None = None
        self._level_thread: threading.Thread | None = None
        self._clock = clock
        self._timeline = StreamTimeline()
        self._resampler: Resampler | None = None
        self._recording = Recording(record_to) if record_to is not None else None
        self._behind = False
        self._was_paused = False

    # -- control (any thread) ------------------------------------------------------------------

    def start(self) -> None:
        """Spawn the recogniser thread; the engine loads there (status "loading", "ready")."""
        if self._thread is not None:
            raise RuntimeError("pipeline already started")
        self._thread = threading.Thread(target=self._run, name="boardless-captions", daemon=True)
        self._thread.start()

    def stop(self, timeout: float | None = 30.0) -> bool:
        """Stop the source, recognise what is queued, flush; True once the thread finished."""
        self._stop_requested.set()
        with self._source_lock:
            if self._source_started:
                self._stop_source()
            self._source_done.set()
        return self.join(timeout)

    def join(self, timeout: float | None = None) -> bool:
        """Wait for the recogniser thread; True when it has finished (or never started)."""
        thread = self._thread
        if thread is None or thread is threading.current_thread():
            return True
        thread.join(timeout)
        return not thread.is_alive()

    def pause(self) -> None:
        """Stop recognising (the open utterance is finalised); audio is still recorded."""
        self._paused.set()

    def resume(self) -> None:
        """Recognise again."""
        self._paused.clear()

    @property
    def paused(self) -> bool:
        """True between `pause()` and `resume()`."""
        return self._paused.is_set()

    @property
    def running(self) -> bool:
        """True while the recogniser thread is alive."""
        return self._thread is not None and self._thread.is_alive()

    # -- recogniser thread ---------------------------------------------------------------------

    def _status(self, state: CaptionsState, message: str = "") -> None:
        self.state = state
        self.on_status(PipelineStatus(state, message))

    def _run(self) -> None:
        self._status(CaptionsState.LOADING, "loading the speech engine")
        try:
            engine = self.engine_factory()
        except BoardlessError as error:
            self._status(CaptionsState.ERROR, str(error))
            return
        except Exception as error:  # an engine library failing in its own way
            self._status(CaptionsState.ERROR, f"speech engine failed to start: {one_line(error)}")
            return
        self.engine_name = getattr(engine, "name", "") or type(engine).__name__
        self._engine = engine
        try:
            self._serve()
        except Exception as error:
            message = f"captions stopped: {self.engine_name} failed: {one_line(error)}"
            self._status(CaptionsState.ERROR, message + self._abandon_source())
        finally:
            self._close(self._engine)

    def _serve(self) -> None:
        note = self._open_recorder()
        with self._source_lock:
            if self._stop_requested.is_set():
                self._status(CaptionsState.STOPPED, "stopped before audio started")
                return
            try:
                self.source.start(self._queue)
            except BoardlessError as error:
                self._status(CaptionsState.ERROR, str(error))
                return
            except Exception as error:
                message = f"audio source failed to start: {one_line(error)}"
                self._status(CaptionsState.ERROR, message)
                return
            self._source_started = True
        self._start_level_thread()
        ready = f"{self.engine_name} captions from {self.source.name}{note}"
        self._status(CaptionsState.READY, ready)
        self._loop()
        with self._source_lock:
            self._stop_source()  # ended by itself (end of file): let its thread finish
        self._finish(self._engine)
        source_error = getattr(self.source, "error", None)
        if source_error:
            self._status(CaptionsState.ERROR, str(source_error))
            return
        stats = self.stats
        skipped = f", {stats.skipped_s:.1f} s skipped" if stats.skipped_s else ""
        heard = f"captions stopped after {stats.received_s:.1f} s of audio{skipped}"
        self._status(CaptionsState.STOPPED, heard)

    def _loop(self) -> None:
        while True:
            try:
                block = self._queue.get(timeout=GET_TIMEOUT)
            except queue.Empty:
                if self._source_done.is_set():
                    return  # stop() stopped the source and everything queued is done
                continue
            if block is None:
                return
            self._handle(self._engine, block)

    def _handle(self, engine: Engine, block: AudioBlock) -> None:
        pcm = self._convert(block)
        if self.gate is not None and heard_during(block, self.gate):
            pcm = np.zeros_like(pcm)  # the interviewer's voice, not the candidate's
            self.stats.gated_s += len(pcm) / ENGINE_RATE
        if self.realtime and self._backlog_s(block) > self.max_backlog_s:
            self._skip_backlog(pcm)
            return
        if self._paused.is_set():
            if not self._was_paused:
                self._was_paused = True
                self._deliver(self._timed(engine.flush), self._clock())
            self._timeline.skip(len(pcm))
            self.stats.paused_s += len(pcm) / ENGINE_RATE
            return
        self._was_paused = False
        self._feed(engine, pcm, block.arrival)
        if self._behind and self._queued_s() <= min(0.5, self.max_backlog_s / 4):
            self._behind = False
            self._status(CaptionsState.CAUGHT_UP, "captions caught up")

    def _convert(self, block: AudioBlock) -> np.ndarray:
        data = block.data
        channels = data.shape[1] if data.ndim == 2 else 1
        if self._resampler is None or not self._resampler.matches(block.rate, channels):
            if self._resampler is not None:
                self._record(self._resampler.finish())
            self._resampler = Resampler(block.rate, channels)
        pcm = self._resampler.process(data)
        self.stats.received_s += len(pcm) / ENGINE_RATE
        self._record(pcm)
        return pcm

    def _feed(self, engine: Engine, pcm: np.ndarray, arrival: float) -> None:
        if len(pcm) == 0:
            return
        set_backlog = getattr(engine, "set_backlog", None)
        if set_backlog is not None:
            set_backlog(self._queued_s())
        self._timeline.feed(len(pcm), arrival)
        self.stats.fed_s += len(pcm) / ENGINE_RATE
        results = self._timed(engine.accept, pcm)
        self._deliver(results, self._clock())
        if self.recreate_every_s is not None and any(r.final for r in results):
            self._maybe_recreate(engine)

    def _maybe_recreate(self, engine: Engine) -> None:
        """At an utterance boundary, rebuild a recogniser that has heard `recreate_every_s`.

        Engines with a `recreate()` method rebuild their recogniser and keep the model and
        their clock (cheap); others are flushed, closed and built again by the factory.
        """
        assert self.recreate_every_s is not None
        if self._timeline.fed - self._engine_from < self.recreate_every_s * ENGINE_RATE:
            return
        rebuild = getattr(engine, "recreate", None)
        if rebuild is not None:
            rebuild()
        else:
            self._deliver(self._timed(engine.flush), self._clock())
            engine.close()
            self._engine = self.engine_factory()
            self._timeline.rebase()
        self._engine_from = self._timeline.fed
        self.recreated += 1

    def _timed(self, call: Callable[..., list[Recognition]], *args: Any) -> list[Recognition]:
        began = time.perf_counter()
        try:
            return call(*args)
        finally:
            self.stats.engine_s += time.perf_counter() - began

    def _deliver(self, results: list[Recognition], now: float) -> None:
        timeline = self._timeline
        for result in results:
            arrival = timeline.arrival_of(result.end)
            words = tuple(
                dataclasses.replace(
                    w, start=timeline.to_stream(w.start), end=timeline.to_stream(w.end)
                )
                for w in result.words
            )
            mapped = dataclasses.replace(
                result,
                start=timeline.to_stream(result.start),
                end=timeline.to_stream(result.end),
                words=words,
                delay=round(max(0.0, now - arrival), 3) if arrival is not None else 0.0,
                engine=result.engine or self.engine_name,
            )
            self.stats.results += 1
            self.on_result(mapped)

    def _backlog_s(self, block: AudioBlock) -> float:
        return len(block.data) / block.rate + self._queued_s()

    def _queued_s(self) -> float:
        """Audio seconds waiting in the queue."""
        with self._queue.mutex:
            return sum(len(b.data) / b.rate for b in self._queue.queue if b is not None)

    def _skip_backlog(self, pcm: np.ndarray) -> None:
        """Drop the oldest audio (this block, then queued ones) down to half the limit."""
        skipped = len(pcm)
        target = self.max_backlog_s / 2
        end_of_stream = False
        while self._queued_s() > target:
            try:
                block = self._queue.get_nowait()
            except queue.Empty:
                break
            if block is None:
                end_of_stream = True
                break
            skipped += len(self._convert(block))
        self._timeline.skip(skipped)
        self.stats.skipped_s += skipped / ENGINE_RATE
        self._behind = True
        self._status(
            CaptionsState.BEHIND,
            f"captions behind: skipped {skipped / ENGINE_RATE:.1f} s of audio "
            f"({self.stats.skipped_s:.1f} s so far)",
        )
        if end_of_stream:
            self._queue.put_nowait(None)  # room: this thread just took items out

    def _finish(self, engine: Engine) -> None:
        """End of stream: the resampler's tail, then the engine's final words."""
        if self._resampler is not None:
            tail = self._resampler.finish()
            self._record(tail)
            self.stats.received_s += len(tail) / ENGINE_RATE
            if not self._paused.is_set():
                self._feed(engine, tail, self._clock())
        self._deliver(self._timed(engine.flush), self._clock())

    # -- side jobs -----------------------------------------------------------------------------

    def _open_recorder(self) -> str:
        return self._recording.open() if self._recording is not None else ""

    def _record(self, pcm: np.ndarray) -> None:
        if self._recording is not None:
            self._recording.write(pcm)

    def _start_level_thread(self) -> None:
        if self.on_level is None:
            return
        self._level_thread = threading.Thread(
            target=self._post_levels, name="boardless-level", daemon=True
        )
        self._level_thread.start()

    def _post_levels(self) -> None:
        callback = self.on_level
        assert callback is not None
        while not self._source_done.wait(LEVEL_INTERVAL) and self.running:
            callback(float(self.source.level))

    def _stop_source(self) -> None:
        self.source.stop()

    def _abandon_source(self) -> str:
        """Stop the source after a failure; returns a note if that failed too."""
        with self._source_lock:
            self._source_done.set()
            if not self._source_started:
                return ""
            try:
                self.source.stop()
            except Exception as error:  # reported in the same status line
                return f" (and stopping {self.source.name} failed: {one_line(error)})"
        return ""

    def _close(self, engine: Engine) -> None:
        self._source_done.set()
        try:
            engine.close()
        finally:
            if self._recording is not None:
                self._recording.close()
            if self._level_thread is not None:
                self._level_thread.join(timeout=1.0)
