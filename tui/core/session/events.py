"""Event types: everything that happens in a session is one of these, appended to the log.

On disk each event is one flat JSON object per line:
`{"v": 1, "seq": 7, "t": 12.345, "wall": "2026-11-22T09:00:12.345Z", "type": "note_added", ...}`
where the remaining keys are the event's fields (see `FIELDS` and docs/session-format.md).
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from tui.core.errors import UsageError
from tui.core.limits import MAX_DEPTH, MAX_INT, MAX_T, too_deep

#: An event not yet stamped: its type and fields. Observers and the caption feed return these;
#: the session stamps them with time and sequence (`Session.emit_all`).
NewEvent = tuple[str, dict[str, Any]]

SCHEMA_VERSION = 1


class CaptionsState(str, Enum):
    """What the captioning is doing: the `state` of a `captions_status` event. The values are
    the strings the log holds (docs/session-format.md); a `str` subclass, so a member equals
    its string."""

    LOADING = "loading"
    """The speech engine is loading (the message says which)."""
    READY = "ready"
    """The engine runs and hears the source (also: the microphone is back)."""
    LISTENING = "listening"
    """Captions are being made (written by simulated rounds: the sample sessions, benches)."""
    BEHIND = "behind"
    """Recognition fell behind the voice; the oldest audio is being skipped."""
    CAUGHT_UP = "caught_up"
    """Recognition has caught up with the voice again."""
    OFF = "off"
    """No captions this round (the message says why)."""
    ERROR = "error"
    """The engine or the audio source failed, or the microphone was lost (the message says)."""
    STOPPED = "stopped"
    """Captions stopped (the round ended or the app is closing)."""

    def __str__(self) -> str:
        return self.value


ENVELOPE = ("v", "seq", "t", "wall", "type")

#: Field name -> accepted JSON types, per event type. `None` in a tuple allows null.
_STR = (str,)
_NUM = (int, float)
_OPT_STR = (str, type(None))
FIELDS: dict[str, dict[str, tuple[type, ...]]] = {
    "session_started": {"layout": (dict,), "prompt": (dict,), "engine": _STR, "app_version": _STR},
    "session_resumed": {},
    "session_closed": {"reason": _STR},
    "timer_started": {},
    "timer_paused": {},
    "clock": {},
    "phase_entered": {"phase": _STR, "via": _STR},
    "round_ended": {"reason": _STR},
    "note_added": {
        "id": _STR, "text": _STR, "kind": _STR, "parent": _OPT_STR, "index": (int,),
        "phase": _OPT_STR,
    },
    "note_edited": {"id": _STR, "text": _STR, "kind": _STR, "merge": (bool,)},
    "note_moved": {"id": _STR, "parent": _OPT_STR, "index": (int,)},
    "note_deleted": {"id": _STR, "merge": (bool,)},
    "note_folded": {"id": _STR, "folded": (bool,)},
    "outline_undo": {},
    "outline_redo": {},
    "caption": {
        "text": _STR, "final": (bool,), "start": _NUM, "end": _NUM, "words": (list,),
        "delay": _NUM, "engine": _STR,
    },
    "captions_status": {"state": _STR, "message": _STR},
    "speech": {"start": _NUM, "end": _NUM},
    "flag_raised": {"code": _STR, "phase": _OPT_STR, "message": _STR, "severity": _STR},
    "checklist_ticked": {"phase": _STR, "item": _STR, "source": _STR, "evidence": _STR},
    "probe_asked": {"id": _STR, "text": _STR, "phase": _OPT_STR, "answer_s": _NUM},
    "probe_closed": {"id": _STR, "reason": _STR},
    "curveball_asked": {"id": _STR, "text": _STR, "phase": _OPT_STR, "answer_s": _NUM},
    "curveball_answered": {"id": _STR, "evidence": _STR},
    "interviewer_spoke": {"kind": _STR, "text": _STR, "ref": _OPT_STR},
    "interviewer_done": {"reason": _STR},
    "audio_recorded": {"path": _STR, "rate": (int,)},
}

#: Fields that may be omitted; the value used when they are.
DEFAULTS: dict[str, dict[str, Any]] = {
    "session_started": {"engine": "off", "app_version": ""},
    "session_closed": {"reason": "quit"},
    "phase_entered": {"via": "jump"},
    "round_ended": {"reason": "user"},
    "note_added": {"kind": "note", "parent": None, "index": -1, "phase": None},
    "note_edited": {"kind": "note", "merge": False},
    "note_deleted": {"merge": False},
    "caption": {"words": [], "delay": 0.0, "engine": "", "start": 0.0, "end": 0.0},
    "captions_status": {"message": ""},
    "flag_raised": {"severity": "warn", "phase": None},
    "checklist_ticked": {"source": "speech", "evidence": ""},
    "probe_asked": {"phase": None, "answer_s": 90.0},
    "probe_closed": {"reason": "answered"},
    "curveball_asked": {"phase": None, "answer_s": 180.0},
    "curveball_answered": {"evidence": ""},
    "interviewer_spoke": {"ref": None},
    "interviewer_done": {"reason": "finished"},
    "audio_recorded": {"rate": 16000},
}


@dataclass(frozen=True)
class Event:
    """One thing that happened, at session time `t` (seconds since the session began)."""

    type: str
    t: float
    data: Mapping[str, Any] = field(default_factory=dict)
    seq: int = 0
    wall: str = ""

    def __getitem__(self, key: str) -> Any:
        return self.data[key]

    def get(self, key: str, default: Any = None) -> Any:
        """A field of the event, or `default`."""
        return self.data.get(key, default)

    def to_dict(self) -> dict[str, Any]:
        """The flat JSON object written to the log."""
        out: dict[str, Any] = {
            "v": SCHEMA_VERSION, "seq": self.seq, "t": round(self.t, 3), "wall": self.wall,
            "type": self.type,
        }
        out.update(self.data)
        return out

    def to_json(self) -> str:
        """One line of JSON (no newline), keys in a stable order."""
        return json.dumps(self.to_dict(), ensure_ascii=False, separators=(",", ":"))


def make_event(type_: str, t: float, seq: int = 0, wall: str = "", **data: Any) -> Event:
    """Build and validate an event, filling defaults for omitted optional fields."""
    merged = dict(DEFAULTS.get(type_, {}))
    merged.update(data)
    check_fields(type_, merged)
    return Event(type=type_, t=float(t), data=merged, seq=seq, wall=wall)


def check_fields(type_: str, data: Mapping[str, Any]) -> None:
    """Raise UsageError if `data` does not fit the schema for `type_`."""
    if type_ not in FIELDS:
        raise UsageError(f"unknown event type {type_!r}")
    spec = FIELDS[type_]
    for name, types in spec.items():
        if name not in data:
            raise UsageError(f"{type_}: missing field {name!r}")
        value = data[name]
        if isinstance(value, bool) and bool not in types:
            raise UsageError(f"{type_}: field {name!r} must be {_names(types)}, got a boolean")
        if not isinstance(value, types):
            raise UsageError(
                f"{type_}: field {name!r} must be {_names(types)}, got {type(value).__name__}"
            )
        if isinstance(value, float) and not math.isfinite(value):
            raise UsageError(f"{type_}: field {name!r} must be a finite number")
        _check_bounds(type_, name, value, types)


def _check_bounds(type_: str, name: str, value: Any, types: tuple[type, ...]) -> None:
    """Numbers stay in range (every number field is seconds, every integer a count or a
    position) and lists and objects nest no deeper than MAX_DEPTH, so nothing later loops,
    overflows or recurses without end on a hostile value."""
    if isinstance(value, bool):
        return
    if isinstance(value, (int, float)) and float in types:
        if abs(value) > MAX_T:
            raise UsageError(f"{type_}: field {name!r} is more than a week of seconds")
    elif isinstance(value, int) and abs(value) > MAX_INT:
        raise UsageError(f"{type_}: field {name!r} is too large")
    elif isinstance(value, (dict, list)) and too_deep(value):
        raise UsageError(f"{type_}: field {name!r} nests more than {MAX_DEPTH} levels deep")


def event_from_dict(obj: Mapping[str, Any]) -> Event:
    """Parse one decoded log line; raises UsageError naming what is wrong."""
    if not isinstance(obj, Mapping):
        raise UsageError("a log line must be a JSON object")
    version = obj.get("v")
    if version != SCHEMA_VERSION:
        raise UsageError(f"schema version {version!r} is not supported (expected {SCHEMA_VERSION})")
    type_ = obj.get("type")
    if not isinstance(type_, str):
        raise UsageError("missing 'type'")
    seq, t, wall = obj.get("seq"), obj.get("t"), obj.get("wall", "")
    if not isinstance(seq, int) or isinstance(seq, bool) or seq < 0:
        raise UsageError("'seq' must be a non-negative integer")
    if seq > MAX_INT:
        raise UsageError(f"'seq' is past the largest sequence number ({MAX_INT})")
    if not isinstance(t, (int, float)) or isinstance(t, bool) or t < 0:
        raise UsageError("'t' must be a non-negative number of seconds")
    if t > MAX_T:  # also catches inf; a huge int is compared exactly, never made a float
        raise UsageError(f"'t' is past the longest session ({MAX_T:.0f} s, a week)")
    if not math.isfinite(t):
        raise UsageError("'t' must be a non-negative number of seconds")
    if not isinstance(wall, str):
        raise UsageError("'wall' must be a string")
    data = {k: v for k, v in obj.items() if k not in ENVELOPE}
    return make_event(type_, float(t), seq=seq, wall=wall, **data)


def _names(types: tuple[type, ...]) -> str:
    names = {"str": "a string", "int": "an integer", "float": "a number", "bool": "true/false",
             "dict": "an object", "list": "a list", "NoneType": "null"}
    return " or ".join(dict.fromkeys(names.get(t.__name__, t.__name__) for t in types))
