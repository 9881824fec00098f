"""One truth for flags: the live app (ticked at odd fractions of a second, as a real timer
fires) raises exactly the flags, at exactly the times, that `report`, `sessions list` and
`history` recompute from its log."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Markdown

from tests.pilot import (
    screen_is,
    start_round,
)
from tui.app.screens.confirm import ConfirmScreen
from tui.app.screens.results import ResultsScreen
from tui.core.config.locations import sessions_dir
from tui.core.debrief.history import build_history
from tui.core.debrief.report import build_report
from tui.core.session.eventlog import read_log
from tui.core.session.store import list_sessions


async def advance(app, pilot, clock, seconds: float, step: float = 0.37) -> None:  # type: ignore[no-untyped-def]
    """Let `seconds` pass in uneven steps, the app's timer firing after each."""
    left = seconds
    while left > 1e-9:
        move = min(step, left)
        clock.advance(move)
        left -= move
        app.tick()
    await pilot.pause()  # what the ticks posted


def say(app, text: str, length: float) -> None:  # type: ignore[no-untyped-def]
    """A final caption that ends now, as the caption feed posts it."""
    now = app.session.now()
    app.session.emit("caption", text=text, final=True, start=round(now - length, 3),
                     end=round(now, 3), words=[], delay=0.3, engine="vosk")


async def test_live_flags_match_report_sessions_list_and_history(make_app, clock) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await start_round(pilot)
        app.session.emit("captions_status", state="listening", message="")
        await advance(app, pilot, clock, 3.3)
        say(app, "so we put kafka in front and redis as the cache", 3.0)
        await advance(app, pilot, clock, 21.6)  # dead air: more than 20 s without a word
        say(app, "and a cassandra cluster for the rows", 2.0)
        await advance(app, pilot, clock, 40.2)
        await pilot.press("ctrl+n")  # requirements left after about a minute: rushed
        await advance(app, pilot, clock, 20.9)
        await pilot.press("ctrl+n")  # framing left without the core challenge
        await advance(app, pilot, clock, 7 * 60 + 0.45)
        await pilot.press("ctrl+x")
        await screen_is(pilot, ConfirmScreen)
        await pilot.press("enter")
        await screen_is(pilot, ResultsScreen)
        assert isinstance(app.screen, ResultsScreen)
        live = [(round(f.t, 1), f.code, f.phase, f.message) for f in app.session.state.flags]
        log_path = app.session.log_path
        title = str(app.screen.query_one("#results-title").render())
        await app.workers.wait_for_complete()
        body = app.screen.query_one("#results-body", Markdown).source
        assert "### Rubric" in body and "| Requirements | 1 |" in body  # jumped, no questions

    codes = {code for _, code, _, _ in live}
    assert {"jumped_to_design", "dead_air", "rushed", "no_core_challenge"} <= codes
    dead = [t for t, code, _, _ in live if code == "dead_air"]
    assert dead and all(t == int(t) for t in dead)  # raised by ticks: on whole seconds
    report = build_report(read_log(Path(log_path)).events)
    assert [(f.t, f.code, f.phase, f.message) for f in report.flags] == live
    assert f"{len(live)} flags" in title
    [listed] = list_sessions(sessions_dir())
    assert listed.flags == len(live)
    [past] = build_history(sessions_dir()).sessions
    assert past.flags == len(live)


async def test_one_clock_pauses_excluded_on_screen_in_report_list_and_history(
    make_app, clock
) -> None:
    """Every time shown is round time: a flag raised after a pause reads the same (and no later
    than the time used) on the side panel, the results, the report, `sessions list` and
    `history`; the results open with the timeline and the start in local time."""
    import re

    from tui.app.widgets.side_panel import SidePanel
    from tui.core.text.durations import format_clock

    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await advance(app, pilot, clock, 12.2)  # reading the prompt first
        await start_round(pilot)
        await advance(app, pilot, clock, 30.4)
        await pilot.press("ctrl+t")  # a break
        await advance(app, pilot, clock, 95.1)
        await pilot.press("ctrl+t")
        await advance(app, pilot, clock, 20.3)
        await pilot.press("ctrl+n")  # Requirements left after 50 s of round time: rushed
        await advance(app, pilot, clock, 3.0)
        state = app.session.state
        rushed = [f for f in state.flags if f.code == "rushed"]
        assert rushed
        shown = format_clock(state.round_time(rushed[0].t))
        assert shown == "0:50" and format_clock(rushed[0].t) != shown
        side = str(app.screen.query_one(SidePanel).query_one("#side-flags").render())
        assert f"▲ {shown} warning" in side
        await pilot.press("ctrl+x")
        await screen_is(pilot, ConfirmScreen)
        await pilot.press("enter")
        await screen_is(pilot, ResultsScreen)
        await app.workers.wait_for_complete()
        await screen_is(pilot, ResultsScreen)
        assert isinstance(app.screen, ResultsScreen)
        used = state.phases.total_elapsed(state.last_t)
        timeline = str(app.screen.query_one("#results-timeline").render())
        assert timeline.splitlines()[1].startswith("Requirements ") and "█" in timeline
        body = app.screen.query_one("#results-body", Markdown).source
        assert re.search(r"\*\*Started:\*\* \d{4}-\d\d-\d\d \d\d:\d\d\n", body), body[:600]
        assert f"- {shown} · Requirements · **rushed**" in body
        log_path = app.session.log_path
    report = build_report(read_log(Path(log_path)).events)
    assert [f.t for f in report.flags if f.code == "rushed"][0] == 50.7  # 30.4 + 20.3
    assert report.used_s == round(used, 1) and all(f.t <= report.used_s for f in report.flags)
    [listed] = list_sessions(sessions_dir())
    [past] = build_history(sessions_dir()).sessions
    assert format_clock(listed.used_s) == format_clock(past.used_s) == format_clock(
        report.used_s)
