"""The recording's time map (tui.core.session.recording_time): session time <-> stream time and
samples, drift and gaps corrected from the captions, and the caption being heard."""

from __future__ import annotations

import pytest

from tui.core.session.events import Event, make_event
from tui.core.session.recording_time import DRIFT_TOLERANCE_S, recording_time


def caption(t: float, start: float, end: float, text: str = "words", delay: float = 0.3,
            final: bool = True, seq: int = 0) -> Event:
    return make_event("caption", t, seq=seq, text=text, final=final, start=start, end=end,
                      delay=delay)


def log(*events: Event, recorded_at: float = 20.0, rate: int = 16000) -> list[Event]:
    """A session: started, the timer run, the recording started at `recorded_at`, `events`."""
    head = [make_event("session_started", 0.0, seq=1, layout={}, prompt={}),
            make_event("timer_started", 5.0, seq=2),
            make_event("audio_recorded", recorded_at, seq=3, path="audio.wav", rate=rate)]
    body = [e if e.seq else Event(e.type, e.t, e.data, seq=10 + i, wall=e.wall)
            for i, e in enumerate(events)]
    return head + body


def heard_at(stream: float, delay: float = 0.3, recorded_at: float = 20.0,
             offset: float = 0.0) -> float:
    """The `t` of a caption ending at `stream` logged `delay` after its audio arrived."""
    return recorded_at + stream + offset + delay


def test_no_recording_is_none() -> None:
    assert recording_time([make_event("session_started", 0.0, layout={}, prompt={})]) is None


def test_a_clean_recording_maps_by_its_start() -> None:
    events = log(caption(heard_at(3.0), 1.0, 3.0), caption(heard_at(9.5), 6.0, 9.5),
                 make_event("timer_paused", 40.0), make_event("timer_started", 70.0),
                 caption(heard_at(75.0), 72.0, 75.0))
    timing = recording_time(events)
    assert timing is not None
    assert (timing.path, timing.rate, timing.start_t) == ("audio.wav", 16000, 20.0)
    assert not timing.corrected and timing.max_correction_s == 0.0
    assert timing.stream_at(20.0) == 0.0 and timing.stream_at(32.5) == 12.5
    assert timing.stream_at(100.0) == 80.0  # a pause is recorded too: time runs on
    assert timing.sample_at(22.0) == 32000
    assert timing.sample_at(10.0) == 0  # before the recording: its start
    assert timing.stream_at(10.0) == -10.0
    assert timing.session_at(2.0) == 22.0 and timing.session_at_sample(48000) == 23.0


def test_small_jitter_is_not_corrected() -> None:
    jitters = [0.1, -0.2, 0.4, -0.45, 0.05, 0.3]
    events = log(*(caption(heard_at(10.0 * (i + 1), offset=j), 10.0 * i + 5, 10.0 * (i + 1))
                   for i, j in enumerate(jitters)))
    timing = recording_time(events)
    assert timing is not None and not timing.corrected
    assert timing.stream_at(50.0) == 30.0


def test_a_clock_drift_is_followed_through_the_captions() -> None:
    # the sound card runs 1% slow: 100 s of session hold 99 s of stream
    events = log(*(caption(heard_at(stream, offset=stream / 99.0), stream - 2.0, stream)
                   for stream in (10.0, 40.0, 70.0, 99.0, 150.0, 198.0)))
    timing = recording_time(events)
    assert timing is not None and timing.corrected
    assert timing.session_at(99.0) == pytest.approx(20.0 + 100.0, abs=0.01)
    assert timing.stream_at(20.0 + 200.0) == pytest.approx(198.0, abs=0.01)
    assert timing.max_correction_s == pytest.approx(2.0, abs=0.01)
    # early on, under the tolerance, the plain offset stands
    assert timing.stream_at(30.0) == pytest.approx(10.0, abs=0.05)


def test_a_microphone_gap_moves_what_follows_and_one_slow_decode_does_not() -> None:
    before = [caption(heard_at(s), s - 2, s) for s in (5.0, 15.0, 25.0)]
    slow = [caption(heard_at(35.0) + 4.0, 33.0, 35.0, delay=0.3)]  # logged late: an outlier
    after = [caption(heard_at(s, offset=8.0), s - 2, s) for s in (45.0, 55.0, 65.0, 75.0)]
    timing = recording_time(log(*before, *slow, *after))
    assert timing is not None and timing.corrected
    assert timing.stream_at(20.0 + 15.0) == pytest.approx(15.0, abs=0.01)
    assert timing.stream_at(20.0 + 8.0 + 65.0) == pytest.approx(65.0, abs=0.01)
    assert timing.stream_at(20.0 + 8.0 + 200.0) == pytest.approx(200.0, abs=0.01)


