"""What happened to the microphone, as its source tells the screen: one `DeviceState` and a
reason, never a string to parse."""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum


class DeviceState(str, Enum):
    """The microphone's state. A `str` so that it prints and serialises as its value."""

    LISTENING = "listening"
    """The stream is open and delivering audio."""
    LOST = "lost"
    """The device went away or stopped delivering; the reason says why. Reconnection follows."""
    RECONNECTING = "reconnecting"
    """Trying to open the device again."""
    STOPPED = "stopped"
    """Not capturing: before `start()` and after `stop()`."""

    def __str__(self) -> str:
        return self.value


#: `on_state(state, reason)`: `reason` is "" except for LOST.
StateCallback = Callable[[DeviceState, str], None]
