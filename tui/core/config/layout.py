"""The layout model: a round's phases with their time windows, goals, checklists and cues."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from tui.core.errors import UsageError

ROLES = ("requirements", "framing", "walkthrough", "deep_dive", "resilience", "break", "other")
#: Roles whose phases may have a minimum of zero (optional pauses, free-form parts).
ZERO_MIN_ROLES = ("break", "other")


class UnknownPhaseError(UsageError, KeyError):
    """A phase id that the layout does not have (also a KeyError for mapping-style callers)."""

    __str__ = Exception.__str__


@dataclass(frozen=True)
class ChecklistItem:
    """Something the candidate should cover in a phase; `cues` show it was said."""

    id: str
    text: str
    cues: tuple[str, ...] = ()


@dataclass(frozen=True)
class Phase:
    """One phase of a round with its time window in seconds."""

    id: str
    title: str
    role: str
    min_s: float
    max_s: float
    goal: str
    checklist: tuple[ChecklistItem, ...] = ()
    cues: tuple[str, ...] = ()
    probes: tuple[str, ...] = ()


@dataclass(frozen=True)
class CurveballMoment:
    """When the interviewer springs a curveball: `at_s` seconds into phase `phase` (if the round
    is still in it then), with `answer_s` seconds to take it up."""

    phase: str
    at_s: float
    answer_s: float


@dataclass(frozen=True)
class Layout:
    """An ordered set of phases inside a total length.

    `coach` holds raw coach threshold overrides (treat it as read-only). `source` is the file the
    layout came from, or "<log>" for one restored from a session log; it is not compared.
    """

    id: str
    title: str
    description: str
    total_s: float
    phases: tuple[Phase, ...]
    level: str = "senior"
    coach: Mapping[str, Any] = field(default_factory=dict, hash=False)
    source: str = field(default="", compare=False)
    curveballs: tuple[CurveballMoment, ...] = ()

    def phase(self, phase_id: str) -> Phase:
        """The phase with `phase_id`; UnknownPhaseError (a UsageError and KeyError) if absent."""
        return self.phases[self.index_of(phase_id)]

    def index_of(self, phase_id: str) -> int:
        """Position of `phase_id` in the layout; UnknownPhaseError if absent."""
        for index, phase in enumerate(self.phases):
            if phase.id == phase_id:
                return index
        known = ", ".join(p.id for p in self.phases)
        raise UnknownPhaseError(
            f"layout {self.id!r} has no phase {phase_id!r}; its phases: {known}"
        )

    @property
    def min_total_s(self) -> float:
        """Sum of the phase minimums."""
        return sum(p.min_s for p in self.phases)
