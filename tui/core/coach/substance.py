"""The substance of a senior round: trade-offs in the deep dive, back-of-the-envelope numbers,
a request traced with its synchronous and asynchronous paths, operations talk, and the same
stack reused in both rounds of a back-to-back session.

Flags `no_tradeoff`, `no_estimates`, `no_request_trace`, `no_operability` and `same_template`;
keeps every piece of evidence (with the words that showed it) for the debrief's rubric.
"""

from __future__ import annotations

from dataclasses import dataclass

from tui.core.coach.base import CoachObserver, segment_of, utterance_of
from tui.core.config.coach_settings import CoachConfig
from tui.core.config.layouts import Phase
from tui.core.hearing.design_talk import DesignTalk
from tui.core.hearing.recognise import NOT_IN_QUESTIONS, Heard, recognisers_for
from tui.core.hearing.text import Phrases
from tui.core.session.events import Event, NewEvent
from tui.core.session.state import SessionState

#: Evidence kept per phase and kind: flags need one, the rubric quotes at most two, so once a
#: phase has this many the observer stops listening for that kind there (operations talk gets
#: more: the rubric sorts it into monitoring, on-call and rollout).
ENOUGH = {"operability": 9}
ENOUGH_DEFAULT = 3
#: Signposting marks the structure of a phase, which is set out as it begins: it is listened
#: for in a phase's first utterances only.
SIGNPOST_WINDOW = 25

#: What the observer listens for (each a recogniser in coach.toml's [recognise]), and the
#: phase roles where it matters to a flag or to the rubric (None: every phase).
KINDS: dict[str, frozenset[str] | None] = {
    "tradeoff": frozenset({"framing", "walkthrough", "deep_dive"}),
    "estimate": frozenset({"requirements", "framing", "walkthrough", "deep_dive"}),
    "request_trace": frozenset({"framing", "walkthrough"}),
    "sync_async": frozenset({"framing", "walkthrough"}),
    "operability": frozenset({"walkthrough", "deep_dive", "resilience", "other"}),
    "signposting": None,
}


@dataclass(frozen=True)
class Evidence:
    """Something said or typed that shows one kind of substance."""

    t: float
    phase: str | None
    kind: str
    text: str
    source: str


