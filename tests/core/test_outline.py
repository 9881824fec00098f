"""Outline: operations as events, undo/redo, markers, and determinism under random edits."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from tui.core.config.layouts import find_layout
from tui.core.config.prompts import find_prompt
from tui.core.round.markers import parse_markers
from tui.core.session.clock import FakeClock
from tui.core.session.session import Session
from tui.core.session.state import fold


def add(session: Session, text: str, parent: str | None = None) -> str:
    """Type a note (markers parsed) into the current phase; returns its id."""
    note_id = session.state.outline.next_id()
    kind, clean = parse_markers(text)
    session.emit("note_added", id=note_id, text=clean, kind=kind, parent=parent, index=-1,
                 phase=session.state.current_phase_id)
    return note_id


def shape(session: Session) -> list[tuple[str, int, str]]:
    return [(n.text, d, n.kind) for n, d in session.state.outline.walk()]


def test_markers_parse_into_kinds() -> None:
    assert parse_markers("-> player asks the manifest") == ("flow", "player asks the manifest")
    assert parse_markers("! origin overload") == ("risk", "origin overload")
    assert parse_markers("? which regions") == ("question", "which regions")
    assert parse_markers("* push over pull") == ("decision", "push over pull")
    assert parse_markers("~ encode in the background") == ("async", "encode in the background")
    assert parse_markers("how many users?") == ("question", "how many users?")
    assert parse_markers("plain") == ("note", "plain")
    assert parse_markers("!") == ("note", "!")


def test_indent_outdent_move_and_undo_redo(session: Session) -> None:
    a, b, c = add(session, "Client"), add(session, "Edge"), add(session, "Origin")
    outline = session.state.outline
    session.emit_all([outline.indent(b)])
    assert shape(session) == [("Client", 0, "note"), ("Edge", 1, "note"), ("Origin", 0, "note")]
    assert outline.indent(a) is None  # first root cannot indent
    session.emit_all([outline.move_up(c)])
    assert [n.text for n, _ in outline.walk()] == ["Origin", "Client", "Edge"]
    session.emit_all([outline.outdent(b)])
    assert shape(session)[-1] == ("Edge", 0, "note")
    session.emit("note_deleted", id=a)
    assert len(outline) == 2
    session.emit("outline_undo")
    assert len(outline) == 3
    session.emit("outline_undo")  # undo the outdent
    assert ("Edge", 1, "note") in shape(session)
    session.emit("outline_redo")
    assert ("Edge", 0, "note") in shape(session)
    session.emit("note_edited", id=c, text="Origin shield", kind="note")
    session.emit("outline_undo")
    assert outline.notes[c].text == "Origin"


def test_delete_subtree_and_restore_keeps_children(session: Session) -> None:
    parent = add(session, "Serving")
    child = add(session, "-> ranker", parent)
    add(session, "! cold start", child)
    session.emit("note_deleted", id=parent)
    assert len(session.state.outline) == 0
    session.emit("outline_undo")
    assert shape(session) == [("Serving", 0, "note"), ("ranker", 1, "flow"),
                              ("cold start", 2, "risk")]


def test_ids_never_reused_after_delete(session: Session) -> None:
    first = add(session, "a")
    session.emit("note_deleted", id=first)
    assert session.state.outline.next_id() != first


def test_cannot_move_under_itself(session: Session) -> None:
    a = add(session, "a")
    b = add(session, "b", a)
    session.emit("note_moved", id=a, parent=b, index=0)
    assert shape(session) == [("a", 0, "note"), ("b", 1, "note")]


OPS = st.lists(
    st.tuples(st.sampled_from(["add", "child", "indent", "outdent", "up", "down", "delete",
                               "edit", "undo", "redo", "fold"]), st.integers(0, 30)),
    max_size=40,
)


@settings(max_examples=60, deadline=None)
@given(OPS)
def test_random_edits_fold_identically_from_the_log(tmp_path_factory, ops) -> None:
    directory = tmp_path_factory.mktemp("s")
    clock = FakeClock()
    session = Session.create(find_layout("netflix-l5"), find_prompt("video-streaming-cdn"), clock,
                             directory)
    for op, n in ops:
        clock.advance(1)
        ids = list(session.state.outline.notes)
        target = ids[n % len(ids)] if ids else None
        outline = session.state.outline
        if op == "add" or target is None:
            add(session, f"note {n}")
        elif op == "child":
            add(session, f"child {n}", target)
        elif op == "undo":
            session.emit("outline_undo")
        elif op == "redo":
            session.emit("outline_redo")
        elif op == "delete":
            session.emit("note_deleted", id=target)
        elif op == "edit":
            session.emit("note_edited", id=target, text=f"edited {n}", kind="note")
        elif op == "fold":
            session.emit("note_folded", id=target, folded=True)
        else:
            command = {"indent": outline.indent, "outdent": outline.outdent,
                       "up": outline.move_up, "down": outline.move_down}[op]
            step = command(target)
            if step:
                session.emit_all([step])
    session.close()
    from tui.core.session.eventlog import read_log

    refolded = fold(read_log(directory / "events.jsonl").events)
    assert [(n.id, n.text, d) for n, d in refolded.outline.walk()] == [
        (n.id, n.text, d) for n, d in session.state.outline.walk()
    ]
    # every parent/child link is consistent
    for note in refolded.outline.notes.values():
        siblings = refolded.outline.siblings(note.parent)
        assert siblings.count(note.id) == 1


def test_saves_made_while_typing_merge_into_one_undo_step(session: Session) -> None:
    first = add(session, "cache")
    session.emit("note_edited", id=first, text="cache aside", kind="note")  # its own step
    second = add(session, "hot k")
    session.emit("note_edited", id=second, text="hot key", kind="note", merge=True)
    session.emit("note_edited", id=second, text="hot keys", kind="note", merge=True)
    session.emit("outline_undo")
    assert shape(session) == [("cache aside", 0, "note")]  # the whole typing of "hot keys"
    session.emit("outline_redo")
    assert shape(session) == [("cache aside", 0, "note"), ("hot keys", 0, "note")]
    session.emit("outline_undo")
    session.emit("outline_undo")
    assert shape(session) == [("cache", 0, "note")]  # the unmerged edit was a step of its own
    # a merged save of another note than the last step's is a step of its own
    add(session, "queue")
    session.emit("note_edited", id=first, text="write through", kind="note", merge=True)
    session.emit("outline_undo")
    assert shape(session) == [("cache", 0, "note"), ("queue", 0, "note")]


def test_a_new_note_emptied_while_typing_leaves_no_step(session: Session) -> None:
    add(session, "kept")
    gone = add(session, "oo")
    session.emit("note_deleted", id=gone, merge=True)
    assert shape(session) == [("kept", 0, "note")]
    session.emit("outline_undo")
    assert shape(session) == []
    from tui.core.session.eventlog import read_log

    again = fold(read_log(session.log_path).events)  # the log folds to the same outline
    assert [n.text for n, _ in again.outline.walk()] == []
    assert again.outline.undo_stack == session.state.outline.undo_stack
