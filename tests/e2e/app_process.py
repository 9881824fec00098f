"""The real `boardless` process in a private tmux server, watched from outside.

Used by the crash-safety tests: start the console script from the venv, send keys, read the
screen and the session log while it runs, and signal the process directly (the pane runs the
app itself, not a shell, so the pane's pid is the app's pid).
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import soundfile as sf

from tests.support import require_program

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "audio"
#: Clips of English design talk, looped into one long recording for the file source.
CLIPS = ("hibari_pause.wav", "hibari_requirements.wav", "hibari_failure.wav",
         "hibari_walkthrough.wav")
POLL_S = 0.03
#: Runs the app as a child in the pane and records its pid and exit status in files (tmux does
#: not always reap a pane's process promptly, so its own exit status is unreliable). Like a
#: shell, it passes a hangup (the terminal closing) on to the app.
RUNNER = (
    "import signal, subprocess, sys\n"
    "child = subprocess.Popen(sys.argv[3:])\n"
    "for sig in (signal.SIGINT, signal.SIGTERM):\n"
    "    signal.signal(sig, signal.SIG_IGN)\n"
    "signal.signal(signal.SIGHUP, lambda *_: child.send_signal(signal.SIGHUP))\n"
    "open(sys.argv[1], 'w').write(str(child.pid))\n"
    "code = child.wait()\n"
    "open(sys.argv[2], 'w').write(str(code))\n"
)


def boardless_bin() -> Path:
    """The console script installed next to this interpreter."""
    path = Path(sys.executable).parent / "boardless"
    assert path.exists(), f"no boardless console script at {path}"
    return path


def long_recording(path: Path, seconds: float = 120.0) -> Path:
    """A 16 kHz mono WAV of the English fixtures repeated to `seconds`, so captions stream for
    the whole life of a trial."""
    clips = [sf.read(FIXTURES / name, dtype="int16")[0] for name in CLIPS]
    rate = sf.info(FIXTURES / CLIPS[0]).samplerate
    pieces: list[np.ndarray] = []
    total = 0
    while total < seconds * rate:
        for clip in clips:
            pieces.append(clip)
            total += len(clip)
    sf.write(path, np.concatenate(pieces)[: int(seconds * rate)], rate, subtype="PCM_16")
    return path


def wait_for(predicate: Callable[[], Any], timeout: float, what: str) -> Any:
    """Poll `predicate` until it returns something truthy; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:g} s waiting for {what}")
        time.sleep(POLL_S)


def log_lines(path: Path | None) -> list[dict[str, Any]]:
    """The complete lines of a log as written so far (a torn last line is left out)."""
    if path is None:
        return []
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return []
    out = []
    for line in raw.split(b"\n")[:-1]:
        if line.strip():
            out.append(json.loads(line))
    return out


@dataclass
class Snapshot:
    """What the outside world saw at one moment: the log's complete lines and the screen."""

    at: float
    lines: list[dict[str, Any]]
    screen: str

    @property
    def events(self) -> int:
        return len(self.lines)


