"""The outline pane: a notebook page drawn line by line (Line API), edited in place.

Only the visible rows are rendered, so 2,000 notes cost one tree walk per change and nothing per
keystroke. Every change goes to `session.emit` and is shown at once; changes made elsewhere (undo
from the palette, replay, where the pane is read-only) reach it as `outline_changed` from the
screen's OutlineChanged message. Folding in replay is the view's own: the state is never touched.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from tui.app.keys import bindings, key_map
from tui.app.widgets.draft import Draft, draft_row, indent_draft, outdent_draft
from tui.app.widgets.outline_typing import OutlineTyping, Typing
from tui.app.widgets.paper import MARGIN, PaperLines, hint_lines
from tui.app.widgets.roles import role_word
from tui.app.widgets.text_edit import LineEdit
from tui.core.round.markers import parse_markers
from tui.core.round.outline import Note
from tui.core.session.session import Session


@dataclass
class Row:
    """One visible line: a note (or the draft, note None) at a depth."""

    note: Note | None
    depth: int


class OutlineView(OutlineTyping, PaperLines, ScrollView, can_focus=True):
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
        self.typing = Typing()
        self._abbr = self._phase_abbreviations()
        self._cursor_lines: list[list[Segment]] = []
        self._styles: dict[str, Style] = {}
        self.view_folds: dict[str, bool] = {}
        """Replay's own folds (note id -> folded), over the log's; never logged."""
        self._built_seq = -1

    # ---- model -> rows ----------------------------------------------------------------------
    def is_folded(self, note: Note) -> bool:
        return self.view_folds.get(note.id, note.folded)

    def _visible(self) -> Iterator[tuple[Note, int]]:
        """Every note not inside a folded one, with its depth, in display order."""
        outline = self.outline
        stack = [(note_id, 0) for note_id in reversed(outline.roots)]
        while stack:
            note_id, depth = stack.pop()
            note = outline.notes[note_id]
            yield note, depth
            if not self.is_folded(note):
                stack.extend((child, depth + 1) for child in reversed(note.children))

    def rebuild(self) -> None:
        """Recompute the visible rows from the outline (after any outline event)."""
        self._built_seq = self.session.state.last_seq
        rows = [Row(note, depth) for note, depth in self._visible()]
        if self.draft is not None:
            position = draft_row(self.outline, rows, self.draft)
            rows.insert(position, Row(None, self.draft.depth(self.outline)))
        self.rows = rows
        self._place_cursor()
        self._fit()

    def outline_changed(self, seq: int) -> None:
        """The outline event `seq` was applied: rebuild, unless this view already showed it
        (its own changes are shown the moment they are logged)."""
        if seq > self._built_seq:
            self.rebuild()

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
            out[phase.id] = role_word(phase).lower()[:5]
        return out

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
            if event.key == "backspace" and self._empty_new_note():
                self.commit()  # Backspace on an empty new note closes it
            else:
                edit = self._start_edit()
                if edit is not None:
                    edit.key(event.key)
        else:
            return
        event.stop()
        event.prevent_default()
        self._fit()

    def on_paste(self, event: events.Paste) -> None:
        edit = self._start_edit()
        if edit is not None:
            edit.insert(re.sub(r"\s+", " ", event.text))  # one line; spaces at the ends kept
            self._fit()
        event.stop()

    def on_blur(self) -> None:
        self.commit(keep_empty_new=True)  # back in the outline, typing goes on in the new note

    def on_click(self, event: events.Click) -> None:
        row = self._row_at(event.y + int(self.scroll_y))[0]
        if 0 <= row < len(self.rows) and row != self.cursor:
            self.action_cursor(row - self.cursor)

    # ---- actions ----------------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return not self.read_only or action in ("cursor", "page", "fold", "stop_editing")

    def action_cursor(self, delta: int) -> None:
        self.commit()
        if self.rows:
            self.cursor = max(0, min(len(self.rows) - 1, self.cursor + delta))
            note = self.current_note
            self.cursor_id = None if note is None else note.id
        self._fit()

    def action_page(self, direction: int) -> None:
        self.action_cursor(direction * max(1, self.size.height - 1))

    def action_new_note(self) -> None:
        if self._empty_new_note():
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
            self.view_folds[note.id] = not self.is_folded(note)  # replay logs nothing
            self.rebuild()
            return
        self.cursor_id = note.id
        self._emit("note_folded", id=note.id, folded=not note.folded)

    def action_delete(self) -> None:
        if self.draft is not None:
            self.draft, self.edit = None, None
            self.rebuild()
            return
        self.edit, self.typing = None, Typing()
        note = self.current_note
        if note is None:
            return
        self.cursor_id = None
        self._emit("note_deleted", id=note.id)

    def action_undo(self) -> None:
        saved = self.typing.note_id is not None
        if self.edit is not None and (self.edit.dirty or saved):
            # What is being typed is one step: saved first (so it reaches the log), then undone
            # like any other, and Ctrl+Y brings it back.
            before = self.session.state.last_seq
            self.commit()
            if self.session.state.last_seq == before and not saved:
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
        if self.is_mounted:
            # The wrapped cursor row holds styles of the old theme; draw it again once the
            # component classes have the new theme too (they may not have yet, here).
            self.call_after_refresh(self._restyle)

    def _restyle(self) -> None:
        self._styles.clear()
        self._fit()

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
        last = self.cursor + max(0, len(self._cursor_lines) - 1)
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False)
        elif last >= top + height:
            self.scroll_to(y=min(self.cursor, last - height + 1), animate=False)

    def on_resize(self) -> None:
        self._fit()

    def _fit(self) -> None:
        """Wrap the row under the cursor, size the page to the lines and keep the cursor in
        view (after any change to the rows, the text being typed or the width)."""
        width = self.size.width
        self._cursor_lines = (self._row_lines(self.cursor, width)
                              if 0 <= self.cursor < len(self.rows) and width > 0 else [])
        extra = max(0, len(self._cursor_lines) - 1)
        size = Size(width, len(self.rows) + extra + 1)
        if size != self.virtual_size:
            self.virtual_size = size
        self._scroll_to_cursor()
        self.refresh()

    def _row_at(self, line: int) -> tuple[int, int]:
        """(row, line within the row) of a line of the page."""
        extra = max(0, len(self._cursor_lines) - 1)
        if line <= self.cursor:
            return line, 0
        if line <= self.cursor + extra:
            return self.cursor, line - self.cursor
        return line - extra, 0

    def render_line(self, y: int) -> Strip:
        index, part = self._row_at(y + int(self.scroll_y))
        width = self.size.width
        base = self.rich_style
        if index == self.cursor and part < len(self._cursor_lines):
            segments = self._cursor_lines[part]
        elif index < len(self.rows):
            segments = self._row_lines(index, width)[0]
        elif not self.rows and index < len(hints := hint_lines(width - MARGIN - 2)):
            segments = self._blank(width, hint=hints[index])
        else:
            segments = self._blank(width)
        return Strip(segments, width).apply_style(base).crop(0, width)

    @property
    def has_focus_within_screen(self) -> bool:
        return self.has_focus or self.read_only

