"""Replay: a recorded session plays in the practice screen, read-only, at N times speed."""

from __future__ import annotations

from tests.pilot import (
    PROMPT,
    first_screen,
    screen_is,
    screen_text,
    start_round,
    type_text,
)
from tui.app.screens.practice import PracticeScreen
from tui.app.screens.results import ResultsScreen
from tui.app.widgets.caption_strip import CaptionStrip
from tui.app.widgets.outline_view import OutlineView
from tui.core.config.layouts import find_layout
from tui.core.config.prompts import find_prompt
from tui.core.session.clock import FakeClock
from tui.core.session.eventlog import read_log
from tui.core.session.session import Session
from tui.core.session.store import new_session_dir


def record() -> Session:
    clock = FakeClock()
    directory = new_session_dir(clock.wall(), PROMPT)
    session = Session.create(find_layout("netflix-l5"), find_prompt(PROMPT), clock, directory)
    session.emit_all(session.state.phases.start_or_resume())
    clock.advance(10)
    session.emit("note_added", id="n1", text="Client layer", kind="note", parent=None,
                 index=-1, phase="requirements")
    clock.advance(20)
    session.emit("caption", text="what is the peak concurrency", final=True, start=28.0,
                 end=30.0, words=[], delay=0.2, engine="test")
    clock.advance(30)
    session.emit_all(session.state.phases.next())
    clock.advance(10)
    session.emit("flag_raised", code="rushed", phase="requirements", message="Rushed it",
                 severity="warn")
    clock.advance(10)
    session.emit_all(session.state.phases.end("user"))
    session.close()
    return session


async def advance(app, pilot, clock, seconds: float) -> None:  # type: ignore[no-untyped-def]
    clock.advance(seconds)
    app.tick()
    await pilot.pause()  # what the tick posted: the screen's clock and the replayed events


async def test_replay_plays_events_at_their_times(make_app, clock) -> None:
    recorded = record()
    size_before = recorded.log_path.stat().st_size
    app = make_app(mode="replay", session=str(recorded.directory), replay_speed=10)
    async with app.run_test(size=(100, 30)) as pilot:
        await first_screen(pilot)
        assert isinstance(app.screen, PracticeScreen) and app.screen.read_only
        assert "replay ×10" in str(app.screen.query_one("#head-engine").render())
        assert len(app.session.state.outline) == 0
        await advance(app, pilot, clock, 0.5)  # t = 5
        assert len(app.session.state.outline) == 0
        await advance(app, pilot, clock, 0.6)  # t = 11
        assert [n.text for n in app.session.state.outline.notes.values()] == ["Client layer"]
        # typing and structure keys do nothing in replay
        await type_text(pilot, "nope")
        await pilot.press("enter", "ctrl+n", "ctrl+d")
        assert len(app.session.state.outline) == 1
        assert app.session.state.current_phase_id == "requirements"
        await advance(app, pilot, clock, 2.0)  # t = 31
        assert "peak concurrency" in str(app.screen.query_one(CaptionStrip).render())
        await advance(app, pilot, clock, 3.0)  # t = 61
        assert app.session.state.current_phase_id == "framing"
        await advance(app, pilot, clock, 1.0)  # t = 71
        assert [f.message for f in app.session.state.flags] == ["Rushed it"]
        await advance(app, pilot, clock, 1.5)  # t = 80: the end
        await screen_is(pilot, ResultsScreen)
        assert isinstance(app.screen, ResultsScreen)
        await app.workers.wait_for_complete()
    assert recorded.log_path.stat().st_size == size_before  # nothing written to the log
    assert read_log(recorded.log_path).events[-1].type == "session_closed"


async def test_replay_pauses_with_ctrl_t(make_app, clock) -> None:
    recorded = record()
    app = make_app(mode="replay", session=str(recorded.directory), replay_speed=10)
    async with app.run_test(size=(100, 30)) as pilot:
        await first_screen(pilot)
        await pilot.press("ctrl+t")
        await advance(app, pilot, clock, 5)
        assert len(app.session.state.outline) == 0
        await pilot.press("ctrl+t")
        await advance(app, pilot, clock, 1.1)
        assert len(app.session.state.outline) == 1


