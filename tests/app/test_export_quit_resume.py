"""Export with one key, quit at any moment (saving), and resume the unfinished session."""

from __future__ import annotations

from tests.pilot import (
    first_screen,
    recorded_session,
    screen_is,
    shown_text,
    start_round,
    toasts,
    type_text,
    wait_until,
)
from tui.app.screens.practice import PracticeScreen
from tui.app.screens.results import ResultsScreen
from tui.app.screens.start import StartScreen
from tui.core.session.eventlog import read_log
from tui.core.session.state import fold
from tui.core.session.store import latest_unfinished


async def test_export_writes_markdown_and_shows_the_path(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await start_round(pilot)
        await type_text(pilot, "-> edge serves segments")
        await pilot.press("ctrl+e")  # the typed note is saved first
        path = app.session.directory / "session.md"
        await wait_until(pilot, lambda: any(str(path) in toast
                                            for toast in toasts(app)), "the export's toast")
        assert app.last_export == path
        text = path.read_text(encoding="utf-8")
        assert "edge serves segments" in text


async def test_results_screen_exports_too(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await start_round(pilot)
        await pilot.press("ctrl+x", "enter")
        await wait_until(pilot, lambda: isinstance(app.screen, ResultsScreen)
                         and app.screen.query("#results-path"), "the results screen")
        await pilot.press("ctrl+e")
        await wait_until(pilot, lambda: "exported to" in shown_text(
            app.screen.query_one("#results-path")), "the export's path on the results")
        assert "session.md" in shown_text(app.screen.query_one("#results-path"))


async def test_quit_saves_everything_and_next_start_offers_resume(make_app, clock) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await start_round(pilot)
        await type_text(pilot, "typed but not yet saved")
        clock.advance(90)
        await pilot.press("ctrl+q")
    log = read_log(app.session.log_path).events
    assert log[-1].type == "session_closed"
    assert [n.text for n, _ in fold(log).outline.walk()] == ["typed but not yet saved"]
    found = latest_unfinished()
    assert found is not None and found.path == app.session.directory

    again = make_app()
    async with again.run_test(size=(100, 30)) as pilot:
        await first_screen(pilot)
        await again.workers.wait_for_complete()
        await screen_is(pilot, StartScreen)
        assert isinstance(again.screen, StartScreen)
        assert again.screen.query_one("#resume").display
        await pilot.press("ctrl+u")
        await screen_is(pilot, PracticeScreen)
        assert isinstance(again.screen, PracticeScreen)
        state = again.session.state
        assert [n.text for n, _ in state.outline.walk()] == ["typed but not yet saved"]
        assert state.phases.elapsed("requirements", again.session.now()) == 90
        assert not state.phases.running  # waits for ctrl+t
        await pilot.press("ctrl+t")
        assert again.session.state.phases.running


async def test_resume_directly(make_app, clock) -> None:
    session = recorded_session(clock, notes=3)
    clock.advance(42)
    session.close()
    app = make_app(mode="resume", session=session.directory.name)
    async with app.run_test(size=(100, 30)) as pilot:
        await first_screen(pilot)
        assert isinstance(app.screen, PracticeScreen)
        assert len(app.session.state.outline) == 3
        assert app.session.log_path == session.log_path


async def test_start_screen_without_unfinished_session_has_no_resume(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await first_screen(pilot)
        await app.workers.wait_for_complete()
        assert not app.screen.query_one("#resume").display
        assert app.screen.check_action("resume", ()) is False


async def test_ctrl_c_saves_and_quits_too(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await start_round(pilot)
        await type_text(pilot, "before ctrl+c")
        await pilot.press("ctrl+c")
    events = read_log(app.session.log_path).events
    assert events[-1].type == "session_closed"
    assert [n.text for n, _ in fold(events).outline.walk()] == ["before ctrl+c"]


async def test_new_round_from_the_results_screen(make_app, clock) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await start_round(pilot)
        await type_text(pilot, "first round note")
        await pilot.press("enter")
        clock.advance(30)
        await pilot.press("ctrl+x", "enter")
        await screen_is(pilot, ResultsScreen)
        assert isinstance(app.screen, ResultsScreen)
        first = app.session
        await pilot.press("ctrl+n")
        await screen_is(pilot, StartScreen)
        assert isinstance(app.screen, StartScreen)
        assert app.session is None and not app.results_shown
        assert (app.screen.chosen_layout.id, app.screen.chosen_prompt.id) == (
            first.state.layout.id, first.state.prompt.id)
        await app.workers.wait_for_complete()
        assert not app.screen.query_one("#resume").display  # the first round was closed

        clock.advance(5)
        await start_round(pilot)
        assert isinstance(app.screen, PracticeScreen)
        second = app.session
        assert second is not first and second.directory != first.directory
        assert len(second.state.outline) == 0
        assert second.state.phases.total_elapsed(second.now()) == 0
        await type_text(pilot, "second round note")
        await pilot.press("ctrl+q")
    first_log = read_log(first.log_path).events
    assert first_log[-1].type == "session_closed" and first_log[-1]["reason"] == "new_round"
    assert [n.text for n, _ in fold(first_log).outline.walk()] == ["first round note"]
    second_log = read_log(second.log_path).events
    assert second_log[-1].type == "session_closed" and second_log[-1]["reason"] == "quit"
    assert [n.text for n, _ in fold(second_log).outline.walk()] == ["second round note"]


async def test_a_damaged_session_is_listed_and_the_rest_works(make_app, clock) -> None:
    """One session's caption has a word timed null: the start screen names it with its reason
    and still offers to resume the good unfinished session."""
    import json

    good = recorded_session(clock, notes=2)
    good.close()
    bad = recorded_session(clock, notes=1)
    bad.close()
    assert bad.log_path is not None
    line = {"v": 1, "seq": 999, "t": 5, "wall": "", "type": "caption", "text": "x",
            "final": True, "words": [[1, "x", None]]}
    bad.log_path.write_text(bad.log_path.read_text(encoding="utf-8") + json.dumps(line) + "\n",
                            encoding="utf-8")
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await first_screen(pilot)
        await app.workers.wait_for_complete()
        view = app.screen.query_one("#damaged-view")
        assert view.display
        text = str(view.render())
        assert bad.log_path.parent.name in text and "event 999 (caption)" in text
        assert app.screen.query_one("#resume").display  # the good one is still offered


async def test_a_session_open_elsewhere_is_not_offered_and_resume_says_why(make_app, clock) -> None:
    session = recorded_session(clock, notes=1)  # still open: its writer holds the lock
    app = make_app()
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await first_screen(pilot)
        await app.workers.wait_for_complete()
        assert not app.screen.query_one("#resume").display
        assert session.log_path is not None
        app.resume_round(session.log_path)
        await wait_until(pilot, lambda: any("open in another boardless" in toast
                                            for toast in toasts(app)), "the toast saying why")
        assert isinstance(app.screen, StartScreen)
    session.close()
