"""Checklist coverage: `checklist_ticked` when a phase's item is said (final captions) or typed
(notes) in that phase, with the words that matched as evidence."""

from __future__ import annotations

from tui.core.coach.base import CoachObserver, utterance_of
from tui.core.config.coach_settings import CoachConfig
from tui.core.hearing.text import Phrases
from tui.core.session.events import Event, NewEvent
from tui.core.session.state import SessionState


class ChecklistObserver(CoachObserver):
    """Ticks checklist items from their cues (the layout's plus coach.toml's extra cues)."""

    def __init__(self, state: SessionState, config: CoachConfig) -> None:
        super().__init__(state, config)
        extra = config.table("checklist", "cues")
        self.cues: dict[tuple[str, str], Phrases] = {}
        for phase in self.layout.phases:
            for item in phase.checklist:
                self.cues[(phase.id, item.id)] = Phrases.of(item.cues + extra.get(item.id, ()))

    def observe(self, event: Event, state: SessionState) -> list[NewEvent]:
        said = utterance_of(event, state)
        phase = self.phase_of(said.phase) if said else None
        if said is None or phase is None:
            return []
        tokens = said.tokens
        present = set(tokens)
        done = state.ticked(phase.id)
        out: list[NewEvent] = []
        for item in phase.checklist:
            cues = self.cues[(phase.id, item.id)]
            if item.id in done or not cues.could_match(present):
                continue
            found = cues.find_spans(tokens)
            if found:
                evidence = ", ".join(dict.fromkeys(spoken for _, spoken in found))
                out.append(("checklist_ticked", {
                    "phase": phase.id, "item": item.id, "source": said.source,
                    "evidence": evidence,
                }))
        return out
