"""Session changes as Textual messages: what the app and the practice screen are told when an
event is applied.

The session calls its listeners synchronously for every event (live, in replay, from observers);
the app posts itself EventApplied, and `message_for` turns one event into the message that says
what changed on the practice screen, which posts it to itself, so widgets are repainted from the
message queue, never from inside the fold. Changes
that come in floods (captions while someone talks, notes and phases while a replay seeks) merge
with `can_replace`: the widgets draw the state as it is, so one waiting message is enough.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.message import Message

from tui.core.session.events import Event

if TYPE_CHECKING:  # the app imports these messages before a round (and its modules) opens
    from tui.core.session.session import Session
    from tui.core.session.state import Flag


@dataclass
class EventApplied(Message):
    """For the app: `event` was applied to `session` (it reacts to a few: a break pauses the
    captions, the round's end opens the results, the interviewer reads the prompt, probes and
    curveballs aloud, a serious flag rings)."""

    event: Event
    session: Session


@dataclass
class CaptionsChanged(Message):
    """A caption, a partial or the captions' status changed."""

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, CaptionsChanged)


@dataclass
class OutlineChanged(Message):
    """The outline changed; `seq` is the latest outline event's sequence number."""

    seq: int
    added: str | None = None
    """The note the event added, if it added one (replay's cursor follows it)."""

    def can_replace(self, message: Message) -> bool:
        # the newer message stands for this one unless this one carries a note to follow
        return isinstance(message, OutlineChanged) and (self.added is None
                                                        or message.added is not None)


@dataclass
class PhasesChanged(Message):
    """The timer started or paused, a phase was entered, the round ended or was resumed."""

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, PhasesChanged)


@dataclass
class FlagRaised(Message):
    """A flag was raised: shown in the banner until session time `until`."""

    flag: Flag
    until: float


@dataclass
class ChecklistTicked(Message):
    """A checklist item of a phase was covered."""

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, ChecklistTicked)


@dataclass
class ProbesChanged(Message):
    """An interviewer probe was asked or closed, or a curveball was sprung or taken up."""

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, ProbesChanged)


PHASE_EVENTS = frozenset({"phase_entered", "timer_started", "timer_paused", "round_ended",
                          "session_resumed"})
CAPTION_EVENTS = frozenset({"caption", "captions_status"})
PROBE_EVENTS = frozenset({"probe_asked", "probe_closed", "curveball_asked",
                          "curveball_answered"})


def message_for(event: Event, flags: list[Flag], flash_until: float) -> Message | None:
    """The message that tells the screen what `event` changed, or None if nothing it shows.
    `flags` are the state's flags after the event; a new flag shows until `flash_until`."""
    kind = event.type
    if kind.startswith(("note_", "outline_")):
        return OutlineChanged(event.seq, event["id"] if kind == "note_added" else None)
    if kind in CAPTION_EVENTS:
        return CaptionsChanged()
    if kind in PHASE_EVENTS:
        return PhasesChanged()
    if kind == "flag_raised":
        return FlagRaised(flags[-1], flash_until)
    if kind == "checklist_ticked":
        return ChecklistTicked()
    if kind in PROBE_EVENTS:
        return ProbesChanged()
    return None
