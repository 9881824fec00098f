"""What the coach kept over a round, for the debrief.

The observers raise flags as a round goes and keep what they heard; each offers it as a
`summary()`, and `summarise` gathers those into one `CoachSummary`. The report and the rubric
read this, never an observer's internals.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TypeVar

from tui.core.coach.delivery import DeliveryObserver, Spoken
from tui.core.coach.framing import FramingObserver, Statement
from tui.core.coach.probe_answers import Answer, ProbeAnswerObserver
from tui.core.coach.requirements import Question, RequirementsObserver
from tui.core.coach.resilience import Mention, ResilienceObserver
from tui.core.coach.silence import Silence, SilenceObserver
from tui.core.coach.substance import Evidence, SubstanceObserver

_T = TypeVar("_T")


@dataclass(frozen=True)
class CoachSummary:
    """Everything the coach heard that the debrief shows or grades, in the order it came."""

    #: Each final caption's words, talk time and fillers.
    spoken: tuple[Spoken, ...]
    #: Clarifying questions asked in requirements phases.
    questions: tuple[Question, ...]
    #: Core-challenge statements made in requirements or framing phases.
    statements: tuple[Statement, ...]
    #: Failure-mode talk, prompted or not.
    mentions: tuple[Mention, ...]
    #: Phases where failure-mode talk stopped being counted after enough of it.
    capped: frozenset[str]
    #: Silences longer than a thinking pause.
    silences: tuple[Silence, ...]
    #: Evidence of substance (trade-offs, estimates, traces, operations, signposting).
    evidence: tuple[Evidence, ...]
    #: Interviewer probes and what answered them.
    answers: tuple[Answer, ...]

    @property
    def longest_silence(self) -> Silence | None:
        """The longest silence past a thinking pause (the earliest of equals), or None."""
        return max(self.silences, key=lambda s: (s.length, -s.start), default=None)


def summarise(observers: Iterable[object]) -> CoachSummary:
    """The summary of a set of coach observers (as `make_observers` builds them)."""
    observers = list(observers)
    failures = _one(observers, ResilienceObserver).summary()
    return CoachSummary(
        spoken=_one(observers, DeliveryObserver).summary(),
        questions=_one(observers, RequirementsObserver).summary(),
        statements=_one(observers, FramingObserver).summary(),
        mentions=failures.mentions,
        capped=failures.capped,
        silences=_one(observers, SilenceObserver).summary(),
        evidence=_one(observers, SubstanceObserver).summary(),
        answers=_one(observers, ProbeAnswerObserver).summary(),
    )


def _one(observers: list[object], kind: type[_T]) -> _T:
    for observer in observers:
        if isinstance(observer, kind):
            return observer
    raise LookupError(f"no {kind.__name__} among the coach's observers")
