"""Phase engine: windows, skips, rushes, pauses, all on a fake clock."""

from __future__ import annotations

from tui.core.round.phases import Window
from tui.core.session.clock import FakeClock
from tui.core.session.session import Session


def test_start_enters_first_phase(session: Session) -> None:
    events = session.emit_all(session.state.phases.start_or_resume())
    assert [e.type for e in events] == ["timer_started", "phase_entered"]
    assert session.state.current_phase_id == "requirements"


def test_window_crosses_min_and_max(session: Session, clock: FakeClock) -> None:
    tracker = session.state.phases
    session.emit_all(tracker.start_or_resume())
    clock.advance(299)
    assert tracker.window("requirements", session.now()) is Window.BELOW_MIN
    clock.advance(1)
    assert tracker.window("requirements", session.now()) is Window.IN_WINDOW
    clock.advance(120)
    assert tracker.window("requirements", session.now()) is Window.IN_WINDOW
    clock.advance(0.5)
    assert tracker.window("requirements", session.now()) is Window.OVER_MAX
    assert tracker.window("framing", session.now()) is Window.PENDING


def test_pause_stops_the_clock(session: Session, clock: FakeClock) -> None:
    tracker = session.state.phases
    session.emit_all(tracker.start_or_resume())
    clock.advance(60)
    session.emit_all(tracker.toggle())
    clock.advance(600)
    assert tracker.elapsed("requirements", session.now()) == 60
    session.emit_all(tracker.toggle())
    clock.advance(5)
    assert tracker.elapsed("requirements", session.now()) == 65
    assert tracker.total_elapsed(session.now()) == 65


def test_next_previous_jump_and_end(session: Session, clock: FakeClock) -> None:
    tracker = session.state.phases
    session.emit_all(tracker.next())  # next before start starts the round
    assert session.state.current_phase_id == "requirements"
    clock.advance(100)
    session.emit_all(tracker.next())
    assert session.state.current_phase_id == "framing"
    assert tracker.rushed("requirements", session.now())
    clock.advance(10)
    session.emit_all(tracker.previous())
    assert session.state.current_phase_id == "requirements"
    session.emit_all(tracker.jump("deep_dive"))
    assert tracker.skipped("walkthrough")
    assert not tracker.skipped("framing")
    assert tracker.previous() != [] and tracker.jump("deep_dive") == []
    session.emit_all(tracker.end())
    assert tracker.ended and tracker.skipped("resilience")
    assert tracker.next() == [] and tracker.start_or_resume() == []


def test_next_on_last_phase_does_nothing(session: Session) -> None:
    tracker = session.state.phases
    session.emit_all(tracker.jump("resilience"))
    assert tracker.next() == []
    assert tracker.previous()[-1] == ("phase_entered", {"phase": "deep_dive", "via": "previous"})


def test_remaining_goes_negative_past_total(session: Session, clock: FakeClock) -> None:
    session.emit_all(session.state.phases.start_or_resume())
    clock.advance(3700)
    assert session.state.phases.remaining(session.now()) == -100


def test_round_time_excludes_the_time_before_the_start_and_every_pause(
    session: Session, clock: FakeClock
) -> None:
    tracker = session.state.phases
    clock.advance(9)  # reading the prompt before starting the round
    session.emit_all(tracker.start_or_resume())
    clock.advance(60)
    session.emit_all(tracker.toggle())  # a 30 s break
    clock.advance(30)
    session.emit_all(tracker.toggle())
    clock.advance(15)
    session.emit_all(tracker.next())
    clock.advance(5)
    state = session.state
    assert state.round_time(0) == 0 and state.round_time(9) == 0
    assert state.round_time(39) == 30
    assert state.round_time(69) == 60 and state.round_time(84) == 60  # paused
    assert state.round_time(99) == 60 and state.round_time(114) == 75
    assert state.round_time(session.now()) == tracker.total_elapsed(session.now()) == 80
    session.emit_all(tracker.end("user"))
    clock.advance(100)
    assert state.round_time(session.now()) == 80  # the clock stops with the round
