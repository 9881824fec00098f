"""Delivery: words per minute (`pace`) and filler words per minute (`fillers`) over a rolling
window of final captions, measured against talk time (caption durations)."""

from __future__ import annotations

import bisect
from collections import Counter
from dataclasses import dataclass

from tui.core.coach.base import CoachObserver, running_phase
from tui.core.config.coach_settings import CoachConfig
from tui.core.hearing.text import Phrases, count_fillers, words
from tui.core.session.events import Event, NewEvent
from tui.core.session.state import SessionState

#: Talk time assumed for a caption without usable start/end times (neutral 150 wpm).
NOMINAL_WPS = 2.5
#: A caption longer than this is treated as having unusable times.
MAX_CAPTION_S = 60.0


@dataclass(frozen=True)
class Spoken:
    """One final caption's delivery numbers."""

    t: float
    phase: str | None
    words: int
    seconds: float
    fillers: tuple[str, ...]


def talk_seconds(event: Event, count: int) -> float:
    """Seconds of talk in a caption: its end minus start, or an estimate when unusable."""
    length = float(event["end"]) - float(event["start"])
    if 0 < length <= MAX_CAPTION_S:
        return length
    return count / NOMINAL_WPS


class DeliveryObserver(CoachObserver):
    """Keeps per-caption delivery numbers; flags pace and fillers once per phase each."""

    def __init__(self, state: SessionState, config: CoachConfig) -> None:
        super().__init__(state, config)
        self.fillers = Phrases.of(config.strings("fillers", "words"))
        self.not_after = config.table("fillers", "not_after")
        self.spoken: list[Spoken] = []
        self._phases: dict[str | None, _Totals] = {}

    def observe(self, event: Event, state: SessionState) -> list[NewEvent]:
        if event.type != "caption" or not event["final"] or not str(event["text"]).strip():
            return []
        tokens = words(str(event["text"]))
        found = count_fillers(tokens, self.fillers, self.not_after)
        item = Spoken(event.t, state.current_phase_id, len(tokens),
                      talk_seconds(event, len(tokens)), tuple(found))
        self.spoken.append(item)
        self._phases.setdefault(item.phase, _Totals()).add(item)
        phase = running_phase(state)
        if phase is None or phase.id != item.phase:
            return []
        return self._pace(phase.id, phase.role, phase.title, event.t) + self._fillers(
            phase.id, phase.title, event.t)

    def summary(self) -> tuple[Spoken, ...]:
        """Every final caption's delivery numbers so far, in order (for the debrief)."""
        return tuple(self.spoken)

    def _window(self, section: str, phase_id: str, t: float) -> tuple[_Totals, int]:
        """This phase's running totals and the index of its first caption in the rolling
        window ending at `t` (captions arrive in time order)."""
        totals = self._phases.setdefault(phase_id, _Totals())
        return totals, totals.first_after(t - self.config.number(section, "window_s"))

    def _pace(self, phase_id: str, role: str, title: str, t: float) -> list[NewEvent]:
        cfg = self.config
        if role in cfg.strings("pace", "exempt_roles"):
            return []
        totals, first = self._window("pace", phase_id, t)
        seconds = totals.seconds_since(first)
        if seconds < cfg.number("pace", "min_speech_s") or seconds <= 0:
            return []
        wpm = totals.words_since(first) / seconds * 60
        low, high = cfg.number("pace", "min_wpm"), cfg.number("pace", "max_wpm")
        if wpm > high:
            return self.flag(("pace", phase_id, "fast"), "pace", phase_id,
                             f"Speaking at about {round(wpm)} words a minute in {title}, above "
                             f"{round(high)}; slow down so each point lands.",
                             cfg.string("pace", "severity"))
        if wpm < low:
            return self.flag(("pace", phase_id, "slow"), "pace", phase_id,
                             f"Speaking at about {round(wpm)} words a minute in {title}, below "
                             f"{round(low)}; keep a steady flow of explanation.",
                             cfg.string("pace", "severity"))
        return []

    def _fillers(self, phase_id: str, title: str, t: float) -> list[NewEvent]:
        cfg = self.config
        if ("fillers", phase_id) in self._raised:
            return []  # flagged once per phase: the window need not be looked at again
        totals, first = self._window("fillers", phase_id, t)
        seconds = totals.seconds_since(first)
        if seconds < cfg.number("fillers", "min_speech_s") or seconds <= 0:
            return []
        rate = totals.fillers_since(first) / seconds * 60
        if rate <= cfg.number("fillers", "max_per_minute"):
            return []
        counts = Counter(f for s in totals.spoken[first:] for f in s.fillers)
        common = max(sorted(counts), key=lambda f: counts[f])
        return self.flag(("fillers", phase_id), "fillers", phase_id,
                         f"About {rate:.0f} filler words a minute in {title} (mostly "
                         f"\"{common}\"), over {cfg.number('fillers', 'max_per_minute'):g}; "
                         "pause silently instead.",
                         cfg.string("fillers", "severity"))


class _Totals:
    """One phase's captions with running totals, so that any rolling window's sums cost two
    lookups (pace and fillers stay linear in the number of captions, however many share a
    window)."""

    def __init__(self) -> None:
        self.spoken: list[Spoken] = []
        self.times: list[float] = []
        self._seconds: list[float] = [0.0]
        self._words: list[int] = [0]
        self._fillers: list[int] = [0]

    def add(self, item: Spoken) -> None:
        self.spoken.append(item)
        self.times.append(item.t)
        self._seconds.append(self._seconds[-1] + item.seconds)
        self._words.append(self._words[-1] + item.words)
        self._fillers.append(self._fillers[-1] + len(item.fillers))

    def first_after(self, start: float) -> int:
        """Index of the first caption later than `start`."""
        return bisect.bisect_right(self.times, start)

    def seconds_since(self, first: int) -> float:
        return self._seconds[-1] - self._seconds[first]

    def words_since(self, first: int) -> int:
        return self._words[-1] - self._words[first]

    def fillers_since(self, first: int) -> int:
        return self._fillers[-1] - self._fillers[first]
