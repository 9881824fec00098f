"""The shipped sample sessions: valid logs, current with the generator, coach flags reproducible."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

from tui.core.coach import OUTPUT_TYPES, recompute
from tui.core.debrief.export import export_session
from tui.core.session.eventlog import read_log
from tui.core.session.state import fold

SAMPLES = Path(__file__).resolve().parents[2] / "sample_sessions"
NAMES = ("strong-round", "jumps-to-design", "skips-framing")


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_samples", SAMPLES / "make_samples.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("name", NAMES)
def test_sample_is_a_complete_valid_session(name: str) -> None:
    loaded = read_log(SAMPLES / name / "events.jsonl")
    assert loaded.warnings == []
    state = fold(loaded.events)
    assert state.ended and state.closed
    assert state.layout.id == "netflix-l5" and state.prompt.id == "video-streaming-cdn"
    assert len(state.captions) > 80 and len(state.outline) >= 3
    assert (SAMPLES / name / "session.md").is_file()


@pytest.mark.parametrize("name", NAMES)
def test_sample_flags_are_what_replay_gives(name: str) -> None:
    events = read_log(SAMPLES / name / "events.jsonl").events
    live = [(e.type, e.t, dict(e.data)) for e in events if e.type in OUTPUT_TYPES]
    assert live == [(e.type, e.t, dict(e.data)) for e in recompute(events)]


def test_generator_reproduces_the_committed_samples(tmp_path: Path) -> None:
    module = _generator()
    for make in module.SAMPLES:
        log = make(tmp_path)
        name = log.parent.name
        assert log.read_bytes() == (SAMPLES / name / "events.jsonl").read_bytes(), name
        markdown = module.write_markdown(log).read_bytes()
        assert markdown == (SAMPLES / name / "session.md").read_bytes(), name


@pytest.mark.parametrize("name", NAMES)
def test_sample_markdown_is_the_export_of_its_log(name: str, tmp_path: Path) -> None:
    out = export_session(SAMPLES / name / "events.jsonl", tmp_path / "out.md")
    assert out.read_bytes() == (SAMPLES / name / "session.md").read_bytes()
    assert "## Debrief" in out.read_text(encoding="utf-8")
