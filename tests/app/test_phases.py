"""Phase changes on a fake clock: the bar's classes and colours change at min and at max."""

from __future__ import annotations

from tests.pilot import (
    screen_is,
    start_round,
    wait_until,
)
from tui.app.screens.practice import PracticeScreen
from tui.app.screens.results import ResultsScreen
from tui.app.widgets.header import SessionHeader
from tui.app.widgets.phase_bar import PhaseChip


def chip(app, phase_id: str) -> PhaseChip:  # type: ignore[no-untyped-def]
    return app.screen.query_one(f"#phase-{phase_id}", PhaseChip)


async def advance(app, pilot, clock, seconds: float) -> None:  # type: ignore[no-untyped-def]
    clock.advance(seconds)
    app.tick()
    await pilot.pause()  # what the tick posted: the screen's clock


async def test_bar_goes_calm_ready_loud(make_app, clock) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await start_round(pilot)
        req = chip(app, "requirements")
        assert req.has_class("-current", "-calm")
        calm = req.styles.color
        await advance(app, pilot, clock, 5 * 60 - 1)
        assert req.has_class("-calm") and not req.has_class("-ready")
        await advance(app, pilot, clock, 2)
        assert req.has_class("-ready")
        ready = req.styles.color
        assert "ok" in str(req.render())
        await advance(app, pilot, clock, 2 * 60)
        assert req.has_class("-loud")
        loud = req.styles.color
        assert len({calm, ready, loud}) == 3
        assert "over" in str(req.render())
        header = app.screen.query_one("#head-clock")
        assert "7:01" in str(header.render())


async def test_clock_never_drifts_from_the_core(make_app, clock) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await start_round(pilot)
        for _ in range(30):
            await advance(app, pilot, clock, 1.0)
        tracker = app.session.state.phases
        assert tracker.elapsed("requirements", app.session.now()) == 30.0
        assert "0:30" in str(app.screen.query_one("#head-clock").render())


async def test_next_previous_pause_and_marks(make_app, clock) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await start_round(pilot)
        await advance(app, pilot, clock, 60)
        await pilot.press("ctrl+n")
        assert app.session.state.current_phase_id == "framing"
        assert chip(app, "requirements").has_class("-rushed")
        assert "rushed" in str(chip(app, "requirements").render())
        await pilot.press("ctrl+b")
        assert app.session.state.current_phase_id == "requirements"
        await pilot.press("ctrl+t")
        assert not app.session.state.phases.running
        assert "paused" in str(app.screen.query_one("#head-clock").render())
        await advance(app, pilot, clock, 100)
        assert app.session.state.phases.elapsed("requirements", app.session.now()) == 60
        await pilot.press("ctrl+t")
        assert app.session.state.phases.running
        # jump (as the palette does) past walkthrough: walkthrough is skipped
        await app.screen.run_action("jump_phase('deep_dive')")
        await wait_until(pilot, lambda: chip(app, "walkthrough").has_class("-skipped"),
                         "walkthrough shown as skipped")
        assert "skipped" in str(chip(app, "walkthrough").render())
        assert chip(app, "deep_dive").has_class("-current")


async def test_previous_is_disabled_on_the_first_phase(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await start_round(pilot)
        assert app.screen.check_action("previous_phase", ()) is False
        await pilot.press("ctrl+b")
        assert app.session.state.current_phase_id == "requirements"


async def test_running_out_of_time_opens_results(make_app, clock) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await start_round(pilot)
        await advance(app, pilot, clock, 60 * 60 + 1)
        await screen_is(pilot, ResultsScreen)
        assert isinstance(app.screen, ResultsScreen)
        assert app.session.state.phases.end_reason == "time"


async def test_end_round_asks_first(make_app, clock) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await start_round(pilot)
        await pilot.press("ctrl+x", "escape")
        assert isinstance(app.screen, PracticeScreen)
        await pilot.press("ctrl+x", "enter")
        await screen_is(pilot, ResultsScreen)
        assert isinstance(app.screen, ResultsScreen)
        await app.workers.wait_for_complete()
        body = app.screen.query_one("#results-body")
        assert "Requirements" in body.source  # type: ignore[attr-defined]


async def test_header_shows_prompt_layout_and_engine(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await start_round(pilot)
        header = app.screen.query_one(SessionHeader)
        text = " ".join(str(label.render()) for label in header.children)
        assert "Video streaming" in text
        assert "mic off" in text and "engine off" in text


async def test_80x24_keeps_status_words_titles_and_every_marker_readable(make_app,
                                                                         clock) -> None:
    """At 80x24 no chip cuts its status word or title short ("…"), and the empty page's hint
    shows all five note markers."""
    from tui.app.widgets.outline_view import OutlineView

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await start_round(pilot)
        page = "\n".join(app.screen.query_one(OutlineView).render_line(y).text
                         for y in range(4))
        for marker in ("-> flow", "! risk", "? question", "* decision", "~ async"):
            assert marker in page
        await advance(app, pilot, clock, 65)
        await pilot.press("ctrl+n")  # Requirements rushed
        await advance(app, pilot, clock, 30 * 60)  # Framing far over its maximum
        for phase_id in ("requirements", "framing", "walkthrough", "deep_dive", "resilience"):
            lines = str(chip(app, phase_id).render()).splitlines()
            width = chip(app, phase_id).content_size.width
            assert all(len(line) <= width and "…" not in line for line in lines[:2]), lines
        assert "rushed" in str(chip(app, "requirements").render())
        assert "over" in str(chip(app, "framing").render())
