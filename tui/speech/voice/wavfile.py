"""Writing the voice to a WAV file: 16-bit mono PCM, replaced in one step."""

from __future__ import annotations

import os
from pathlib import Path

import soundfile as sf

from tui.speech.voice.errors import VoiceError
from tui.speech.voice.synthesis import Speech


def write_wav(speech: Speech, path: Path) -> Path:
    """Write `speech` to `path` as 16-bit mono WAV at its rate. The file appears whole or not
    at all (written beside it, then renamed); a path that cannot be written is a VoiceError."""
    if not path.parent.is_dir():
        raise VoiceError(f"cannot write {path}: no directory {path.parent}")
    if path.is_dir():
        raise VoiceError(f"cannot write {path}: it is a directory")
    partial = path.with_name(path.name + ".part")
    try:
        sf.write(str(partial), speech.int16(), speech.rate, subtype="PCM_16", format="WAV")
        os.replace(partial, path)
    except (OSError, RuntimeError) as error:  # soundfile's LibsndfileError is a RuntimeError
        try:
            partial.unlink()
        except OSError:
            pass
        reason = getattr(error, "strerror", None) or str(error)
        raise VoiceError(f"cannot write {path}: {reason}") from error
    return path
