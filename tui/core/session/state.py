"""Session state as a fold over events: phases, outline, transcript, flags, checklist, probes."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from tui.core.config.layouts import Layout, layout_from_dict
from tui.core.config.prompts import Prompt, prompt_from_dict
from tui.core.errors import BoardlessError
from tui.core.round.outline import Outline
from tui.core.round.phases import PhaseTracker
from tui.core.session.events import CaptionsState, Event

#: What folding a valid-looking but unusable event can raise; turned into DamagedEventError.
FOLD_ERRORS = (ValueError, TypeError, KeyError, IndexError, AttributeError, OverflowError,
               RecursionError)


class DamagedEventError(BoardlessError):
    """An event the fold cannot use: the session is damaged at that event."""

    def __init__(self, event: Event, error: BaseException) -> None:
        detail = str(error).splitlines()[0][:120] if str(error) else type(error).__name__
        super().__init__(f"event {event.seq} ({event.type}) cannot be read: {detail}")


@dataclass(frozen=True)
class Caption:
    """A final caption line as folded from the log."""

    t: float
    text: str
    start: float
    end: float
    phase: str | None
    words: tuple[tuple[str, float, float], ...] = ()
    delay: float = 0.0


@dataclass(frozen=True)
class Flag:
    """A coach flag raised at session time `t`."""

    t: float
    code: str
    phase: str | None
    message: str
    severity: str


@dataclass(frozen=True)
class Tick:
    """A checklist item covered at session time `t`."""

    t: float
    phase: str
    item: str
    source: str
    evidence: str


@dataclass(frozen=True)
class Probe:
    """An interviewer probe and, once closed, when."""

    id: str
    text: str
    phase: str | None
    asked_t: float
    answer_s: float
    closed_t: float | None = None
    close_reason: str | None = None


@dataclass(frozen=True)
class Curveball:
    """A constraint change the interviewer sprang, and when (if) the candidate took it up."""

    id: str
    text: str
    phase: str | None
    asked_t: float
    answer_s: float
    answered_t: float | None = None
    evidence: str = ""


@dataclass(frozen=True)
class InterviewerLine:
    """Something the interviewer's voice said aloud: the prompt, a probe or a curveball."""

    t: float
    kind: str
    text: str
    ref: str | None = None
    done_t: float | None = None


