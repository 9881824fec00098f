"""PortAudio output devices for the voice: listing them and choosing one by index, name or
default. PortAudio is loaded the way the microphone loads it (`sources.devices`), so a broken
ALSA set-up or a missing library is one line here too.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import ModuleType

from tui.speech.device_choice import default_index, pick_device
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
        default = default_index(sd, "output")
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


def resolve_output_device(spec: str | int | None,
                          devices: list[OutputDevice]) -> OutputDevice:
    """Pick the output by index, by case-insensitive name (exact, else a unique substring), or
    the default. None found, an unknown index, no match or several: OutputDeviceError."""
    return pick_device(spec, devices, "output", OutputDeviceError, NO_OUTPUT)


def workable_rate(sd: ModuleType, device: OutputDevice, rate: int) -> int:
    """`rate`, or the device's own rate when it will not take `rate`, for 16-bit mono output;
    OutputDeviceError when it takes neither."""
    for candidate in dict.fromkeys((rate, device.default_rate)):
        try:
            sd.check_output_settings(device=device.index, channels=1, dtype="int16",
                                     samplerate=candidate)
            return candidate
        except (sd.PortAudioError, ValueError):
            continue
    raise OutputDeviceError(f"output device {device.name!r} takes neither {rate} Hz nor its own "
                            f"{device.default_rate} Hz mono")
