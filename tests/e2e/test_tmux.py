"""The real `boardless practice --engine off` process in tmux at 100x30: start, type a layered
outline, change phase, export, quit; then check the session log and the Markdown file.
(Signals and crashes of the same process: tests/e2e/test_crash_safety.py.)"""

from __future__ import annotations

import re
from pathlib import Path

from tests.e2e.app_process import AppProcess
from tui.core.session.eventlog import read_log
from tui.core.session.state import fold


def test_practice_round_in_a_real_terminal(tmp_path: Path) -> None:
    data, config = tmp_path / "data", tmp_path / "config"
    env = {"BOARDLESS_DATA_DIR": str(data), "BOARDLESS_CONFIG_DIR": str(config),
           "TERM": "xterm-256color"}
    term = AppProcess(f"boardless-e2e-{id(tmp_path)}", env,
                      ["practice", "--engine", "off", "--prompt", "video-streaming-cdn"],
                      width=100, height=30).start(tmp_path)

    def wait_for(text: str) -> str:
        return term.wait_screen(re.escape(text))

    try:
        wait_for("Start (ctrl+t)")
        wait_for("captions off")
        term.keys("C-t")
        wait_for("Type a note")
        term.type("Client layer")
        term.keys("Enter", "Tab")
        term.type("-> player fetches segments")
        term.keys("Enter")
        term.type("! origin overload")
        term.keys("Enter", "BTab", "BTab")
        term.type("Serving layer")
        term.keys("Escape")
        term.wait_screen(r"■ Serving layer")  # drawn back at the top level (its glyph)
        assert re.search(r"• (→ )?player fetches segments", term.wait_screen("origin"))
        term.keys("C-n")
        term.wait_screen(r"▶ (Framing|2 Frame)")  # the full title, or its short one
        term.keys("C-e")
        wait_for("Exported Markdown")  # the toast with the path (which may wrap)
        assert list(data.glob("sessions/*/session.md"))
        term.keys("C-q")
        assert term.wait_exit() == 0
    finally:
        term.close()

    sessions = list((data / "sessions").iterdir())
    assert len(sessions) == 1
    events = read_log(sessions[0] / "events.jsonl").events
    types = [e.type for e in events]
    assert types[0] == "session_started" and types[-1] == "session_closed", " ".join(types[-8:])
    # notes are saved while typed too: the log folds to the outline that was typed
    outline = [(n.text, n.kind, depth) for n, depth in fold(events).outline.walk()]
    assert outline == [
        ("Client layer", "note", 0), ("player fetches segments", "flow", 1),
        ("origin overload", "risk", 1), ("Serving layer", "note", 0)]
    entered = [e["phase"] for e in events if e.type == "phase_entered"]
    assert entered == ["requirements", "framing"]
    markdown = (sessions[0] / "session.md").read_text(encoding="utf-8")
    for text in ("Client layer", "player fetches segments", "origin overload", "Serving layer"):
        assert text in markdown
