"""Drawing the outline as a notebook page: a margin with phase and time, a red margin line,
faint rules, a glyph per layer and a coloured symbol per marker. Mixed into OutlineView."""

from __future__ import annotations

from typing import Any

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.strip import Strip

from tui.core.round.markers import KIND_SYMBOLS
from tui.core.round.outline import Note
from tui.core.text.durations import format_clock
from tui.core.text.safe_text import visible_line

MARGIN = 12  # "walk   12:34" then the margin line
LEVEL_GLYPHS = ("■", "•", "◦", "·")
FOLDED_GLYPH = "▸"
RULE = "▁"  # a faint line at the bottom of each cell: the page's ruling
#: The empty page's hint, in pieces that are never split; they wrap to the page's width.
HINT = ("Type a note.", "Enter: next note", "Tab: indent", "-> flow", "! risk", "? question",
        "* decision", "~ async")


def hint_lines(width: int) -> list[str]:
    """The hint packed into lines of at most `width` characters, pieces kept whole."""
    lines: list[str] = []
    for piece in HINT:
        if lines and len(lines[-1]) + 2 + len(piece) <= width:
            lines[-1] += "  " + piece
        else:
            lines.append(piece)
    return lines



class PaperLines:
    """Row painting for OutlineView (uses its rows, cursor, edit buffer and styles)."""

    rows: list[Any]
    cursor: int
    edit: Any
    _abbr: dict[str, str]
    outline: Any
    app: Any
    session: Any

    def _style(self, name: str) -> Style:  # provided by OutlineView
        raise NotImplementedError

    @property
    def has_focus_within_screen(self) -> bool:  # provided by OutlineView
        raise NotImplementedError

    def is_folded(self, note: Note) -> bool:  # provided by OutlineView (replay folds its own)
        return note.folded

    def _margin(self, note: Note | None) -> list[Segment]:
        if note is None:
            label = "new".rjust(MARGIN - 1)
        else:
            abbr = self._abbr.get(note.phase or "", "")
            when = format_clock(self.session.state.round_time(note.created_t))
            label = f"{abbr:<5}{when:>6}"[: MARGIN - 1]
        return [Segment(label.ljust(MARGIN - 1), self._style("margin")),
                Segment("│", self._style("margin-line"))]

    def _blank(self, width: int, hint: str = "") -> list[Segment]:
        segments = self._margin(None)
        segments[0] = Segment(" " * (MARGIN - 1), self._style("margin"))
        rest = width - MARGIN
        if hint:
            text = (" " + hint)[:rest]
            return segments + [Segment(text, self._style("hint")),
                               Segment(RULE * (rest - len(text)), self._style("rule"))]
        return segments + [Segment(RULE * max(0, rest), self._style("rule"))]

    def _row_lines(self, index: int, width: int) -> list[list[Segment]]:
        """The row's screen lines: one, ending in "…" if too long, except the row under the
        cursor, which wraps so all of it can be read (and typed) at once."""
        row = self.rows[index]
        note = row.note
        is_cursor = index == self.cursor and self.has_focus_within_screen
        editing = index == self.cursor and self.edit is not None
        level = ("layer", "component", "detail")[min(row.depth, 2)]
        glyph = LEVEL_GLYPHS[min(row.depth, len(LEVEL_GLYPHS) - 1)]
        if note is not None and self.is_folded(note) and note.children:
            glyph = FOLDED_GLYPH
        lead: list[Segment] = [Segment(" " + "  " * row.depth),
                               Segment(glyph + " ", self._style(level))]
        text = Text()
        if editing:
            assert self.edit is not None
            editing_style, caret = self._style("editing"), self._style("caret")
            before, under = self.edit.text[: self.edit.pos], self.edit.text[self.edit.pos:]
            text.append(visible_line(before), editing_style)
            text.append(visible_line(under[:1]) or " ", editing_style + caret)
            text.append(visible_line(under[1:]), editing_style)
        elif note is not None:
            symbol = KIND_SYMBOLS.get(note.kind)
            if symbol:
                text.append(symbol + " ", self._style(note.kind))
            text.append(visible_line(note.text), self._style(level))
            if self.is_folded(note) and note.children:
                hidden = sum(1 for _ in self.outline.walk_ids(note.id)) - 1
                text.append(f"  (+{hidden})", self._style("folded"))
        room = width - MARGIN
        lead_width = Segment.get_line_length(lead)
        if is_cursor or editing:
            pieces = list(text.wrap(self.app.console, max(4, room - lead_width - 1),
                                    overflow="fold", no_wrap=False))
        else:
            pieces = [text]
        lines: list[list[Segment]] = []
        for number, piece in enumerate(pieces):
            body = (lead if number == 0 else [Segment(" " * lead_width)]) + list(
                piece.render(self.app.console))
            used = Segment.get_line_length(body)
            if used > room:
                body = [*Strip(body).crop(0, max(0, room - 1)), Segment("…",
                                                                         self._style("folded"))]
                used = room
            body.append(Segment(" " + RULE * max(0, room - used - 1), self._style("rule")))
            if is_cursor or editing:
                cursor = self._style("cursor")
                body = [Segment(s.text, (s.style or Style()) + cursor) for s in body]
            margin = self._margin(note) if number == 0 else self._continued()
            lines.append(margin + body)
        return lines

    def _continued(self) -> list[Segment]:
        return [Segment(" " * (MARGIN - 1), self._style("margin")),
                Segment("│", self._style("margin-line"))]
