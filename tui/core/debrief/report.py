"""The debrief: a session's events replayed through the coach and summed up for the person.

`build_report(events)` recomputes the coach's flags and ticks from the log's input events (so a
hand-written log without flags gets them too, and the same log always gives the same report);
`report_markdown(report)` renders it as CommonMark lines under a "## Debrief" heading.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from tui.core.coach import coach_config, replay_coach
from tui.core.coach.base import segment_of
from tui.core.coach.delivery import DeliveryObserver, Spoken
from tui.core.coach.framing import FramingObserver
from tui.core.coach.requirements import RequirementsObserver
from tui.core.coach.resilience import ResilienceObserver
from tui.core.coach.silence import SilenceObserver
from tui.core.debrief.rubric import Grade, build_rubric
from tui.core.debrief.timeline import (
    FlagMark,
    Lane,
    Timeline,
    draw,
    lane_result,
    legend,
    phase_spans,
    plain,
)
from tui.core.round.phases import Window
from tui.core.session.events import Event
from tui.core.session.state import SessionState, Tick
from tui.core.text.durations import format_clock, format_minutes
from tui.core.text.markdown_text import inline

#: Columns of the timeline chart in Markdown (the export, `report` piped).
TIMELINE_WIDTH = 78

#: Flags in the order they matter most for "what to practise next", with the advice.
PRACTICE: tuple[tuple[str, str], ...] = (
    ("jumped_to_design", "Open with clarifying questions (scale, latency, freshness, read/write, "
     "consistency, scope) and no components until you have asked a handful."),
    ("no_core_challenge", "Say what makes the problem hard in one sentence (\"the core challenge "
     "is ...\") before any architecture."),
    ("skipped", "Reach every phase: {phases} {was} skipped; move on when a phase hits its "
     "maximum."),
    ("resilience_late", "Raise failure modes unprompted while you design: what breaks, the "
     "fallback, the timeout, before the resilience phase."),
    ("over_time", "Keep {phases} inside {its} window; glance at the phase bar and wrap up at the "
     "maximum."),
    ("rushed", "Give {phases} {its} minimum time; say what is still open before moving on."),
    ("dead_air", "Think out loud through long pauses: say which options you are weighing."),
    ("pace", "Steady your pace in {phases}: slower for the key points, no long stalls."),
    ("fillers", "Replace filler words with a short silent pause."),
    ("no_tradeoff", "In the deep dive, compare at least one alternative and say what your "
     "choice costs."),
    ("no_estimates", "Size the system out loud: requests per second, GB per day, users."),
    ("no_request_trace", "Trace one request end to end and mark the synchronous and "
     "asynchronous paths."),
    ("no_operability", "Close with operations: what you monitor and alert on, who is on call, "
     "how changes roll out and back."),
    ("probe_ignored", "Take every probe on, even to say what you would check first."),
    ("same_template", "Choose components for each problem's needs, not the same stack twice."),
)
TOP_N = 3


@dataclass(frozen=True)
class PhaseRow:
    """One phase: planned window against what happened."""

    id: str
    title: str
    role: str
    planned_min_s: float
    planned_max_s: float
    actual_s: float
    window: str
    skipped: bool
    rushed: bool
    words: int
    talk_s: float
    wpm: float | None
    fillers: int
    fillers_per_min: float | None


@dataclass(frozen=True)
class FlagRow:
    """A flag on the timeline."""

    t: float
    code: str
    phase: str | None
    severity: str
    message: str


@dataclass(frozen=True)
class QuestionRow:
    """A clarifying question asked in a requirements phase."""

    t: float
    phase: str
    text: str
    source: str
    round: int | None = None


@dataclass(frozen=True)
class ItemRow:
    """A checklist item (a requirements dimension or another phase's item), covered or not."""

    phase: str
    id: str
    text: str
    covered: bool
    t: float | None
    source: str | None
    evidence: str | None


@dataclass(frozen=True)
class QuoteRow:
    """A sentence quoted from the session."""

    t: float
    phase: str | None
    text: str
    source: str
    round: int | None = None


@dataclass(frozen=True)
class FailureRow:
    """Failure-mode talk, before or during a resilience phase."""

    t: float
    phase: str | None
    term: str
    text: str
    source: str
    prompted: bool
    round: int | None = None


@dataclass(frozen=True)
class SilenceRow:
    """The longest silence past a thinking pause."""

    start: float
    length_s: float
    phase: str


@dataclass(frozen=True)
class ProbeRow:
    """An interviewer probe that was asked."""

    t: float
    id: str
    phase: str | None
    text: str
    closed: str | None


@dataclass(frozen=True)
class Report:
    """Everything the debrief shows; `to_dict()` is JSON-ready with a stable key order."""

    prompt_id: str
    prompt_title: str
    layout_id: str
    layout_title: str
    started: str
    engine: str
    ended: bool
    planned_s: float
    used_s: float
    phases: tuple[PhaseRow, ...]
    flags: tuple[FlagRow, ...]
    flag_counts: dict[str, int]
    questions: tuple[QuestionRow, ...]
    dimensions: tuple[ItemRow, ...]
    checklist: tuple[ItemRow, ...]
    core_challenge: QuoteRow | None
    core_challenges: tuple[QuoteRow, ...]
    failures_before: tuple[FailureRow, ...]
    failures_during: tuple[FailureRow, ...]
    #: Phases where the coach stopped counting failure-mode talk after enough of it.
    failures_capped: tuple[str, ...]
    wpm: float | None
    fillers: int
    fillers_per_min: float | None
    longest_silence: SilenceRow | None
    probes: tuple[ProbeRow, ...]
    practice: tuple[str, ...]
    rubric: tuple[Grade, ...]
    #: Roles of the layout's phases: the debrief has a section only for what the layout has.
    roles: tuple[str, ...] = ()
    rounds: int = 1
    timeline: Timeline | None = None

    @property
    def codes(self) -> set[str]:
        """Flag codes raised at least once."""
        return {flag.code for flag in self.flags}

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON data in field order."""
        return asdict(self)

    @property
    def framing(self) -> bool:
        """The layout has a framing phase (a requirements drill has none)."""
        return "framing" in self.roles

    @property
    def failure_modes(self) -> bool:
        """The layout has a phase where failure modes matter."""
        return bool({"walkthrough", "deep_dive", "resilience"} & set(self.roles))


def build_report(events: Sequence[Event]) -> Report:
    """Replay the log through the coach and sum it up."""
    run = replay_coach(events)
    state = run.state
    observers = {type(o): o for o in run.observers}
    delivery = observers[DeliveryObserver]
    assert isinstance(delivery, DeliveryObserver)
    flags = tuple(
        FlagRow(_r(state.round_time(e.t)), e["code"], e["phase"], e["severity"], e["message"])
        for e in run.outputs if e.type == "flag_raised"
    )
    items = _items(state)
    requirement_phases = {p.id for p in state.layout.phases if p.role == "requirements"}
    talk = [s for s in delivery.spoken if s.phase is not None]
    words = sum(s.words for s in talk)
    seconds = sum(s.seconds for s in talk)
    filler_count = sum(len(s.fillers) for s in talk)
    report = Report(
        prompt_id=state.prompt.id, prompt_title=state.prompt.title,
        layout_id=state.layout.id, layout_title=state.layout.title,
        started=state.started_wall, engine=state.engine, ended=state.ended,
        planned_s=_r(state.layout.total_s), used_s=_r(state.phases.total_elapsed(state.last_t)),
        phases=_phase_rows(state, delivery.spoken),
        flags=flags,
        flag_counts=_counts(flags),
        questions=_questions(observers[RequirementsObserver], requirement_phases, state),
        dimensions=tuple(i for i in items if i.phase in requirement_phases),
        checklist=items,
        core_challenge=None,
        core_challenges=_cores(observers[FramingObserver], state),
        failures_before=_failures(observers[ResilienceObserver], state, during=False),
        failures_during=_failures(observers[ResilienceObserver], state, during=True),
        failures_capped=_capped(observers[ResilienceObserver], state),
        wpm=_rate(words, seconds),
        fillers=filler_count,
        fillers_per_min=_rate(filler_count, seconds),
        longest_silence=_silence(observers[SilenceObserver], state),
        probes=_probes(state),
        practice=(),
        rubric=build_rubric(run, coach_config(state.layout),
                            [(f.code, f.phase) for f in flags]),
        roles=tuple(dict.fromkeys(p.role for p in state.layout.phases)),
        rounds=_rounds(state),
    )
    from dataclasses import replace

    report = replace(report, core_challenge=report.core_challenges[0]
                     if report.core_challenges else None,
                     timeline=_timeline(events, state, report, observers[SilenceObserver]))
    return _with_practice(report, state)


def _rounds(state: SessionState) -> int:
    return 1 + sum(1 for p in state.layout.phases if p.role == "break")


def _round_of(state: SessionState, phase: str | None) -> int | None:
    """The round a phase belongs to, in a layout of several rounds (else None)."""
    if _rounds(state) == 1 or phase is None:
        return None
    return segment_of(state.layout, phase) + 1


def _r(value: float) -> float:
    return round(float(value), 1)


def _rate(count: int, seconds: float) -> float | None:
    return round(count / seconds * 60, 1) if seconds >= 1 else None


def _counts(flags: Sequence[FlagRow]) -> dict[str, int]:
    from tui.core.coach import FLAG_CODES

    return {code: sum(1 for f in flags if f.code == code) for code in FLAG_CODES}


def _phase_rows(state: SessionState, spoken: Sequence[Spoken]) -> tuple[PhaseRow, ...]:
    tracker, now = state.phases, state.last_t
    rows = []
    for phase in state.layout.phases:
        mine = [s for s in spoken if s.phase == phase.id]
        words = sum(s.words for s in mine)
        seconds = sum(s.seconds for s in mine)
        fillers = sum(len(s.fillers) for s in mine)
        rows.append(PhaseRow(
            id=phase.id, title=phase.title, role=phase.role, planned_min_s=_r(phase.min_s),
            planned_max_s=_r(phase.max_s), actual_s=_r(tracker.elapsed(phase.id, now)),
            window=tracker.window(phase.id, now).value, skipped=tracker.skipped(phase.id),
            rushed=tracker.rushed(phase.id, now), words=words, talk_s=_r(seconds),
            wpm=_rate(words, seconds), fillers=fillers, fillers_per_min=_rate(fillers, seconds),
        ))
    return tuple(rows)


def _items(state: SessionState) -> tuple[ItemRow, ...]:
    """Every checklist item with its first tick (the coach's or one the person made)."""
    first: dict[tuple[str, str], Tick] = {}
    for tick in state.ticks:
        first.setdefault((tick.phase, tick.item), tick)
    rows = []
    for phase in state.layout.phases:
        for item in phase.checklist:
            hit = first.get((phase.id, item.id))
            rows.append(ItemRow(
                phase=phase.id, id=item.id, text=item.text, covered=hit is not None,
                t=_r(state.round_time(hit.t)) if hit else None, source=hit.source if hit else None,
                evidence=hit.evidence if hit else None,
            ))
    return tuple(rows)


def _questions(observer: object, phases: set[str], state: SessionState
               ) -> tuple[QuestionRow, ...]:
    assert isinstance(observer, RequirementsObserver)
    return tuple(QuestionRow(_r(state.round_time(q.t)), q.phase, q.text, q.source, _round_of(state, q.phase))
                 for q in observer.questions if q.phase in phases)


def _cores(observer: object, state: SessionState) -> tuple[QuoteRow, ...]:
    """Per round, the first core-challenge sentence said before any architecture (in a
    requirements or framing phase); "the hardest part" said in a deep dive is about a
    component."""
    assert isinstance(observer, FramingObserver)
    roles = {p.id: p.role for p in state.layout.phases}
    out: dict[int | None, QuoteRow] = {}
    for said in observer.statements:
        if roles.get(said.phase or "") in ("requirements", "framing"):
            number = _round_of(state, said.phase)
            out.setdefault(number, QuoteRow(_r(state.round_time(said.t)), said.phase, said.text, said.source,
                                            number))
    return tuple(out.values())


def _failures(observer: object, state: SessionState, during: bool) -> tuple[FailureRow, ...]:
    assert isinstance(observer, ResilienceObserver)
    roles = {p.id: p.role for p in state.layout.phases}
    rows = []
    for m in observer.mentions:
        if m.phase is None or m.phase not in roles:
            continue
        if (roles[m.phase] == "resilience") == during:
            rows.append(FailureRow(_r(state.round_time(m.t)), m.phase, m.term, m.text, m.source, m.prompted,
                                   _round_of(state, m.phase)))
    return tuple(rows)


def _capped(observer: object, state: SessionState) -> tuple[str, ...]:
    assert isinstance(observer, ResilienceObserver)
    return tuple(p.id for p in state.layout.phases if p.id in observer.capped)


def _silence(observer: object, state: SessionState) -> SilenceRow | None:
    assert isinstance(observer, SilenceObserver)
    longest = observer.longest
    if longest is None:
        return None
    return SilenceRow(_r(state.round_time(longest.start)), _r(longest.length), longest.phase)


def _timeline(events: Sequence[Event], state: SessionState, report: Report,
              silence: object) -> Timeline:
    assert isinstance(silence, SilenceObserver)
    spans = phase_spans(events, state)
    lanes = tuple(
        Lane(row.id, row.title, row.planned_min_s, row.planned_max_s, row.actual_s,
             tuple((_r(a), _r(b)) for a, b in spans.get(row.id, ())),
             lane_result(row.window, row.skipped, row.rushed))
        for row in report.phases)
    return Timeline(
        length_s=max(report.planned_s, report.used_s), used_s=report.used_s, lanes=lanes,
        flags=tuple(FlagMark(f.t, f.severity, f.code) for f in report.flags),
        silences=tuple((_r(state.round_time(s.start)), _r(state.round_time(s.end)))
                       for s in silence.silences),
        thinking_pause_s=coach_config(state.layout).number("dead_air", "thinking_pause_s"),
    )


def _probes(state: SessionState) -> tuple[ProbeRow, ...]:
    return tuple(ProbeRow(_r(state.round_time(p.asked_t)), p.id, p.phase, p.text, p.close_reason)
                 for p in sorted(state.probes.values(), key=lambda p: (p.asked_t, p.id)))


def _with_practice(report: Report, state: SessionState) -> Report:
    from dataclasses import replace

    titles = {p.id: p.title for p in state.layout.phases}
    advice: list[str] = []
    for code, text in PRACTICE:
        phases = list(dict.fromkeys(titles[f.phase] for f in report.flags
                                    if f.code == code and f.phase in titles))
        if not any(f.code == code for f in report.flags):
            continue
        many = len(phases) > 1
        advice.append(text.format(phases=_join(phases) or "each phase",
                                  was="were" if many else "was", its="their" if many else "its"))
    missed = [i.id.replace("_", "/") for i in report.dimensions if not i.covered]
    if len(advice) < TOP_N and missed:
        advice.append(f"Cover the requirement dimensions you missed: {', '.join(missed)}.")
    if not advice:
        advice.append("No flags this time: try a harder prompt, or the back-to-back layout for "
                      "stamina.")
    return replace(report, practice=tuple(advice[:TOP_N]))


def _join(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


# --------------------------------------------------------------------------- Markdown


def report_markdown(report: Report, timestamps: bool = True, timeline: bool = True) -> list[str]:
    """The debrief as CommonMark lines: "## Debrief" then level-3 sections; stable output.

    It opens with the timeline chart (unless `timeline` is false: a screen draws it in colour
    instead). Without `timestamps`, no moment of the session is printed (durations stay)."""
    titles = {p.id: p.title for p in report.phases}

    def stamp(t: float) -> str:
        return f"{format_clock(t)} · " if timestamps else ""

    def where(phase: str | None) -> str:
        return inline(titles.get(phase or "", "whole round"))

    lines = ["## Debrief", ""]
    if timeline and timestamps and report.timeline is not None:
        lines += timeline_markdown(report.timeline)
    lines += ["### Practise next", ""]
    lines += [f"{n}. {inline(text)}" for n, text in enumerate(report.practice, start=1)] + [""]
    lines += ["### Phases against plan", "",
              "| Phase | Planned | Actual | Result | Words/min | Fillers/min |",
              "| --- | --- | --- | --- | --- | --- |"]
    for row in report.phases:
        result = _result(row)
        lines.append(
            f"| {inline(row.title)} | {format_minutes(row.planned_min_s)}–"
            f"{format_minutes(row.planned_max_s)} | {format_clock(row.actual_s)} | {result} | "
            f"{_num(row.wpm)} | {_num(row.fillers_per_min)} |")
    lines.append("")
    lines += ["### Flags on the timeline", ""]
    if report.flags:
        lines += [f"- {stamp(f.t)}{where(f.phase)} · **{inline(f.code)}** "
                  f"({f.severity}): {inline(f.message)}" for f in report.flags]
    else:
        lines.append("No flags were raised.")
    lines.append("")
    lines += _rubric_md(report, timestamps)
    lines += _questions_md(report, timestamps)
    lines += _dimensions_md(report, timestamps)
    if report.framing:
        lines += _core_md(report, where, timestamps)
    if report.failure_modes:
        lines += _failures_md(report, where, timestamps)
    lines += _delivery_md(report, where, timestamps)
    if report.probes:
        lines += ["### Interviewer probes", ""]
        lines += [f"- {stamp(p.t)}{where(p.phase)}: {inline(p.text)}"
                  for p in report.probes]
        lines.append("")
    while lines and lines[-1] == "":
        lines.pop()
    return lines + [""]


def timeline_markdown(timeline: Timeline, width: int = TIMELINE_WIDTH) -> list[str]:
    """The "Timeline" section: the chart as a fenced text block and how to read it."""
    return (["### Timeline", "", "```text", *plain(draw(timeline, width)), "```", "",
             inline(legend(timeline)), ""])


def _at(t: float, timestamps: bool) -> str:
    return f"at {format_clock(t)} " if timestamps else ""


def _result(row: PhaseRow) -> str:
    if row.skipped:
        return "skipped"
    words = {Window.PENDING.value: "not reached", Window.BELOW_MIN.value: "under the minimum",
             Window.IN_WINDOW.value: "in window", Window.OVER_MAX.value: "over the maximum"}
    marks = [words.get(row.window, row.window)]
    if row.rushed:
        marks.append("rushed")
    return ", ".join(marks)


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


def _core_md(report: Report, where: Any, timestamps: bool) -> list[str]:
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


def _failures_md(report: Report, where: Any, timestamps: bool) -> list[str]:
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


def _delivery_md(report: Report, where: Any, timestamps: bool) -> list[str]:
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
