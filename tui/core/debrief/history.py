"""Practice history: past sessions with per-phase times and flag counts, and trends per phase.

Trends are kept per layout (and per prompt within a layout): a 5-minute drill and a 45-minute
round are never averaged together."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from tui.core.debrief.report import build_report
from tui.core.errors import BoardlessError
from tui.core.session.eventlog import LOG_NAME, read_log
from tui.core.session.state import FOLD_ERRORS
from tui.core.session.store import damage_reason, session_dirs

BARS = "▁▂▃▄▅▆▇█"


@dataclass(frozen=True)
class PastSession:
    """One past session as history shows it (flags recomputed by the coach)."""

    id: str
    started: str
    prompt_id: str
    prompt_title: str
    layout_id: str
    ended: bool
    used_s: float
    phase_s: dict[str, float]
    flag_counts: dict[str, int]
    flags: int


@dataclass(frozen=True)
class Trend:
    """How one phase's time (or the flag count) moved across sessions, oldest first."""

    name: str
    values: tuple[float, ...]
    first: float
    latest: float
    mean: float
    spark: str


@dataclass(frozen=True)
class History:
    """Sessions, oldest first, with trends per phase for each layout (`by_layout`: layout id ->
    trends) and for each prompt practised more than once in a layout (`by_prompt`: layout id ->
    prompt id -> trends)."""

    prompt: str | None
    layout: str | None
    sessions: tuple[PastSession, ...]
    by_layout: dict[str, tuple[Trend, ...]]
    by_prompt: dict[str, dict[str, tuple[Trend, ...]]]
    problems: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready data in field order."""
        return asdict(self)


def sparkline(values: Sequence[float]) -> str:
    """One bar per value, scaled from zero to the largest value."""
    top = max(values, default=0.0)
    if top <= 0:
        return BARS[0] * len(values)
    return "".join(BARS[min(len(BARS) - 1, int(v / top * (len(BARS) - 1) + 0.5))] for v in values)


def fit_sparkline(values: Sequence[float], width: int) -> str:
    """The sparkline of the newest `width` values (at least one), scaled over those shown."""
    return sparkline(list(values)[-max(1, width):]) if values else ""


def trend(name: str, values: Sequence[float]) -> Trend:
    """Summarise a series (oldest first)."""
    series = tuple(round(float(v), 1) for v in values)
    mean = round(sum(series) / len(series), 1) if series else 0.0
    return Trend(name, series, series[0] if series else 0.0, series[-1] if series else 0.0,
                 mean, sparkline(series))


def load_session(directory: Path) -> PastSession:
    """Replay one session directory's log into a history row."""
    report = build_report(read_log(directory / LOG_NAME).events)
    return PastSession(
        id=directory.name, started=report.started, prompt_id=report.prompt_id,
        prompt_title=report.prompt_title, layout_id=report.layout_id, ended=report.ended,
        used_s=report.used_s, phase_s={p.id: p.actual_s for p in report.phases},
        flag_counts={k: v for k, v in report.flag_counts.items() if v},
        flags=len(report.flags),
    )


def trends(sessions: Sequence[PastSession]) -> tuple[Trend, ...]:
    """A trend per phase id (in first-seen order) plus one for the flag count."""
    names: list[str] = []
    for session in sessions:
        names += [p for p in session.phase_s if p not in names]
    out = [trend(name, [s.phase_s[name] for s in sessions if name in s.phase_s])
           for name in names]
    out.append(trend("flags", [s.flags for s in sessions]))
    return tuple(out)


def build_history(root: Path, prompt: str | None = None, layout: str | None = None) -> History:
    """History of the sessions under `root`, optionally only those for one prompt id and/or
    one layout id."""
    sessions: list[PastSession] = []
    problems: list[str] = []
    for directory in session_dirs(root):
        try:
            row = load_session(directory)
        except (BoardlessError, *FOLD_ERRORS) as error:  # one damaged session stays local
            problems.append(f"{directory.name}: {damage_reason(error)}")
            continue
        if prompt in (None, row.prompt_id) and layout in (None, row.layout_id):
            sessions.append(row)
    sessions.sort(key=lambda s: (s.started, s.id))
    by_layout: dict[str, tuple[Trend, ...]] = {}
    by_prompt: dict[str, dict[str, tuple[Trend, ...]]] = {}
    for layout_id in sorted({s.layout_id for s in sessions}):
        in_layout = [s for s in sessions if s.layout_id == layout_id]
        by_layout[layout_id] = trends(in_layout)
        for prompt_id in sorted({s.prompt_id for s in in_layout}):
            mine = [s for s in in_layout if s.prompt_id == prompt_id]
            if len(mine) >= 2:
                by_prompt.setdefault(layout_id, {})[prompt_id] = trends(mine)
    return History(prompt, layout, tuple(sessions), by_layout, by_prompt, tuple(problems))
