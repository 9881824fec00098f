"""Property tests: the coach is a deterministic function of a log's input events."""

from __future__ import annotations

import itertools
import tempfile
from collections.abc import Sequence
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tests.core.coach_helpers import Driver, netflix, tiny_layout
from tui.core.coach import OUTPUT_TYPES, recompute
from tui.core.config.layouts import Layout, parse_layout
from tui.core.session.eventlog import read_log
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


class AppTimer(Driver):
    """The live side as the app runs a round: the clock runs on continuously and the app's
    timer (`App.tick`) fires at uneven moments, never on a whole second: it lets the session
    tick up to now, ends the round when its time is up and writes the clock checkpoint (with a
    directory the log is written to disk as the app writes it; without one no checkpoint is
    logged, so a replay has long stretches without an event to tick through)."""

    def __init__(self, layout: Layout, directory: Path | None, steps: Sequence[float]) -> None:
        super().__init__(layout, directory=directory)
        self.steps = itertools.cycle(steps)

    def at(self, t: float) -> Driver:
        while self.clock.t < t:
            self.clock.t = min(float(t), self.clock.t + next(self.steps))
            self._timer()
        return self

    def _timer(self) -> None:
        session = self.session  # what App.tick does, in its order
        now = session.now()
        session.tick(now)
        tracker = session.state.phases
        if tracker.running and tracker.remaining(now) <= 0:
            session.emit_all(tracker.end("time"))
        session.checkpoint()


def _run(layout: Layout, actions: list[tuple], d: Driver | None = None) -> Driver:
    d = d or Driver(layout)
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


#: Gaps between two calls of the app's timer: about its half second, often late, never whole.
TIMER_STEPS = st.lists(st.floats(0.05, 2.5).filter(lambda s: s != round(s)), min_size=1,
                       max_size=6)


#: A round left to run idle: past the first phase's maximum, then the next phase's minimum,
#: through silences, with the timer paused a while.
IDLE = [("phase", "toggle"), ("wait", 90.0), ("wait", 90.0), ("say", "so", 150.0),
        ("wait", 70.0), ("phase", "toggle"), ("wait", 80.0), ("phase", "toggle"),
        ("wait", 30.0), ("phase", "next"), ("wait", 90.0), ("wait", 90.0)]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(layout_index=st.integers(0, len(LAYOUTS) - 1),
       actions=st.lists(action, min_size=1, max_size=40), steps=TIMER_STEPS,
       on_disk=st.booleans())
@example(layout_index=0, actions=IDLE, steps=[0.7], on_disk=False)
@example(layout_index=1, actions=IDLE, steps=[0.45, 1.3], on_disk=False)
@example(layout_index=0, actions=IDLE, steps=[0.5001], on_disk=True)
def test_live_and_recomputed_coach_events_are_identical(layout_index: int,
                                                        actions: list[tuple],
                                                        steps: list[float],
                                                        on_disk: bool) -> None:
    layout = LAYOUTS[layout_index]
    with tempfile.TemporaryDirectory() as tmp:
        d = _run(layout, actions, AppTimer(layout, Path(tmp) if on_disk else None, steps))
        d.session.close()  # as the app does on quit: the log's last event is an input
        logged = d.events
        if on_disk:
            assert d.session.log_path is not None
            logged = read_log(d.session.log_path).events
            assert [e.to_json() for e in logged] == [e.to_json() for e in d.events]
    live = _outputs(logged)
    inputs_only = [e for e in logged if e.type not in OUTPUT_TYPES]
    assert _outputs(recompute(logged)) == live
    assert _outputs(recompute(list(logged))) == live
    assert _outputs(recompute(inputs_only)) == live
    known = {p.id for p in layout.phases}
    state = fold(logged)
    for flag in state.flags:
        assert flag.phase is None or flag.phase in known
        assert flag.severity in ("info", "warn", "serious")
    for tick in state.ticks:
        assert tick.phase in known
    # Each cause is flagged once: a dead_air flag per silence (two silences may read the same,
    # but never at the same moment), every other flag once per code, phase and message.
    others = [(f.code, f.phase, f.message) for f in state.flags if f.code != "dead_air"]
    assert len(others) == len(set(others))
    silences = [(f.phase, f.t) for f in state.flags if f.code == "dead_air"]
    assert len(silences) == len(set(silences))


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(actions=st.lists(action, min_size=5, max_size=60))
def test_senior_layout_flags_stay_inside_the_layout(actions: list[tuple]) -> None:
    d = _run(netflix(), actions)
    known = {p.id for p in netflix().phases}
    assert all(f.phase in known for f in fold(d.events).flags if f.phase is not None)
    assert _outputs(recompute(d.events)) == _outputs(recompute(d.events))
