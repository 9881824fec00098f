"""docs/session-format.md is precise enough to write a log by hand: its example loads."""

from __future__ import annotations

import re
from pathlib import Path

from tui.core.debrief.export import render_markdown
from tui.core.session.eventlog import read_log
from tui.core.session.events import FIELDS
from tui.core.session.state import fold

DOC = Path(__file__).resolve().parents[2] / "docs" / "session-format.md"


def test_hand_written_example_loads_and_exports(tmp_path: Path) -> None:
    text = DOC.read_text(encoding="utf-8")
    example = re.search(r"```json\n(.*?)```", text, re.S)
    assert example is not None
    log = tmp_path / "events.jsonl"
    log.write_text(example.group(1), encoding="utf-8")
    loaded = read_log(log)
    assert loaded.warnings == []
    state = fold(loaded.events)
    assert state.ended and [n.text for n, _ in state.outline.walk()] == [
        "100M links a day", "Write path", "hash the URL, store in KV"]
    assert state.phases.elapsed("requirements", state.last_t) == 95
    assert "Flow: hash the URL" in render_markdown(state)


def test_every_event_type_is_documented() -> None:
    text = DOC.read_text(encoding="utf-8")
    for event_type in FIELDS:
        assert f"| `{event_type}` |" in text, event_type
