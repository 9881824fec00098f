"""Probe answers: whether the candidate talked about a probe's subject while it was open, and
`probe_ignored` when its answer time ran out without that."""

from __future__ import annotations

from dataclasses import dataclass, replace

from tui.core.coach.base import CoachObserver, utterance_of
from tui.core.config.coach_settings import CoachConfig
from tui.core.hearing.recognise import hear_words
from tui.core.session.events import Event, NewEvent
from tui.core.session.state import SessionState

#: Letters two words must share at the start to be one subject ("expires", "expiry").
STEM = 5


def stems(text: str, ignore: frozenset[str]) -> frozenset[str]:
    """The subject words of a text, cut to their stems."""
    return frozenset(w[:STEM] for w in hear_words(text) if len(w) >= 4 and w not in ignore)


@dataclass
class Answer:
    """One probe and what was said about it while it was open."""

    id: str
    text: str
    t: float
    subject: frozenset[str]
    answered_t: float | None = None
    answer: str | None = None
    closed: str | None = None


class ProbeAnswerObserver(CoachObserver):
    """Times each probe's answer; flags a probe whose answer time ran out unanswered."""

    def __init__(self, state: SessionState, config: CoachConfig) -> None:
        super().__init__(state, config)
        self.ignore = frozenset(config.strings("probe_ignored", "not_subject"))
        self.answers: dict[str, Answer] = {}
        self._open: Answer | None = None

    def summary(self) -> tuple[Answer, ...]:
        """Each probe asked so far and its answer, as it stands now (copies, for the
        debrief)."""
        return tuple(replace(answer) for answer in self.answers.values())

    def observe(self, event: Event, state: SessionState) -> list[NewEvent]:
        if event.type == "probe_asked":
            text = str(event["text"])
            self._open = Answer(str(event["id"]), text, event.t, stems(text, self.ignore))
            self.answers[self._open.id] = self._open
            return []
        if event.type == "probe_closed":
            answer = self.answers.get(str(event["id"]))
            if answer is None:
                return []
            answer.closed = str(event["reason"])
            if self._open is answer:
                self._open = None
            if answer.closed == "time_up" and answer.answered_t is None:
                asked = state.probes.get(answer.id)
                return self.flag(
                    ("ignored", answer.id), "probe_ignored",
                    asked.phase if asked is not None else state.current_phase_id,
                    self.config.string("probe_ignored", "message").format(probe=answer.text),
                    self.config.string("probe_ignored", "severity"))
            return []
        said = utterance_of(event, state)
        probe = self._open
        if (said is not None and probe is not None and probe.answered_t is None
                and stems(said.text, self.ignore) & probe.subject):
            probe.answered_t, probe.answer = said.t, said.text
        return []