@dataclass
class AppProcess:
    """One `boardless` run in its own tmux server."""

    name: str
    env: dict[str, str]
    args: list[str]
    width: int = 110
    height: int = 34
    snapshots: list[Snapshot] = field(default_factory=list)
    pid: int = 0
    _conf: Path | None = None
    _pid_file: Path | None = None
    _status_file: Path | None = None

    @property
    def socket(self) -> str:
        """This run's tmux server: its name and this process's id (tests may run in several
        processes at once, where object ids can repeat)."""
        return f"{self.name}-{os.getpid()}"

    def tmux(self, *args: str, check: bool = True) -> str:
        tmux = require_program("tmux")
        done = subprocess.run([tmux, "-L", self.socket, "-f", str(self._conf), *args],
                              capture_output=True, text=True, timeout=20, check=False)
        if check and done.returncode != 0:
            raise AssertionError(f"tmux {' '.join(args)} failed: {done.stderr.strip()}")
        return done.stdout

    def start(self, directory: Path) -> AppProcess:
        """Start the app in a fresh tmux server, through RUNNER."""
        self._conf = directory / f"{self.name}.tmux.conf"
        self._conf.write_text("set -g remain-on-exit on\nset -g history-limit 0\n")
        self._pid_file = directory / f"{self.name}.pid"
        self._status_file = directory / f"{self.name}.status"
        env_args = [f"{key}={value}" for key, value in self.env.items()]
        self.tmux("new-session", "-d", "-s", "app", "-x", str(self.width), "-y",
                  str(self.height), "env", *env_args, sys.executable, "-c", RUNNER,
                  str(self._pid_file), str(self._status_file), str(boardless_bin()), *self.args)
        self.pid = int(wait_for(lambda: _read(self._pid_file), 10, "the app's pid"))
        return self

    def close(self) -> None:
        """Kill the app if it still runs, and this test's tmux server."""
        if self.pid and self.alive():
            try:
                os.kill(self.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.tmux("kill-server", check=False)

    # ---- the process ------------------------------------------------------------------------
    def alive(self) -> bool:
        """True until the app has exited."""
        return _read(self._status_file) is None

    def exit_status(self) -> int:
        """The exit code (negative: the signal that ended it)."""
        text = _read(self._status_file)
        assert text is not None, "the app is still running"
        return int(text)

    def signal(self, sig: signal.Signals) -> float:
        """Send `sig` to the app; returns the monotonic time it was sent."""
        os.kill(self.pid, sig)
        return time.monotonic()

    def wait_exit(self, timeout: float = 20.0) -> int:
        wait_for(lambda: not self.alive(), timeout, "the app to exit")
        return self.exit_status()

    # ---- keys and screen --------------------------------------------------------------------
    def keys(self, *keys: str) -> None:
        self.tmux("send-keys", "-t", "app", *keys)

    def type(self, text: str) -> None:
        self.tmux("send-keys", "-t", "app", "-l", "--", text)  # text may start with "-"

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-t", "app", check=False)

    def wait_screen(self, pattern: str, timeout: float = 20.0) -> str:
        """Poll the screen until `pattern` (a regex) shows; returns the screen."""
        regex = re.compile(pattern)
        return wait_for(lambda: (s := self.screen()) and regex.search(s) and s, timeout,
                        f"{pattern!r} on screen; last screen:\n{self.screen()}")

    # ---- outside observation ----------------------------------------------------------------
    def observe(self, log: Path | None) -> Snapshot:
        """Record the log's complete lines and the screen now."""
        shot = Snapshot(time.monotonic(), log_lines(log), self.screen())
        self.snapshots.append(shot)
        return shot

    def observe_until(self, deadline: float, log: Path | None) -> None:
        """Keep observing (the log and the screen) until the monotonic `deadline`."""
        while time.monotonic() < deadline:
            self.observe(log)
            time.sleep(POLL_S)

    def seen_before(self, moment: float) -> Snapshot | None:
        """The last snapshot taken at or before `moment`."""
        earlier = [s for s in self.snapshots if s.at <= moment]
        return earlier[-1] if earlier else None


def _read(path: Path | None) -> str | None:
    try:
        text = path.read_text().strip() if path is not None else ""
    except FileNotFoundError:
        return None
    return text or None


def session_log(data_dir: Path) -> Path | None:
    """The one session log under a data directory, once it exists."""
    found = sorted(data_dir.glob("sessions/*/events.jsonl"))
    return found[-1] if found else None


#: A committed note on screen: margin "<phase> <m:ss>│", a glyph, the text (a draft shows "new").
COMMITTED = re.compile(r"\b[a-z]{2,6}\s+\d+:\d\d│\s*\S (.+?)\s*(?:▁|$)", re.MULTILINE)
TYPED = re.compile(r"(?:\b[a-z]{2,6}\s+\d+:\d\d|new)│\s*\S (.+?)\s*(?:▁|$)", re.MULTILINE)
CLOCK = re.compile(r"(\d+:\d\d(?::\d\d)?) / 1:00:00")


def typed_notes(screen: str) -> list[str]:
    """Texts of every note row on screen, saved or being typed (a new note's margin reads
    "new" until it is first saved)."""
    return [m.group(1).split("…")[0].strip() for m in TYPED.finditer(screen)]


def committed_notes(screen: str) -> list[str]:
    """Texts of the notes the screen shows as saved (not the one being typed)."""
    return [m.group(1).strip() for m in COMMITTED.finditer(screen)]


def clock_seconds(screen: str) -> float | None:
    """The header's total round clock in seconds, if visible."""
    match = CLOCK.search(screen)
    if match is None:
        return None
    seconds = 0
    for part in match.group(1).split(":"):
        seconds = seconds * 60 + int(part)
    return float(seconds)
