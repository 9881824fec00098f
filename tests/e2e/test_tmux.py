"""The real `boardless practice --engine off` process in tmux at 100x30: start, type a layered
outline, change phase, export, quit; then check the session log and the Markdown file."""

from __future__ import annotations

import os
import shlex
import shutil
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.support import require_program
from tui.core.eventlog import read_log


def boardless_program() -> str:
    beside = Path(sys.executable).parent / "boardless"
    found = str(beside) if beside.exists() else shutil.which("boardless")
    if found is None:
        pytest.skip("the boardless console script is not installed")
    return found


class Tmux:
    """One detached tmux session running one command."""

    def __init__(self, tmux: str, command: str, env: dict[str, str]) -> None:
        self.tmux = tmux
        self.name = f"boardless-e2e-{uuid.uuid4().hex[:8]}"
        exports = " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items())
        subprocess.run([tmux, "new-session", "-d", "-s", self.name, "-x", "100", "-y", "30",
                        f"env {exports} {command}; echo BOARDLESS-EXIT=$?; sleep 30"],
                       check=True)

    def keys(self, *keys: str, literal: bool = False) -> None:
        flag = ["-l"] if literal else []
        subprocess.run([self.tmux, "send-keys", "-t", self.name, *flag, "--", *keys], check=True)

    def type(self, text: str) -> None:
        self.keys(text, literal=True)

    def screen(self) -> str:
        result = subprocess.run([self.tmux, "capture-pane", "-p", "-t", self.name],
                                capture_output=True, text=True, check=False)
        return result.stdout

    def wait_for(self, check: Callable[[str], bool] | str, timeout: float = 20.0) -> str:
        test = (lambda text: check in text) if isinstance(check, str) else check
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            text = self.screen()
            if test(text):
                return text
            time.sleep(0.1)
        raise AssertionError(f"timed out waiting for {check!r}; screen:\n{self.screen()}")

    def app_pid(self) -> int:
        """The boardless process: the child of the pane's shell."""
        pane = subprocess.run([self.tmux, "list-panes", "-t", self.name, "-F", "#{pane_pid}"],
                              capture_output=True, text=True, check=True).stdout.split()[0]
        children = Path(f"/proc/{pane}/task/{pane}/children").read_text().split()
        return int(children[0])

    def close(self) -> None:
        subprocess.run([self.tmux, "kill-session", "-t", self.name], check=False,
                       capture_output=True)


@pytest.fixture
def tmux() -> str:
    return require_program("tmux")


def test_practice_round_in_a_real_terminal(tmux: str, tmp_path: Path) -> None:
    data, config = tmp_path / "data", tmp_path / "config"
    env = {"BOARDLESS_DATA_DIR": str(data), "BOARDLESS_CONFIG_DIR": str(config),
           "TERM": "xterm-256color", "PATH": os.environ.get("PATH", "")}
    command = f"{shlex.quote(boardless_program())} practice --engine off --prompt video-streaming-cdn"
    term = Tmux(tmux, command, env)
    try:
        term.wait_for("Start (ctrl+t)")
        term.wait_for("captions off")
        term.keys("C-t")
        term.wait_for("Type a note")
        term.type("Client layer")
        term.keys("Enter", "Tab")
        term.type("-> player fetches segments")
        term.keys("Enter")
        term.type("! origin overload")
        term.keys("Enter", "BTab", "BTab")
        term.type("Serving layer")
        term.keys("Escape")
        term.wait_for("Serving layer")
        term.keys("C-n")
        term.wait_for("▶ Framing")
        term.keys("C-e")
        term.wait_for("Exported Markdown")  # the toast with the path (which may wrap)
        assert list(data.glob("sessions/*/session.md"))
        term.keys("C-q")
        term.wait_for("BOARDLESS-EXIT=0")
    finally:
        term.close()

    sessions = list((data / "sessions").iterdir())
    assert len(sessions) == 1
    events = read_log(sessions[0] / "events.jsonl").events
    types = [e.type for e in events]
    assert types[0] == "session_started" and types[-1] == "session_closed", " ".join(types[-8:])
    notes = [(e["text"], e["kind"], e["parent"]) for e in events if e.type == "note_added"]
    assert [(text, kind) for text, kind, _ in notes] == [
        ("Client layer", "note"), ("player fetches segments", "flow"),
        ("origin overload", "risk"), ("Serving layer", "note")]
    ids = {e["text"]: e["id"] for e in events if e.type == "note_added"}
    moves = [e for e in events if e.type == "note_moved"]
    assert notes[1][2] == ids["Client layer"]  # typed under its parent after Tab
    assert notes[2][2] == ids["Client layer"]
    assert notes[3][2] is None or moves  # outdented back to the top level
    entered = [e["phase"] for e in events if e.type == "phase_entered"]
    assert entered == ["requirements", "framing"]
    markdown = (sessions[0] / "session.md").read_text(encoding="utf-8")
    for text in ("Client layer", "player fetches segments", "origin overload", "Serving layer"):
        assert text in markdown


def test_sigterm_saves_what_was_typed(tmux: str, tmp_path: Path) -> None:
    data = tmp_path / "data"
    env = {"BOARDLESS_DATA_DIR": str(data), "BOARDLESS_CONFIG_DIR": str(tmp_path / "config"),
           "TERM": "xterm-256color", "PATH": os.environ.get("PATH", "")}
    command = f"{shlex.quote(boardless_program())} practice --engine off --prompt social-feed"
    term = Tmux(tmux, command, env)
    try:
        term.wait_for("Start (ctrl+t)")
        term.keys("C-t")
        term.wait_for("Type a note")
        term.type("typed, then the terminal closed")
        term.wait_for("the terminal closed")
        os.kill(term.app_pid(), signal.SIGTERM)
        term.wait_for("BOARDLESS-EXIT=0")
    finally:
        term.close()
    log = next((data / "sessions").iterdir()) / "events.jsonl"
    events = read_log(log).events
    assert events[-1].type == "session_closed"
    assert any(e.type == "note_added" and e["text"] == "typed, then the terminal closed"
               for e in events)
