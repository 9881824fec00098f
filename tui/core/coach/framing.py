"""Framing: the core-challenge statement, and `no_core_challenge` when framing ends without it."""

from __future__ import annotations

from dataclasses import dataclass

from tui.core.coach.base import CoachObserver, NewEvent, segment_of, utterance_of
from tui.core.coach.config import CoachConfig
from tui.core.coach.text import Phrases, sentences, words
from tui.core.events import Event
from tui.core.state import SessionState


@dataclass(frozen=True)
class Statement:
    """A sentence naming what makes the problem hard."""

    t: float
    phase: str | None
    text: str
    phrase: str
    source: str


class FramingObserver(CoachObserver):
    """Records core-challenge statements; flags each framing phase passed without one."""

    def __init__(self, state: SessionState, config: CoachConfig) -> None:
        super().__init__(state, config)
        self.phrases = Phrases.of(config.strings("core_challenge", "phrases"))
        self.statements: list[Statement] = []
        self._segments: set[int] = set()

    def observe(self, event: Event, state: SessionState) -> list[NewEvent]:
        said = utterance_of(event, state)
        if said is not None:
            for sentence in sentences(said.text):
                found = self.phrases.find(words(sentence))
                if found:
                    self.statements.append(
                        Statement(said.t, said.phase, sentence, found[0], said.source))
                    self._segments.add(segment_of(self.layout, said.phase) if said.phase else 0)
            return []
        if event.type in ("phase_entered", "round_ended"):
            return self._check(state)
        return []

    def _check(self, state: SessionState) -> list[NewEvent]:
        current = state.phases.current
        out: list[NewEvent] = []
        for index, phase in enumerate(self.layout.phases):
            if phase.role != "framing":
                continue
            passed = state.ended or (current is not None and current > index)
            if not passed or segment_of(self.layout, phase.id) in self._segments:
                continue
            skipped = state.phases.records[phase.id].visits == 0
            how = "was skipped" if skipped else "ended"
            out += self.flag(
                ("core", phase.id), "no_core_challenge", phase.id,
                f"{phase.title} {how} without saying what makes the problem hard; open with "
                "\"the core challenge here is ...\" before any architecture.",
                self.config.string("core_challenge", "severity"),
            )
        return out
