"""Time and audio the test controls: a clock that moves only when told, a live source whose
blocks the test hands over one by one, and waiting on a condition (never on a fixed pause)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import numpy as np

from tui.speech.sources.audio_source import AudioQueue
from tui.speech.types import ENGINE_RATE, AudioBlock

#: How long a condition may take before the test fails. Only a bound: a test goes on the moment
#: its condition holds, however fast or loaded the machine.
WAIT_LIMIT_S = 30.0


def wait_for(check: Callable[[], object], what: str, limit_s: float = WAIT_LIMIT_S) -> None:
    """Return once `check()` holds; fail naming `what` if it still does not after `limit_s`."""
    deadline = time.monotonic() + limit_s
    pause = threading.Event()
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {limit_s:g} s waiting for {what}")
        pause.wait(0.005)


class FakeClock:
    """Seconds that pass only when slept through (or set by the test)."""

    def __init__(self, now: float = 0.0) -> None:
        self.now = now
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


class ScriptedSource:
    """A live source (`realtime`, unless told otherwise) that delivers what the test pushes."""

    name = "script"
    level = 0.0
    dropped = 0
    overflows = 0

    def __init__(self, realtime: bool = True) -> None:
        self.realtime = realtime
        self.out: AudioQueue | None = None
        self.started = threading.Event()
        self.stopped = threading.Event()

    def start(self, out: AudioQueue) -> None:
        self.out = out
        self.started.set()

    def stop(self) -> None:
        self.stopped.set()

    def push(self, pcm: np.ndarray, arrival: float) -> None:
        """Hand over one block of 16 kHz mono int16 samples that arrived at `arrival`."""
        assert self.out is not None, "the pipeline has not started the source"
        self.out.put_nowait(AudioBlock(pcm.reshape(-1, 1), ENGINE_RATE, arrival, 1))

    def end(self) -> None:
        """The end of the stream."""
        assert self.out is not None
        self.out.put_nowait(None)
