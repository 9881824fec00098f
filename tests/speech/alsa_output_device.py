"""A real PortAudio playback device without hardware: an ALSA `type file` PCM writing raw audio.

The output twin of `alsa_file_device` (which reads a raw file as a microphone): what PortAudio
plays on the device lands in a raw file in the stream's own format, so a test can compare it
sample by sample with what it played. Like captures, playback runs in a child Python started
with `ALSA_CONFIG_PATH` set (PortAudio reads the ALSA configuration once, on import). The file
PCM is not paced in real time: a write returns as soon as the data is in the file.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from tests.speech.alsa_file_device import alsa_env

SPEAKER = "boardless_test_speaker"


def playback_pcm(name: str, outfile: Path) -> str:
    """ALSA config text for a PCM `name` that writes what is played to `outfile`, raw (in the
    format the stream opened with: 16-bit little-endian for an int16 stream)."""
    return (
        f"pcm.{name} {{\n"
        "    type file\n"
        '    slave.pcm "null"\n'
        f'    file "{outfile}"\n'
        '    format "raw"\n'
        "}\n"
    )


def capture_only_pcm(name: str) -> str:
    """ALSA config text for a PCM that can only capture: it is no output device."""
    return f"pcm.{name} {{\n    type asym\n    capture.pcm {{\n        type null\n    }}\n}}\n"


def speaker_env(directory: Path, outfile: Path) -> dict[str, str]:
    """An environment whose ALSA has one playback device, SPEAKER, writing to `outfile`."""
    env, _ = alsa_env(directory, playback_pcm(SPEAKER, outfile))
    return env


def no_output_env(directory: Path) -> dict[str, str]:
    """An environment whose ALSA has a capture device and no playback device at all."""
    env, _ = alsa_env(directory, capture_only_pcm("boardless_test_mic_only"))
    return env


def played(outfile: Path) -> np.ndarray:
    """What the device wrote: a flat int16 array (mono streams)."""
    if not outfile.exists():
        return np.zeros(0, dtype=np.int16)
    return np.fromfile(outfile, dtype="<i2")


def contains_only(written: np.ndarray, expected: np.ndarray) -> bool:
    """Whether `written` is `expected`, in one piece, with nothing but silence (zeros) around
    it: PortAudio may pad the stream's first and last buffer with silence, nothing else."""
    first = int(np.flatnonzero(expected)[0])
    nonzero = np.flatnonzero(written)
    if not len(nonzero) or len(written) < len(expected):
        return False
    offset = int(nonzero[0]) - first
    if offset < 0 or offset + len(expected) > len(written):
        return False
    rest = np.concatenate([written[:offset], written[offset + len(expected):]])
    return bool(np.array_equal(written[offset:offset + len(expected)], expected)
                and not rest.any())
