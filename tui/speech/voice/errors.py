"""Voice errors: each is one line the user can act on; the round goes on without the voice."""

from __future__ import annotations

from tui.core.errors import BoardlessError


class VoiceError(BoardlessError):
    """The interviewer's voice cannot speak."""


class VoiceLoadError(VoiceError):
    """The voice model is missing or cannot load (hibari-tts or onnxruntime not installed, a
    damaged model file)."""


class OutputDeviceError(VoiceError):
    """No audio output to play the voice on: PortAudio missing, no output device, an unknown
    one, or the device failed."""
