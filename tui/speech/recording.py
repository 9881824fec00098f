"""The round's recording: every block the pipeline receives, skipped and paused ones too, as a
16 kHz mono 16-bit WAV, so that its times line up with the captions'."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from tui.speech.errors import one_line
from tui.speech.types import ENGINE_RATE


class Recording:
    """A WAV file being written; `open` says in a few words how it went (or why it is off)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._file: Any = None

    def open(self) -> str:
        """Create the file; returns ", recording to NAME" or " (recording off: REASON)"."""
        import soundfile as sf

        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._file = sf.SoundFile(
                str(self.path), mode="w", samplerate=ENGINE_RATE, channels=1,
                subtype="PCM_16", format="WAV",
            )
        except (OSError, RuntimeError) as error:
            return f" (recording off: {one_line(error)})"
        return f", recording to {self.path.name}"

    def write(self, pcm: np.ndarray) -> None:
        """Append 16 kHz mono samples (nothing when the file could not be opened)."""
        if self._file is not None and len(pcm):
            self._file.write(pcm)

    def close(self) -> None:
        """Finish the file; safe to call twice."""
        file, self._file = self._file, None
        if file is not None:
            file.close()