# ---- steering: seek, flags, speed ---------------------------------------------------------
def record_steerable() -> Session:
    """Notes at 10 s and 30 s, flags at 40 s and 70 s, the second phase from 60 s, end at 90 s."""
    clock = FakeClock()
    directory = new_session_dir(clock.wall(), PROMPT)
    session = Session.create(find_layout("netflix-l5"), find_prompt(PROMPT), clock, directory)
    session.emit_all(session.state.phases.start_or_resume())
    for at, note in ((10, "n1"), (30, "n2")):
        clock.advance(at - session.now())
        session.emit("note_added", id=note, text=f"note at {at}", kind="note", parent=None,
                     index=-1, phase="requirements")
    clock.advance(40 - session.now())
    session.emit("flag_raised", code="first", phase="requirements", message="First flag",
                 severity="warn")
    clock.advance(60 - session.now())
    session.emit_all(session.state.phases.next())
    clock.advance(70 - session.now())
    session.emit("flag_raised", code="second", phase="framing", message="Second flag",
                 severity="serious")
    clock.advance(90 - session.now())
    session.emit_all(session.state.phases.end("user"))
    session.close()
    return session


def shown_notes(app) -> list[str]:  # type: ignore[no-untyped-def]
    """The note texts the outline widget draws (not only the state behind it)."""
    rows = app.screen.query_one(OutlineView).rows
    return [row.note.text for row in rows if row.note is not None]


def render(app, selector: str) -> str:  # type: ignore[no-untyped-def]
    return str(app.screen.query_one(selector).render())


async def test_seek_back_rebuilds_the_earlier_state(make_app, clock) -> None:
    recorded = record_steerable()
    app = make_app(mode="replay", session=str(recorded.directory), replay_speed=1)
    async with app.run_test(size=(100, 30)) as pilot:
        await first_screen(pilot)
        await advance(app, pilot, clock, 65)  # t = 65: both notes, one flag, second phase
        assert shown_notes(app) == ["note at 10", "note at 30"]
        assert app.session.state.current_phase_id == "framing"
        assert "-current" in app.screen.query_one("#phase-framing").classes
        await pilot.press("left")  # t = 55
        await screen_is(pilot, PracticeScreen)  # a seek back shows a new one
        assert app.replayer.now() == 55
        assert app.session.state.current_phase_id == "requirements"
        assert "-current" in app.screen.query_one("#phase-requirements").classes
        assert "-current" not in app.screen.query_one("#phase-framing").classes
        assert "0:55" in render(app, "#head-clock")
        await pilot.press("left", "left", "left")  # t = 25: the note of t = 30 is gone
        await screen_is(pilot, PracticeScreen)  # a seek back shows a new one
        assert app.replayer.now() == 25
        assert shown_notes(app) == ["note at 10"]
        assert [n.text for n in app.session.state.outline.notes.values()] == ["note at 10"]
        assert app.session.state.flags == []
        assert "First flag" not in screen_text(app)
        assert "0:25" in render(app, "#head-clock")
        assert isinstance(app.screen, PracticeScreen) and app.screen.session is app.session
        await advance(app, pilot, clock, 6)  # t = 31: it is replayed again, once
        assert shown_notes(app) == ["note at 10", "note at 30"]
        await pilot.press("right")  # t = 41: forward applies what lies on the way
        await screen_is(pilot, PracticeScreen)  # a seek back shows a new one
        assert app.replayer.now() == 41
        assert [f.message for f in app.session.state.flags] == ["First flag"]
        assert recorded.log_path.stat().st_size > 0
        await app.workers.wait_for_complete()


async def test_seek_back_to_the_start_and_past_the_end(make_app, clock) -> None:
    recorded = record_steerable()
    app = make_app(mode="replay", session=str(recorded.directory), replay_speed=1)
    async with app.run_test(size=(100, 30)) as pilot:
        await first_screen(pilot)
        await advance(app, pilot, clock, 12)
        await pilot.press("left", "left")  # clamped at 0
        await screen_is(pilot, PracticeScreen)  # a seek back shows a new one
        assert app.replayer.now() == 0
        assert shown_notes(app) == [] and len(app.session.state.outline) == 0
        for _ in range(10):
            await pilot.press("right")  # clamped at the end: the results open
        await screen_is(pilot, ResultsScreen)
        assert isinstance(app.screen, ResultsScreen)
        assert app.check_action("replay_seek(-10)", ()) is False
        await app.workers.wait_for_complete()


