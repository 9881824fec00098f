"""Where a session time is in the round's recording, and back; which caption is being heard.

The recording (`audio_recorded`) holds every block the caption pipeline received, paused and
skipped ones too, so its *stream time* advances with session time from the moment it started:
the `audio_recorded` event's `t` is stream time 0. Two things can bend that line a little: the
event is logged on the UI thread a moment after the first block, and a sound card's clock is
not the computer's (a drift of about 0.01%, a third of a second an hour); a lost microphone
leaves a real gap (the stream stops while the session goes on).

Final captions measure both clocks: a caption's `end` is a stream time and `t - delay` the
session time the audio holding it arrived. `recording_time` compares the two for every final
caption that reports a delay, smooths them (a centred median of up to 5 neighbours, so one
slow decode does not count), and corrects the plain offset only where it is off by more than
`DRIFT_TOLERANCE_S` (a block's length plus the UI's lag). A clean recording maps by the offset
alone; a drifting or gapped one is mapped piecewise-linearly through the corrected captions.
The mapping always increases, so it can be inverted.

Pure Python: no numpy, no audio libraries.
"""

from __future__ import annotations

import bisect
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from tui.core.session.events import Event

#: A correction smaller than this (seconds) is noise: a capture block's length and the lag of
#: the `audio_recorded` event behind the first block.
DRIFT_TOLERANCE_S = 0.5
#: Neighbouring captions whose median is one anchor's offset.
SMOOTHING = 5
#: What the caption pipeline's "ready" message says when it records (speech/pipeline.py:
#: ", recording to audio.wav").
RECORDING_NOTE = "recording to "
#: A corrected stretch may run no slower than this against session time (keeps it invertible).
MIN_SLOPE = 0.5


@dataclass(frozen=True)
class HeardCaption:
    """A final caption of the recording: its text, its audio span (stream seconds), its event's
    session time `t` and `seq` (to find the line on screen)."""

    text: str
    start: float
    end: float
    t: float
    seq: int


