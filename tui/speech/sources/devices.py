"""PortAudio and its input devices: loading PortAudio without letting it crash or garble the
screen, listing the inputs, and choosing one by index, name or default."""

from __future__ import annotations

import ctypes
import ctypes.util
import importlib
import os
import signal
import subprocess
import sys
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from tui.speech.device_choice import default_index, pick_device
from tui.speech.errors import DeviceError

PORTAUDIO_HINT = "PortAudio not found: sudo apt-get install libportaudio2"


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
        default_in = default_index(sd, "input")
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


def resolve_device(spec: str | int | None, devices: list[InputDevice]) -> InputDevice:
    """Pick the input by index, by case-insensitive name substring, or the default.

    No inputs, an unknown index, no match or several matches: a DeviceError listing the inputs.
    """
    return pick_device(spec, devices, "input", DeviceError,
                       "no audio input device found: plug in a microphone "
                       "(or use --audio-file FILE)")


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
