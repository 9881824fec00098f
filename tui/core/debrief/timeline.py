"""A picture of the round: one lane per phase on a shared axis of round time.

Each lane shows when its phase ran (bars), its min-max window counted from when it was first
entered (dots), and how it ended; a flags lane marks each flag at its moment by severity, and a
silences lane shades every silence longer than a thinking pause. The chart is drawn as runs of
(text, role) pieces so the same drawing serves plain text (export, piped `report`) and colour
(the results screen, `report` in a terminal).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from tui.core.coach.severity import severity_mark
from tui.core.debrief.rows import FlagRow
from tui.core.session.events import Event
from tui.core.session.state import SessionState
from tui.core.text.durations import format_clock
from tui.core.text.safe_text import visible_line

LABEL = 15  # the lane name column
STATUS = 14  # the column after the axis: "12:34 rushed"
MIN_AXIS = 20
RANK = {"serious": 0, "warn": 1, "info": 2}

Span = tuple[float, float]
Piece = tuple[str, str]
"""A run of text and its role: "label", "axis", "ok", "rushed", "over", "short", "window",
"serious", "warn", "info", "silence", "status" or "" (plain)."""


@dataclass(frozen=True)
class Lane:
    """One phase: where it ran (round time), its window and how it ended."""

    phase: str
    title: str
    min_s: float
    max_s: float
    spent_s: float
    spans: tuple[Span, ...]
    result: str
    """"ok", "rushed", "short", "over", "skipped" or "not reached"."""


@dataclass(frozen=True)
class Timeline:
    """Everything the chart draws, in round time (pauses excluded)."""

    length_s: float
    """The axis: the planned total or the time used, whichever is longer."""
    used_s: float
    lanes: tuple[Lane, ...]
    flags: tuple[FlagRow, ...]
    silences: tuple[Span, ...]
    thinking_pause_s: float


def lane_result(window: str, skipped: bool, rushed: bool) -> str:
    """A phase's end in a word, from the phase tracker's verdict (`PhaseTracker.result`)."""
    if skipped:
        return "skipped"
    if rushed:
        return "rushed"
    return {"pending": "not reached", "below_min": "short", "in_window": "ok",
            "over_max": "over"}.get(window, window)


def phase_spans(events: Iterable[Event], state: SessionState) -> dict[str, list[Span]]:
    """Round-time stretches each phase ran, from the log's phase and timer events."""
    spans: dict[str, list[Span]] = {}
    current: str | None = None
    start = 0.0
    known = {phase.id for phase in state.layout.phases}

    def close(at: float) -> None:
        if current is not None and at > start:
            spans.setdefault(current, []).append((start, at))

    for event in events:
        if event.type == "phase_entered" and event["phase"] in known:
            at = state.round_time(event.t)
            close(at)
            current, start = event["phase"], at
        elif event.type == "round_ended":
            close(state.round_time(event.t))
            current = None
            break
    close(state.round_time(state.last_t))
    return spans


def draw(timeline: Timeline, width: int) -> list[list[Piece]]:
    """The chart in `width` columns: an axis line, one line per lane, flags and silences."""
    cells = max(MIN_AXIS, width - LABEL - STATUS - 1)
    scale = max(timeline.length_s, 1.0) / cells
    lines = [[(" " * LABEL, ""), (_axis(timeline.length_s, cells), "axis")]]
    for lane in timeline.lanes:
        lines.append([(_label(lane.title), "label"), *_lane(lane, cells, scale),
                      (f" {_status(lane)}", "status")])
    lines.append([(_label("Flags"), "label"), *_flags(timeline.flags, cells, scale),
                  (f" {len(timeline.flags)} flag{'s' if len(timeline.flags) != 1 else ''}",
                   "status")])
    pause = f"{timeline.thinking_pause_s:g} s"
    lines.append([(_label("Silences"), "label"), *_silences(timeline.silences, cells, scale),
                  (f" {len(timeline.silences)} over {pause}", "status")])
    return [_merge(line) for line in lines]


