"""Where a note being typed (not yet in the outline) sits, and how Tab moves it.

Tab and Shift+Tab place it where `Outline.indent/outdent` would put an existing note.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tui.core.round.outline import Outline


@dataclass(frozen=True)
class Draft:
    """A new note that will be added at (parent, index); `after` is the note it follows."""

    parent: str | None
    index: int
    after: str | None

    def depth(self, outline: Outline) -> int:
        return 0 if self.parent is None else outline.depth(self.parent) + 1


def draft_row(outline: Outline, rows: list[Any], draft: Draft) -> int:
    """The visible row index where the draft is drawn."""
    siblings = outline.siblings(draft.parent)
    anchor = siblings[draft.index - 1] if 0 < draft.index <= len(siblings) else None
    if anchor is None:
        if draft.parent is None:
            return 0
        return _index_of(rows, draft.parent) + 1
    position = _index_of(rows, anchor)
    depth = rows[position].depth
    position += 1
    while position < len(rows) and rows[position].depth > depth:
        position += 1
    return position


def _index_of(rows: list[Any], note_id: str) -> int:
    for index, row in enumerate(rows):
        if row.note is not None and row.note.id == note_id:
            return index
    return len(rows) - 1


def indent_draft(outline: Outline, draft: Draft) -> Draft | None:
    """The draft as the last child of the note above it, or None at the top."""
    place = outline.indent_position(draft.parent, draft.index)
    if place is None:
        return None
    new_parent, index = place
    children = outline.notes[new_parent].children
    return Draft(new_parent, index, children[-1] if children else new_parent)


def outdent_draft(outline: Outline, draft: Draft) -> Draft | None:
    """The draft one level out, right after its parent's subtree."""
    place = outline.outdent_position(draft.parent)
    if place is None:
        return None
    assert draft.parent is not None
    return Draft(place[0], place[1], draft.parent)
