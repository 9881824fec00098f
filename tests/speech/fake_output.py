"""A stand-in for the parts of sounddevice the voice player uses: one output device whose
stream is paced like a real one (a write of N frames takes N / rate seconds), records what
it was given, and can be told to fail after some writes."""

from __future__ import annotations

import threading
import time
from typing import Any

import numpy as np


class PortAudioError(Exception):
    """sounddevice.PortAudioError's stand-in."""


class _Default:
    device = (-1, 0)


class FakeOutputStream:
    """An output stream on the fake device; its writes land in the owning FakeSoundDevice."""

    latency = 0.02

    def __init__(self, owner: FakeSoundDevice, samplerate: float, channels: int, dtype: str,
                 device: int) -> None:
        self.owner = owner
        self.samplerate = samplerate
        assert channels == 1 and dtype == "int16" and device == 0

    def start(self) -> None:
        self.owner.events.append("start")

    def write(self, data: np.ndarray) -> bool:
        owner = self.owner
        with owner.lock:
            if owner.fail_after is not None and owner.writes >= owner.fail_after:
                raise PortAudioError("Unanticipated host error [PaErrorCode -9999]: device gone")
            owner.writes += 1
            owner.written.append(np.array(data, copy=True))
        time.sleep(len(data) / self.samplerate * owner.pace)
        return False

    def stop(self) -> None:
        self.owner.events.append("stop")

    def abort(self) -> None:
        self.owner.events.append("abort")

    def close(self) -> None:
        self.owner.events.append("close")


class FakeSoundDevice:
    """The module-like object `Player(sd=...)` takes: one output device, index 0."""

    PortAudioError = PortAudioError

    def __init__(self, rates: tuple[int, ...] = (24_000, 48_000), pace: float = 1.0,
                 fail_after: int | None = None) -> None:
        self.rates = rates
        self.pace = pace
        self.fail_after = fail_after
        self.default = _Default()
        self.lock = threading.Lock()
        self.writes = 0
        self.written: list[np.ndarray] = []
        self.events: list[str] = []

    def query_devices(self, device: Any = None, kind: str | None = None) -> Any:
        info = {"index": 0, "name": "Fake speakers", "max_input_channels": 0,
                "max_output_channels": 2, "default_samplerate": 48_000.0, "hostapi": 0}
        return info if kind else [info]

    def check_output_settings(self, device: int, channels: int, dtype: str,
                              samplerate: float) -> None:
        if samplerate not in self.rates:
            raise PortAudioError(f"Invalid sample rate {samplerate}")

    def OutputStream(self, samplerate: float, channels: int, dtype: str,
                     device: int) -> FakeOutputStream:
        return FakeOutputStream(self, samplerate, channels, dtype, device)

    def samples(self) -> np.ndarray:
        """Everything written so far, in order."""
        with self.lock:
            parts = list(self.written)
        return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int16)
