"""Hostile session logs: whatever the bytes, reading gives events or one clear error."""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tui.core.errors import BoardlessError
from tui.core.session.eventlog import read_log
from tui.core.session.state import fold

HEADER = (
    '{"v":1,"seq":1,"t":0,"wall":"","type":"session_started","layout":{"id":"x","title":"X",'
    '"description":"d","total":600,"phases":[{"id":"requirements","title":"R","min":60,'
    '"max":120,"goal":"g"}]},"prompt":{"id":"p","title":"P","domain":"d","text":"t",'
    '"clarifying":[],"probes":[]}}\n'
)
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-10, 10**6) | st.floats(allow_nan=True)
    | st.text(max_size=8),
    lambda children: st.lists(children, max_size=3)
    | st.dictionaries(st.text(max_size=6), children, max_size=4),
    max_leaves=8,
)
EVENT_TYPES = ["note_added", "note_moved", "note_deleted", "phase_entered", "caption",
               "timer_started", "outline_undo", "flag_raised", "round_ended", "probe_asked",
               "bogus"]


@st.composite
def hostile_lines(draw: st.DrawFn) -> bytes:
    lines = []
    for seq in range(2, draw(st.integers(2, 12))):
        fields = draw(st.dictionaries(
            st.sampled_from(["id", "text", "parent", "index", "phase", "final", "words", "code",
                             "message", "kind", "start", "end", "folded", "answer_s"]),
            JSON_VALUES, max_size=6))
        obj = {"v": 1, "seq": seq, "t": draw(st.floats(0, 1e6)), "wall": "",
               "type": draw(st.sampled_from(EVENT_TYPES)), **fields}
        line = json.dumps(obj).encode()
        if draw(st.booleans()) and draw(st.booleans()):
            line = draw(st.binary(max_size=40))
        lines.append(line)
    return HEADER.encode() + b"\n".join(lines) + draw(st.sampled_from([b"\n", b"", b"\n\n"]))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(hostile_lines())
def test_reader_and_fold_never_crash(tmp_path_factory, data: bytes) -> None:
    path: Path = tmp_path_factory.mktemp("log") / "events.jsonl"
    path.write_bytes(data)
    try:
        loaded = read_log(path)
    except BoardlessError as error:
        assert "\n" not in str(error)
        return
    state = fold(loaded.events)
    assert state.layout.id == "x"


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300))
def test_arbitrary_bytes(tmp_path_factory, data: bytes) -> None:
    path: Path = tmp_path_factory.mktemp("raw") / "events.jsonl"
    path.write_bytes(data)
    try:
        fold(read_log(path).events)
    except BoardlessError as error:
        assert "\n" not in str(error)
