"""The microphone through sounddevice (PortAudio), with reconnection when the device goes away.

The PortAudio callback only copies the block into the bounded queue with `put_nowait`, counts
what it drops and overflows, and keeps a cheap level; it never blocks, prints or touches files.
A `reconnect.Supervisor` thread notices a lost stream and reopens the device every
`retry_interval` seconds until it is back, reporting `state` changes through `on_state`.
"""

from __future__ import annotations

import queue
import time
from collections.abc import Callable
from typing import Any

import numpy as np

from tui.speech.errors import DeviceError
from tui.speech.sources.audio_source import AudioQueue, rms
from tui.speech.sources.device_state import DeviceState, StateCallback
from tui.speech.sources.devices import (
    InputDevice,
    describe_microphone,
    list_input_devices,
    portaudio_crash,
    resolve_device,
    sounddevice_module,
)
from tui.speech.sources.reconnect import Supervisor
from tui.speech.types import AudioBlock

#: `describe_microphone` is re-exported for the app's start-up line; new code imports `devices`.
__all__ = ["STALL_TIMEOUT_S", "MicrophoneSource", "describe_microphone"]

#: A live input delivers a block every `blocksize_ms`; none for this long means it stalled.
STALL_TIMEOUT_S = 5.0


class MicrophoneSource:
    """Capture from a PortAudio input at its own rate and channels (at most 2), as int16.

    `state` is a `DeviceState` (`reason` says why it was lost); every change is passed to
    `on_state(state, reason)` (from the thread that made it: the caller of start/stop, or the
    supervisor thread while reconnecting). The first block after a reconnection
    has `meta["reconnected"] = True`: the audio before it has a gap.
    """

    realtime = True

    def __init__(
        self,
        device: str | int | None = None,
        blocksize_ms: int = 50,
        on_state: StateCallback | None = None,
        retry_interval: float = 2.0,
        sleep: Callable[[float], None] | None = None,
        clock: Callable[[], float] = time.monotonic,
        dtype: str = "int16",
        stall_timeout: float = STALL_TIMEOUT_S,
    ) -> None:
        """Find the device now (DeviceError if PortAudio or the device is missing).

        `sleep` waits between reconnection attempts (default: interruptible by `stop()`);
        `clock` stamps block arrival and measures a stall. Both are injectable for tests.
        """
        self._sd = sounddevice_module()
        self.spec = device
        self.blocksize_ms = blocksize_ms
        self.on_state = on_state
        self.dtype = dtype
        self._clock = clock
        self.device = resolve_device(device, list_input_devices(self._sd))
        self.name = self.device.name
        self.state = DeviceState.STOPPED
        self.reason = ""
        """Why the device was lost, while `state` is LOST."""
        self._out: AudioQueue | None = None
        self._stream: Any = None
        self._watch = Supervisor(self, self._set_state, self.name, retry_interval,
                                 stall_timeout, sleep, clock)
        self._started = False
        self._dropped = 0
        self._overflows = 0
        self._squares = (0.0, 0.0)
        self._resumed = False

    # -- AudioSource ----------------------------------------------------------------------

    @property
    def rate(self) -> int:
        """The device's own sample rate, at which blocks are delivered."""
        return self.device.default_rate

    @property
    def channels(self) -> int:
        """Channels captured: the device's inputs, capped at 2."""
        return min(2, self.device.channels)

    @property
    def level(self) -> float:
        """RMS (0..1) of the latest two blocks (about 100 ms)."""
        return float(np.sqrt((self._squares[0] + self._squares[1]) / 2.0))

    @property
    def dropped(self) -> int:
        """Blocks dropped because the queue was full."""
        return self._dropped

    @property
    def overflows(self) -> int:
        """Input overflows PortAudio reported."""
        return self._overflows

    @property
    def reconnects(self) -> int:
        """How often the device was reopened after it was lost."""
        return self._watch.reconnects

    @property
    def retry_interval(self) -> float:
        """Seconds between attempts to reopen a lost device."""
        return self._watch.retry_interval

    @retry_interval.setter
    def retry_interval(self, seconds: float) -> None:
        self._watch.retry_interval = seconds

    def start(self, out: AudioQueue) -> None:
        """Open the device and deliver blocks to `out`; a DeviceError if it cannot open."""
        if self._started:
            raise RuntimeError("MicrophoneSource.start() called twice")
        self._started = True
        self._out = out
        self._open()
        self._set_state(DeviceState.LISTENING)
        self._watch.start()

    def stop(self) -> None:
        """Stop capturing, then put the end-of-stream None. Safe to call twice."""
        if self._watch.stopping.is_set():
            return
        self._watch.stop()
        self._close()
        self._set_state(DeviceState.STOPPED)
        if self._out is not None:
            try:
                self._out.put(None, timeout=2.0)
            except queue.Full:
                self._dropped += 1

    # -- PortAudio side -------------------------------------------------------------------

    def _callback(self, indata: np.ndarray, frames: int, time_info: Any, status: Any) -> None:
        """Runs on PortAudio's thread: copy, enqueue without blocking, count, keep the level."""
        self._watch.heard()
        if status.input_overflow:
            self._overflows += 1
        block = AudioBlock(indata.copy(), self.rate, self._clock(), self.channels)
        if self._resumed:
            self._resumed = False
            block.meta["reconnected"] = True
        if self._out is not None:
            try:
                self._out.put_nowait(block)
            except queue.Full:
                self._dropped += 1
        level = rms(indata[::4])
        self._squares = (self._squares[1], level * level)

    def _finished(self) -> None:
        """PortAudio finished the stream: unless we asked, the device is lost."""
        self._watch.lost("the audio stream stopped (device unplugged or failed)")

    def _open(self) -> None:
        """Open and start a stream on the current device."""
        sd = self._sd
        blocksize = max(1, self.rate * self.blocksize_ms // 1000)
        self._watch.opened()  # before start(): a stream that dies at once must still count
        stream = None
        try:
            stream = sd.InputStream(
                device=self.device.index,
                samplerate=self.rate,
                channels=self.channels,
                dtype=self.dtype,
                blocksize=blocksize,
                callback=self._callback,
                finished_callback=self._finished,
            )
            stream.start()
        except (sd.PortAudioError, ValueError) as error:
            if stream is not None:
                stream.close(ignore_errors=True)
            raise DeviceError(f"cannot open input device {self.name!r}: {error}") from error
        self._stream = stream

    def _close(self) -> None:
        stream, self._stream = self._stream, None
        if stream is not None:
            try:
                stream.close(ignore_errors=True)
            except self._sd.PortAudioError:
                pass  # the device is already gone; there is nothing left to release

    # -- reconnection (called by the supervisor) -------------------------------------------

    def close_stream(self) -> None:
        """Close the lost stream."""
        self._close()

    def reopen(self) -> None:
        """Find the device again (PortAudio restarted, so new devices are seen) and open it."""
        self._refresh_portaudio()
        self.device = self._find_again(list_input_devices(self._sd))
        self._resumed = True
        self._open()
        self.name = self.device.name

    def _find_again(self, devices: list[InputDevice]) -> InputDevice:
        """The same device after a reconnect: by its exact old name (indexes may shift), else
        by the user's spec (None: the default input)."""
        for device in devices:
            if device.name == self.device.name:
                return device
        return resolve_device(self.spec, devices)

    def _refresh_portaudio(self) -> None:
        """Re-initialise PortAudio so devices plugged in since start are seen."""
        sd = self._sd
        crash = portaudio_crash()
        if crash:
            raise DeviceError(crash)
        try:
            sd._terminate()
            sd._initialize()
        except sd.PortAudioError as error:
            raise DeviceError(f"PortAudio failed to restart: {error}") from error

    def _set_state(self, state: DeviceState, reason: str = "") -> None:
        self.state, self.reason = state, reason
        if self.on_state is not None:
            self.on_state(state, reason)
