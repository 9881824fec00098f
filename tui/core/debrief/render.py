"""The debrief rendered: `report_markdown(report)` gives CommonMark lines under a "## Debrief"
heading. `phase_table` and `flag_list` are the one phase table and the one flag list every
output shows (the debrief, and the export of a session whose coach was not replayed).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from tui.core.debrief.model import Report
from tui.core.debrief.rows import CurveballRow, FailureRow, FlagRow, PhaseRow
from tui.core.debrief.timeline import Timeline, draw, legend, plain
from tui.core.round.phases import Window
from tui.core.text.durations import format_clock, format_minutes
from tui.core.text.markdown_text import inline

#: Columns of the timeline chart in Markdown (the export, `report` piped).
TIMELINE_WIDTH = 78

#: A phase's window in the table's words.
WINDOW_WORDS = {
    Window.PENDING.value: "not reached",
    Window.BELOW_MIN.value: "under the minimum",
    Window.IN_WINDOW.value: "in window",
    Window.OVER_MAX.value: "over the maximum",
}

#: Where a flag or a quote happened: a phase id (or None) -> its title, inline Markdown.
Where = Callable[[str | None], str]


def report_markdown(report: Report, timestamps: bool = True, timeline: bool = True) -> list[str]:
    """The debrief as CommonMark lines: "## Debrief" then level-3 sections; stable output.

    It opens with the timeline chart (unless `timeline` is false: a screen draws it in colour
    instead). Without `timestamps`, no moment of the session is printed (durations stay)."""
    where = places(report.phases)

    def stamp(t: float) -> str:
        return f"{format_clock(t)} · " if timestamps else ""

    lines = ["## Debrief", ""]
    if timeline and timestamps and report.timeline is not None:
        lines += timeline_markdown(report.timeline)
    lines += ["### Practise next", ""]
    lines += [f"{n}. {inline(text)}" for n, text in enumerate(report.practice, start=1)] + [""]
    lines += ["### Phases against plan", "", *phase_table(report.phases), ""]
    lines += ["### Flags on the timeline", "", *flag_list(report.flags, where, timestamps), ""]
    lines += _rubric_md(report, timestamps)
    lines += _questions_md(report, timestamps)
    lines += _dimensions_md(report, timestamps)
    if report.framing:
        lines += _core_md(report, where, timestamps)
    if report.failure_modes:
        lines += _failures_md(report, where, timestamps)
    lines += _delivery_md(report, where, timestamps)
    if report.curveballs:
        lines += ["### Curveballs", ""]
        lines += [f"- {stamp(c.t)}{where(c.phase)}: {inline(c.text)} {curveball_outcome(c)}"
                  for c in report.curveballs]
        lines.append("")
    if report.probes:
        lines += ["### Interviewer probes", ""]
        lines += [f"- {stamp(p.t)}{where(p.phase)}: {inline(p.text)}"
                  for p in report.probes]
        lines.append("")
    while lines and lines[-1] == "":
        lines.pop()
    return lines + [""]


def curveball_outcome(row: CurveballRow) -> str:
    """How the candidate took a curveball up, in words ("taken up after 0:40 (shard)")."""
    if row.answered_after_s is not None:
        said = f" ({inline(row.evidence)})" if row.evidence else ""
        return f"Taken up after {format_clock(row.answered_after_s)}{said}."
    if row.window_closed:
        return f"Not taken up within {format_minutes(row.answer_s)}."
    return "Not taken up before the round ended."


def places(phases: Sequence[PhaseRow]) -> Where:
    """Names a phase id by its title ("whole round" for none or an unknown one)."""
    titles = {p.id: p.title for p in phases}

    def where(phase: str | None) -> str:
        return inline(titles.get(phase or "", "whole round"))

    return where


def phase_table(rows: Sequence[PhaseRow], delivery: bool = True) -> list[str]:
    """The phases planned against actual, as a Markdown table; with `delivery`, words and
    fillers a minute too (the export of a session whose coach was not replayed has none)."""
    extra = " Words/min | Fillers/min |" if delivery else ""
    lines = ["| Phase | Planned | Actual | Result |" + extra,
             "| --- | --- | --- | --- |" + (" --- | --- |" if delivery else "")]
    for row in rows:
        numbers = f" {_num(row.wpm)} | {_num(row.fillers_per_min)} |" if delivery else ""
        lines.append(
            f"| {inline(row.title)} | {format_minutes(row.planned_min_s)}–"
            f"{format_minutes(row.planned_max_s)} | {format_clock(row.actual_s)} | "
            f"{phase_result(row)} |" + numbers)
    return lines


def phase_result(row: PhaseRow) -> str:
    """A phase's verdict in the table's words: "skipped", else its window (", rushed")."""
    if row.skipped:
        return "skipped"
    marks = [WINDOW_WORDS.get(row.window, row.window)]
    if row.rushed:
        marks.append("rushed")
    return ", ".join(marks)


def flag_list(flags: Sequence[FlagRow], where: Where, timestamps: bool = True) -> list[str]:
    """The flags as a Markdown list, in order, or a line saying there were none."""
    if not flags:
        return ["No flags were raised."]
    return [f"- {format_clock(f.t) + ' · ' if timestamps else ''}{where(f.phase)} · "
            f"**{inline(f.code)}** ({f.severity}): {inline(f.message)}" for f in flags]


def timeline_markdown(timeline: Timeline, width: int = TIMELINE_WIDTH) -> list[str]:
    """The "Timeline" section: the chart as a fenced text block and how to read it."""
    return (["### Timeline", "", "```text", *plain(draw(timeline, width)), "```", "",
             inline(legend(timeline)), ""])


def _at(t: float, timestamps: bool) -> str:
    return f"at {format_clock(t)} " if timestamps else ""


def _num(value: float | None) -> str:
    return "–" if value is None else f"{value:.0f}"


def _round_label(number: int | None) -> str:
    return f"Round {number}: " if number else ""


def _rubric_md(report: Report, timestamps: bool) -> list[str]:
    """The six signals: a score table, then the evidence and what was missing for each."""
    if not report.rubric:
        return []
    level = report.rubric[0].level
    lines = ["### Rubric", "", f"Scored 1-4 against the {inline(level)} bar.", "",
             "| Signal | Score | Verdict |", "| --- | --- | --- |"]
    for grade in report.rubric:
        lines.append(f"| {_round_label(grade.round)}{RUBRIC_TITLES[grade.dimension]} | "
                     f"{grade.score} | {inline(grade.verdict)} |")
    lines.append("")
    for grade in report.rubric:
        lines += [f"**{_round_label(grade.round)}{RUBRIC_TITLES[grade.dimension]} "
                  f"({grade.score}/4)**", ""]
        for quote in grade.evidence:
            when = f"{format_clock(quote.t)} · " if timestamps else ""
            lines.append(f"- {when}\"{inline(quote.text)}\"")
        lines += [f"- Missing: {inline(item)}" for item in grade.missing]
        if not grade.evidence and not grade.missing:
            lines.append("- Nothing to show yet.")
        lines.append("")
    return lines


#: Headings of the rubric's signals.
RUBRIC_TITLES = {
    "requirements": "Requirements", "framing": "Problem framing",
    "design": "Design and trade-offs", "depth": "Depth", "resilience":
    "Resilience and operations", "communication": "Communication",
}


def _core_md(report: Report, where: Where, timestamps: bool) -> list[str]:
    lines = ["### Core challenge", ""]
    numbers: list[int | None] = ([None] if report.rounds == 1
                                 else list(range(1, report.rounds + 1)))
    for number in numbers:
        quote = next((q for q in report.core_challenges if q.round == number), None)
        label = _round_label(number)
        if quote:
            said = f"at {format_clock(quote.t)} " if timestamps else ""
            lines += [f"{label}", ""] if label else []
            lines += [f"> {inline(quote.text)}", "", f"Said {said}in {where(quote.phase)}.", ""]
        else:
            lines += [f"{label}The core challenge was never stated.", ""]
    return lines


def _questions_md(report: Report, timestamps: bool) -> list[str]:
    count = len(report.questions)
    lines = ["### Clarifying questions", "",
             f"{count} clarifying question{'' if count == 1 else 's'} asked.", ""]
    for n, q in enumerate(report.questions, start=1):
        tags = (([format_clock(q.t)] if timestamps else [])
                + (["note"] if q.source == "note" else []))
        lines.append(f"{n}. {_round_label(q.round)}{inline(q.text)}"
                     + (f" *({', '.join(tags)})*" if tags else ""))
    return lines + ([""] if report.questions else [])


def _dimensions_md(report: Report, timestamps: bool) -> list[str]:
    if not report.dimensions:
        return []
    covered = [d for d in report.dimensions if d.covered]
    missed = [d for d in report.dimensions if not d.covered]
    lines = ["### Requirements covered", ""]
    for d in covered:
        when = f" at {format_clock(d.t or 0)}" if timestamps else ""
        lines.append(f"- Covered: {inline(d.text)}{when} (\"{inline(d.evidence or '')}\")")
    for d in missed:
        lines.append(f"- Missed: {inline(d.text)}")
    return lines + [""]


def _failures_md(report: Report, where: Where, timestamps: bool) -> list[str]:
    lines = ["### Failure modes", ""]

    def terms(rows: tuple[FailureRow, ...]) -> str:
        return ", ".join(dict.fromkeys(inline(r.term) for r in rows)) or "none"

    numbers: list[int | None] = ([None] if report.rounds == 1
                                 else list(range(1, report.rounds + 1)))
    roles = {p.id: p.role for p in report.phases}

    def count(rows: tuple[FailureRow, ...], during: bool) -> str:
        more = any((roles.get(p) == "resilience") == during for p in report.failures_capped)
        return f"{len(rows)}+" if more and rows else str(len(rows))

    for number in numbers:
        label = _round_label(number)
        before = tuple(r for r in report.failures_before if r.round == number)
        during = tuple(r for r in report.failures_during if r.round == number)
        unprompted = tuple(r for r in before if not r.prompted)
        prompted = tuple(r for r in before if r.prompted)
        first = unprompted[0] if unprompted else None
        lines.append(f"- {label}Before the resilience phase, unprompted: "
                     f"{count(unprompted, False)} "
                     f"({terms(unprompted)})"
                     + (f", first {_at(first.t, timestamps)}in {where(first.phase)}"
                        if first else ""))
        if prompted:
            lines.append(f"- {label}Before the resilience phase, answering a probe: "
                         f"{len(prompted)} ({terms(prompted)})")
        lines.append(f"- {label}During the resilience phase: {count(during, True)} "
                     f"({terms(during)})")
    return lines + [""]


def _delivery_md(report: Report, where: Where, timestamps: bool) -> list[str]:
    lines = ["### Delivery", ""]
    lines.append(f"- Words per minute of talk: {_num(report.wpm)}")
    lines.append(f"- Filler words: {report.fillers}, {_num(report.fillers_per_min)} a minute")
    silence = report.longest_silence
    if silence:
        lines.append(f"- Longest silence: {format_clock(silence.length_s)} in "
                     f"{where(silence.phase)}" + (f" at {format_clock(silence.start)}"
                                                  if timestamps else ""))
    else:
        lines.append("- Longest silence: no pause longer than a thinking pause")
    return lines + [""]
