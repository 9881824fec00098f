"""One place that turns `--audio-file FILE` / `--device D` into an audio source."""

from __future__ import annotations

from pathlib import Path

from tui.speech.sources.audio_source import AudioSource
from tui.speech.sources.device_state import StateCallback


def make_source(
    audio_file: Path | None,
    device: str | None,
    speed: float = 1.0,
    on_state: StateCallback | None = None,
) -> AudioSource:
    """A file source when `audio_file` is given, else the microphone `device` (None: default).

    `on_state(state, reason)` receives the microphone's `DeviceState` changes (with the reason
    when it is lost) so the screen can say what happened to the device.
    Raises AudioFileError or DeviceError (one line) when the source cannot be used.
    """
    if audio_file is not None:
        from tui.speech.sources.file_source import FileSource

        return FileSource(audio_file, speed=speed)
    from tui.speech.sources.microphone import MicrophoneSource

    return MicrophoneSource(device, on_state=on_state)
