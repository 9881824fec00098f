"""Typing into the outline: the edit under the cursor saved to the log as it is typed, and
closed (committed) as a new note, an edit or nothing. Mixed into OutlineView."""

from __future__ import annotations

from dataclasses import dataclass

from tui.app.widgets.draft import Draft
from tui.app.widgets.text_edit import LineEdit
from tui.core.round.markers import marker_for, parse_markers
from tui.core.round.outline import Note, Outline
from tui.core.session.session import Session


@dataclass
class Typing:
    """What the open edit has already saved to the log (it saves while typing)."""

    note_id: str | None = None
    """The note this edit has logged text to; later saves of it merge into one undo step."""
    born: bool = False
    """The note was added by this edit (so emptying it removes it)."""
    after: str | None = None
    """The note a born note was typed after (where the cursor goes if it is removed)."""



class OutlineTyping:
    """Saving and committing what is typed (uses OutlineView's rows, cursor and session)."""

    session: Session
    read_only: bool
    cursor_id: str | None
    draft: Draft | None
    edit: LineEdit | None
    typing: Typing

    @property
    def outline(self) -> Outline:
        return self.session.state.outline

    @property
    def current_note(self) -> Note | None:  # provided by OutlineView
        raise NotImplementedError

    def rebuild(self) -> None:  # provided by OutlineView
        raise NotImplementedError

    def _emit(self, event_type: str, **fields: object) -> None:
        """Log one outline event and show its outcome at once (the keys typed next act on it)."""
        self.session.emit(event_type, **fields)
        self.rebuild()

    def save_typing(self) -> None:
        """Log what is being typed and keep typing (the app calls this twice a second), so
        every character on screen reaches the log even if the process is killed."""
        edit = self.edit
        if edit is None or not edit.dirty:
            return
        kind, clean = parse_markers(edit.text)
        if not clean:
            return  # an emptied note is settled when the edit closes
        draft = self.draft
        if draft is not None:
            self.draft = None
            note_id = self.outline.next_id()
            self.cursor_id = note_id
            self.typing = Typing(note_id, born=True, after=draft.after)
            self._emit("note_added", id=note_id, text=clean, kind=kind, parent=draft.parent,
                       index=draft.index, phase=self.session.state.current_phase_id)
        else:
            note = self.current_note
            if note is None:
                return
            if (kind, clean) != (note.kind, note.text):
                merge = self.typing.note_id == note.id
                self.typing = Typing(note.id, self.typing.born and merge, self.typing.after)
                self._emit("note_edited", id=note.id, text=clean, kind=kind, merge=merge)
        edit.original = edit.text

    def commit(self, keep_empty_new: bool = False) -> None:
        """Save what is being typed and close the edit: a new note for the draft, an edit for
        a note (one undo step with what was saved while typing). With `keep_empty_new`, an
        empty new note stays open (a phase change must not send the next typing into the
        note above it)."""
        if keep_empty_new and self.draft is not None and self._empty_new_note():
            return
        edit, self.edit = self.edit, None
        typing, self.typing = self.typing, Typing()
        draft = self.draft
        if draft is not None:
            self.draft = None
            text = "" if edit is None else edit.text
            kind, clean = parse_markers(text)
            if clean:
                note_id = self.outline.next_id()
                self.cursor_id = note_id
                self._emit("note_added", id=note_id, text=clean, kind=kind, parent=draft.parent,
                           index=draft.index, phase=self.session.state.current_phase_id)
            else:
                self.cursor_id = draft.after
                self.rebuild()
            return
        note = self.current_note
        if edit is None or note is None:
            return
        kind, clean = parse_markers(edit.text)
        merge = typing.note_id == note.id
        if not clean and merge and typing.born:
            self.cursor_id = typing.after  # a new note emptied again: gone, with no undo step
            self._emit("note_deleted", id=note.id, merge=True)
        elif clean and edit.dirty and (kind, clean) != (note.kind, note.text):
            self._emit("note_edited", id=note.id, text=clean, kind=kind, merge=merge)
        else:
            self.rebuild()

    def _start_edit(self) -> LineEdit | None:
        if self.read_only:
            return None
        if self.edit is None:
            note = self.current_note
            if note is None and self.draft is None:
                self._open_draft()
                note = None
            text = "" if note is None else marker_for(note.kind) + note.text
            self.edit = LineEdit(text)
        return self.edit

    def _open_draft(self) -> None:
        note = self.current_note
        if note is None:
            self.draft = Draft(None, len(self.outline.roots), None)
        else:
            siblings = self.outline.siblings(note.parent)
            self.draft = Draft(note.parent, siblings.index(note.id) + 1, note.id)
        self.edit = LineEdit("")
        self.rebuild()

    def _empty_new_note(self) -> bool:
        """A note opened by this edit (saved or not) whose text is empty."""
        new = self.draft is not None or self.typing.born
        return new and (self.edit is None or not parse_markers(self.edit.text)[1])
