"""Two rounds back to back: each round's framing and resilience are judged on its own talk."""

from __future__ import annotations

from tests.core.coach_helpers import Driver
from tui.core.config.layouts import find_layout


def _phase_at(d: Driver, phase_id: str, t: float) -> Driver:
    return d.at(t).jump(phase_id).wait(2)


def test_each_round_needs_its_own_failure_talk_and_core_challenge() -> None:
    layout = find_layout("back-to-back")
    d = Driver(layout).start().wait(2)
    d.say("the core challenge is the fan out at peak")
    _phase_at(d, "r1-framing", 320.0)
    _phase_at(d, "r1-walkthrough", 520.0)
    d.say("if the ranking service times out we fall back to popular rows")
    _phase_at(d, "r1-deep-dive", 1450.0)
    _phase_at(d, "r1-resilience", 2100.0)
    assert d.flags("no_core_challenge") == [] and d.flags("resilience_late") == []
    brk = next(p.id for p in layout.phases if p.role == "break")
    _phase_at(d, brk, 2600.0)
    _phase_at(d, "r2-requirements", 2900.0)
    _phase_at(d, "r2-framing", 3220.0)
    _phase_at(d, "r2-walkthrough", 3420.0)
    d.say("the client calls the api which reads the store")
    _phase_at(d, "r2-deep-dive", 4350.0)
    _phase_at(d, "r2-resilience", 5000.0)
    assert d.flags("no_core_challenge") == [("no_core_challenge", "r2-framing")]
    assert d.flags("resilience_late") == [("resilience_late", "r2-resilience")]
    assert d.flags("skipped") == []
    known = {p.id for p in layout.phases}
    assert all(f.phase in known for f in d.session.state.flags)
    assert all(f.phase != brk for f in d.session.state.flags if f.code in ("dead_air", "pace"))


def test_resumed_session_does_not_raise_old_flags_again(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from tests.core.coach_helpers import tiny_layout
    from tui.core.coach import resume_observers
    from tui.core.session.clock import FakeClock
    from tui.core.session.eventlog import read_log
    from tui.core.session.session import Session

    d = Driver(tiny_layout(), directory=tmp_path).start().at(200.0)
    assert d.flags("over_time") == [("over_time", "requirements")]
    d.session.close()
    clock = FakeClock()
    session = Session.resume(tmp_path, clock)
    session.observers.extend(resume_observers(read_log(tmp_path / "events.jsonl").events))
    session.emit_all(session.state.phases.start_or_resume())
    for _ in range(30):
        clock.advance(1.0)
        session.tick()
    over = [f for f in session.state.flags if f.code == "over_time"]
    assert [f.t for f in over] == [181.0]  # raised before the resume, not again
    for _ in range(15):
        clock.advance(1.0)
        session.tick()
    over = [f for f in session.state.flags if f.code == "over_time"]
    assert len(over) == 2 and over[1].severity == "serious"  # past max + framing's minimum
