"""Listening-back errors: one line each; the replay goes on silently with the line shown."""

from __future__ import annotations

from tui.speech.voice.errors import OutputDeviceError, VoiceError

__all__ = ["OutputDeviceError", "RecordingUnreadable"]


class RecordingUnreadable(VoiceError):
    """The round's recording cannot be played: missing, empty or not a sound file. A sibling
    of `OutputDeviceError` (both are `VoiceError`s): catch `VoiceError` for either."""
