"""The outline: a tree of notes, folded from note events, with undo and redo.

Every operation is an event. Undo and redo are events too; folding keeps an undo stack of
inverse operations so the same log always gives the same tree.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from tui.core.session.events import Event

Op = tuple[str, dict[str, Any]]


@dataclass
class Note:
    """One note in the outline."""

    id: str
    text: str
    kind: str
    parent: str | None
    created_t: float
    phase: str | None
    folded: bool = False
    children: list[str] = field(default_factory=list)


@dataclass
class Outline:
    """The tree of notes. `roots` and `Note.children` hold ids in display order."""

    notes: dict[str, Note] = field(default_factory=dict)
    roots: list[str] = field(default_factory=list)
    undo_stack: list[Op] = field(default_factory=list)
    redo_stack: list[Op] = field(default_factory=list)
    last_number: int = 0

    # ---- fold -------------------------------------------------------------------------------
    def apply(self, event: Event) -> None:
        """Fold one outline event; events that do not fit the tree are ignored."""
        if event.type == "outline_undo":
            self._replay(self.undo_stack, self.redo_stack, event.t)
        elif event.type == "outline_redo":
            self._replay(self.redo_stack, self.undo_stack, event.t)
        elif event.type == "note_folded":
            note = self.notes.get(event["id"])
            if note is not None:
                note.folded = bool(event["folded"])
        elif event.type in ("note_added", "note_edited", "note_moved", "note_deleted"):
            inverse = self._do(event.type, dict(event.data), event.t)
            if inverse is None:
                return
            self.redo_stack.clear()
            if event.get("merge") and self._continues(event["id"]):
                # Saved while the note was still being typed: the typing is one undo step, so
                # the older inverse stays; a note added and emptied in one go leaves no step.
                if event.type == "note_deleted" and self.undo_stack[-1][0] == "note_deleted":
                    self.undo_stack.pop()
                return
            self.undo_stack.append(inverse)

    def _continues(self, note_id: str) -> bool:
        """Whether the last undo step is about `note_id` (its add or an edit of it)."""
        if not self.undo_stack:
            return False
        kind, data = self.undo_stack[-1]
        return kind in ("note_deleted", "note_edited") and data.get("id") == note_id

    def _replay(self, source: list[Op], target: list[Op], t: float) -> None:
        if not source:
            return
        kind, data = source.pop()
        inverse = self._do(kind, data, t)
        if inverse is not None:
            target.append(inverse)

    def _do(self, kind: str, data: dict[str, Any], t: float) -> Op | None:
        """Apply one operation; return its inverse, or None if it did not apply."""
        if kind == "note_added":
            return self._add(data, t)
        if kind == "note_restored":
            return self._restore(data)
        if kind == "note_edited":
            note = self.notes.get(data["id"])
            if note is None:
                return None
            inverse = ("note_edited", {"id": note.id, "text": note.text, "kind": note.kind})
            note.text, note.kind = data["text"], data.get("kind", "note")
            return inverse
        if kind == "note_moved":
            return self._move(data["id"], data["parent"], data["index"])
        if kind == "note_deleted":
            return self._delete(data["id"])
        return None

    def _add(self, data: dict[str, Any], t: float) -> Op | None:
        note_id, parent = data["id"], data.get("parent")
        if note_id in self.notes or (parent is not None and parent not in self.notes):
            return None
        note = Note(
            id=note_id, text=data["text"], kind=data.get("kind", "note"), parent=parent,
            created_t=data.get("created_t", t), phase=data.get("phase"),
        )
        self.notes[note_id] = note
        self._count(note_id)
        _insert(self.siblings(parent), note_id, data.get("index", -1))
        return ("note_deleted", {"id": note_id})

    def _delete(self, note_id: str) -> Op | None:
        note = self.notes.get(note_id)
        if note is None:
            return None
        siblings = self.siblings(note.parent)
        index = siblings.index(note_id)
        snapshot = self._snapshot(note_id)
        siblings.remove(note_id)
        for descendant in list(self.walk_ids(note_id)):
            del self.notes[descendant]
        return ("note_restored", {"tree": snapshot, "parent": note.parent, "index": index})

    def _restore(self, data: dict[str, Any]) -> Op | None:
        parent = data["parent"]
        if parent is not None and parent not in self.notes:
            return None
        tree = data["tree"]
        self._unpack(tree, parent)
        _insert(self.siblings(parent), tree["id"], data["index"])
        return ("note_deleted", {"id": tree["id"]})

    def _move(self, note_id: str, parent: str | None, index: int) -> Op | None:
        note = self.notes.get(note_id)
        if note is None or (parent is not None and parent not in self.notes):
            return None
        if parent is not None and (parent == note_id or parent in set(self.walk_ids(note_id))):
            return None  # cannot move a note under itself
        old_siblings = self.siblings(note.parent)
        inverse = ("note_moved", {"id": note_id, "parent": note.parent,
                                  "index": old_siblings.index(note_id)})
        old_siblings.remove(note_id)
        note.parent = parent
        _insert(self.siblings(parent), note_id, index)
        return inverse

    def _count(self, note_id: str) -> None:
        if note_id[:1] == "n" and note_id[1:].isdigit():
            self.last_number = max(self.last_number, int(note_id[1:]))

    def _snapshot(self, note_id: str) -> dict[str, Any]:
        note = self.notes[note_id]
        return {
            "id": note.id, "text": note.text, "kind": note.kind, "created_t": note.created_t,
            "phase": note.phase, "folded": note.folded,
            "children": [self._snapshot(c) for c in note.children],
        }

    def _unpack(self, tree: dict[str, Any], parent: str | None) -> None:
        note = Note(
            id=tree["id"], text=tree["text"], kind=tree["kind"], parent=parent,
            created_t=tree["created_t"], phase=tree["phase"], folded=tree["folded"],
        )
        self.notes[note.id] = note
        self._count(note.id)
        for child in tree["children"]:
            self._unpack(child, note.id)
            note.children.append(child["id"])

    # ---- queries ----------------------------------------------------------------------------
    def siblings(self, parent: str | None) -> list[str]:
        """The ordered child ids of `parent` (the roots for None)."""
        return self.roots if parent is None else self.notes[parent].children

    def walk_ids(self, note_id: str) -> Iterator[str]:
        """`note_id` and all its descendants, depth first."""
        yield note_id
        for child in self.notes[note_id].children:
            yield from self.walk_ids(child)

    def walk(self, visible_only: bool = False) -> Iterator[tuple[Note, int]]:
        """Every note with its depth, in display order (skipping folded subtrees if asked)."""
        stack = [(nid, 0) for nid in reversed(self.roots)]
        while stack:
            nid, depth = stack.pop()
            note = self.notes[nid]
            yield note, depth
            if visible_only and note.folded:
                continue
            stack.extend((child, depth + 1) for child in reversed(note.children))

    def depth(self, note_id: str) -> int:
        """How deep a note sits (0 for roots)."""
        depth, note = 0, self.notes[note_id]
        while note.parent is not None:
            depth, note = depth + 1, self.notes[note.parent]
        return depth

    def __len__(self) -> int:
        return len(self.notes)

    # ---- commands: return the event to append (or None when it does not apply) --------------
    def indent_position(self, parent: str | None, index: int) -> tuple[str, int] | None:
        """Where the note at position `index` under `parent` goes when indented: last child of
        the sibling before that position (None at the first position). Also used for a note
        still being typed, which is not in the tree yet."""
        siblings = self.siblings(parent)
        index = min(index, len(siblings))
        if index <= 0:
            return None
        new_parent = siblings[index - 1]
        return new_parent, len(self.notes[new_parent].children)

    def outdent_position(self, parent: str | None) -> tuple[str | None, int] | None:
        """Where a note under `parent` goes when outdented: right after `parent` (None at the
        top level)."""
        if parent is None:
            return None
        above = self.notes[parent]
        return above.parent, self.siblings(above.parent).index(parent) + 1

    def indent(self, note_id: str) -> Op | None:
        """Make the note the last child of its previous sibling."""
        note = self.notes[note_id]
        place = self.indent_position(note.parent, self.siblings(note.parent).index(note_id))
        if place is None:
            return None
        return ("note_moved", {"id": note_id, "parent": place[0], "index": place[1]})

    def outdent(self, note_id: str) -> Op | None:
        """Move the note out to follow its parent."""
        place = self.outdent_position(self.notes[note_id].parent)
        if place is None:
            return None
        return ("note_moved", {"id": note_id, "parent": place[0], "index": place[1]})

    def move_up(self, note_id: str) -> Op | None:
        """Swap with the previous sibling."""
        note = self.notes[note_id]
        index = self.siblings(note.parent).index(note_id)
        if index == 0:
            return None
        return ("note_moved", {"id": note_id, "parent": note.parent, "index": index - 1})

    def move_down(self, note_id: str) -> Op | None:
        """Swap with the next sibling."""
        note = self.notes[note_id]
        siblings = self.siblings(note.parent)
        index = siblings.index(note_id)
        if index + 1 >= len(siblings):
            return None
        return ("note_moved", {"id": note_id, "parent": note.parent, "index": index + 1})

    def next_id(self) -> str:
        """A fresh note id: never one used before in this session, even if deleted."""
        return f"n{self.last_number + 1}"


def _insert(items: list[str], item: str, index: int) -> None:
    if index < 0 or index > len(items):
        items.append(item)
    else:
        items.insert(index, item)
