"""Speech errors: each is one line the user can act on; the app keeps running without captions."""

from __future__ import annotations

from tui.core.errors import BoardlessError


class SpeechError(BoardlessError):
    """Speech recognition cannot run (engine missing, failed to start)."""


class ModelError(SpeechError):
    """A speech model is missing, broken or could not be fetched."""


class AudioFileError(SpeechError):
    """An audio file that cannot be read (missing, empty, truncated, unsupported)."""


class DeviceError(SpeechError):
    """No usable audio input: PortAudio missing, no device, or the device failed."""


class WrongLanguageError(ModelError):
    """The only model found speaks another language than the one asked for (exit code 2)."""

    exit_code = 2


def one_line(error: BaseException) -> str:
    """The first line of an exception's message, with its type when the message is empty."""
    text = str(error).strip().splitlines()
    return text[0] if text else type(error).__name__
