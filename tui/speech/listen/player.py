"""`ListenBack`: a recorded round played on an output device from a background thread.

The thread reads the recording (`render.Renderer`) and writes blocks of 1024 device frames to a
blocking sounddevice `OutputStream`, so a command takes effect within one block (64 ms at
16 kHz). Every command is a few assignments under a lock; the thread does the audio work:

- `play(from_s)`, `seek(to_s)` and a new `speed` cut what is buffered (`abort`) and start a new
  run at that place;
- `pause()` lets the buffered audio play out (`stop`), so the paused position is exactly the
  samples handed to the device and `resume()` goes on from the next one: nothing is lost or
  played twice;
- at the end of the file the buffered audio plays out and `finished` becomes true.

`position()` is the recording second being heard: the run's start plus the time since its
first block went out less the stream's output latency, never beyond the samples actually
handed to the device (so a device that stalls holds it back); paused or finished, it is the
samples handed. A device failing while playing is reported once through `on_error` (and
`error`); the thread then stops and every later call does nothing. Nothing raises from the
audio thread.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

from tui.speech.errors import one_line
from tui.speech.listen.render import Renderer, check_speed
from tui.speech.voice.errors import OutputDeviceError
from tui.speech.voice.outputs import (
    OutputDevice,
    list_output_devices,
    output_sounddevice,
    resolve_output_device,
    workable_rate,
)
from tui.speech.voice.playback import OutputStream

#: Device frames per write: a command is noticed within one block.
BLOCK_FRAMES = 1024
#: `_restart` value of a resume: go on from the last sample handed to the device.
CONTINUE = -1


class ListenBack:
    """Plays the recording at `path` on an output device (default, index or name).

    Construction reads the file's header and finds the device and a rate it takes (the
    recording's own, else the device's): `RecordingUnreadable` or `OutputDeviceError` (one
    line each) when it cannot. Nothing plays until `play()`.
    """

    def __init__(self, path: Path, device: str | int | None = None,
                 on_error: Callable[[str], None] | None = None, sd: ModuleType | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._renderer = Renderer(path)
        try:
            self._sd = sd or output_sounddevice()
            self.device: OutputDevice = resolve_output_device(device,
                                                              list_output_devices(self._sd))
            self.rate = self._workable_rate(self._renderer.rate)
        except OutputDeviceError:
            self._renderer.close()
            raise
        self._renderer.out_rate = self.rate
        self.on_error = on_error
        self.error: str | None = None
        self._clock = clock
        self._cond = threading.Condition()
        self._want_playing = False
        self._restart: int | None = None  # recording sample a new run starts at (or CONTINUE)
        self._speed = 1.0
        self._generation = 0
        self._closed = False
        self._cut = False  # the current run ends cut short, its buffered audio dropped
        self._finished = False
        self._running = False  # a run is writing (or draining) now
        self._origin = 0  # recording sample this run started at
        self._handed = 0  # recording samples handed to the device (as a sample index)
        self._run_began: float | None = None  # clock time the first block went out
        self._latency = 0.0
        self._thread = threading.Thread(target=self._run, name="listen-back", daemon=True)
        self._thread.start()

    def _workable_rate(self, rate: int) -> int:
        return workable_rate(self._sd, self.device, rate)

    # -- what it is doing (any thread) -----------------------------------------------------------

    @property
    def duration(self) -> float:
        """Seconds of recording."""
        return self._renderer.duration

    @property
    def recording_rate(self) -> int:
        """The recording's sample rate (positions are in its samples)."""
        return self._renderer.rate

    @property
    def speed(self) -> float:
        """Playback speed, 0.5 to 4.0 (time-stretched: the voice keeps its pitch)."""
        return self._speed

    @speed.setter
    def speed(self, value: float) -> None:
        value = check_speed(value)
        with self._cond:
            if value == self._speed:
                return
            self._speed = value
            if self._want_playing and not self._finished:
                self._command(self._heard())
            self._cond.notify_all()

    @property
    def playing(self) -> bool:
        """Between `play()`/`resume()` and `pause()` or the end of the recording."""
        with self._cond:
            return self._want_playing and not self._finished and self.error is None

    @property
    def finished(self) -> bool:
        """The whole recording (from where it last started) has played out."""
        return self._finished

    def position(self) -> float:
        """The recording second being heard now (see the module's docstring)."""
        with self._cond:
            return self._heard() / self._renderer.rate

    def _heard(self) -> int:
        if self._restart is not None and self._restart != CONTINUE:
            return self._restart
        began = self._run_began
        if not self._running or began is None or not self._want_playing:
            return self._handed
        elapsed = self._clock() - began - self._latency
        estimate = self._origin + max(0.0, elapsed) * self._speed * self._renderer.rate
        return int(min(estimate, self._handed))

    # -- commands (any thread) -----------------------------------------------------------------

    def play(self, from_s: float = 0.0) -> None:
        """Play from recording second `from_s` (clamped to the recording)."""
        with self._cond:
            self._want_playing = True
            self._command(self._sample(from_s))

    def seek(self, to_s: float) -> None:
        """Go to recording second `to_s`; playing goes on from there, paused stays paused."""
        with self._cond:
            self._command(self._sample(to_s))

    def pause(self) -> None:
        """Stop after what is buffered has played; `position()` then stays put."""
        with self._cond:
            if self._want_playing:
                self._want_playing = False
                if self._restart is None:
                    self._generation += 1
                self._cond.notify_all()

    def resume(self) -> None:
        """Go on from where `pause()` stopped (from the start again once finished)."""
        with self._cond:
            if self._finished:
                self._want_playing = True
                self._command(0)
            elif not self._want_playing:
                self._want_playing = True
                if self._restart is None:
                    self._restart = CONTINUE  # what is buffered still plays
                self._cond.notify_all()

    def close(self) -> None:
        """Stop at once, release the device and the file, end the thread. Safe to call twice."""
        with self._cond:
            self._closed = True
            self._want_playing = False
            self._cut = True
            self._generation += 1
            self._cond.notify_all()
        if self._thread is not threading.current_thread():
            self._thread.join(timeout=5)

    def _sample(self, seconds: float) -> int:
        return max(0, min(self._renderer.frames, round(seconds * self._renderer.rate)))

    def _command(self, sample: int) -> None:
        """(Lock held.) Start a new run at `sample` (when playing); the current one is cut
        short, its buffered audio dropped."""
        self._restart = sample
        self._cut = True
        self._handed = sample
        self._finished = False
        self._generation += 1
        self._cond.notify_all()

    # -- the thread ------------------------------------------------------------------------------

    def _run(self) -> None:
        stream: OutputStream | None = None
        try:
            while True:
                with self._cond:
                    while not self._closed and not (self._want_playing
                                                    and self._restart is not None):
                        self._cond.wait()
                    if self._closed:
                        return
                    start = self._handed if self._restart == CONTINUE else self._restart
                    speed, generation = self._speed, self._generation
                    assert start is not None
                    self._restart = None
                    self._cut = False
                    self._origin = self._handed = start
                    self._run_began = None
                    self._running = True
                if stream is None:
                    stream = self._sd.OutputStream(samplerate=self.rate, channels=1,
                                                   dtype="int16", device=self.device.index)
                    self._latency = float(getattr(stream, "latency", 0.0) or 0.0)
                self._play_run(stream, start, speed, generation)
        except Exception as error:  # the audio thread never raises: reported once instead
            self._fail(f"listening back on {self.device.name!r} failed: {one_line(error)}")
        finally:
            with self._cond:
                self._running = False
            self._close_quietly(stream)

    def _play_run(self, stream: OutputStream, start: int, speed: float,
                  generation: int) -> None:
        renderer = self._renderer
        renderer.start(start, speed)
        stream.start()
        out_frames = 0
        ended = False
        while self._generation == generation:
            block = renderer.next_block(BLOCK_FRAMES)
            if block is None:
                ended = True
                break
            for offset in range(0, len(block), BLOCK_FRAMES):
                if self._generation != generation:
                    break
                piece = block[offset:offset + BLOCK_FRAMES]
                if self._run_began is None:
                    self._run_began = self._clock()  # the first block goes out now
                stream.write(piece)
                out_frames += len(piece)
                with self._cond:
                    if not self._cut:  # a pause still counts what was just handed over
                        self._handed = int(round(renderer.source_at(out_frames)))
        with self._cond:
            cut = self._cut
        if cut:
            stream.abort()  # a seek, a new speed or close: the buffered audio must not sound
        else:
            stream.stop()  # pause or the end: the buffered audio plays out
        with self._cond:
            self._running = False
            if ended and self._generation == generation:
                self._finished = True
                self._handed = renderer.frames

    def _fail(self, message: str) -> None:
        with self._cond:
            first = self.error is None
            self.error = message
            self._want_playing = False
            self._restart = None
        if first and self.on_error is not None:
            try:
                self.on_error(message)
            except Exception:  # a failing report must not escape the audio thread either
                pass

    def _close_quietly(self, stream: OutputStream | None) -> None:
        try:
            if stream is not None:
                stream.abort()
                stream.close()
        except Exception:
            pass
        self._renderer.close()
