"""Shared pieces of the coach's observers: the flag helper, phase lookups, utterances."""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

from tui.core.config.coach_settings import CoachConfig
from tui.core.config.layouts import Layout, Phase
from tui.core.hearing.recognise import Heard, context_of
from tui.core.hearing.text import words
from tui.core.session.events import Event, NewEvent
from tui.core.session.state import SessionState


class CoachObserver:
    """Base observer: reacts to nothing, and raises each flag cause at most once."""

    def __init__(self, state: SessionState, config: CoachConfig) -> None:
        self.layout: Layout = state.layout
        self.config = config
        self._raised: set[object] = set()

    def observe(self, event: Event, state: SessionState) -> list[NewEvent]:
        """Called after `event` was folded into `state`."""
        return []

    def tick(self, t: float, state: SessionState) -> list[NewEvent]:
        """Called as time passes."""
        return []

    def quiet_until(self, t: float, state: SessionState) -> float:
        """A session time before which `tick` (after second `t`) would return nothing and
        change nothing, as long as no event arrives; the session skips those seconds (a long
        pause, or a log with a far-off time, is not ticked through one second at a time). An
        earlier time is always safe. An observer whose `tick` reacts to time overrides this;
        one that does not (this base `tick`) never wakes."""
        if type(self).tick is not CoachObserver.tick:
            return t + 1.0
        return math.inf

    def flag(self, cause: object, code: str, phase: str | None, message: str,
             severity: str) -> list[NewEvent]:
        """A `flag_raised` event, or nothing if this cause was already flagged. A phase that
        is not in the layout is never named (it becomes None)."""
        if cause in self._raised:
            return []
        self._raised.add(cause)
        known = {p.id for p in self.layout.phases}
        return [("flag_raised", {
            "code": code, "phase": phase if phase in known else None, "message": message,
            "severity": severity,
        })]

    def phase_of(self, phase_id: str | None) -> Phase | None:
        """The layout phase with this id, or None."""
        for phase in self.layout.phases:
            if phase.id == phase_id:
                return phase
        return None


def segment_of(layout: Layout, phase_id: str | None) -> int:
    """Which round a phase belongs to: break phases separate rounds (back-to-back layouts)."""
    segment = 0
    for phase in layout.phases:
        if phase.id == phase_id:
            return segment
        if phase.role == "break":
            segment += 1
    return segment


def when_spent(state: SessionState, phase_id: str, t: float, seconds: float) -> float:
    """The earliest session time at which the running `phase_id` can have used `seconds`, seen
    from time `t` (its clock runs at most one second per second)."""
    return t + (seconds - state.phases.elapsed(phase_id, t))


def running_phase(state: SessionState) -> Phase | None:
    """The phase whose clock is running now, or None (paused, not started, ended)."""
    if state.ended or not state.phases.running:
        return None
    return state.phases.current_phase


@dataclass(frozen=True)
class Utterance:
    """Something the candidate said (a final caption) or wrote (a note), with its phase."""

    t: float
    text: str
    source: str  # "speech" or "note"
    phase: str | None
    kind: str  # "caption" or the note's kind
    #: Earlier captions that ran on into this one (a phrase split across captions).
    context: str = ""

    @functools.cached_property
    def heard(self) -> Heard:
        """The utterance as the recognisers hear it (with its context)."""
        return Heard(self.text, self.context)

    @functools.cached_property
    def tokens(self) -> list[str]:
        """The text's lowercase words."""
        return words(self.text)


#: (event, state, answer) of the last call: every observer asks about the same event in turn.
_last: tuple[Event, SessionState, Utterance | None] | None = None


def utterance_of(event: Event, state: SessionState) -> Utterance | None:
    """The utterance an event carries (final captions, added or edited notes), if any."""
    global _last
    last = _last
    if last is not None and last[0] is event and last[1] is state:
        return last[2]
    said = _utterance(event, state)
    _last = (event, state, said)
    return said


#: Seconds between the end of one caption and the start of the next for the two to be heard
#: as one run (a phrase split across two captions).
JOIN_GAP_S = 10.0


def _utterance(event: Event, state: SessionState) -> Utterance | None:
    if event.type == "caption":
        text = str(event["text"]).strip()
        if event["final"] and text:
            return Utterance(event.t, text, "speech", state.current_phase_id, "caption",
                             _context(state))
        return None
    if event.type == "note_added":
        phase = event.get("phase") or state.current_phase_id
        return Utterance(event.t, str(event["text"]), "note", phase, str(event["kind"]))
    if event.type == "note_edited":
        note = state.outline.notes.get(event["id"])
        phase = note.phase if note is not None and note.phase else state.current_phase_id
        return Utterance(event.t, str(event["text"]), "note", phase, str(event["kind"]))
    return None


def _context(state: SessionState) -> str:
    """The earlier captions (just before the one folded last) that ran on into it."""
    captions = state.captions
    if len(captions) < 2:
        return ""
    run: list[str] = []
    later = captions[-1]
    for caption in reversed(captions[:-1]):
        if later.start - caption.end > JOIN_GAP_S or caption.phase != later.phase:
            break
        run.append(caption.text)
        later = caption
        if len(run) >= 3:
            break
    return context_of(list(reversed(run)))
