"""A real PortAudio capture device without hardware: an ALSA `type file` PCM reading raw audio.

PortAudio reads the ALSA configuration when it initialises, which sounddevice does on import,
so captures run in a child Python process started with `ALSA_CONFIG_PATH` set. The file PCM is
not paced in real time: a capture gets the raw file's samples as fast as PortAudio can read.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from tests.support import IN_CI, require_program

DEVICE = "boardless_test_mic"
SYSTEM_ALSA_CONF = Path("/usr/share/alsa/alsa.conf")
#: The file device reports PortAudio's preferred rate; 16-bit stereo at it is what we capture.
RATE = 44_100
CHANNELS = 2


def capture_pcm(name: str, infile: Path) -> str:
    """ALSA config text for a capture PCM `name` that reads raw S16_LE frames from `infile`."""
    return (
        f"pcm.{name} {{\n"
        "    type file\n"
        "    slave.pcm {\n        type null\n    }\n"
        '    file "/dev/null"\n'
        f'    infile "{infile}"\n'
        '    format "raw"\n'
        "}\n"
    )


def playback_only_pcm(name: str) -> str:
    """ALSA config text for a PCM that can only play: it is no input device."""
    return f"pcm.{name} {{\n    type asym\n    playback.pcm {{\n        type null\n    }}\n}}\n"


#: An ALSA configuration that defines no device PortAudio lists: PortAudio asserts and aborts
#: while building its device list (PortAudio issue #294) unless real sound cards exist.
CRASHING_CONFIG = """defaults.pcm.card 0
defaults.pcm.device 0
defaults.pcm.subdevice -1
defaults.pcm.nonblock 1
defaults.pcm.compat 0
defaults.ctl.card 0
pcm.null {
    type null
}
"""


def crashing_env(directory: Path) -> dict[str, str]:
    """An environment whose ALSA configuration makes PortAudio abort on start-up."""
    path = directory / "crashing.conf"
    path.write_text(CRASHING_CONFIG, encoding="utf-8")
    return dict(os.environ, ALSA_CONFIG_PATH=str(path))


def base_config(directory: Path) -> Path:
    """The system alsa.conf without its hooks that load /etc/asound.conf and ~/.asoundrc, so
    only the devices a test defines (and real sound cards, if any) exist."""
    if not SYSTEM_ALSA_CONF.is_file():
        message = f"needs the ALSA configuration {SYSTEM_ALSA_CONF} (Debian package libasound2)"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    text = SYSTEM_ALSA_CONF.read_text(encoding="utf-8")
    text = re.sub(r"(?ms)^@hooks \[.*?^\]\n", "", text, count=1)
    path = directory / "base.conf"
    path.write_text(text, encoding="utf-8")
    return path


def alsa_env(directory: Path, devices_text: str) -> tuple[dict[str, str], Path]:
    """An environment whose ALSA sees `devices_text`; returns it and the devices file (which a
    test may rewrite to make devices vanish and return)."""
    devices = directory / "devices.conf"
    devices.write_text(devices_text, encoding="utf-8")
    env = dict(os.environ)
    env["ALSA_CONFIG_PATH"] = f"{base_config(directory)}:{devices}"
    return env, devices


def speech_raw(directory: Path, text: str, rate: int = RATE, channels: int = CHANNELS) -> Path:
    """Speak `text` with espeak-ng and convert it with sox to raw S16_LE at `rate`/`channels`."""
    espeak = require_program("espeak-ng")
    sox = require_program("sox")
    wav = directory / "speech.wav"
    raw = directory / "speech.raw"
    subprocess.run([espeak, "-w", str(wav), text], check=True, capture_output=True)
    subprocess.run(
        [
            sox,
            str(wav),
            "-r",
            str(rate),
            "-c",
            str(channels),
            "-b",
            "16",
            "-e",
            "signed-integer",
            "-t",
            "raw",
            str(raw),
        ],
        check=True,
        capture_output=True,
    )
    return raw


def read_raw(path: Path) -> np.ndarray:
    """The raw file's samples as a flat int16 array (channels interleaved)."""
    return np.fromfile(path, dtype="<i2")


def run_child(code: str, env: dict[str, str], timeout: float = 60) -> Any:
    """Run `code` in a child Python with `env`; its last stdout line is JSON, returned parsed."""
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=timeout
    )
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        raise AssertionError(
            f"child failed ({done.returncode}):\n{done.stdout[-2000:]}\n{done.stderr[-4000:]}"
        )
    return json.loads(lines[-1])