@dataclass(frozen=True)
class RecordingTime:
    """One recording's time map: `knots` are (stream seconds, session seconds) pairs, both
    strictly increasing; between them the map is linear, outside them it runs at 1:1."""

    path: str
    rate: int
    start_t: float
    knots: tuple[tuple[float, float], ...]
    captions: tuple[HeardCaption, ...]
    corrected: bool
    _starts: tuple[float, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_starts", tuple(c.start for c in self.captions))

    def session_at(self, stream_s: float) -> float:
        """Session seconds when the recording was at `stream_s`."""
        return _interpolate(self.knots, stream_s, 0, 1)

    def stream_at(self, session_t: float) -> float:
        """Stream seconds of the recording at session time `session_t` (negative before it
        started: the caller clamps to 0 when it plays)."""
        return _interpolate(self.knots, session_t, 1, 0)

    def sample_at(self, session_t: float) -> int:
        """Sample offset (at `rate`) of session time `session_t`, never below 0."""
        return max(0, round(self.stream_at(session_t) * self.rate))

    def session_at_sample(self, sample: int) -> float:
        """Session seconds of the recording's sample `sample`."""
        return self.session_at(sample / self.rate)

    @property
    def max_correction_s(self) -> float:
        """The largest gap between the corrected map and the plain offset (0 when clean)."""
        return max((abs(session - (self.start_t + stream)) for stream, session in self.knots),
                   default=0.0)

    def caption_at(self, stream_s: float) -> HeardCaption | None:
        """The final caption whose audio spans `stream_s` (the one being heard), or None
        between utterances. Of overlapping captions, the one that started last."""
        index = bisect.bisect_right(self._starts, stream_s) - 1
        while index >= 0:
            caption = self.captions[index]
            if caption.end >= stream_s:
                return caption
            if stream_s - caption.end > 30.0:
                break
            index -= 1
        return None

    def caption_heard_at(self, session_t: float) -> HeardCaption | None:
        """`caption_at` for a session time."""
        return self.caption_at(self.stream_at(session_t))


def recording_time(events: Iterable[Event]) -> RecordingTime | None:
    """The time map of the session's recording, or None when it has none.

    The recording is the one the last capture wrote. A capture starts at an `audio_recorded`
    event (a resumed session's capture writes its own file, `audio-2.wav`, ..., from stream
    time 0). Logs of versions that rewrote the same file on a resume, without a new
    `audio_recorded`, are read too: the `captions_status` "ready" after a `session_resumed`
    whose message says it is `RECORDING_NOTE` starts that capture.
    Captions logged after a resume and before its capture starts belong to no recording."""
    recorded: Event | None = None
    start_t = 0.0
    finals: list[HeardCaption] = []
    anchors: list[tuple[float, float]] = []  # (stream end, session time its audio arrived)
    resumed = False
    for event in events:
        kind = event.type
        restarts = kind == "audio_recorded" or (
            kind == "captions_status" and resumed and recorded is not None
            and event.get("state") == "ready" and RECORDING_NOTE in str(event.get("message")))
        if restarts:
            recorded = event if kind == "audio_recorded" else recorded
            start_t, resumed = event.t, False
            finals, anchors = [], []
        elif kind == "session_resumed":
            resumed = True
        elif kind == "caption" and event.get("final") and recorded is not None and not resumed:
            caption = _heard(event)
            if caption is None:
                continue
            finals.append(caption)
            delay = float(event.get("delay", 0.0) or 0.0)
            if delay > 0.0:
                anchors.append((caption.end, event.t - delay))
    if recorded is None:
        return None
    knots, corrected = _knots(start_t, anchors)
    finals.sort(key=lambda caption: (caption.start, caption.seq))
    return RecordingTime(path=str(recorded["path"]), rate=int(recorded.get("rate", 16000)),
                         start_t=start_t, knots=knots, captions=tuple(finals),
                         corrected=corrected)


def _heard(event: Event) -> HeardCaption | None:
    start, end = float(event.get("start", 0.0)), float(event.get("end", 0.0))
    text = str(event.get("text", "")).strip()
    if not text or end <= 0.0 or end < start:
        return None  # no audio times: nothing to line up
    return HeardCaption(text, start, end, event.t, event.seq)


def _knots(start_t: float,
           anchors: Sequence[tuple[float, float]]) -> tuple[tuple[tuple[float, float], ...], bool]:
    """The map's knots: (0, start_t), then each anchor whose smoothed offset from the plain
    line is beyond the tolerance (others are on the line), keeping the map increasing."""
    anchors = sorted(anchors)
    residuals = [arrived - (start_t + stream) for stream, arrived in anchors]
    knots: list[tuple[float, float]] = [(0.0, start_t)]
    corrected = False
    for index, (stream, _arrived) in enumerate(anchors):
        if stream <= knots[-1][0]:
            continue
        half = min(SMOOTHING // 2, index, len(anchors) - 1 - index)  # centred: no lag on a trend
        window = residuals[index - half:index + half + 1]
        offset = statistics.median(window)
        if abs(offset) <= DRIFT_TOLERANCE_S:
            offset = 0.0
        else:
            corrected = True
        last_stream, last_session = knots[-1]
        floor = last_session + MIN_SLOPE * (stream - last_stream)
        knots.append((stream, max(start_t + stream + offset, floor)))
    if not corrected:
        return ((0.0, start_t),), False
    return tuple(knots), True


def _interpolate(knots: Sequence[tuple[float, float]], value: float, key: int,
                 out: int) -> float:
    """Piecewise-linear through `knots` from column `key` to column `out`; slope 1 outside."""
    first, last = knots[0], knots[-1]
    if value <= first[key]:
        return first[out] + (value - first[key])
    if value >= last[key]:
        return last[out] + (value - last[key])
    index = bisect.bisect_right([knot[key] for knot in knots], value)
    low, high = knots[index - 1], knots[index]
    share = (value - low[key]) / (high[key] - low[key])
    return low[out] + share * (high[out] - low[out])
