"""Failure-mode talk, and `resilience_late` when none came unprompted before the resilience
phase (talk while an interviewer probe is open counts as prompted)."""

from __future__ import annotations

from dataclasses import dataclass

from tui.core.coach.base import CoachObserver, segment_of, utterance_of
from tui.core.coach.framing import core_challenge_in
from tui.core.config.coach_settings import CoachConfig
from tui.core.hearing.recognise import recognisers_for
from tui.core.session.events import Event, NewEvent
from tui.core.session.state import SessionState


@dataclass(frozen=True)
class Mention:
    """Failure-mode talk: a term said or written (risk notes count whatever their words)."""

    t: float
    phase: str | None
    term: str
    text: str
    source: str
    prompted: bool = False  # said while an interviewer probe was open


@dataclass(frozen=True)
class FailureTalk:
    """What the observer kept: every mention, and the phases where it stopped listening after
    enough unprompted talk (the debrief shows their count as "12+")."""

    mentions: tuple[Mention, ...]
    capped: frozenset[str]


#: Unprompted mentions heard per phase before the observer stops listening in that phase (the
#: flag needs one; the debrief shows the count as "12+").
ENOUGH_PER_PHASE = 12


class ResilienceObserver(CoachObserver):
    """Records failure-mode talk; flags a resilience phase reached (or never reached) without
    any before it in the same round."""

    def __init__(self, state: SessionState, config: CoachConfig) -> None:
        super().__init__(state, config)
        self.ears = recognisers_for(config)
        self.talk = self.ears["failure_talk"]
        self.mentions: list[Mention] = []
        #: Phases where enough unprompted talk was heard to stop listening.
        self.capped: set[str] = set()
        self._unprompted: dict[str | None, int] = {}
        self._probe_open: str | None = None

    def observe(self, event: Event, state: SessionState) -> list[NewEvent]:
        if event.type == "probe_asked":
            self._probe_open = str(event["id"])
        elif event.type == "probe_closed" and event["id"] == self._probe_open:
            self._probe_open = None
        said = utterance_of(event, state)
        if said is not None:
            prompted = self._probe_open is not None
            if not prompted and said.phase in self.capped:
                return []
            found = self.talk.find(said.heard)
            for term in dict.fromkeys(f.matched for f in found):
                self.mentions.append(Mention(said.t, said.phase, term, found[0].quote,
                                             said.source, prompted))
            if found and not prompted:
                count = self._unprompted.get(said.phase, 0) + 1
                self._unprompted[said.phase] = count
                if count >= ENOUGH_PER_PHASE and said.phase is not None:
                    self.capped.add(said.phase)
            phase = self.phase_of(said.phase)
            if (not found and said.kind == "risk" and phase is not None
                    and phase.role not in ("requirements", "framing")
                    and not core_challenge_in(said.heard, said.kind, self.ears)):
                # a risk note counts whatever its words once the design is under way (in
                # requirements and framing it marks what makes the problem hard)
                self.mentions.append(Mention(said.t, said.phase, "risk note", said.text,
                                             said.source, prompted))
            return []
        if event.type == "phase_entered":
            phase = self.phase_of(state.current_phase_id)
            if phase is not None and phase.role == "resilience":
                return self._check(phase.id, entered=True)
        if event.type == "round_ended" and state.ended:
            out: list[NewEvent] = []
            for phase in self.layout.phases:
                if phase.role == "resilience" and state.phases.records[phase.id].visits == 0:
                    out += self._check(phase.id, entered=False)
            return out
        return []

    def summary(self) -> FailureTalk:
        """The failure-mode talk heard so far (for the debrief)."""
        return FailureTalk(tuple(self.mentions), frozenset(self.capped))

    def before(self, phase_id: str) -> list[Mention]:
        """Unprompted mentions in the same round as `phase_id`, made outside that phase (talk
        while an interviewer probe is open was asked for, so it does not count)."""
        segment = segment_of(self.layout, phase_id)
        return [m for m in self.mentions if m.phase != phase_id and not m.prompted
                and m.phase is not None and segment_of(self.layout, m.phase) == segment]

    def _check(self, phase_id: str, entered: bool) -> list[NewEvent]:
        need = self.config.number("failure_talk", "min_mentions")
        if len(self.before(phase_id)) >= max(need, 1):
            return []
        title = self.layout.phase(phase_id).title
        if entered:
            message = (f"{title} began with no failure modes raised earlier; name what breaks, "
                       "the fallbacks and timeouts while you design, before being asked.")
        else:
            message = (f"The round ended without {title} and without any failure-mode talk; "
                       "raise what breaks and how it degrades during the walkthrough.")
        return self.flag(("late", phase_id), "resilience_late", phase_id, message,
                         self.config.string("failure_talk", "severity"))
