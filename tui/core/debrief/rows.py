"""The rows a debrief is made of: phases against plan, flags, questions, quotes, failure-mode
talk, silences, probes. Times are round time in seconds, to a tenth.

`phase_rows` and `flag_rows` build the two rows every output shows (the report, the export,
the results screen, the timeline), from a folded session: one verdict per phase, one list of
flags.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from tui.core.coach.delivery import Spoken
from tui.core.session.state import SessionState


def tenths(value: float) -> float:
    """A time or rate as the debrief keeps it: rounded to a tenth."""
    return round(float(value), 1)


def rate(count: int, seconds: float) -> float | None:
    """`count` a minute over `seconds` of talk (None under a second of talk)."""
    return round(count / seconds * 60, 1) if seconds >= 1 else None


@dataclass(frozen=True)
class PhaseRow:
    """One phase: planned window against what happened (the phase tracker's verdict)."""

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
    """A flag at its round time: listed in the debrief, marked on the timeline."""

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
class CurveballRow:
    """A constraint change the interviewer sprang, and how soon the candidate took it up."""

    t: float
    id: str
    phase: str | None
    text: str
    answer_s: float
    #: Seconds from the curveball to the first words about it (None: not taken up).
    answered_after_s: float | None
    evidence: str
    #: Its window closed before the round ended (so "not taken up" is a verdict).
    window_closed: bool


def phase_rows(state: SessionState, spoken: Sequence[Spoken] = ()) -> tuple[PhaseRow, ...]:
    """Every phase of the layout at the session's last moment: planned window, time used, the
    tracker's verdict (`PhaseTracker.result`, exempt roles included) and, from the coach's
    `spoken` numbers when given, the delivery."""
    tracker, now = state.phases, state.last_t
    rows = []
    for phase in state.layout.phases:
        mine = [s for s in spoken if s.phase == phase.id]
        words = sum(s.words for s in mine)
        seconds = sum(s.seconds for s in mine)
        fillers = sum(len(s.fillers) for s in mine)
        result = tracker.result(phase.id, now)
        rows.append(PhaseRow(
            id=phase.id, title=phase.title, role=phase.role, planned_min_s=tenths(phase.min_s),
            planned_max_s=tenths(phase.max_s), actual_s=tenths(tracker.elapsed(phase.id, now)),
            window=result.window.value, skipped=result.skipped, rushed=result.rushed,
            words=words, talk_s=tenths(seconds), wpm=rate(words, seconds), fillers=fillers,
            fillers_per_min=rate(fillers, seconds),
        ))
    return tuple(rows)


def flag_rows(state: SessionState) -> tuple[FlagRow, ...]:
    """The session's flags in order, at their round times."""
    return tuple(FlagRow(tenths(state.round_time(f.t)), f.code, f.phase, f.severity, f.message)
                 for f in state.flags)
