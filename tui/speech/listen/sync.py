"""`ReplayAudio`: the recording kept in step with the replay's session time.

The replay's clock leads; the audio follows it. On every tick the replay screen calls
`follow(session_t, speed, paused)` with what its replayer shows, and the audio is moved only
when it has to: paused or sped past 4x it pauses; a seek (10 s, a flag) or a drift of more than
`TOLERANCE_S` (times the speed) moves it to the recording second the time map gives for
`session_t`; a speed step changes its speed. So a seek or a flag jump needs no call of its own,
and the caption being heard is read from what is actually heard (`caption_heard`).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from pathlib import Path
from types import ModuleType

from tui.core.session.events import Event
from tui.core.session.recording_time import HeardCaption, RecordingTime, recording_time
from tui.speech.listen.player import ListenBack
from tui.speech.listen.render import MAX_SPEED, MIN_SPEED

#: How far (recording seconds at 1x; scaled by the speed) the audio may be from the replay
#: before it is moved: more than a stream's output latency, less than a word.
TOLERANCE_S = 0.35
#: After the audio is started or moved it gets this long to sound before it is judged again.
SETTLE_S = 1.0


class ReplayAudio:
    """A `ListenBack` on a recording, driven by the replay's session time."""

    def __init__(self, timing: RecordingTime, player: ListenBack,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.timing = timing
        self.player = player
        self._clock = clock
        self._moved = -SETTLE_S  # clock time the audio was last started or moved

    @classmethod
    def open(cls, directory: Path, events: Iterable[Event], device: str | int | None = None,
             on_error: Callable[[str], None] | None = None,
             sd: ModuleType | None = None) -> ReplayAudio | None:
        """The session's recording on `device`, or None when the session has none. A missing
        device or an unreadable file raises a `VoiceError` (`OutputDeviceError`,
        `RecordingUnreadable`) with one line to show; the replay then goes on silently."""
        timing = recording_time(events)
        if timing is None:
            return None
        player = ListenBack(directory / timing.path, device=device, on_error=on_error, sd=sd)
        return cls(timing, player)

    @property
    def error(self) -> str | None:
        """The device's failure while playing (reported once through `on_error` too)."""
        return self.player.error

    def follow(self, session_t: float, speed: float, paused: bool) -> None:
        """Make the audio sound what the replay shows at `session_t` (cheap; call each tick)."""
        player = self.player
        if player.error is not None:
            return  # the device failed (reported once): the replay goes on silently
        target = self.timing.stream_at(session_t)
        audible = not paused and MIN_SPEED <= speed <= MAX_SPEED
        if (audible and target >= player.duration and player.playing and player.speed == speed
                and player.duration - player.position() <= TOLERANCE_S * speed):
            return  # the audio trails the clock a little: its last blocks still play out
        if not audible or target < 0.0 or target >= player.duration:
            if player.playing:
                player.pause()
            return
        now = self._clock()
        if player.speed != speed:
            player.speed = speed
            self._moved = now
        if not player.playing:
            if player.finished and target >= player.duration - TOLERANCE_S * speed:
                return  # heard to the end already
            if abs(player.position() - target) <= TOLERANCE_S * speed and not player.finished:
                player.resume()  # exactly where it paused: nothing lost or repeated
            else:
                player.play(target)
            self._moved = now
            return
        if now - self._moved < SETTLE_S:
            return
        if abs(player.position() - target) > TOLERANCE_S * max(1.0, speed):
            player.seek(target)
            self._moved = now

    def heard_session_t(self) -> float | None:
        """The session time of what is being heard, or None when the audio is silent."""
        if not self.player.playing:
            return None
        return self.timing.session_at(self.player.position())

    def caption_heard(self, session_t: float) -> HeardCaption | None:
        """The final caption to highlight: the one whose audio is being heard, or (silent) the
        one spanning `session_t` in the recording; None between utterances."""
        if self.player.playing:
            return self.timing.caption_at(self.player.position())
        return self.timing.caption_heard_at(session_t)

    def close(self) -> None:
        """Stop the audio and release the device (on leaving the replay). Safe twice."""
        self.player.close()
