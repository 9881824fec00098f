"""The debrief as data: `Report`, what `build_report` (report.py) builds and `render.py`
renders; `to_dict()` is the `report --json` output."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from tui.core.debrief.rows import (
    CurveballRow,
    FailureRow,
    FlagRow,
    ItemRow,
    PhaseRow,
    ProbeRow,
    QuestionRow,
    QuoteRow,
    SilenceRow,
)
from tui.core.debrief.rubric import Grade
from tui.core.debrief.timeline import Timeline

#: The fields of a flag in the timeline's JSON (the timeline's flags are the report's flags;
#: its JSON keeps the three the chart draws, as it always has).
TIMELINE_FLAG_KEYS = ("t", "severity", "code")


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
    curveballs: tuple[CurveballRow, ...] = ()

    @property
    def codes(self) -> set[str]:
        """Flag codes raised at least once."""
        return {flag.code for flag in self.flags}

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON data in field order."""
        data = asdict(self)
        if data["timeline"] is not None:
            data["timeline"]["flags"] = [{key: flag[key] for key in TIMELINE_FLAG_KEYS}
                                         for flag in data["timeline"]["flags"]]
        return data

    @property
    def framing(self) -> bool:
        """The layout has a framing phase (a requirements drill has none)."""
        return "framing" in self.roles

    @property
    def failure_modes(self) -> bool:
        """The layout has a phase where failure modes matter."""
        return bool({"walkthrough", "deep_dive", "resilience"} & set(self.roles))