def plain(lines: Sequence[Sequence[Piece]]) -> list[str]:
    """The chart as plain text lines (trailing spaces dropped)."""
    return ["".join(text for text, _role in line).rstrip() for line in lines]


def legend(timeline: Timeline) -> str:
    """One line saying how to read the chart."""
    marks = "  ".join(f"{severity_mark(s).symbol} {severity_mark(s).word}"
                      for s in ("serious", "warn", "info"))
    return (f"Round time, pauses excluded; used {format_clock(timeline.used_s)}. █ the phase ran, "
            f"· its min-max window (│ its maximum, when passed), {marks}, ░ silence past a "
            f"thinking pause.")


def _label(title: str) -> str:
    title = visible_line(title)  # a layout's phase title: never a control character raw
    room = LABEL - 1
    text = title if len(title) <= room else title[: room - 1] + "…"
    return text.ljust(LABEL)


def _status(lane: Lane) -> str:
    if lane.result in ("skipped", "not reached"):
        return lane.result
    return f"{format_clock(lane.spent_s)} {lane.result}"


def _axis(length_s: float, cells: int) -> str:
    """Minute labels at round steps (0, 15m, 30m ...) along `cells` columns."""
    minutes = length_s / 60
    step = next((s for s in (1, 2, 5, 10, 15, 20, 30, 60) if minutes / s <= cells / 8),
                120)
    out = [" "] * (cells + 6)
    mark = 0
    while mark * 60 <= length_s + 1e-9:
        label = "0" if mark == 0 else f"{mark}m"
        column = int(mark * 60 / length_s * cells) if length_s else 0
        column = min(column, cells - len(label))  # the last label ends at the axis' end
        if all(cell == " " for cell in out[max(0, column - 1): column + len(label) + 1]):
            out[column: column + len(label)] = label
        mark += step
    return "".join(out[:cells]).ljust(cells)


def _cell_range(start: float, end: float, scale: float, cells: int) -> range:
    first = int(start / scale)
    last = max(first, int(max(start, end - 1e-9) / scale))
    return range(max(0, first), min(cells, last + 1))


def _lane(lane: Lane, cells: int, scale: float) -> list[Piece]:
    row: list[Piece] = [(" ", "")] * cells
    if lane.spans:
        begin = lane.spans[0][0]
        for cell in _cell_range(begin + lane.min_s, begin + lane.max_s, scale, cells):
            row[cell] = ("·", "window")
    role = lane.result if lane.result in ("ok", "rushed", "over", "short") else "short"
    for start, end in lane.spans:
        for cell in _cell_range(start, end, scale, cells):
            row[cell] = ("█", role)
    if lane.spans and lane.result == "over":
        cell = int((lane.spans[0][0] + lane.max_s) / scale)
        if cell < cells:
            row[cell] = ("│", "window")  # where the maximum was passed
    return row


def _flags(flags: Sequence[FlagRow], cells: int, scale: float) -> list[Piece]:
    row: list[Piece] = [(" ", "")] * cells
    worst: dict[int, str] = {}
    for flag in flags:
        cell = min(cells - 1, int(flag.t / scale))
        if cell not in worst or RANK.get(flag.severity, 1) < RANK.get(worst[cell], 1):
            worst[cell] = flag.severity
    for cell, severity in worst.items():
        row[cell] = (severity_mark(severity).symbol, severity)
    return row


def _silences(silences: Sequence[Span], cells: int, scale: float) -> list[Piece]:
    row: list[Piece] = [(" ", "")] * cells
    for start, end in silences:
        for cell in _cell_range(start, end, scale, cells):
            row[cell] = ("░", "silence")
    return row


def _merge(line: Sequence[Piece]) -> list[Piece]:
    """Join neighbouring pieces of the same role."""
    out: list[Piece] = []
    for text, role in line:
        if out and out[-1][1] == role:
            out[-1] = (out[-1][0] + text, role)
        else:
            out.append((text, role))
    return out
