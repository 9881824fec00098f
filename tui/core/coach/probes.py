"""Interviewer probes: follow-ups from the prompt and the phase at set moments of the phase, and
probes keyed to words the candidate said, each with its own answer timer.

Deterministic: which prompt probe goes to which phase is shuffled with a seed taken from the
session (its start time and prompt id), never from global randomness.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

from tui.core.coach.base import (
    CoachObserver,
    running_phase,
    utterance_of,
    when_spent,
)
from tui.core.config.coach_settings import CoachConfig
from tui.core.hearing.text import Phrases
from tui.core.session.events import Event, NewEvent
from tui.core.session.state import SessionState


@dataclass(frozen=True)
class _Keyed:
    id: str
    words: Phrases
    text: str


def plan_probes(state: SessionState, config: CoachConfig) -> dict[str, list[str]]:
    """Probe texts per probe-role phase, one per moment in `probes.at`, in asking order."""
    roles = config.strings("probes", "roles")
    phases = [p for p in state.layout.phases if p.role in roles]
    slots = len(config.numbers("probes", "at"))
    prompt_probes = list(state.prompt.probes)
    random.Random(f"{state.started_wall}|{state.prompt.id}").shuffle(prompt_probes)
    queues = {p.id: list(p.probes) for p in phases}
    for index, text in enumerate(prompt_probes):
        if phases:
            queues[phases[index % len(phases)].id].append(text)
    return {phase_id: queue[:slots] for phase_id, queue in queues.items()}


class ProbeObserver(CoachObserver):
    """Asks probes (`probe_asked`) and closes them (`probe_closed`) on time-out or phase change."""

    def __init__(self, state: SessionState, config: CoachConfig) -> None:
        super().__init__(state, config)
        self.plan = plan_probes(state, config)
        self.keyed = [_Keyed(e["id"], Phrases.of(e["words"]), e["text"])
                      for e in config.keyed_probes()]
        self._done: set[tuple[str, int]] = set()
        self._pending: list[_Keyed] = []
        self._keyed_seen: set[str] = set()
        self._open: tuple[str, float] | None = None
        self._last_close: float | None = None
        self._count = len(state.probes)
        self._phase = state.current_phase_id

    def observe(self, event: Event, state: SessionState) -> list[NewEvent]:
        out: list[NewEvent] = []
        if event.type == "phase_entered" and state.current_phase_id != self._phase:
            self._phase = state.current_phase_id
            out += self._close(event.t, "phase_changed")
        elif event.type == "round_ended" and state.ended:
            out += self._close(event.t, "round_ended")
        said = utterance_of(event, state)
        if said is not None and said.source == "speech":
            phase = self.phase_of(said.phase)
            if phase is not None and phase.role in self.config.strings("probes", "roles"):
                self._listen(said.tokens)
        return out

    def tick(self, t: float, state: SessionState) -> list[NewEvent]:
        out: list[NewEvent] = []
        if self._open is not None and t - self._open[1] >= self.config.number("probes", "answer_s"):
            out += self._close(t, "time_up")
        phase = running_phase(state)
        if phase is None or phase.id not in self.plan or not self._free(t):
            return out
        spent = state.phases.elapsed(phase.id, t)
        for slot, fraction in enumerate(self.config.numbers("probes", "at")):
            if (phase.id, slot) in self._done or slot >= len(self.plan[phase.id]):
                continue
            if spent >= fraction * phase.min_s:
                self._done.add((phase.id, slot))
                return out + self._ask(self.plan[phase.id][slot], phase.id, t)
        if self._pending:
            return out + self._ask(self._pending.pop(0).text, phase.id, t)
        return out

    def quiet_until(self, t: float, state: SessionState) -> float:
        """Until the open probe's answer time runs out, or (none open) until the next probe
        may be asked: the gap after the last one has passed and a planned moment of the phase
        is reached (at once for a probe keyed to words just said)."""
        if self._open is not None:
            return self._open[1] + self.config.number("probes", "answer_s")
        phase = running_phase(state)
        if phase is None or phase.id not in self.plan:
            return math.inf
        free = -math.inf
        if self._last_close is not None:
            free = self._last_close + self.config.number("probes", "min_gap_s")
        if self._pending:
            return max(free, t + 1.0)
        moments = [when_spent(state, phase.id, t, fraction * phase.min_s)
                   for slot, fraction in enumerate(self.config.numbers("probes", "at"))
                   if (phase.id, slot) not in self._done and slot < len(self.plan[phase.id])]
        return max(free, min(moments)) if moments else math.inf

    def _listen(self, tokens: list[str]) -> None:
        limit = self.config.number("probes", "keyed_max")
        for probe in self.keyed:
            if len(self._keyed_seen) >= limit:
                return
            if probe.id not in self._keyed_seen and probe.words.find(tokens):
                self._keyed_seen.add(probe.id)
                self._pending.append(probe)

    def _free(self, t: float) -> bool:
        if self._open is not None:
            return False
        gap = self.config.number("probes", "min_gap_s")
        return self._last_close is None or t - self._last_close >= gap

    def _ask(self, text: str, phase_id: str, t: float) -> list[NewEvent]:
        self._count += 1
        probe_id = f"probe-{self._count}"
        self._open = (probe_id, t)
        return [("probe_asked", {"id": probe_id, "text": text, "phase": phase_id,
                                 "answer_s": self.config.number("probes", "answer_s")})]

    def _close(self, t: float, reason: str) -> list[NewEvent]:
        if self._open is None:
            return []
        probe_id = self._open[0]
        self._open, self._last_close = None, t
        return [("probe_closed", {"id": probe_id, "reason": reason})]
