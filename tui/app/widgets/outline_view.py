"""The outline pane: a notebook page drawn line by line (Line API), edited in place.

Only the visible rows are rendered, so 2,000 notes cost one tree walk per change and nothing per
keystroke. Every change goes to `session.emit`; the screen calls `rebuild()` when outline events
arrive (also in replay, where the pane is read-only).
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.style import Style
from textual import events
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from tui.app.keys import bindings, key_map
from tui.app.widgets.draft import Draft, draft_row, indent_draft, outdent_draft
from tui.app.widgets.paper import HINT, ROLE_ABBR, PaperLines
from tui.app.widgets.text_edit import LineEdit
from tui.core.markers import marker_for, parse_markers
from tui.core.outline import Note
from tui.core.session import Session

@dataclass
class Row:
    """One visible line: a note (or the draft, note None) at a depth."""

    note: Note | None
    depth: int


class OutlineView(PaperLines, ScrollView, can_focus=True):
    """The paper-style outline."""

    BINDINGS = [
        *bindings("outline"),
        # cursor movement, replacing ScrollView's own scrolling keys
        ("up", "cursor(-1)"), ("down", "cursor(1)"),
        ("pageup", "page(-1)"), ("pagedown", "page(1)"),
    ]
    COMPONENT_CLASSES = {
        "outline--margin", "outline--margin-line", "outline--rule", "outline--cursor",
        "outline--layer", "outline--component", "outline--detail", "outline--hint",
        "outline--flow", "outline--risk", "outline--question", "outline--decision",
        "outline--async", "outline--folded", "outline--caret", "outline--editing",
    }

    #: Keys run here, in order with the typing around them (a binding would only run after the
    #: key bubbled to the app, behind characters typed after it).
    OWN_KEYS = {**key_map("outline"), "up": "cursor(-1)", "down": "cursor(1)",
                "pageup": "page(-1)", "pagedown": "page(1)"}
    SCREEN_KEYS = key_map("practice")

    def __init__(self, session: Session, read_only: bool = False, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.session = session
        self.read_only = read_only
        self.rows: list[Row] = []
        self.cursor = 0
        self.cursor_id: str | None = None
        self.draft: Draft | None = None
        self.edit: LineEdit | None = None
        self._abbr = self._phase_abbreviations()
        self._styles: dict[str, Style] = {}

    # ---- model -> rows ----------------------------------------------------------------------
    @property
    def outline(self):  # type: ignore[no-untyped-def]
        return self.session.state.outline

    def rebuild(self) -> None:
        """Recompute the visible rows from the outline (after any outline event)."""
        rows = [Row(note, depth) for note, depth in self.outline.walk(visible_only=True)]
        if self.draft is not None:
            position = draft_row(self.outline, rows, self.draft)
            rows.insert(position, Row(None, self.draft.depth(self.outline)))
        self.rows = rows
        self._place_cursor()
        self.virtual_size = Size(self.size.width, len(rows) + 1)
        self._scroll_to_cursor()
        self.refresh()

    def _place_cursor(self) -> None:
        if self.draft is not None:
            for index, row in enumerate(self.rows):
                if row.note is None:
                    self.cursor = index
                    return
        if self.cursor_id is not None:
            for index, row in enumerate(self.rows):
                if row.note is not None and row.note.id == self.cursor_id:
                    self.cursor = index
                    return
        self.cursor = max(0, min(self.cursor, len(self.rows) - 1))
        note = self.current_note
        self.cursor_id = None if note is None else note.id

    @property
    def current_note(self) -> Note | None:
        if 0 <= self.cursor < len(self.rows):
            return self.rows[self.cursor].note
        return None

    def _phase_abbreviations(self) -> dict[str, str]:
        out = {}
        for phase in self.session.state.layout.phases:
            out[phase.id] = ROLE_ABBR.get(phase.role, phase.id[:5])
        return out

    # ---- committing ------------------------------------------------------------------------
    def _emit(self, event_type: str, **fields: object) -> None:
        self.session.emit(event_type, **fields)

    def commit(self) -> None:
        """Save what is being typed: a new note for the draft, an edit for a note."""
        edit, self.edit = self.edit, None
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
        if edit is None or note is None or not edit.dirty:
            if edit is not None:
                self.refresh()
            return
        kind, clean = parse_markers(edit.text)
        if clean and (kind, clean) != (note.kind, note.text):
            self._emit("note_edited", id=note.id, text=clean, kind=kind)
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

    # ---- typing -----------------------------------------------------------------------------
    async def on_key(self, event: events.Key) -> None:
        action = self.OWN_KEYS.get(event.key)
        target = self
        if action is None and event.key in self.SCREEN_KEYS:
            action, target = self.SCREEN_KEYS[event.key], self.screen  # type: ignore[assignment]
        if action is not None:
            name = action.split("(")[0]
            if target.check_action(name, ()) is not True:
                return
            event.stop()
            event.prevent_default()
            await self.app.run_action(action, target)
            return
        if self.read_only:
            return
        edit: LineEdit | None
        if event.is_printable and event.character is not None:
            edit = self._start_edit()
            if edit is not None:
                edit.insert(event.character)
        elif event.key in ("backspace", "delete", "left", "right", "home", "end"):
            if event.key == "backspace" and self.draft is not None and self.edit is not None \
                    and not self.edit.text:
                self.draft, self.edit = None, None
                self.rebuild()
            else:
                edit = self._start_edit()
                if edit is not None:
                    edit.key(event.key)
        else:
            return
        event.stop()
        event.prevent_default()
        self._scroll_to_cursor()
        self.refresh()

    def on_paste(self, event: events.Paste) -> None:
        edit = self._start_edit()
        if edit is not None:
            edit.insert(" ".join(event.text.split()))
            self.refresh()
        event.stop()

    def on_blur(self) -> None:
        self.commit()

    def on_click(self, event: events.Click) -> None:
        row = event.y + int(self.scroll_y)
        if 0 <= row < len(self.rows) and row != self.cursor:
            self.action_cursor(row - self.cursor)

    # ---- actions ----------------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if self.read_only and action not in ("cursor", "page", "fold", "stop_editing"):
            return False
        return True

    def action_cursor(self, delta: int) -> None:
        self.commit()
        if self.rows:
            self.cursor = max(0, min(len(self.rows) - 1, self.cursor + delta))
            note = self.current_note
            self.cursor_id = None if note is None else note.id
        self._scroll_to_cursor()
        self.refresh()

    def action_page(self, direction: int) -> None:
        self.action_cursor(direction * max(1, self.size.height - 1))

    def action_new_note(self) -> None:
        empty = self.draft is not None and (self.edit is None or not self.edit.text.strip())
        if empty:
            # Enter on an empty new note keeps it open: what is typed next is a note of its
            # own, never an addition to the note above it (Escape closes it).
            return
        self.commit()
        self._open_draft()

    def action_stop_editing(self) -> None:
        self.commit()

    def action_indent(self) -> None:
        if self.draft is not None:
            moved = indent_draft(self.outline, self.draft)
            if moved is not None:
                parent = self.outline.notes[moved.parent] if moved.parent else None
                if parent is not None and parent.folded:
                    self._emit("note_folded", id=parent.id, folded=False)
                self.draft = moved
                self.rebuild()
            return
        self.commit()
        self._structure(self.outline.indent)

    def action_outdent(self) -> None:
        if self.draft is not None:
            moved = outdent_draft(self.outline, self.draft)
            if moved is not None:
                self.draft = moved
                self.rebuild()
            return
        self.commit()
        self._structure(self.outline.outdent)

    def action_move_up(self) -> None:
        self.commit()
        self._structure(self.outline.move_up)

    def action_move_down(self) -> None:
        self.commit()
        self._structure(self.outline.move_down)

    def _structure(self, command) -> None:  # type: ignore[no-untyped-def]
        note = self.current_note
        if note is None:
            return
        op = command(note.id)
        if op is None:
            self.app.bell()
            return
        self.cursor_id = note.id
        self._emit(op[0], **op[1])

    def action_fold(self) -> None:
        self.commit()
        note = self.current_note
        if note is None or not note.children:
            return
        if self.read_only:
            note.folded = not note.folded  # a view-only fold; nothing is logged in replay
            self.rebuild()
            return
        self.cursor_id = note.id
        self._emit("note_folded", id=note.id, folded=not note.folded)

    def action_delete(self) -> None:
        if self.draft is not None:
            self.draft, self.edit = None, None
            self.rebuild()
            return
        self.edit = None
        note = self.current_note
        if note is None:
            return
        self.cursor_id = None
        self._emit("note_deleted", id=note.id)

    def action_undo(self) -> None:
        if self.edit is not None and self.edit.dirty:
            # What is being typed is one step: saved first (so it reaches the log), then undone
            # like any other, and Ctrl+Y brings it back.
            before = self.session.state.last_seq
            self.commit()
            if self.session.state.last_seq == before:
                self.refresh()  # nothing worth saving (only spaces): nothing to undo either
                return
        self.draft, self.edit = None, None
        self._emit("outline_undo")

    def action_redo(self) -> None:
        self.commit()
        self._emit("outline_redo")

    def pin(self, text: str) -> None:
        """Add `text` as a new note under the cursor (a child of the current note)."""
        self.commit()
        note = self.current_note
        kind, clean = parse_markers(text)
        if not clean:
            return
        note_id = self.outline.next_id()
        parent = None if note is None else note.id
        if note is not None and note.folded:
            self._emit("note_folded", id=note.id, folded=False)
        self.cursor_id = note_id
        self._emit("note_added", id=note_id, text=clean, kind=kind, parent=parent, index=-1,
                   phase=self.session.state.current_phase_id)

    # ---- drawing ----------------------------------------------------------------------------
    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._styles.clear()

    def _style(self, name: str) -> Style:
        style = self._styles.get(name)
        if style is None:
            style = self._styles[name] = self.get_component_rich_style(f"outline--{name}",
                                                                       partial=True)
        return style

    def _scroll_to_cursor(self) -> None:
        height = self.scrollable_content_region.height or self.size.height
        if height <= 0:
            return
        top = int(self.scroll_y)
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False)
        elif self.cursor >= top + height:
            self.scroll_to(y=self.cursor - height + 1, animate=False)

    def on_resize(self) -> None:
        self.virtual_size = Size(self.size.width, len(self.rows) + 1)
        self._scroll_to_cursor()

    def render_line(self, y: int) -> Strip:
        index = y + int(self.scroll_y)
        width = self.size.width
        base = self.rich_style
        if index < len(self.rows):
            segments = self._row_segments(index, width)
        elif index == 0 and not self.rows:
            segments = self._blank(width, hint=HINT)
        else:
            segments = self._blank(width)
        return Strip(segments, width).apply_style(base).crop(0, width)

    @property
    def has_focus_within_screen(self) -> bool:
        return self.has_focus or self.read_only