class SubstanceObserver(CoachObserver):
    """Collects evidence of substance and flags what a phase or round ended without."""

    def __init__(self, state: SessionState, config: CoachConfig) -> None:
        super().__init__(state, config)
        ears = recognisers_for(config)
        self.ears = ears
        terms = Phrases.of(config.strings("jumped_to_design", "terms"))
        self._canonical = set(terms.names)
        self.design = DesignTalk(ears, terms, f"{state.prompt.title}. {state.prompt.text}")
        self.evidence: list[Evidence] = []
        self._count: dict[tuple[str | None, str], int] = {}
        self._heard: dict[str | None, int] = {}
        #: canonical components proposed, per round (segment); kept for back-to-back layouts
        self.stacks: dict[int, dict[str, float]] = {}
        self._rounds = any(p.role == "break" for p in state.layout.phases)
        self._current = state.current_phase_id

    def observe(self, event: Event, state: SessionState) -> list[NewEvent]:
        said = utterance_of(event, state)
        if said is not None and event.type != "note_edited":
            self._listen(said.heard, said.t, said.phase, said.source)
            return []
        out: list[NewEvent] = []
        if event.type == "phase_entered" and state.current_phase_id != self._current:
            old, new = self._current, state.current_phase_id
            self._current = new
            if old is not None and new is not None and (
                    self.layout.index_of(new) > self.layout.index_of(old)):
                out += self._left(self.layout.phase(old), event.t)
        elif event.type == "round_ended" and state.ended:
            if self._current is not None:
                out += self._left(self.layout.phase(self._current), event.t)
            out += self._round_over(state)
        return out

    # ---- listening ----------------------------------------------------------------------------
    def _listen(self, heard: Heard, t: float, phase: str | None, source: str) -> None:
        known = self.phase_of(phase)
        role = known.role if known is not None else None
        heard_here = self._heard[phase] = self._heard.get(phase, 0) + 1
        for kind, roles in KINDS.items():
            if roles is not None and role not in roles:
                continue
            if self._count.get((phase, kind), 0) >= ENOUGH.get(kind, ENOUGH_DEFAULT):
                continue
            if kind == "signposting" and heard_here > SIGNPOST_WINDOW:
                continue
            found = self.ears[kind].find(heard)
            if found and kind in NOT_IN_QUESTIONS and self.ears.question.questions(heard.text):
                continue
            if found:
                self.evidence.append(Evidence(t, phase, kind, found[0].quote, source))
                self._count[(phase, kind)] = self._count.get((phase, kind), 0) + 1
        if self._rounds and role in ("walkthrough", "deep_dive"):
            stack = self.stacks.setdefault(segment_of(self.layout, phase) if phase else 0, {})
            named = set(self.design.terms.find(heard.tokens))
            if not named - set(stack):
                return  # nothing this round's stack does not hold already
            for name in self.design.proposed(heard, note=source == "note"):
                if name in self._canonical:
                    stack.setdefault(name, t)

    def summary(self) -> tuple[Evidence, ...]:
        """Every piece of evidence so far, in order (for the debrief's rubric)."""
        return tuple(self.evidence)

    def found(self, kind: str, phases: set[str] | None = None,
              segment: int | None = None, until: float | None = None) -> list[Evidence]:
        """Evidence of one kind, optionally limited to phases, a round and a time."""
        return [e for e in self.evidence if e.kind == kind
                and (phases is None or e.phase in phases)
                and (segment is None or (e.phase is not None
                                         and segment_of(self.layout, e.phase) == segment))
                and (until is None or e.t <= until)]

    # ---- flags ----------------------------------------------------------------------------------
    def _left(self, phase: Phase, t: float) -> list[NewEvent]:
        segment = segment_of(self.layout, phase.id)
        if phase.role == "deep_dive" and not self.found("tradeoff", {phase.id}):
            return self._flag("no_tradeoff", phase)
        if phase.role != "walkthrough":
            return []
        out: list[NewEvent] = []
        if not self.found("estimate", segment=segment, until=t):
            out += self._flag("no_estimates", phase)
        missing = [words for kind, words in (
            ("request_trace", "one request traced through three or more components"),
            ("sync_async", "which path is synchronous and which asynchronous"))
            if not self.found(kind, segment=segment, until=t)]
        if missing:
            out += self._flag("no_request_trace", phase, missing=" or ".join(missing))
        return out + self._same_template(segment, phase)

    def _round_over(self, state: SessionState) -> list[NewEvent]:
        out: list[NewEvent] = []
        for segment, phases in sorted(self._segments().items()):
            roles = {p.role for p in phases}
            reached = any(state.phases.records[p.id].visits for p in phases)
            if not reached or not roles & {"walkthrough", "resilience"}:
                continue  # a drill, or a round never begun
            if not self.found("operability", segment=segment):
                anchor = next((p for p in phases if p.role == "resilience"), phases[-1])
                out += self._flag("no_operability", anchor)
        return out

    def _same_template(self, segment: int, phase: Phase) -> list[NewEvent]:
        if segment == 0 or 0 not in self.stacks:
            return []
        first, now = set(self.stacks[0]), set(self.stacks.get(segment, {}))
        if len(now) < self.config.number("same_template", "min_components"):
            return []
        shared = first & now
        if len(shared) / len(now) < self.config.number("same_template", "min_overlap"):
            return []
        return self._flag("same_template", phase, stack=", ".join(sorted(shared)))

    def _segments(self) -> dict[int, list[Phase]]:
        out: dict[int, list[Phase]] = {}
        for phase in self.layout.phases:
            if phase.role != "break":
                out.setdefault(segment_of(self.layout, phase.id), []).append(phase)
        return out

    def _flag(self, code: str, phase: Phase, **words: str) -> list[NewEvent]:
        message = self.config.string(code, "message").format(phase=phase.title, **words)
        return self.flag((code, phase.id), code, phase.id, message,
                         self.config.string(code, "severity"))