async def test_next_and_previous_flag_land_on_the_flag(make_app, clock) -> None:
    recorded = record_steerable()
    app = make_app(mode="replay", session=str(recorded.directory), replay_speed=1)
    async with app.run_test(size=(100, 30)) as pilot:
        await first_screen(pilot)
        await advance(app, pilot, clock, 5)
        await pilot.press("right_square_bracket")
        await screen_is(pilot, PracticeScreen)  # a seek back shows a new one
        assert app.replayer.now() == 40
        assert [f.message for f in app.session.state.flags] == ["First flag"]
        assert "First flag" in screen_text(app)  # its message is shown as it fires
        await pilot.press("right_square_bracket")
        await screen_is(pilot, PracticeScreen)  # a seek back shows a new one
        assert app.replayer.now() == 70
        assert [f.message for f in app.session.state.flags] == ["First flag", "Second flag"]
        assert "Second flag" in screen_text(app)
        assert app.session.state.current_phase_id == "framing"
        await pilot.press("right_square_bracket")  # no later flag: stays
        await screen_is(pilot, PracticeScreen)  # a seek back shows a new one
        assert app.replayer.now() == 70
        await pilot.press("left_square_bracket")  # back to the first: the second is undone
        await screen_is(pilot, PracticeScreen)  # a seek back shows a new one
        assert app.replayer.now() == 40
        assert [f.message for f in app.session.state.flags] == ["First flag"]
        assert "First flag" in screen_text(app)
        assert "Second flag" not in screen_text(app)
        assert app.session.state.current_phase_id == "requirements"
        assert shown_notes(app) == ["note at 10", "note at 30"]
        await pilot.press("left_square_bracket")  # none before the first
        await screen_is(pilot, PracticeScreen)  # a seek back shows a new one
        assert app.replayer.now() == 40


async def test_speed_changes_while_playing(make_app, clock) -> None:
    recorded = record_steerable()
    app = make_app(mode="replay", session=str(recorded.directory), replay_speed=1)
    async with app.run_test(size=(100, 30)) as pilot:
        await first_screen(pilot)
        await advance(app, pilot, clock, 2)
        assert app.replayer.now() == 2
        await pilot.press("plus")
        await screen_is(pilot, PracticeScreen)  # a seek back shows a new one
        assert "replay ×2" in render(app, "#head-engine")
        await advance(app, pilot, clock, 3)  # 3 s at x2
        assert app.replayer.now() == 8
        await pilot.press("equals_sign", "equals_sign")
        await screen_is(pilot, PracticeScreen)  # a seek back shows a new one
        assert "replay ×8" in render(app, "#head-engine")
        await advance(app, pilot, clock, 0.5)  # 0.5 s at x8: the note at 10 s is shown
        assert app.replayer.now() == 12
        assert shown_notes(app) == ["note at 10"]
        await pilot.press("minus", "minus", "minus", "minus", "minus")  # floor: x0.5
        await screen_is(pilot, PracticeScreen)  # a seek back shows a new one
        assert "replay ×0.5" in render(app, "#head-engine")
        await advance(app, pilot, clock, 4)
        assert app.replayer.now() == 14
        await pilot.press("left")  # a seek keeps the speed and its label
        await screen_is(pilot, PracticeScreen)  # a seek back shows a new one
        assert "replay ×0.5" in render(app, "#head-engine")
        await advance(app, pilot, clock, 2)
        assert app.replayer.now() == 5


async def test_replay_keys_are_off_in_a_live_round(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await start_round(pilot)
        assert isinstance(app.screen, PracticeScreen) and not app.screen.read_only
        for action in ("replay_seek(10)", "replay_flag(1)", "replay_speed(1)"):
            assert app.check_action(action, ()) is False
        await type_text(pilot, "ab")
        await pilot.press("left", "x", "left_square_bracket", "minus")  # still typing
        await pilot.press("enter")
        assert [n.text for n in app.session.state.outline.notes.values()] == ["ax[-b"]
