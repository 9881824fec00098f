"""The microphone through sounddevice (PortAudio), with reconnection when the device goes away.

The PortAudio callback only copies the block into the bounded queue with `put_nowait`, counts
what it drops and overflows, and keeps a cheap level; it never blocks, prints or touches files.
A supervisor thread notices a lost stream (PortAudio finished it without being asked, or no
block has come for `stall_timeout` seconds: a device that went quiet without an error) and
reopens the device every `retry_interval` seconds until it is back, reporting `state` changes
through `on_state`.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import importlib
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType
from typing import Any

import numpy as np

from tui.speech.errors import DeviceError
from tui.speech.sources import AudioQueue, rms
from tui.speech.types import AudioBlock

PORTAUDIO_HINT = "PortAudio not found: sudo apt-get install libportaudio2"
LISTENING = "listening"
RECONNECTING = "reconnecting"
STOPPED = "stopped"
#: A live input delivers a block every `blocksize_ms`; none for this long means it stalled.
STALL_TIMEOUT_S = 5.0


@dataclass(frozen=True)
class InputDevice:
    """One capture device as PortAudio reports it."""

    index: int
    name: str
    channels: int
    default_rate: int
    is_default: bool
    hostapi: str = ""


#: Set to 1 to keep ALSA's own error messages (they go to fd 2 and garble the screen).
ALSA_DEBUG_ENV = "BOARDLESS_ALSA_DEBUG"
_alsa_handler: Any = None


def quiet_alsa() -> bool:
    """Stop libasound printing to stderr (it bypasses Python and garbles the screen).

    Installs a no-op `snd_lib_error_set_handler`; returns True when it did. Skipped when
    BOARDLESS_ALSA_DEBUG=1 or libasound is not there (macOS, Windows).
    """
    global _alsa_handler
    if _alsa_handler is not None:
        return True
    if os.environ.get(ALSA_DEBUG_ENV) == "1" or sys.platform != "linux":
        return False
    try:
        asound = ctypes.CDLL(ctypes.util.find_library("asound") or "libasound.so.2")
    except OSError:
        return False
    # void handler(const char *file, int line, const char *function, int err, const char *fmt, ...)
    handler_type = ctypes.CFUNCTYPE(
        None, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p
    )
    _alsa_handler = handler_type(lambda *_: None)  # kept alive for the life of the process
    asound.snd_lib_error_set_handler(_alsa_handler)
    return True


def portaudio_crash(timeout: float = 30.0) -> str | None:
    """Start PortAudio in a child process and say why it crashed, or None when it did not.

    Some ALSA set-ups make PortAudio abort the whole process while listing devices (an
    assertion in its ALSA device list when nothing usable is defined, PortAudio issue #294);
    probing first keeps such a crash out of the app. Skipped in frozen executables.
    """
    if getattr(sys, "frozen", False):
        return None
    code = "import sounddevice"
    try:
        done = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, timeout=timeout, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return None  # cannot tell; the import in this process will report what it finds
    if done.returncode >= 0:
        return None
    try:
        name = signal.Signals(-done.returncode).name
    except ValueError:
        name = f"signal {-done.returncode}"
    return (
        f"PortAudio crashed while listing audio devices ({name}): check the ALSA "
        "configuration (~/.asoundrc, /etc/asound.conf)"
    )


def sounddevice_module() -> ModuleType:
    """Import sounddevice; a missing PortAudio library or package, or a PortAudio that would
    crash this process on start-up, becomes one DeviceError line."""
    quiet_alsa()
    if "sounddevice" not in sys.modules:
        crash = portaudio_crash()
        if crash:
            raise DeviceError(crash)
    try:
        sounddevice = importlib.import_module("sounddevice")
    except OSError as error:
        raise DeviceError(PORTAUDIO_HINT) from error
    except ImportError as error:
        raise DeviceError(
            f"sounddevice is not installed: pip install sounddevice ({error})"
        ) from error
    return sounddevice


def list_input_devices(sd: ModuleType | None = None) -> list[InputDevice]:
    """Every device with at least one input channel, in PortAudio order."""
    sd = sd or sounddevice_module()
    try:
        devices = sd.query_devices()
        hostapis = sd.query_hostapis()
        default_in = _default_input_index(sd)
    except sd.PortAudioError as error:
        raise DeviceError(f"cannot list audio devices: {error}") from error
    found = []
    for info in devices:
        if info["max_input_channels"] > 0:
            found.append(
                InputDevice(
                    index=int(info["index"]),
                    name=str(info["name"]),
                    channels=int(info["max_input_channels"]),
                    default_rate=int(round(info["default_samplerate"])),
                    is_default=int(info["index"]) == default_in,
                    hostapi=str(hostapis[info["hostapi"]]["name"]),
                )
            )
    return found


def _default_input_index(sd: ModuleType) -> int | None:
    try:
        index = sd.default.device[0]
        if index is None or index < 0:
            info = sd.query_devices(kind="input")
            return int(info["index"])
        return int(index)
    except (sd.PortAudioError, ValueError, TypeError):
        return None


def resolve_device(spec: str | int | None, devices: list[InputDevice]) -> InputDevice:
    """Pick the input by index, by case-insensitive name substring, or the default.

    No inputs, an unknown index, no match or several matches: a DeviceError listing the inputs.
    """
    if not devices:
        raise DeviceError("no audio input device found: plug in a microphone (or use --audio-file FILE)")
    listing = "; ".join(f"{d.index}: {d.name}" for d in devices)
    if spec is None or (isinstance(spec, str) and not spec.strip()):
        default = [d for d in devices if d.is_default]
        return default[0] if default else devices[0]
    text = str(spec).strip()
    if isinstance(spec, int) or text.isdigit():
        index = int(text)
        for device in devices:
            if device.index == index:
                return device
        raise DeviceError(f"no input device with index {index}; inputs are {listing}")
    exact = [d for d in devices if d.name.lower() == text.lower()]
    matches = exact or [d for d in devices if text.lower() in d.name.lower()]
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise DeviceError(f"no input device matches {text!r}; inputs are {listing}")
    names = "; ".join(f"{d.index}: {d.name}" for d in matches)
    raise DeviceError(f"{text!r} matches several input devices ({names}): give the index")


CHOOSE_HINT = "choose with --device NAME|INDEX (see 'boardless devices') or --audio-file FILE"


def describe_microphone(spec: str | int | None) -> str:
    """The input a round would listen to, or that there is none and how to choose: one line."""
    try:
        devices = list_input_devices()
    except DeviceError as error:
        return f"no microphone ({error}); {CHOOSE_HINT}"
    if not devices:
        return f"no microphone found: plug one in, or {CHOOSE_HINT}"
    try:
        device = resolve_device(spec, devices)
    except DeviceError as error:
        return f"no microphone: {error}; {CHOOSE_HINT}"
    if spec is None:
        return f"microphone {device.name} (the default; another with --device NAME|INDEX)"
    return f"microphone {device.name} (device {device.index})"


class MicrophoneSource:
    """Capture from a PortAudio input at its own rate and channels (at most 2), as int16.

    `state` is "listening", "lost: <reason>", "reconnecting" or "stopped"; every change is
    passed to `on_state` (from the thread that made it: the caller of start/stop, or the
    supervisor thread while reconnecting). The first block after a reconnection
    has `meta["reconnected"] = True`: the audio before it has a gap.
    """

    realtime = True

    def __init__(
        self,
        device: str | int | None = None,
        blocksize_ms: int = 50,
        on_state: Callable[[str], None] | None = None,
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
        self.retry_interval = retry_interval
        self.dtype = dtype
        self.stall_timeout = stall_timeout
        self._clock = clock
        self._last_block_at = 0.0
        self._sleep = sleep or self._interruptible_sleep
        self.device = resolve_device(device, list_input_devices(self._sd))
        self.name = self.device.name
        self.state = STOPPED
        self._out: AudioQueue | None = None
        self._stream: Any = None
        self._stopping = threading.Event()
        self._lost = threading.Event()
        self._lost_reason = ""
        self._supervisor: threading.Thread | None = None
        self._dropped = 0
        self._overflows = 0
        self._squares = (0.0, 0.0)
        self.reconnects = 0
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

    def start(self, out: AudioQueue) -> None:
        """Open the device and deliver blocks to `out`; a DeviceError if it cannot open."""
        if self._supervisor is not None:
            raise RuntimeError("MicrophoneSource.start() called twice")
        self._out = out
        self._stopping.clear()
        self._open()
        self._set_state(LISTENING)
        self._supervisor = threading.Thread(
            target=self._supervise, name=f"mic-{self.name}", daemon=True
        )
        self._supervisor.start()

    def stop(self) -> None:
        """Stop capturing, then put the end-of-stream None. Safe to call twice."""
        if self._stopping.is_set():
            return
        self._stopping.set()
        self._lost.set()
        if self._supervisor is not None:
            self._supervisor.join()
        self._close()
        self._set_state(STOPPED)
        if self._out is not None:
            try:
                self._out.put(None, timeout=2.0)
            except queue.Full:
                self._dropped += 1

    # -- PortAudio side -------------------------------------------------------------------

    def _callback(self, indata: np.ndarray, frames: int, time_info: Any, status: Any) -> None:
        """Runs on PortAudio's thread: copy, enqueue without blocking, count, keep the level."""
        self._last_block_at = self._clock()
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
        if not self._stopping.is_set():
            self._lost_reason = "the audio stream stopped (device unplugged or failed)"
            self._lost.set()

    def _open(self) -> None:
        """Open and start a stream on the current device."""
        sd = self._sd
        blocksize = max(1, self.rate * self.blocksize_ms // 1000)
        self._lost.clear()  # before start(): a stream that dies at once must still count
        self._last_block_at = self._clock()  # the stall timeout runs from the opening
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

    # -- supervision ----------------------------------------------------------------------

    def _supervise(self) -> None:
        """Wait for a lost stream, then reconnect until the device is back or we stop."""
        while not self._stopping.is_set():
            self._wait_for_loss()
            if self._stopping.is_set():
                return
            reason = self._lost_reason  # closing a stalled stream finishes it, which says why too
            self._close()
            self._set_state(f"lost: {reason}")
            self._reconnect()

    def _wait_for_loss(self) -> None:
        """Return once the stream is lost (or stop() is called). PortAudio reports a failed
        device by finishing the stream; one that just stops calling back is caught here, when no
        block has come for `stall_timeout` seconds."""
        while not self._lost.wait(min(1.0, self.stall_timeout / 4)):
            silent = self._clock() - self._last_block_at
            if silent > self.stall_timeout:
                self._lost_reason = (f"no audio from the device for {silent:.1f} s "
                                     "(it stopped delivering)")
                self._lost.set()

    def _reconnect(self) -> None:
        while not self._stopping.is_set():
            self._sleep(self.retry_interval)
            if self._stopping.is_set():
                return
            self._set_state(RECONNECTING)
            try:
                self._refresh_portaudio()
                self.device = self._find_again(list_input_devices(self._sd))
                self._resumed = True
                self._open()
            except DeviceError as error:
                self._set_state(f"lost: {error}")
                continue
            self.name = self.device.name
            self.reconnects += 1
            self._set_state(LISTENING)
            return

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

    def _interruptible_sleep(self, seconds: float) -> None:
        self._stopping.wait(seconds)

    def _set_state(self, state: str) -> None:
        self.state = state
        if self.on_state is not None:
            self.on_state(state)
