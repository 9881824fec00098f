"""The debrief built: a session's events replayed through the coach and summed up as a
`Report` (model.py) for the person.

`build_report(events)` recomputes the coach's flags and ticks from the log's input events (so a
hand-written log without flags gets them too, and the same log always gives the same report).
It reads what the coach heard through the observers' summary (`CoachSummary`), the phases'
verdicts from the phase tracker. Rendering is render.py's (`report_markdown`, re-exported here
for the callers that import it from this module).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from tui.core.coach import FLAG_CODES, coach_config, replay_coach
from tui.core.coach.base import segment_of
from tui.core.coach.summary import CoachSummary, summarise
from tui.core.debrief.model import Report
from tui.core.debrief.render import report_markdown, timeline_markdown
from tui.core.debrief.rows import (
    CurveballRow,
    FailureRow,
    FlagRow,
    ItemRow,
    ProbeRow,
    QuestionRow,
    QuoteRow,
    SilenceRow,
    flag_rows,
    phase_rows,
    rate,
    tenths,
)
from tui.core.debrief.rubric import build_rubric
from tui.core.debrief.timeline import Lane, Timeline, lane_result, phase_spans
from tui.core.session.events import Event
from tui.core.session.state import SessionState, Tick

__all__ = ["PRACTICE", "TOP_N", "Report", "build_report", "report_markdown",
           "timeline_markdown"]

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
    ("curveball_ignored", "When the interviewer changes a constraint, say at once what it "
     "changes in your design, then adapt it out loud."),
    ("same_template", "Choose components for each problem's needs, not the same stack twice."),
)
TOP_N = 3

def build_report(events: Sequence[Event]) -> Report:
    """Replay the log through the coach and sum it up."""
    run = replay_coach(events)
    state = run.state
    heard = summarise(run.observers)
    flags = flag_rows(state)  # the replay's state holds the recomputed flags only
    items = _items(state)
    requirement_phases = {p.id for p in state.layout.phases if p.role == "requirements"}
    talk = [s for s in heard.spoken if s.phase is not None]
    words = sum(s.words for s in talk)
    seconds = sum(s.seconds for s in talk)
    filler_count = sum(len(s.fillers) for s in talk)
    cores = _cores(heard, state)
    report = Report(
        prompt_id=state.prompt.id, prompt_title=state.prompt.title,
        layout_id=state.layout.id, layout_title=state.layout.title,
        started=state.started_wall, engine=state.engine, ended=state.ended,
        planned_s=tenths(state.layout.total_s),
        used_s=tenths(state.phases.total_elapsed(state.last_t)),
        phases=phase_rows(state, heard.spoken),
        flags=flags,
        flag_counts=_counts(flags),
        questions=_questions(heard, requirement_phases, state),
        dimensions=tuple(i for i in items if i.phase in requirement_phases),
        checklist=items,
        core_challenge=cores[0] if cores else None,
        core_challenges=cores,
        failures_before=_failures(heard, state, during=False),
        failures_during=_failures(heard, state, during=True),
        failures_capped=tuple(p.id for p in state.layout.phases if p.id in heard.capped),
        wpm=rate(words, seconds),
        fillers=filler_count,
        fillers_per_min=rate(filler_count, seconds),
        longest_silence=_silence(heard, state),
        probes=_probes(state),
        curveballs=_curveballs(state),
        practice=(),
        rubric=build_rubric(state, heard, coach_config(state.layout),
                            [(f.code, f.phase) for f in flags]),
        roles=tuple(dict.fromkeys(p.role for p in state.layout.phases)),
        rounds=_rounds(state),
    )
    report = replace(report, timeline=_timeline(events, state, report, heard))
    return _with_practice(report, state)


def _rounds(state: SessionState) -> int:
    return 1 + sum(1 for p in state.layout.phases if p.role == "break")


def _round_of(state: SessionState, phase: str | None) -> int | None:
    """The round a phase belongs to, in a layout of several rounds (else None)."""
    if _rounds(state) == 1 or phase is None:
        return None
    return segment_of(state.layout, phase) + 1


def _counts(flags: Sequence[FlagRow]) -> dict[str, int]:
    return {code: sum(1 for f in flags if f.code == code) for code in FLAG_CODES}


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
                t=tenths(state.round_time(hit.t)) if hit else None,
                source=hit.source if hit else None, evidence=hit.evidence if hit else None,
            ))
    return tuple(rows)


def _questions(heard: CoachSummary, phases: set[str], state: SessionState
               ) -> tuple[QuestionRow, ...]:
    return tuple(QuestionRow(tenths(state.round_time(q.t)), q.phase, q.text, q.source,
                             _round_of(state, q.phase))
                 for q in heard.questions if q.phase in phases)


def _cores(heard: CoachSummary, state: SessionState) -> tuple[QuoteRow, ...]:
    """Per round, the first core-challenge sentence said before any architecture (in a
    requirements or framing phase); "the hardest part" said in a deep dive is about a
    component."""
    roles = {p.id: p.role for p in state.layout.phases}
    out: dict[int | None, QuoteRow] = {}
    for said in heard.statements:
        if roles.get(said.phase or "") in ("requirements", "framing"):
            number = _round_of(state, said.phase)
            out.setdefault(number, QuoteRow(tenths(state.round_time(said.t)), said.phase,
                                            said.text, said.source, number))
    return tuple(out.values())


def _failures(heard: CoachSummary, state: SessionState, during: bool
              ) -> tuple[FailureRow, ...]:
    roles = {p.id: p.role for p in state.layout.phases}
    rows = []
    for m in heard.mentions:
        if m.phase is None or m.phase not in roles:
            continue
        if (roles[m.phase] == "resilience") == during:
            rows.append(FailureRow(tenths(state.round_time(m.t)), m.phase, m.term, m.text,
                                   m.source, m.prompted, _round_of(state, m.phase)))
    return tuple(rows)


def _silence(heard: CoachSummary, state: SessionState) -> SilenceRow | None:
    longest = heard.longest_silence
    if longest is None:
        return None
    return SilenceRow(tenths(state.round_time(longest.start)), tenths(longest.length),
                      longest.phase)


def _timeline(events: Sequence[Event], state: SessionState, report: Report,
              heard: CoachSummary) -> Timeline:
    spans = phase_spans(events, state)
    lanes = tuple(
        Lane(row.id, row.title, row.planned_min_s, row.planned_max_s, row.actual_s,
             tuple((tenths(a), tenths(b)) for a, b in spans.get(row.id, ())),
             lane_result(row.window, row.skipped, row.rushed))
        for row in report.phases)
    return Timeline(
        length_s=max(report.planned_s, report.used_s), used_s=report.used_s, lanes=lanes,
        flags=report.flags,
        silences=tuple((tenths(state.round_time(s.start)), tenths(state.round_time(s.end)))
                       for s in heard.silences),
        thinking_pause_s=coach_config(state.layout).number("dead_air", "thinking_pause_s"),
    )


def _probes(state: SessionState) -> tuple[ProbeRow, ...]:
    asked = sorted(state.probes.values(), key=lambda p: (p.asked_t, p.id))
    return tuple(ProbeRow(tenths(state.round_time(p.asked_t)), p.id, p.phase, p.text,
                          p.close_reason) for p in asked)


def _curveballs(state: SessionState) -> tuple[CurveballRow, ...]:
    asked = sorted(state.curveballs.values(), key=lambda c: (c.asked_t, c.id))
    return tuple(CurveballRow(
        tenths(state.round_time(c.asked_t)), c.id, c.phase, c.text, c.answer_s,
        None if c.answered_t is None else tenths(c.answered_t - c.asked_t), c.evidence,
        state.last_t >= c.asked_t + c.answer_s) for c in asked)


def _with_practice(report: Report, state: SessionState) -> Report:
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
