"""Typing and restructuring the outline from the keyboard; every change is a logged event."""

from __future__ import annotations

import time

from tests.pilot import (
    first_screen,
    recorded_session,
    start_round,
    type_text,
    wait_until,
)
from tui.app.screens.practice import PracticeScreen
from tui.app.widgets.outline_view import OutlineView
from tui.core.session.eventlog import read_log


def tree(app) -> list[tuple[str, int, str]]:  # type: ignore[no-untyped-def]
    return [(n.text, d, n.kind) for n, d in app.session.state.outline.walk()]


def logged(app, kind: str) -> list:  # type: ignore[no-untyped-def]
    return [e for e in read_log(app.session.log_path).events if e.type == kind]


def logged_texts(app) -> list[str]:  # type: ignore[no-untyped-def]
    """The last text the log holds for each note ever added, in order of adding (a note may be
    saved while typed: added with part of its text, then edited)."""
    texts: dict[str, str] = {}
    for event in read_log(app.session.log_path).events:
        if event.type in ("note_added", "note_edited"):
            texts[event["id"]] = event["text"]
    return list(texts.values())


async def test_type_a_layered_outline_with_markers(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await start_round(pilot)
        assert isinstance(app.screen, PracticeScreen)
        await type_text(pilot, "Client layer")
        await pilot.press("enter", "tab")
        await type_text(pilot, "-> player fetches manifest")
        await pilot.press("enter", "tab")
        await type_text(pilot, "! origin overload")
        await pilot.press("enter", "shift+tab", "shift+tab")
        await type_text(pilot, "Serving layer")
        await pilot.press("enter")
        await type_text(pilot, "? how fresh")
        await pilot.press("enter")
        await type_text(pilot, "* push vs pull")
        await pilot.press("enter")
        await type_text(pilot, "~ transcode queue")
        await pilot.press("escape")
        assert tree(app) == [
            ("Client layer", 0, "note"),
            ("player fetches manifest", 1, "flow"),
            ("origin overload", 2, "risk"),
            ("Serving layer", 0, "note"),
            ("how fresh", 0, "question"),
            ("push vs pull", 0, "decision"),
            ("transcode queue", 0, "async"),
        ]
        added = logged(app, "note_added")
        assert len(added) == 7
        assert all(e["phase"] == "requirements" for e in added)


async def test_enter_on_an_empty_new_note_never_merges_text(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await start_round(pilot)
        await type_text(pilot, "first note")
        await pilot.press("enter", "enter")
        assert tree(app) == [("first note", 0, "note")]
        assert app.screen.query_one(OutlineView).draft is not None  # still a new, empty note
        await type_text(pilot, "XYZ")
        await pilot.press("enter")
        assert tree(app) == [("first note", 0, "note"), ("XYZ", 0, "note")]
        await pilot.press("escape")  # Escape closes an empty new note without a trace
        assert app.screen.query_one(OutlineView).draft is None
        assert tree(app) == [("first note", 0, "note"), ("XYZ", 0, "note")]


async def test_edit_in_place_move_fold_delete_undo_redo(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await start_round(pilot)
        for text in ("alpha", "beta", "gamma"):
            await type_text(pilot, text)
            await pilot.press("enter")
        await pilot.press("escape")
        view = app.screen.query_one(OutlineView)
        # cursor is on gamma; edit it in place
        await pilot.press("backspace", "backspace")
        await type_text(pilot, "MA!")
        await pilot.press("escape")
        assert [t for t, _, _ in tree(app)] == ["alpha", "beta", "gamMA!"]
        assert logged(app, "note_edited")[-1]["text"] == "gamMA!"
        # move up twice (alt+up, ctrl+up), then down once
        await pilot.press("alt+up", "ctrl+up")
        assert [t for t, _, _ in tree(app)] == ["gamMA!", "alpha", "beta"]
        await pilot.press("alt+down")
        assert [t for t, _, _ in tree(app)] == ["alpha", "gamMA!", "beta"]
        # indent beta under gamMA!, fold and unfold
        await pilot.press("down", "tab")
        assert tree(app)[2] == ("beta", 1, "note")
        await pilot.press("up", "ctrl+f")
        assert len(view.rows) == 2
        assert app.session.state.outline.notes[view.current_note.id].folded
        await pilot.press("ctrl+f")
        assert len(view.rows) == 3
        # delete gamMA! (with beta), undo, redo
        await pilot.press("ctrl+d")
        assert [t for t, _, _ in tree(app)] == ["alpha"]
        await pilot.press("ctrl+z")
        assert [t for t, _, _ in tree(app)] == ["alpha", "gamMA!", "beta"]
        await pilot.press("ctrl+y")
        assert [t for t, _, _ in tree(app)] == ["alpha"]
        assert logged(app, "outline_undo") and logged(app, "outline_redo")


async def test_outdent_and_first_undo_drops_typing(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await start_round(pilot)
        await type_text(pilot, "parent")
        await pilot.press("enter", "tab")
        await type_text(pilot, "child")
        await pilot.press("escape", "shift+tab")
        assert tree(app) == [("parent", 0, "note"), ("child", 0, "note")]
        await type_text(pilot, " typo")
        await pilot.press("ctrl+z")
        assert tree(app) == [("parent", 0, "note"), ("child", 0, "note")]
        await pilot.press("ctrl+z")  # now undoes the outdent
        assert tree(app) == [("parent", 0, "note"), ("child", 1, "note")]


async def test_undo_and_redo_take_a_draft_as_one_step_and_log_it(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await start_round(pilot)
        await type_text(pilot, "first")
        await pilot.press("enter")
        await type_text(pilot, "second draft")
        await pilot.press("ctrl+z")
        assert tree(app) == [("first", 0, "note")]
        assert logged_texts(app) == ["first", "second draft"]  # the draft reached the log
        await pilot.press("ctrl+y")
        assert tree(app) == [("first", 0, "note"), ("second draft", 0, "note")]
        await pilot.press("ctrl+z")
        assert tree(app) == [("first", 0, "note")]
        await pilot.press("ctrl+z")  # then the step before it
        assert tree(app) == []


async def test_a_note_being_typed_is_logged_at_the_next_tick_and_undone_as_one_step(
    make_app,
) -> None:
    """The app's half-second tick saves what is on screen; the note stays open, and undo and
    redo still take the whole typing as one step."""
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await start_round(pilot)
        await type_text(pilot, "half a thou")
        app.tick()
        assert logged_texts(app) == ["half a thou"]
        view = app.screen.query_one(OutlineView)
        assert view.edit is not None and view.draft is None  # still typing, now into the note
        await type_text(pilot, "ght")
        app.tick()
        assert logged_texts(app) == ["half a thought"]
        await type_text(pilot, " more")
        await pilot.press("enter")
        assert logged_texts(app) == ["half a thought more"]
        assert all(e["merge"] for e in logged(app, "note_edited"))
        await type_text(pilot, "second")
        await pilot.press("escape")
        assert tree(app) == [("half a thought more", 0, "note"), ("second", 0, "note")]
        await pilot.press("ctrl+z", "ctrl+z")
        assert tree(app) == []  # two notes, two steps, however often they were saved
        await pilot.press("ctrl+y")
        assert tree(app) == [("half a thought more", 0, "note")]


async def test_editing_a_saved_note_is_one_step_and_emptying_a_new_one_removes_it(
    make_app,
) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await start_round(pilot)
        await type_text(pilot, "cache")
        await pilot.press("escape")
        await type_text(pilot, " aside")
        app.tick()
        await type_text(pilot, " tier")
        app.tick()
        await pilot.press("escape")
        assert tree(app) == [("cache aside tier", 0, "note")]
        await pilot.press("ctrl+z")
        assert tree(app) == [("cache", 0, "note")]
        await pilot.press("enter")
        await type_text(pilot, "oops")
        app.tick()
        assert [n.text for n, _ in app.session.state.outline.walk()] == ["cache", "oops"]
        await pilot.press(*["backspace"] * 4)
        await pilot.press("backspace")  # on the emptied new note: closes and removes it
        assert tree(app) == [("cache", 0, "note")]
        assert logged(app, "note_deleted")[-1]["merge"] is True
        await pilot.press("ctrl+z")  # the removed note left no step: this undoes the add
        assert tree(app) == []
        await type_text(pilot, "fresh")
        await pilot.press("enter", "enter")  # Enter on an empty new note never merges text
        await type_text(pilot, "XYZ")
        app.tick()
        await pilot.press("escape")
        assert tree(app) == [("fresh", 0, "note"), ("XYZ", 0, "note")]


async def test_keys_are_applied_in_order_with_typing(make_app) -> None:
    """Enter and Tab typed in one burst with text must not overtake the text."""
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await start_round(pilot)
        view = app.screen.query_one(OutlineView)
        for key in [*"ab", "enter", "tab", *"cd", "enter"]:
            view.post_message(_key(key))
        await wait_until(pilot, lambda: len(tree(app)) == 2, "both notes")
        assert tree(app) == [("ab", 0, "note"), ("cd", 1, "note")]


def _key(key: str):  # type: ignore[no-untyped-def]
    from textual import events

    return events.Key(key, key if len(key) == 1 else None)


async def test_two_thousand_notes_stay_smooth(make_app, clock) -> None:
    session = recorded_session(clock, notes=2000)
    session.close()
    app = make_app(mode="resume", session=str(session.directory))
    async with app.run_test(size=(100, 30)) as pilot:
        await first_screen(pilot)
        view = app.screen.query_one(OutlineView)
        assert len(view.rows) == 2000
        started = time.perf_counter()
        await pilot.press("pagedown", "pagedown", "down", "enter")
        await type_text(pilot, "fast")
        await pilot.press("enter", "tab", "escape", "up", "ctrl+up")
        elapsed = time.perf_counter() - started
        assert len(app.session.state.outline) == 2001
        assert elapsed < 6.0, f"13 keys took {elapsed:.2f}s with 2,000 notes"


async def test_paste_keeps_its_spaces_and_ctrl_n_after_enter_keeps_the_new_note(
    make_app,
) -> None:
    from textual import events

    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await start_round(pilot)
        await type_text(pilot, "cache")
        view = app.screen.query_one(OutlineView)
        view.post_message(events.Paste(" aside\nfor reads "))
        await wait_until(pilot, lambda: view.edit is not None and "reads" in view.edit.text,
                         "the paste in the note being typed")
        await type_text(pilot, "now")
        await pilot.press("enter")
        await pilot.press("ctrl+n")  # a phase change right after Enter
        await type_text(pilot, "second")
        await pilot.press("escape")
        notes = [(n.text, n.phase) for n, _ in app.session.state.outline.walk()]
        assert notes == [("cache aside for reads now", "requirements"), ("second", "framing")]
