"""Markdown export of a session: the debrief (phases planned vs actual, flags on a timeline, ...),
the outline, and the transcript.

The output is CommonMark and stable: the same log always gives the same bytes.
"""

from __future__ import annotations

from pathlib import Path

from tui.core.debrief.render import flag_list, phase_table, places, report_markdown
from tui.core.debrief.report import build_report
from tui.core.debrief.rows import flag_rows, phase_rows
from tui.core.round.markers import KIND_WORDS
from tui.core.round.outline import Note
from tui.core.session.eventlog import read_log
from tui.core.session.events import Event
from tui.core.session.leftovers import sweep
from tui.core.session.state import SessionState, fold
from tui.core.text.durations import format_clock, format_minutes
from tui.core.text.markdown_text import heading, inline
from tui.core.text.walltime import format_local_time

EXPORT_NAME = "session.md"
GROUPINGS = ("phase", "layer")


def render_markdown(
    state: SessionState,
    by: str = "phase",
    transcript: bool = True,
    timestamps: bool = True,
    debrief: list[str] | None = None,
    local_time: bool = False,
) -> str:
    """The whole export as one Markdown string ending in a newline. The start time is the log's
    UTC stamp (the same log gives the same bytes anywhere), or local time on screen.

    Without `debrief` lines (the coach not replayed), the phases and the flags the state holds
    are shown in the debrief's own table and list."""
    if by not in GROUPINGS:
        raise ValueError(f"by must be one of {GROUPINGS}")
    lines: list[str] = [f"# {heading(state.prompt.title)}", ""]
    lines += _summary(state, local_time)
    if debrief:  # the debrief has the phase table and the flags, recomputed from the log
        lines += debrief
        if lines[-1] != "":
            lines.append("")
    else:
        lines += _phase_table(state)
    lines += ["## Outline", ""]
    outline = _outline_by_phase if by == "phase" else _outline_by_layer
    lines += outline(state, timestamps)
    if not debrief:
        lines += _flags(state, timestamps)
    if transcript:
        lines += _transcript(state, timestamps)
    while lines and lines[-1] == "":
        lines.pop()
    return "\n".join(lines) + "\n"


def export_session(
    log_path: Path,
    out: Path | None = None,
    by: str = "phase",
    transcript: bool = True,
    timestamps: bool = True,
) -> Path:
    """Read a session log, render it and write the Markdown (default: beside the log)."""
    events = read_log(log_path).events
    text = render_markdown(fold(events), by, transcript, timestamps,
                           debrief_lines(events, timestamps))
    out = out or log_path.parent / EXPORT_NAME
    out.parent.mkdir(parents=True, exist_ok=True)
    sweep(log_path.parent, lambda name: name == EXPORT_NAME + ".tmp")  # a killed export's
    tmp = out.with_name(out.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(out)
    return out


def debrief_lines(events: list[Event], timestamps: bool = True) -> list[str]:
    """The coach's debrief section for these events (flags recomputed from the log)."""
    return report_markdown(build_report(events), timestamps)


def _summary(state: SessionState, local_time: bool = False) -> list[str]:
    layout = state.layout
    lines = [f"> {inline(state.prompt.text)}", ""]
    rows = [
        ("Layout", f"{inline(layout.title)} ({inline(layout.id)}, "
                   f"{format_minutes(layout.total_s)})"),
        ("Prompt", f"{inline(state.prompt.id)} ({inline(state.prompt.domain)})"),
        ("Started", inline(format_local_time(state.started_wall) if local_time
                           else state.started_wall or "unknown")),
        ("Time used", f"{format_clock(state.phases.total_elapsed(state.last_t))} of "
                      f"{format_clock(layout.total_s)}"),
        ("Round", "ended" if state.ended else "not finished"),
        ("Captions", inline(state.engine)),
    ]
    lines += [f"- **{label}:** {value}" for label, value in rows]
    return lines + [""]


def _phase_table(state: SessionState) -> list[str]:
    return ["## Phases", "", *phase_table(phase_rows(state), delivery=False), ""]


def _note_line(state: SessionState, note: Note, depth: int, timestamps: bool) -> str:
    word = KIND_WORDS.get(note.kind)
    text = inline(note.text) or "(empty)"
    body = f"{word}: {text}" if word else text
    if timestamps:
        body += f" *({format_clock(state.round_time(note.created_t))})*"
    return "  " * depth + "- " + body


def _subtree(state: SessionState, root: Note, base: int, timestamps: bool) -> list[str]:
    lines = []
    for note_id in state.outline.walk_ids(root.id):
        note = state.outline.notes[note_id]
        depth = state.outline.depth(note_id) - state.outline.depth(root.id) + base
        lines.append(_note_line(state, note, depth, timestamps))
    return lines


def _outline_by_phase(state: SessionState, timestamps: bool) -> list[str]:
    titles = {phase.id: phase.title for phase in state.layout.phases}
    order = [phase.id for phase in state.layout.phases]
    groups: dict[str | None, list[Note]] = {}
    for root_id in state.outline.roots:
        note = state.outline.notes[root_id]
        key = note.phase if note.phase in titles else None
        groups.setdefault(key, []).append(note)
    if not groups:
        return ["No notes were written.", ""]
    lines: list[str] = []
    for key in [*order, None]:
        if key not in groups:
            continue
        lines += [f"### {heading(titles[key]) if key else 'Before the round'}", ""]
        for note in groups[key]:
            lines += _subtree(state, note, 0, timestamps)
        lines.append("")
    return lines


def _outline_by_layer(state: SessionState, timestamps: bool) -> list[str]:
    if not state.outline.roots:
        return ["No notes were written.", ""]
    lines: list[str] = []
    for root_id in state.outline.roots:
        root = state.outline.notes[root_id]
        word = KIND_WORDS.get(root.kind)
        title = inline(root.text) or "(empty)"
        name = heading(root.text) if root.text else title
        lines += [f"### {word + ': ' if word else ''}{name}", ""]
        children = [state.outline.notes[c] for c in root.children]
        for child in children:
            lines += _subtree(state, child, 0, timestamps)
        if not children:
            lines.append("No details under this layer.")
        lines.append("")
    return lines


def _flags(state: SessionState, timestamps: bool) -> list[str]:
    rows = phase_rows(state)
    return ["## Flags", "", *flag_list(flag_rows(state), places(rows), timestamps), ""]


def _transcript(state: SessionState, timestamps: bool) -> list[str]:
    lines = ["## Transcript", ""]
    if not state.captions:
        return lines + ["No speech was captioned.", ""]
    for caption in state.captions:
        stamp = f"{format_clock(state.round_time(caption.t))} " if timestamps else ""
        lines.append(f"- {stamp}{inline(caption.text)}")
    return lines + [""]
