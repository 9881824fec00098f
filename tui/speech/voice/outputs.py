"""PortAudio output devices for the voice: listing them and choosing one by index, name or
default. PortAudio is loaded the way the microphone loads it (`sources.devices`), so a broken
ALSA set-up or a missing library is one line here too.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import ModuleType

from tui.speech.errors import DeviceError
from tui.speech.sources.devices import sounddevice_module
from tui.speech.voice.errors import OutputDeviceError

NO_OUTPUT = "no audio output device found: plug in speakers or headphones"


@dataclass(frozen=True)
class OutputDevice:
    """One playback device as PortAudio reports it."""

    index: int
    name: str
    channels: int
    default_rate: int
    is_default: bool


def output_sounddevice() -> ModuleType:
    """sounddevice, or OutputDeviceError when PortAudio is missing or would crash."""
    try:
        return sounddevice_module()
    except DeviceError as error:
        raise OutputDeviceError(f"no audio output: {error}") from error


def list_output_devices(sd: ModuleType | None = None) -> list[OutputDevice]:
    """Every device with at least one output channel, in PortAudio order."""
    sd = sd or output_sounddevice()
    try:
        devices = sd.query_devices()
        default = _default_output_index(sd)
    except sd.PortAudioError as error:
        raise OutputDeviceError(f"cannot list audio output devices: {error}") from error
    return [
        OutputDevice(
            index=int(info["index"]),
            name=str(info["name"]),
            channels=int(info["max_output_channels"]),
            default_rate=int(round(info["default_samplerate"])),
            is_default=int(info["index"]) == default,
        )
        for info in devices
        if info["max_output_channels"] > 0
    ]


def _default_output_index(sd: ModuleType) -> int | None:
    try:
        index = sd.default.device[1]
        if index is None or index < 0:
            return int(sd.query_devices(kind="output")["index"])
        return int(index)
    except (sd.PortAudioError, ValueError, TypeError):
        return None


def resolve_output_device(spec: str | int | None,
                          devices: list[OutputDevice]) -> OutputDevice:
    """Pick the output by index, by case-insensitive name (exact, else a unique substring), or
    the default. None found, an unknown index, no match or several: OutputDeviceError."""
    if not devices:
        raise OutputDeviceError(NO_OUTPUT)
    listing = "; ".join(f"{d.index}: {d.name}" for d in devices)
    if spec is None or (isinstance(spec, str) and not spec.strip()):
        default = [d for d in devices if d.is_default]
        return default[0] if default else devices[0]
    text = str(spec).strip()
    if isinstance(spec, int) or text.isdigit():
        for device in devices:
            if device.index == int(text):
                return device
        raise OutputDeviceError(f"no output device with index {text}; outputs are {listing}")
    exact = [d for d in devices if d.name.lower() == text.lower()]
    matches = exact or [d for d in devices if text.lower() in d.name.lower()]
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise OutputDeviceError(f"no output device matches {text!r}; outputs are {listing}")
    names = "; ".join(f"{d.index}: {d.name}" for d in matches)
    raise OutputDeviceError(f"{text!r} matches several output devices ({names}): give the index")
