"""Random key sequences typed into the real outline through Pilot: the screen, the session's
state and a fold of the log on disk always agree, and no typed character is ever lost."""

from __future__ import annotations

import asyncio

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.pilot import PROMPT, start_round
from tui.app.factory import build_app
from tui.app.options import AppOptions, SpeechOptions
from tui.app.widgets.outline_view import OutlineView
from tui.core.round.markers import parse_markers
from tui.core.session.clock import FakeClock
from tui.core.session.eventlog import read_log
from tui.core.session.state import fold

WORDS = st.text(alphabet="abcxyz ", min_size=1, max_size=4)
EDIT_KEYS = ("enter", "tab", "shift+tab", "backspace", "ctrl+z", "ctrl+y", "escape", "up",
             "down", "tick")
SLOW = settings(max_examples=6, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow])


def keys_of(text: str) -> list[str]:
    return ["space" if ch == " " else ch for ch in text]


def outline_of(state) -> list[tuple[str, str, int]]:  # type: ignore[no-untyped-def]
    return [(n.id, n.text, d) for n, d in state.outline.walk()]


async def play(steps: list[str], check_each: bool) -> tuple[object, OutlineView]:
    """Start a round and press `steps` ("tick" fires the app's timer once); with `check_each`,
    check the agreement after every step. Returns the app after Escape and a last tick."""
    app = build_app(AppOptions(speech=SpeechOptions(enabled=False), prompt=PROMPT,
                               layout="netflix-l5", seed=1), FakeClock())
    async with app.run_test(size=(100, 30)) as pilot:
        await start_round(pilot)
        view = app.screen.query_one(OutlineView)
        for step in steps:
            if step == "tick":
                app.tick()
            elif len(step) > 1 and step not in EDIT_KEYS:
                await pilot.press(*keys_of(step))
            else:
                await pilot.press(step)
            if check_each:
                agree(app, view)
        await pilot.press("escape")
        app.tick()
        await pilot.pause()  # what the tick posted
        agree(app, view)
        assert view.edit is None and view.draft is None
        return app, view


def agree(app, view: OutlineView) -> None:  # type: ignore[no-untyped-def]
    """The screen's rows are the state's outline (plus an open new note); what the state holds
    is what the log folds to, except the note being typed, which the log gets at the next tick
    or key that closes it."""
    state = app.session.state
    shown = [(row.note.id, row.note.text, row.depth) for row in view.rows if row.note is not None]
    visible = [(n.id, n.text, d) for n, d in state.outline.walk(visible_only=True)]
    assert shown == visible
    assert sum(row.note is None for row in view.rows) == (view.draft is not None)
    folded = fold(read_log(app.session.log_path).events)
    typing = view.edit is not None and view.edit.dirty
    if not typing:
        assert outline_of(folded) == outline_of(state)
        assert folded.outline.undo_stack == state.outline.undo_stack
        assert folded.outline.redo_stack == state.outline.redo_stack


@SLOW
@given(st.lists(st.one_of(WORDS, st.sampled_from(EDIT_KEYS)), min_size=1, max_size=24))
def test_random_editing_keeps_screen_state_and_log_in_agreement(steps: list[str]) -> None:
    asyncio.run(play(steps, check_each=True))


@SLOW
@given(st.lists(st.one_of(WORDS, st.sampled_from(("enter", "tab", "shift+tab", "escape",
                                                    "tick"))), min_size=1, max_size=24))
def test_no_typed_character_is_lost(steps: list[str]) -> None:
    """Typing, Enter, Tab, Shift+Tab, Escape and ticks in any order: the notes are exactly the
    text typed between Enters (Escape closes a note, typing again goes on with it), on screen,
    in the state and in the log."""
    app, _view = asyncio.run(play(steps, check_each=False))
    typed = "".join(step if step not in ("enter", "tab", "shift+tab", "escape", "tick")
                    else "\n" if step == "enter" else "" for step in steps)
    expected = [parse_markers(chunk)[1] for chunk in typed.split("\n")]
    expected = [text for text in expected if text]
    state = app.session.state  # type: ignore[attr-defined]
    assert [n.text for n, _ in state.outline.walk()] == expected
    folded = fold(read_log(app.session.log_path).events)  # type: ignore[attr-defined]
    assert [n.text for n, _ in folded.outline.walk()] == expected
