"""Replay: a recorded session plays in the practice screen, read-only, at N times speed."""

from __future__ import annotations

from tests.app.conftest import PROMPT, type_text
from tui.app.screens.practice import PracticeScreen
from tui.app.screens.results import ResultsScreen
from tui.app.widgets.caption_strip import CaptionStrip
from tui.core.clock import FakeClock
from tui.core.eventlog import read_log
from tui.core.layouts import find_layout
from tui.core.prompts import find_prompt
from tui.core.session import Session
from tui.core.store import new_session_dir


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
    await pilot.pause()


async def test_replay_plays_events_at_their_times(make_app, clock) -> None:
    recorded = record()
    size_before = recorded.log_path.stat().st_size
    app = make_app(mode="replay", session=str(recorded.directory), replay_speed=10)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
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
        await pilot.pause()
        assert isinstance(app.screen, ResultsScreen)
        await app.workers.wait_for_complete()
    assert recorded.log_path.stat().st_size == size_before  # nothing written to the log
    assert read_log(recorded.log_path).events[-1].type == "session_closed"


async def test_replay_pauses_with_ctrl_t(make_app, clock) -> None:
    recorded = record()
    app = make_app(mode="replay", session=str(recorded.directory), replay_speed=10)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+t")
        await advance(app, pilot, clock, 5)
        assert len(app.session.state.outline) == 0
        await pilot.press("ctrl+t")
        await advance(app, pilot, clock, 1.1)
        assert len(app.session.state.outline) == 1
