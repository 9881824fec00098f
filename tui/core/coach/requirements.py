"""Requirements: clarifying questions asked, and `jumped_to_design` when components are
proposed before a handful of questions."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from tui.core.coach.base import CoachObserver, Utterance, utterance_of
from tui.core.config.coach_settings import CoachConfig
from tui.core.hearing.design_talk import DesignTalk
from tui.core.hearing.recognise import hear_words, recognisers_for
from tui.core.hearing.text import Phrases
from tui.core.session.events import Event, NewEvent
from tui.core.session.state import SessionState

#: Words that say little about what a question asks (left out when comparing two questions).
_FILLER_WORDS = frozenset(
    "a an the is are do does we i you it of to for in on and or so what how which there this "
    "that be can should would will need any our us okay um uh q ask".split())


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


def content_words(text: str) -> frozenset[str]:
    """The words of a question that carry what it asks."""
    return frozenset(w for w in hear_words(text) if w not in _FILLER_WORDS)


def same_question(a: str, b: str) -> bool:
    """Two wordings of one question ("? p99 target" typed, "what's the p99 target" said)."""
    left, right = content_words(a), content_words(b)
    if not left or not right:
        return False
    shared = len(left & right)
    return shared >= 1 and shared / min(len(left), len(right)) >= 0.75


class QuestionFinder:
    """Recognises clarifying questions and proposed components in what was said or typed."""

    def __init__(self, config: CoachConfig, prompt_text: str) -> None:
        ears = recognisers_for(config)
        self.questions = ears.question
        terms = Phrases.of(config.strings("jumped_to_design", "terms"))
        self.design = DesignTalk(ears, terms, prompt_text)

    def split(self, said: Utterance) -> tuple[list[str], list[str]]:
        """(questions asked, components proposed outside questions)."""
        asked = self.questions.questions(said.text, said.kind == "question")
        if asked:
            return asked, []
        return [], self.design.proposed(said.heard, note=said.source == "note")


class RequirementsObserver(CoachObserver):
    """Counts clarifying questions per requirements phase (a question said and also typed
    counts once); flags components proposed before a handful of them."""

    def __init__(self, state: SessionState, config: CoachConfig) -> None:
        super().__init__(state, config)
        self.finder = QuestionFinder(config, f"{state.prompt.title}. {state.prompt.text}")
        self.questions: list[Question] = []
        self._talk: dict[str, _PhaseTalk] = {}

    def observe(self, event: Event, state: SessionState) -> list[NewEvent]:
        said = utterance_of(event, state) if event.type != "note_edited" else None
        phase = self.phase_of(said.phase) if said else None
        if said is None or phase is None or phase.role != "requirements":
            return []
        talk = self._talk.setdefault(phase.id, _PhaseTalk())
        asked, terms = self.finder.split(said)
        for text in asked:
            if self._repeated(phase.id, text, said.source):
                continue
            self.questions.append(Question(said.t, phase.id, text, said.source))
            talk.questions += 1
        talk.terms.update(terms)
        return self._check(phase.id, phase.title, talk)

    def summary(self) -> tuple[Question, ...]:
        """The clarifying questions counted so far, in order (for the debrief)."""
        return tuple(self.questions)

    def _repeated(self, phase_id: str, text: str, source: str) -> bool:
        """The same question already asked in this phase the other way (said, then typed)."""
        return any(q.phase == phase_id and q.source != source and same_question(q.text, text)
                   for q in self.questions)

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
            f"Proposing components ({named}) during {title} after {asked}; ask about scale, "
            "latency, freshness and scope before designing.",
            cfg.string("jumped_to_design", "severity"),
        )
