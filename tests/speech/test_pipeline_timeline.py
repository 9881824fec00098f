"""Pure parts of the pipeline and the transcribe output: time mapping and formatting."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from tui.cli.transcribe_cmd import format_final, format_time
from tui.speech.stream_timeline import StreamTimeline
from tui.speech.types import ENGINE_RATE, Recognition, Word


@given(st.lists(st.tuples(st.booleans(), st.integers(1, 50_000)), min_size=1, max_size=30))
def test_engine_time_maps_to_stream_time_across_skips(steps: list[tuple[bool, int]]) -> None:
    timeline = StreamTimeline()
    fed_spans: list[tuple[int, int]] = []  # (engine start, stream start) of each fed run
    for index, (fed, samples) in enumerate(steps):
        if fed:
            fed_spans.append((timeline.fed, timeline.stream))
            timeline.feed(samples, arrival=float(index))
        else:
            timeline.skip(samples)
    assert timeline.stream == sum(n for _, n in steps)
    for engine_start, stream_start in fed_spans:
        inside = (engine_start + 1) / ENGINE_RATE  # just after the start of a fed run
        expected = (stream_start + 1) / ENGINE_RATE
        assert abs(timeline.to_stream(inside) - expected) <= 0.001


def test_arrival_is_the_block_holding_the_end_of_a_result() -> None:
    timeline = StreamTimeline()
    for index in range(5):
        timeline.feed(1600, arrival=100.0 + index)
    assert timeline.arrival_of(0.05) == 100.0
    assert timeline.arrival_of(0.1) == 100.0  # exactly the end of the first block
    assert timeline.arrival_of(0.25) == 102.0
    assert timeline.arrival_of(9.0) == 104.0  # beyond: the newest block


def test_time_format_and_lines() -> None:
    assert format_time(3.24) == "0:03.2"
    assert format_time(67.96) == "1:08.0"
    assert format_time(3723.4) == "1:02:03.4"
    result = Recognition("hello there", True, 3.2, 7.94,
                         (Word("hello", 3.2, 3.6), Word("there", 3.7, 7.94)), delay=0.412)
    assert format_final(result, as_json=False) == "[0:03.2-0:07.9] hello there"
    assert format_final(result, as_json=True) == (
        '{"text": "hello there", "start": 3.2, "end": 7.94, "delay": 0.412, "words": '
        '[{"text": "hello", "start": 3.2, "end": 3.6}, '
        '{"text": "there", "start": 3.7, "end": 7.94}]}'
    )
