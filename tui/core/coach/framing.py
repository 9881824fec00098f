"""Framing: the core-challenge statement, and `no_core_challenge` when framing ends without it."""

from __future__ import annotations

from dataclasses import dataclass

from tui.core.coach.base import CoachObserver, segment_of, utterance_of
from tui.core.config.coach_settings import CoachConfig
from tui.core.hearing.recognise import Found, Heard, Recognisers, recognisers_for
from tui.core.session.events import Event, NewEvent
from tui.core.session.state import SessionState


@dataclass(frozen=True)
class Statement:
    """A sentence naming what makes the problem hard (with the sentence before it when that
    one only announced it: "let me tell you what I think the crux is. It's ...")."""

    t: float
    phase: str | None
    text: str
    phrase: str
    source: str


def core_challenge_in(heard: Heard, kind: str, ears: Recognisers) -> list[Found]:
    """Where an utterance (`kind` "caption" or a note's kind) names the core challenge; a
    terse form is enough in a note, and a question to the interviewer never counts."""
    if kind == "question" or heard.text.rstrip().endswith("?"):
        return []
    found = ears["core_challenge"].find(heard) or ears["core_challenge_recap"].find(heard)
    if not found and kind != "caption":
        found = ears["core_challenge_note"].find(heard)
    return found


class FramingObserver(CoachObserver):
    """Records core-challenge statements; flags each framing phase passed without one."""

    def __init__(self, state: SessionState, config: CoachConfig) -> None:
        super().__init__(state, config)
        self.ears = recognisers_for(config)
        self.statements: list[Statement] = []
        self._segments: set[int] = set()

    def observe(self, event: Event, state: SessionState) -> list[NewEvent]:
        said = utterance_of(event, state)
        if said is not None:
            phase = self.phase_of(said.phase)
            if phase is None or phase.role not in ("requirements", "framing"):
                return []  # "the hardest part" in a deep dive is about a component
            for found in core_challenge_in(said.heard, said.kind, self.ears)[:1]:
                self.statements.append(
                    Statement(said.t, said.phase, found.quote, found.matched, said.source))
                self._segments.add(segment_of(self.layout, said.phase) if said.phase else 0)
            return []
        if event.type in ("phase_entered", "round_ended"):
            return self._check(state)
        return []

    def summary(self) -> tuple[Statement, ...]:
        """The core-challenge statements heard so far, in order (for the debrief)."""
        return tuple(self.statements)

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
