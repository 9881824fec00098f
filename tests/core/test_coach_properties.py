"""Property tests: the coach is a deterministic function of a log's input events."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.core.coach_helpers import Driver, netflix, tiny_layout
from tui.core.coach import OUTPUT_TYPES, recompute
from tui.core.config.layouts import Layout, parse_layout
from tui.core.session.state import fold

PHRASES = [
    "how many users do we have", "we use kafka and redis", "the core challenge is skew",
    "if the cache fails we fall back to the database", "um uh like you know", "is it read heavy",
    "the service owns the data", "what is the p99 latency", "the cache sits in front",
    "retry with backoff and a circuit breaker", "", "so", "do we need strong consistency",
]
NOTES = ["Kafka", "! region outage", "? scope", "-> client to api", "* cache aside",
         "~ events to queue"]


def _break_layout() -> Layout:
    return parse_layout({
        "id": "b2b", "title": "B", "description": "", "total": "20m", "phases": [
            {"id": "r1", "title": "R1", "role": "requirements", "min": "1m", "max": "2m",
             "goal": "g"},
            {"id": "f1", "title": "F1", "role": "framing", "min": "1m", "max": "2m", "goal": "g"},
            {"id": "rest", "title": "Rest", "role": "break", "min": "0m", "max": "2m",
             "goal": "g"},
            {"id": "w2", "title": "W2", "role": "walkthrough", "min": "2m", "max": "3m",
             "goal": "g"},
            {"id": "x2", "title": "X2", "role": "resilience", "min": "1m", "max": "2m",
             "goal": "g"},
        ]})


LAYOUTS = [tiny_layout(), _break_layout()]

action = st.one_of(
    st.tuples(st.just("wait"), st.floats(0.1, 90.0)),
    st.tuples(st.just("say"), st.sampled_from(PHRASES), st.floats(60.0, 260.0)),
    st.tuples(st.just("partial"), st.sampled_from(PHRASES)),
    st.tuples(st.just("note"), st.sampled_from(NOTES)),
    st.tuples(st.just("phase"), st.sampled_from(["toggle", "next", "previous", "end"])),
    st.tuples(st.just("jump"), st.integers(0, 4)),
    st.tuples(st.just("status"), st.sampled_from(["listening", "off", "ready", "error"])),
)


def _run(layout: Layout, actions: list[tuple]) -> Driver:
    d = Driver(layout)
    tracker = d.session.state.phases
    for item in actions:
        kind = item[0]
        if kind == "wait":
            d.wait(item[1])
        elif kind == "say":
            if item[1]:
                d.say(item[1], wpm=item[2])
        elif kind == "partial":
            d.session.emit("caption", text=item[1], final=False, start=0.0, end=0.0, words=[],
                           delay=0.0, engine="vosk")
        elif kind == "note":
            d.note(item[1])
        elif kind == "phase":
            d.run(getattr(tracker, item[1])())
        elif kind == "jump":
            d.run(tracker.jump(layout.phases[item[1] % len(layout.phases)].id))
        elif kind == "status":
            d.status(item[1])
    return d


def _outputs(events) -> list[tuple]:
    return [(e.type, round(e.t, 6), dict(e.data)) for e in events if e.type in OUTPUT_TYPES]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(layout_index=st.integers(0, len(LAYOUTS) - 1),
       actions=st.lists(action, min_size=1, max_size=40))
def test_live_and_recomputed_coach_events_are_identical(layout_index: int,
                                                        actions: list[tuple]) -> None:
    layout = LAYOUTS[layout_index]
    d = _run(layout, actions)
    live = _outputs(d.events)
    first = _outputs(recompute(d.events))
    second = _outputs(recompute(list(d.events)))
    assert live == first == second
    inputs_only = [e for e in d.events if e.type not in OUTPUT_TYPES]
    horizon = round(max(e.t for e in inputs_only), 6)
    assert _outputs(recompute(inputs_only)) == [o for o in live if o[1] <= horizon]
    known = {p.id for p in layout.phases}
    state = fold(d.events)
    for flag in state.flags:
        assert flag.phase is None or flag.phase in known
        assert flag.severity in ("info", "warn", "serious")
    for tick in state.ticks:
        assert tick.phase in known
    causes = [(f.code, f.phase, f.message) for f in state.flags]
    assert len(causes) == len(set(causes)) or all(f.code == "dead_air" for f in state.flags
                                                 if causes.count((f.code, f.phase, f.message)) > 1)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(actions=st.lists(action, min_size=5, max_size=60))
def test_senior_layout_flags_stay_inside_the_layout(actions: list[tuple]) -> None:
    d = _run(netflix(), actions)
    known = {p.id for p in netflix().phases}
    assert all(f.phase in known for f in fold(d.events).flags if f.phase is not None)
    assert _outputs(recompute(d.events)) == _outputs(recompute(d.events))