@dataclass
class SessionState:
    """Everything the screen, report and export need, built only from events."""

    layout: Layout
    prompt: Prompt
    engine: str
    started_wall: str
    app_version: str = ""
    phases: PhaseTracker = field(init=False)
    outline: Outline = field(default_factory=Outline)
    captions: list[Caption] = field(default_factory=list)
    partial: str = ""
    flags: list[Flag] = field(default_factory=list)
    ticks: list[Tick] = field(default_factory=list)
    probes: dict[str, Probe] = field(default_factory=dict)
    curveballs: dict[str, Curveball] = field(default_factory=dict)
    interviewer: list[InterviewerLine] = field(default_factory=list)
    captions_state: CaptionsState | str = CaptionsState.OFF
    """A state this version does not know (never written by it) stays its string."""
    captions_message: str = ""
    audio_path: str | None = None
    closed: bool = False
    last_t: float = 0.0
    last_seq: int = 0

    def __post_init__(self) -> None:
        self.phases = PhaseTracker(self.layout)

    @classmethod
    def from_start(cls, event: Event) -> SessionState:
        """Create the state from a `session_started` event. A layout or prompt snapshot that
        does not validate raises BoardlessError."""
        try:
            state = cls(
                layout=layout_from_dict(event["layout"]),
                prompt=prompt_from_dict(event["prompt"]),
                engine=event.get("engine", "off"),
                started_wall=event.wall,
                app_version=event.get("app_version", ""),
            )
        except BoardlessError as error:
            raise BoardlessError(f"the session's first event (seq {event.seq}): {error}") from None
        except FOLD_ERRORS as error:
            raise DamagedEventError(event, error) from None
        state._count(event)
        return state

    @property
    def ended(self) -> bool:
        return self.phases.ended

    @property
    def current_phase_id(self) -> str | None:
        phase = self.phases.current_phase
        return None if phase is None else phase.id

    @property
    def interviewer_speaking(self) -> bool:
        """The interviewer's voice is saying something now (the candidate is listening)."""
        return bool(self.interviewer) and self.interviewer[-1].done_t is None

    def round_time(self, t: float) -> float:
        """Round time (pauses excluded) at session time `t`: the clock every time shown uses."""
        return self.phases.round_time(t)

    def ticked(self, phase_id: str) -> set[str]:
        """Checklist item ids covered in `phase_id`."""
        return {tick.item for tick in self.ticks if tick.phase == phase_id}

    def apply(self, event: Event) -> None:
        """Fold one event into the state. An event whose fields pass the schema but whose
        contents cannot be used (a caption word timed `null`) raises DamagedEventError."""
        try:
            self._apply(event)
        except FOLD_ERRORS as error:
            raise DamagedEventError(event, error) from None

    def _apply(self, event: Event) -> None:
        self._count(event)
        kind = event.type
        if kind in ("timer_started", "timer_paused", "phase_entered", "round_ended"):
            self.phases.apply(event)
        elif kind.startswith(("note_", "outline_")):
            self.outline.apply(event)
        elif kind == "caption":
            self._caption(event)
        elif kind == "captions_status":
            try:
                self.captions_state = CaptionsState(event["state"])
            except ValueError:  # a state this version does not know: kept as it was read
                self.captions_state = event["state"]
            self.captions_message = event["message"]
        elif kind == "flag_raised":
            self.flags.append(Flag(event.t, event["code"], event["phase"], event["message"],
                                   event["severity"]))
        elif kind == "checklist_ticked":
            if event["item"] not in self.ticked(event["phase"]):
                self.ticks.append(Tick(event.t, event["phase"], event["item"], event["source"],
                                       event["evidence"]))
        elif kind == "probe_asked":
            self.probes[event["id"]] = Probe(event["id"], event["text"], event["phase"], event.t,
                                             float(event["answer_s"]))
        elif kind == "probe_closed":
            probe = self.probes.get(event["id"])
            if probe is not None and probe.closed_t is None:
                self.probes[probe.id] = Probe(probe.id, probe.text, probe.phase, probe.asked_t,
                                              probe.answer_s, event.t, event["reason"])
        elif kind == "curveball_asked":
            self.curveballs[event["id"]] = Curveball(event["id"], event["text"], event["phase"],
                                                     event.t, float(event["answer_s"]))
        elif kind == "curveball_answered":
            asked = self.curveballs.get(event["id"])
            if asked is not None and asked.answered_t is None:
                self.curveballs[asked.id] = replace(asked, answered_t=event.t,
                                                    evidence=event["evidence"])
        elif kind == "interviewer_spoke":
            self.interviewer.append(InterviewerLine(event.t, event["kind"], event["text"],
                                                    event["ref"]))
        elif kind == "interviewer_done":
            if self.interviewer and self.interviewer[-1].done_t is None:
                self.interviewer[-1] = replace(self.interviewer[-1], done_t=event.t)
        elif kind == "audio_recorded":
            self.audio_path = event["path"]
        elif kind == "session_resumed":
            self.phases.apply(event)
            self.closed = False
            self.partial = ""
            if self.interviewer_speaking:  # a line left sounding by a crash ended with the app
                self.interviewer[-1] = replace(self.interviewer[-1], done_t=self.last_t)
        elif kind == "session_closed":
            self.closed = True
            self.partial = ""

    def _count(self, event: Event) -> None:
        self.last_t = max(self.last_t, event.t)
        self.last_seq = max(self.last_seq, event.seq)

    def _caption(self, event: Event) -> None:
        if not event["final"]:
            self.partial = event["text"]
            return
        self.partial = ""
        text = event["text"].strip()
        if not text:
            return
        self.captions.append(Caption(
            t=event.t, text=text, start=float(event["start"]), end=float(event["end"]),
            phase=self.current_phase_id, words=_words(event["words"]), delay=float(event["delay"]),
        ))


def _words(raw: Any) -> tuple[tuple[str, float, float], ...]:
    out = []
    for item in raw or ():
        if isinstance(item, (list, tuple)) and len(item) >= 3:
            out.append((str(item[0]), float(item[1]), float(item[2])))
        elif isinstance(item, dict) and {"text", "start", "end"} <= item.keys():
            out.append((str(item["text"]), float(item["start"]), float(item["end"])))
    return tuple(out)


def fold(events: Iterable[Event]) -> SessionState:
    """Build the state from a whole log (the first event must be `session_started`)."""
    iterator = iter(events)
    first = next(iterator)
    state = SessionState.from_start(first)
    for event in iterator:
        state.apply(event)
    return state
