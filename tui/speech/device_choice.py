"""Choosing an audio device the way a person names it: by index, by name (exact, else a unique
part of it), or the default. Shared by the microphone (inputs) and the voice (outputs)."""

from __future__ import annotations

from collections.abc import Sequence
from types import ModuleType
from typing import Protocol, TypeVar


class Device(Protocol):
    """What choosing needs of a device."""

    @property
    def index(self) -> int: ...

    @property
    def name(self) -> str: ...

    @property
    def is_default(self) -> bool: ...


D = TypeVar("D", bound=Device)


def pick_device(spec: str | int | None, devices: Sequence[D], kind: str,
                error: type[Exception], none_found: str) -> D:
    """The `kind` ("input"/"output") device `spec` names, or the default for no spec. None
    found, an unknown index, no match or several matches: `error` with one line listing them."""
    if not devices:
        raise error(none_found)
    listing = "; ".join(f"{d.index}: {d.name}" for d in devices)
    if spec is None or (isinstance(spec, str) and not spec.strip()):
        default = [d for d in devices if d.is_default]
        return default[0] if default else devices[0]
    text = str(spec).strip()
    if isinstance(spec, int) or text.isdigit():
        for device in devices:
            if device.index == int(text):
                return device
        raise error(f"no {kind} device with index {int(text)}; {kind}s are {listing}")
    exact = [d for d in devices if d.name.lower() == text.lower()]
    matches = exact or [d for d in devices if text.lower() in d.name.lower()]
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise error(f"no {kind} device matches {text!r}; {kind}s are {listing}")
    names = "; ".join(f"{d.index}: {d.name}" for d in matches)
    raise error(f"{text!r} matches several {kind} devices ({names}): give the index")


def default_index(sd: ModuleType, kind: str) -> int | None:
    """PortAudio's default `kind` ("input"/"output") device index, or None."""
    position = 0 if kind == "input" else 1
    try:
        index = sd.default.device[position]
        if index is None or index < 0:
            return int(sd.query_devices(kind=kind)["index"])
        return int(index)
    except (sd.PortAudioError, ValueError, TypeError):
        return None
