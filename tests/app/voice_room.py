"""A room for a round with the interviewer's voice on and no headphones: what the speakers play
is heard by the microphone at the moment it sounds, mixed with what the candidate says.

- `PacedOutput` wraps the real sounddevice module (PortAudio, here an ALSA file device): every
  write still goes to the real output, and is paced like a sound card (a write returns once the
  device's buffer, `latency` seconds, has room), so the voice's `Speaking` gate holds the times
  the audio really sounds. What is written also sounds in the `Room` at those times; `abort`
  silences what was buffered.
- `RoomMicrophone` is a caption source: every 0.1 s of wall time it hands the pipeline what the
  room held in that 0.1 s (the interviewer) plus the candidate's speech from an audio file,
  started with `speak()`. Its blocks carry `time.monotonic()` arrival stamps, as a microphone's
  do.
"""

from __future__ import annotations

import queue
import threading
import time
from pathlib import Path
from typing import Any

import numpy as np
import soundfile as sf

from tui.speech.sources.audio_source import AudioQueue, rms
from tui.speech.types import ENGINE_RATE, AudioBlock
from tui.speech.voice.synthesis import convert_rate

BLOCK_S = 0.1
ROOM_S = 180.0


class Room:
    """What sounds in the room, as 16 kHz float samples on the monotonic clock."""

    def __init__(self) -> None:
        self.epoch = time.monotonic()
        self.samples = np.zeros(int(ROOM_S * ENGINE_RATE), dtype=np.float32)
        self.lock = threading.Lock()
        self.played_s = 0.0

    def _index(self, at: float) -> int:
        return max(0, min(len(self.samples), round((at - self.epoch) * ENGINE_RATE)))

    def sound(self, at: float, pcm: np.ndarray, rate: int) -> None:
        """int16 `pcm` at `rate` sounds from monotonic time `at`."""
        floats = convert_rate(pcm.astype(np.float32).reshape(-1) / 32768.0, rate, ENGINE_RATE)
        start = self._index(at)
        end = min(len(self.samples), start + len(floats))
        with self.lock:
            self.samples[start:end] += floats[:end - start]
            self.played_s += len(pcm) / rate

    def silence_after(self, at: float) -> None:
        with self.lock:
            self.samples[self._index(at):] = 0.0

    def heard(self, start: float, end: float) -> np.ndarray:
        with self.lock:
            return self.samples[self._index(start):self._index(end)].copy()


class PacedStream:
    """A real output stream, paced like a sound card, whose audio also sounds in the room."""

    def __init__(self, real: Any, rate: int, room: Room) -> None:
        self.real = real
        self.rate = rate
        self.room = room
        self.latency = float(real.latency)
        self._until = 0.0  # when the last sample written has played

    def start(self) -> None:
        self.real.start()

    def write(self, data: np.ndarray) -> bool:
        now = time.monotonic()
        begins = max(now + self.latency, self._until)
        self._until = begins + len(data) / self.rate
        self.room.sound(begins, np.asarray(data), self.rate)
        self.real.write(data)
        _sleep_until(self._until - self.latency)  # the buffer holds `latency` seconds
        return False

    def stop(self) -> None:
        _sleep_until(self._until)  # what is buffered plays out
        self.real.stop()

    def abort(self) -> None:
        self.room.silence_after(time.monotonic())
        self._until = time.monotonic()
        self.real.abort()

    def close(self) -> None:
        self.real.close()


class PacedOutput:
    """The sounddevice module, with output streams that are paced and sound in `room`."""

    def __init__(self, sd: Any, room: Room) -> None:
        self._sd = sd
        self.room = room

    def __getattr__(self, name: str) -> Any:
        return getattr(self._sd, name)

    def OutputStream(self, **options: Any) -> PacedStream:  # noqa: N802 (sounddevice's name)
        return PacedStream(self._sd.OutputStream(**options), int(options["samplerate"]),
                           self.room)


def _sleep_until(moment: float) -> None:
    left = moment - time.monotonic()
    if left > 0:
        threading.Event().wait(left)


class RoomMicrophone:
    """A microphone in the room: the interviewer as it sounds plus the candidate's speech."""

    name = "room microphone"
    realtime = True

    def __init__(self, room: Room, candidate: Path) -> None:
        self.room = room
        pcm, rate = sf.read(str(candidate), dtype="float32")
        assert rate == ENGINE_RATE and pcm.ndim == 1
        self.candidate = pcm
        self._said_from: float | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._level = 0.0
        self.candidate_done = threading.Event()

    def speak(self) -> None:
        """The candidate starts talking now."""
        self._said_from = time.monotonic()

    def start(self, out: AudioQueue) -> None:
        self._thread = threading.Thread(target=self._run, args=(out,), daemon=True)
        self._thread.start()

    def _run(self, out: AudioQueue) -> None:
        frames = int(BLOCK_S * ENGINE_RATE)
        end = time.monotonic()
        while not self._stop.is_set():
            start, end = end, end + BLOCK_S
            _sleep_until(end)
            block = np.zeros(frames, dtype=np.float32)
            heard = self.room.heard(start, end)
            block[:len(heard)] += heard[:frames]
            if self._said_from is not None:
                offset = round((start - self._said_from) * ENGINE_RATE)
                if 0 <= offset < len(self.candidate):
                    part = self.candidate[offset:offset + frames]
                    block[:len(part)] += part
                elif offset >= len(self.candidate):
                    self.candidate_done.set()
            data = (np.clip(block, -1, 1) * 32767).astype(np.int16).reshape(-1, 1)
            self._level = rms(data)
            try:
                out.put(AudioBlock(data, ENGINE_RATE, arrival=time.monotonic()), timeout=1)
            except queue.Full:
                pass
        out.put(None)

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)

    @property
    def level(self) -> float:
        return self._level

    @property
    def dropped(self) -> int:
        return 0

    @property
    def overflows(self) -> int:
        return 0