def test_the_map_always_increases_and_inverts() -> None:
    # nonsense captions (time running backwards) must not fold the map over
    events = log(caption(heard_at(10.0, offset=5.0), 8.0, 10.0),
                 caption(heard_at(11.0, offset=-3.0), 10.5, 11.0),
                 caption(heard_at(30.0, offset=2.0), 28.0, 30.0))
    timing = recording_time(events)
    assert timing is not None
    times = [timing.session_at(s / 10.0) for s in range(400)]
    assert all(b > a for a, b in zip(times, times[1:]))
    for stream in (0.0, 3.3, 10.2, 10.7, 25.0, 39.0):
        assert timing.stream_at(timing.session_at(stream)) == pytest.approx(stream)


def test_captions_without_delay_or_times_are_not_anchors() -> None:
    events = log(caption(heard_at(10.0, offset=3.0), 8.0, 10.0, delay=0.0),
                 caption(50.0, 0.0, 0.0, text="no times"))
    timing = recording_time(events)
    assert timing is not None and not timing.corrected
    assert [c.text for c in timing.captions] == ["words"]


def test_the_caption_being_heard() -> None:
    events = log(caption(heard_at(3.0), 1.0, 3.0, "first", seq=20),
                 caption(heard_at(3.5), 3.0, 3.5, "partial", final=False, seq=21),
                 caption(heard_at(9.5), 6.0, 9.5, "second", seq=22),
                 caption(heard_at(9.9), 9.2, 9.9, "overlapping", seq=23))
    timing = recording_time(events)
    assert timing is not None
    heard = [timing.caption_at(s) for s in (0.5, 1.0, 2.0, 3.0, 4.5, 7.0, 9.3, 9.8, 12.0)]
    assert [c.text if c else None for c in heard] == [
        None, "first", "first", "first", None, "second", "overlapping", "overlapping", None]
    found = timing.caption_heard_at(20.0 + 7.0)
    assert found is not None and found.seq == 22 and found.t == heard_at(9.5)


def ready(t: float, message: str) -> Event:
    return make_event("captions_status", t, state="ready", message=message)


def test_a_resumed_capture_that_records_again_is_the_recording() -> None:
    # the app rewrites audio.wav when a resumed round's capture starts (and logs no new
    # audio_recorded): the file then holds the capture that began at that "ready"
    events = log(caption(heard_at(4.0), 2.0, 4.0, "before the crash"),
                 make_event("session_resumed", 300.0),
                 caption(301.0, 0.5, 0.9, "between"),
                 ready(305.0, "whisper captions from USB mic, recording to audio.wav"),
                 caption(305.0 + 3.0 + 0.3, 1.0, 3.0, "after", delay=0.3))
    timing = recording_time(events)
    assert timing is not None and timing.path == "audio.wav" and timing.start_t == 305.0
    assert [c.text for c in timing.captions] == ["after"]
    assert timing.stream_at(310.0) == 5.0


def test_a_resume_that_does_not_record_keeps_the_first_capture() -> None:
    events = log(caption(heard_at(4.0), 2.0, 4.0, "kept"),
                 make_event("session_resumed", 300.0),
                 ready(305.0, "whisper captions from USB mic (recording off: disk full)"),
                 caption(310.0, 1.0, 3.0, "another capture"),
                 ready(320.0, "microphone back: listening again"))
    timing = recording_time(events)
    assert timing is not None and timing.start_t == 20.0
    assert [c.text for c in timing.captions] == ["kept"]


def test_a_later_audio_recorded_starts_the_recording_again() -> None:
    events = log(caption(heard_at(4.0), 2.0, 4.0, "first file"),
                 make_event("audio_recorded", 320.0, path="audio-2.wav"),
                 caption(320.0 + 2.0 + 0.3, 1.0, 2.0, "second file"))
    timing = recording_time(events)
    assert timing is not None and timing.path == "audio-2.wav" and timing.start_t == 320.0
    assert [c.text for c in timing.captions] == ["second file"]


def test_a_ready_within_a_capture_does_not_restart_it() -> None:
    events = log(caption(heard_at(4.0), 2.0, 4.0, "one"),
                 ready(40.0, "whisper captions from USB mic, recording to audio.wav"),
                 caption(heard_at(50.0), 48.0, 50.0, "two"))
    timing = recording_time(events)
    assert timing is not None and timing.start_t == 20.0 and len(timing.captions) == 2


def test_tolerance_is_documented_size() -> None:
    assert 0.2 <= DRIFT_TOLERANCE_S <= 1.0
