"""Run `python -m tui ...` with a real pseudo-terminal as its stdin, stdout and stderr."""

from __future__ import annotations

import fcntl
import os
import pty
import re
import select
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

ANSI = re.compile(r"\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[@-Z\\-_])")
ROOT = Path(__file__).resolve().parent.parent


def plain(text: str) -> str:
    """`text` without terminal escape sequences."""
    return ANSI.sub("", text)


class PtyProcess:
    """The CLI on a pty of `columns` x `rows`: read what it prints, type to it, close it."""

    def __init__(self, *args: str, columns: int = 100, rows: int = 30,
                 env: dict[str, str] | None = None) -> None:
        self.master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
        environment = {**os.environ, "TERM": "xterm-256color", **(env or {})}
        for name in ("COLUMNS", "LINES", "NO_COLOR"):
            environment.pop(name, None)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tui", *args], stdin=slave, stdout=slave, stderr=slave,
            cwd=ROOT, env=environment, start_new_session=True, close_fds=True,
        )
        os.close(slave)
        self.output = ""

    def _read(self, timeout: float) -> bool:
        """Read what is there within `timeout`; False once the terminal is closed."""
        ready, _, _ = select.select([self.master], [], [], timeout)
        if not ready:
            return True
        try:
            data = os.read(self.master, 65536)
        except OSError:  # EIO: every writer of the terminal is gone
            return False
        if not data:
            return False
        self.output += data.decode("utf-8", "replace")
        return True

    def read_until(self, text: str, timeout: float = 60.0) -> str:
        """Everything printed until `text` shows (escape sequences removed); fail on timeout."""
        deadline = time.monotonic() + timeout
        while text not in plain(self.output):
            if time.monotonic() > deadline or not self._read(0.1):
                raise AssertionError(f"{text!r} never showed; got {plain(self.output)[-800:]!r}")
        return plain(self.output)

    def write(self, data: bytes) -> None:
        """Type `data`."""
        os.write(self.master, data)

    def finish(self, timeout: float = 60.0) -> int:
        """Read to the end and return the exit code (killing the process after `timeout`)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and self._read(0.1):
            pass
        try:
            return self.process.wait(max(0.1, deadline - time.monotonic()))
        finally:
            self.close()

    def close(self) -> None:
        """Stop the process if it still runs and close the terminal."""
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)
        try:
            os.close(self.master)
        except OSError:
            pass


def run_in_pty(*args: str, columns: int = 100, env: dict[str, str] | None = None,
               timeout: float = 60.0) -> tuple[int, str]:
    """Run a command to its end on a pty; its exit code and everything it printed (raw)."""
    proc = PtyProcess(*args, columns=columns, env=env)
    code = proc.finish(timeout)
    return code, proc.output
