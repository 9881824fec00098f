"""Requirements: clarifying questions asked, and `jumped_to_design` when components come first."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from tui.core.coach.base import CoachObserver, NewEvent, utterance_of
from tui.core.coach.config import CoachConfig
from tui.core.coach.text import Phrases, is_question, sentences, words
from tui.core.events import Event
from tui.core.state import SessionState


@dataclass(frozen=True)
class Question:
    """A clarifying question, spoken or written as a question note."""

    t: float
    phase: str
    text: str
    source: str


@dataclass
class _PhaseTalk:
    questions: int = 0
    terms: Counter[str] = field(default_factory=Counter)


class QuestionFinder:
    """Recognises clarifying questions and component talk in text."""

    def __init__(self, config: CoachConfig) -> None:
        self.openers = Phrases.of(config.strings("questions", "openers"))
        self.lead_ins = Phrases.of(config.strings("questions", "lead_ins"))
        self.statements = Phrases.of(config.strings("questions", "statement_starts"))
        self.components = Phrases.of(config.strings("jumped_to_design", "terms"))

    def split(self, text: str, kind: str) -> tuple[list[str], list[str]]:
        """(question sentences, component terms named outside questions)."""
        if kind == "question":
            return [text.strip()], []
        questions: list[str] = []
        terms: list[str] = []
        for sentence in sentences(text):
            if is_question(sentence, self.openers, self.lead_ins, self.statements):
                questions.append(sentence)
            else:
                terms += self.components.find(words(sentence))
        return questions, terms


class RequirementsObserver(CoachObserver):
    """Counts clarifying questions per requirements phase; flags design talk that comes first."""

    def __init__(self, state: SessionState, config: CoachConfig) -> None:
        super().__init__(state, config)
        self.finder = QuestionFinder(config)
        self.questions: list[Question] = []
        self._talk: dict[str, _PhaseTalk] = {}

    def observe(self, event: Event, state: SessionState) -> list[NewEvent]:
        said = utterance_of(event, state) if event.type != "note_edited" else None
        phase = self.phase_of(said.phase) if said else None
        if said is None or phase is None or phase.role != "requirements":
            return []
        talk = self._talk.setdefault(phase.id, _PhaseTalk())
        asked, terms = self.finder.split(said.text, said.kind)
        for text in asked:
            self.questions.append(Question(said.t, phase.id, text, said.source))
        talk.questions += len(asked)
        talk.terms.update(terms)
        return self._check(phase.id, phase.title, talk)

    def _check(self, phase_id: str, title: str, talk: _PhaseTalk) -> list[NewEvent]:
        cfg = self.config
        if talk.questions >= cfg.number("jumped_to_design", "min_questions") or not talk.terms:
            return []
        distinct = len(talk.terms)
        repeats = max(talk.terms.values())
        if (distinct < cfg.number("jumped_to_design", "min_distinct_terms")
                and repeats < cfg.number("jumped_to_design", "min_repeats")):
            return []
        named = ", ".join(sorted(talk.terms))
        count = talk.questions
        asked = (f"{count} clarifying question{'' if count == 1 else 's'}" if count
                 else "no clarifying questions")
        return self.flag(
            ("jumped", phase_id), "jumped_to_design", phase_id,
            f"Talking components ({named}) during {title} after {asked}; ask about scale, "
            "latency, freshness and scope before designing.",
            cfg.string("jumped_to_design", "severity"),
        )
