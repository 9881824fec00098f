"""Small pure pieces of the app: the line editor, draft placement, the replay clock, key table."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from rich.style import Style

from tui.app.keys import ACTIONS, display_key, key_map
from tui.app.replay import Replayer
from tui.app.widgets.draft import Draft, draft_row, indent_draft, outdent_draft
from tui.app.widgets.text_edit import LineEdit
from tui.core.round.outline import Outline
from tui.core.session.clock import FakeClock
from tui.core.session.events import make_event


def test_line_edit_keys() -> None:
    edit = LineEdit("cache")
    assert not edit.dirty and edit.pos == 5
    edit.key("home")
    edit.insert("! ")
    edit.key("end")
    edit.key("backspace")
    edit.key("left")
    edit.key("delete")
    edit.key("right")
    assert edit.text == "! cac" and edit.dirty and edit.pos == 5
    segments = edit.segments(4, Style(), Style(reverse=True))
    assert "".join(s.text for s in segments) == "cac "  # scrolled to keep the caret in view


def outline_with(*notes: tuple[str, str | None]) -> Outline:
    outline = Outline()
    for t, (note_id, parent) in enumerate(notes):
        outline.apply(make_event("note_added", t, id=note_id, text=note_id, parent=parent))
    return outline


def rows(outline: Outline) -> list[SimpleNamespace]:
    return [SimpleNamespace(note=note, depth=depth) for note, depth in outline.walk(True)]


def test_draft_placement_follows_the_subtree() -> None:
    outline = outline_with(("a", None), ("a1", "a"), ("b", None))
    draft = Draft(None, 1, "a")  # after a (and its child), before b
    assert draft_row(outline, rows(outline), draft) == 2
    assert draft.depth(outline) == 0
    indented = indent_draft(outline, draft)
    assert indented == Draft("a", 1, "a1")
    assert indented.depth(outline) == 1
    assert draft_row(outline, rows(outline), indented) == 2
    assert outdent_draft(outline, indented) == Draft(None, 1, "a")
    assert indent_draft(outline, Draft(None, 0, None)) is None
    assert outdent_draft(outline, draft) is None


def test_replayer_scales_time_and_pauses() -> None:
    clock = FakeClock()
    events = [make_event("session_started", 0, layout={}, prompt={}),
              make_event("timer_started", 10), make_event("timer_paused", 20)]
    replay = Replayer(events, clock, speed=10)
    assert replay.due() == []
    clock.advance(1.0)
    assert [e.type for e in replay.due()] == ["timer_started"]
    replay.toggle_pause()
    clock.advance(5)
    assert replay.due() == [] and replay.now() == 10
    replay.toggle_pause()
    clock.advance(1.0)
    assert [e.type for e in replay.due()] == ["timer_paused"]
    assert replay.finished and replay.now() == 20
    with pytest.raises(ValueError):
        Replayer(events, clock, speed=0)


def test_key_table_has_unique_ids_and_no_clashes_within_a_screen() -> None:
    ids = [action.id for action in ACTIONS]
    assert len(ids) == len(set(ids))
    for scope in ("app", "start", "practice", "outline", "results"):
        keys = [k for a in ACTIONS if a.scope == scope for k in a.key.split(",")]
        assert len(keys) == len(set(keys)), scope
    practice = set(key_map("practice")) | set(key_map("app"))
    assert not practice & set(key_map("outline"))
    assert display_key("alt+up,ctrl+up") == "Alt+Up / Ctrl+Up"
    assert display_key("f1") == "F1"
