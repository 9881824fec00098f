"""Playing the voice on an output device: a background thread writes queued audio to a
sounddevice `OutputStream` and records on the `Speaking` gate when it sounds.

Audio is converted to the stream's rate (the voice's 24 kHz when the device takes it, else the
device's own rate, with soxr) and to int16 before it is queued, so what reaches the device is
exactly the int16 samples queued. The stream stays open while audio is queued and is closed
when the queue runs dry (after its last sample has played), so the device is free between
questions. A device that fails while playing is reported once through `on_error` and in
`error`; from then on the player drops what it is given and the round goes on silently.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType
from typing import Protocol

import numpy as np

from tui.speech.resample import float_to_int16
from tui.speech.voice.gate import Speaking
from tui.speech.voice.model import VOICE_RATE
from tui.speech.voice.outputs import (
    OutputDevice,
    list_output_devices,
    output_sounddevice,
    resolve_output_device,
    workable_rate,
)
from tui.speech.voice.synthesis import convert_rate

#: Frames handed to PortAudio per write: small enough that `stop()` cuts within ~40 ms.
BLOCK_FRAMES = 1024
#: How long the thread waits for more audio before closing the stream.
IDLE_CLOSE_S = 0.3


class OutputStream(Protocol):
    """What the player uses of a `sounddevice.OutputStream` (sounddevice has no type hints)."""

    latency: float

    def start(self) -> None:
        """Start the stream."""

    def write(self, data: np.ndarray) -> bool:
        """Write frames, blocking until there is room; True when an underflow happened."""

    def stop(self) -> None:
        """Stop once the buffered audio has played."""

    def abort(self) -> None:
        """Stop at once, dropping the buffered audio."""

    def close(self) -> None:
        """Release the device."""


@dataclass(frozen=True)
class Queued:
    """int16 samples waiting to play, and the `stop()` generation they were queued in."""

    generation: int
    pcm: np.ndarray


class Player:
    """Plays mono audio on one output device, in order, from a background thread.

    `play()` never blocks and never raises for a device problem found while playing; `stop()`
    cuts what sounds and drops what is queued; `wait()` waits until everything queued has
    played; `close()` stops and ends the thread.
    """

    def __init__(self, device: str | int | None = None, gate: Speaking | None = None,
                 rate: int = VOICE_RATE, on_error: Callable[[str], None] | None = None,
                 sd: ModuleType | None = None) -> None:
        """Find the output device and a rate it takes now: OutputDeviceError (one line) when
        PortAudio, the device or any workable rate is missing."""
        self._sd = sd or output_sounddevice()
        self.device: OutputDevice = resolve_output_device(device,
                                                          list_output_devices(self._sd))
        self.gate = gate or Speaking()
        self.rate = self._workable_rate(rate)
        self.on_error = on_error
        self.error: str | None = None
        self._queue: queue.Queue[Queued | None] = queue.Queue()
        self._generation = 0
        self._idle = threading.Event()
        self._idle.set()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._closed = False

    def _workable_rate(self, rate: int) -> int:
        return workable_rate(self._sd, self.device, rate)

    @property
    def busy(self) -> bool:
        """Whether audio is queued or playing."""
        return not self._idle.is_set()

    def play(self, samples: np.ndarray, rate: int) -> None:
        """Queue mono samples (float in [-1, 1], or int16) at `rate` to play after what is
        queued. Dropped silently after a device error or `close()`."""
        if self.error is not None or self._closed or not len(samples):
            return
        pcm = self.pcm(samples, rate)
        with self._lock:
            self._idle.clear()
            self._queue.put(Queued(self._generation, pcm))
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="voice-player",
                                                daemon=True)
                self._thread.start()

    def pcm(self, samples: np.ndarray, rate: int) -> np.ndarray:
        """`samples` at `rate` as the int16 mono samples this player writes to the device."""
        if samples.dtype == np.int16 and rate == self.rate:
            return samples.reshape(-1)
        floats = (samples.astype(np.float32) / 32768.0 if samples.dtype == np.int16
                  else samples.astype(np.float32, copy=False))
        return float_to_int16(convert_rate(floats.reshape(-1), rate, self.rate))

    def wait(self, timeout: float | None = None) -> bool:
        """Wait until all queued audio has played; False if `timeout` passed first."""
        return self._idle.wait(timeout)

    def stop(self) -> None:
        """Cut the audio now and drop what is queued (the interviewer stops mid-sentence)."""
        with self._lock:
            self._generation += 1
            self._drain_queue()
            if self._thread is None:
                self._idle.set()

    def close(self) -> None:
        """Stop, and end the thread. Safe to call twice."""
        self.stop()
        with self._lock:
            self._closed = True
            thread, self._thread = self._thread, None
            if thread is not None:
                self._queue.put(None)
        if thread is not None:
            thread.join(timeout=5)

    def _drain_queue(self) -> None:
        try:
            while True:
                if self._queue.get_nowait() is None:
                    self._queue.put(None)  # keep close()'s end marker
                    return
        except queue.Empty:
            pass

    def _current(self, item: Queued) -> bool:
        return item.generation == self._generation

    # -- the thread ---------------------------------------------------------------------------

    def _run(self) -> None:
        item = self._queue.get()
        while item is not None:
            pending: Queued | None = None
            if self._current(item):
                try:
                    pending = self._play_run(item)
                except (self._sd.PortAudioError, OSError) as error:
                    self._fail(f"audio output {self.device.name!r} failed: {error}")
            with self._lock:
                if pending is None and self._queue.empty():
                    self._idle.set()
            item = pending or self._queue.get()
        self._idle.set()

    def _play_run(self, first: Queued) -> Queued | None:
        """Open the stream, play `first` and whatever follows it closely, close the stream.

        Returns an item that arrived after a `stop()` cut this run (it starts the next run)."""
        stream: OutputStream = self._sd.OutputStream(
            samplerate=self.rate, channels=1, dtype="int16", device=self.device.index)
        clock = self.gate.clock
        token = 0
        item: Queued | None = first
        try:
            stream.start()
            latency = float(stream.latency)
            sounds_until = clock() + latency
            while item is not None and self._current(item) and item.generation == first.generation:
                start = max(clock() + latency, sounds_until)
                sounds_until = start + len(item.pcm) / self.rate
                token = self.gate.begin(start, sounds_until)
                self._write(stream, item)
                item = self._next_item() if self._current(item) else None
            if item is not None or not self._current(first):
                stream.abort()  # cut: what is buffered must not sound
            else:
                stream.stop()  # returns once the buffered audio has played
        finally:
            stream.close()
            if token:
                self.gate.finish(token, clock())
        return item if item is not None and self._current(item) else None

    def _write(self, stream: OutputStream, item: Queued) -> None:
        for offset in range(0, len(item.pcm), BLOCK_FRAMES):
            if not self._current(item):
                return
            stream.write(item.pcm[offset:offset + BLOCK_FRAMES])

    def _next_item(self) -> Queued | None:
        """The next queued audio if it comes within IDLE_CLOSE_S (None: end the run). A close
        marker is put back for `_run`."""
        try:
            item = self._queue.get(timeout=IDLE_CLOSE_S)
        except queue.Empty:
            return None
        if item is None:
            self._queue.put(None)
        return item

    def _fail(self, message: str) -> None:
        with self._lock:
            self.error = message
            self._drain_queue()
        if self.on_error is not None:
            self.on_error(message)
