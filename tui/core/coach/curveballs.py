"""Curveballs: the interviewer changes a constraint mid-round, and the coach times the answer.

The layout says when (`[[curveballs]]`: a phase, how far into it, the answer window); the
prompt says what (its `[[prompts.curveballs]]`). When the round has spent `at` in that phase,
`curveball_asked` carries the next curveball's text. The candidate takes it up by saying or
writing one of its `about` words before the window closes (`curveball_answered`, with the
words as evidence); a window that closes without is flagged `curveball_ignored`.

Deterministic: which of the prompt's curveballs comes first is drawn with a seed taken from the
session (its start time and prompt id), never from global randomness.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

from tui.core.coach.base import CoachObserver, running_phase, utterance_of, when_spent
from tui.core.config.coach_settings import CoachConfig
from tui.core.config.layout import CurveballMoment
from tui.core.config.prompts import Curveball
from tui.core.hearing.text import Phrases, words
from tui.core.session.events import Event, NewEvent
from tui.core.session.state import SessionState
from tui.core.text.durations import format_minutes

_ONES = ("zero one two three four five six seven eight nine ten eleven twelve thirteen "
         "fourteen fifteen sixteen seventeen eighteen nineteen").split()
_TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()


def spoken_number(token: str) -> list[str]:
    """A number token as words ("10" -> ["ten"], "45" -> ["forty", "five"]); anything else,
    and numbers from 100 up, as it was."""
    if not token.isdigit() or len(token) > 2:
        return [token]
    value = int(token)
    if value < 20:
        return [_ONES[value]]
    tens, ones = divmod(value, 10)
    return [_TENS[tens]] + ([_ONES[ones]] if ones else [])


def about_tokens(text: str) -> list[str]:
    """Words as the `about` terms are matched: lower case, small numbers spelt out, and each
    word also heard without a final "s" (so "regions" is "region")."""
    out: list[str] = []
    for token in words(text):
        for word in spoken_number(token):
            out.append(word[:-1] if len(word) > 3 and word.endswith("s")
                       and not word.endswith("ss") else word)
    return out


def about_phrases(curveball: Curveball) -> Phrases:
    """The curveball's `about` terms, matched the way `about_tokens` hears speech."""
    return Phrases.of(" ".join(about_tokens(term)) for term in curveball.about)


@dataclass
class _Open:
    curveball: Curveball
    phrases: Phrases
    asked_t: float
    answer_s: float
    phase: str


def plan_curveballs(state: SessionState) -> list[tuple[CurveballMoment, Curveball]]:
    """Which curveball is sprung at each of the layout's moments, in the layout's order (the
    prompt's curveballs in a seeded order; fewer curveballs than moments leaves the last
    moments unused)."""
    curveballs = list(state.prompt.curveballs)
    random.Random(f"{state.started_wall}|{state.prompt.id}|curveballs").shuffle(curveballs)
    return list(zip(state.layout.curveballs, curveballs))


class CurveballObserver(CoachObserver):
    """Springs the layout's curveballs on time and times the candidate's answer to each."""

    def __init__(self, state: SessionState, config: CoachConfig) -> None:
        super().__init__(state, config)
        self.plan = plan_curveballs(state)
        self._sprung = {index for index, (_, curveball) in enumerate(self.plan)
                        if curveball.id in state.curveballs}
        self._open: list[_Open] = []
        for moment, curveball in self.plan:
            asked = state.curveballs.get(curveball.id)
            if asked is not None and asked.answered_t is None:
                self._open.append(_Open(curveball, about_phrases(curveball), asked.asked_t,
                                        asked.answer_s, moment.phase))

    def observe(self, event: Event, state: SessionState) -> list[NewEvent]:
        said = utterance_of(event, state)
        if said is None or not self._open:
            return []
        tokens = about_tokens(said.text)
        out: list[NewEvent] = []
        for waiting in list(self._open):
            if said.t > waiting.asked_t + waiting.answer_s:
                continue
            found = waiting.phrases.find(tokens)
            if found:
                self._open.remove(waiting)
                out.append(("curveball_answered", {
                    "id": waiting.curveball.id, "evidence": ", ".join(dict.fromkeys(found))}))
        return out

    def tick(self, t: float, state: SessionState) -> list[NewEvent]:
        out: list[NewEvent] = []
        for waiting in list(self._open):
            if t >= waiting.asked_t + waiting.answer_s:
                self._open.remove(waiting)
                out += self.flag(
                    ("curveball", waiting.curveball.id), "curveball_ignored", waiting.phase,
                    self.config.string("curveball_ignored", "message").format(
                        curveball=waiting.curveball.text,
                        window=format_minutes(waiting.answer_s)),
                    self.config.string("curveball_ignored", "severity"))
        phase = running_phase(state)
        if phase is None:
            return out
        for index, (moment, curveball) in enumerate(self.plan):
            if (index in self._sprung or moment.phase != phase.id
                    or state.phases.elapsed(phase.id, t) < moment.at_s):
                continue
            self._sprung.add(index)
            self._open.append(_Open(curveball, about_phrases(curveball), t, moment.answer_s,
                                    phase.id))
            out.append(("curveball_asked", {"id": curveball.id, "text": curveball.text,
                                            "phase": phase.id, "answer_s": moment.answer_s}))
        return out

    def quiet_until(self, t: float, state: SessionState) -> float:
        soonest = min((w.asked_t + w.answer_s for w in self._open), default=math.inf)
        phase = running_phase(state)
        if phase is not None:
            for index, (moment, _) in enumerate(self.plan):
                if index not in self._sprung and moment.phase == phase.id:
                    soonest = min(soonest, when_spent(state, phase.id, t, moment.at_s))
        return max(t + 1.0, math.floor(soonest)) if soonest < math.inf else math.inf
