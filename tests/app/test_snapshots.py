"""Snapshots of every screen: start, practice (paper and ink), results and too-small.

Time is frozen with a FakeClock, directories are isolated and the cursor does not blink, so the
pictures only change when the screen does. Regenerate with `pytest --snapshot-update`.
"""

from __future__ import annotations

from textual import events

from tests.pilot import screen_is, start_round, wait_until
from tui.app.screens.help import HelpScreen
from tui.app.widgets.outline_view import OutlineView
from tui.core.session.clock import FakeClock


async def type_text(pilot, text: str) -> None:  # type: ignore[no-untyped-def]
    """Put `text` into the note being edited as a terminal paste does: the same note as typing
    it key by key (tests/app/test_outline.py types), in one event instead of one per key."""
    focused = pilot.app.focused
    assert isinstance(focused, OutlineView)
    focused.post_message(events.Paste(text))
    await wait_until(pilot, lambda: focused.edit is not None and focused.edit.text.endswith(text),
                     "the pasted text")


async def settle(pilot) -> None:  # type: ignore[no-untyped-def]
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def a_round_in_progress(pilot, clock: FakeClock) -> None:  # type: ignore[no-untyped-def]
    app = pilot.app
    await settle(pilot)
    await start_round(pilot)
    await type_text(pilot, "Clients: TV, mobile, web")
    await pilot.press("enter", "tab")
    await type_text(pilot, "-> player fetches manifest, then segments")
    await pilot.press("enter")
    await type_text(pilot, "! origin overload on a cold cache")
    await pilot.press("enter", "shift+tab")
    await type_text(pilot, "Edge and origin")
    await pilot.press("enter", "tab")
    await type_text(pilot, "* push popular titles to the edge overnight")
    await pilot.press("enter")
    await type_text(pilot, "~ transcode queue feeds the packager")
    await pilot.press("enter")
    await type_text(pilot, "? how fresh must the catalogue be")
    await pilot.press("escape")
    clock.advance(6 * 60 + 5)
    app.tick()
    await pilot.press("ctrl+n")
    clock.advance(70)
    app.tick()
    session = app.session
    session.emit("checklist_ticked", phase="framing", item=app.session.state.layout.phases[1]
                 .checklist[0].id, source="speech", evidence="the hard part")
    session.emit("caption", text="the hard part is starting playback fast for millions at peak",
                 final=True, start=430.0, end=434.0, words=[], delay=0.3, engine="test")
    session.emit("caption", text="so the p99 startup latency matters most", final=False,
                 start=434.0, end=436.0, words=[], delay=0.2, engine="test")
    session.emit("flag_raised", code="rushed", phase="requirements",
                 message="Requirements moved on early", severity="warn")
    app.tick()
    await settle(pilot)


def test_start_screen(snap_compare, make_app) -> None:
    assert snap_compare(make_app(), run_before=settle, terminal_size=(100, 30))


def test_start_screen_80x24_with_questions(snap_compare, make_app) -> None:
    async def reveal(pilot) -> None:  # type: ignore[no-untyped-def]
        await settle(pilot)
        await pilot.press("ctrl+r")

    assert snap_compare(make_app(), run_before=reveal, terminal_size=(80, 24))


def test_practice_screen_paper(snap_compare, make_app, clock) -> None:
    async def run_before(pilot) -> None:  # type: ignore[no-untyped-def]
        await a_round_in_progress(pilot, clock)

    assert snap_compare(make_app(), run_before=run_before, terminal_size=(100, 30))


def test_practice_screen_ink(snap_compare, make_app, clock) -> None:
    async def run_before(pilot) -> None:  # type: ignore[no-untyped-def]
        await a_round_in_progress(pilot, clock)
        await pilot.press("f2")
        await settle(pilot)

    assert snap_compare(make_app(), run_before=run_before, terminal_size=(100, 30))


def test_practice_screen_80x24(snap_compare, make_app, clock) -> None:
    async def run_before(pilot) -> None:  # type: ignore[no-untyped-def]
        await a_round_in_progress(pilot, clock)

    assert snap_compare(make_app(), run_before=run_before, terminal_size=(80, 24))


def test_results_screen(snap_compare, make_app, clock) -> None:
    async def run_before(pilot) -> None:  # type: ignore[no-untyped-def]
        await a_round_in_progress(pilot, clock)
        await pilot.press("ctrl+x", "enter")
        await settle(pilot)
        await settle(pilot)

    assert snap_compare(make_app(), run_before=run_before, terminal_size=(100, 30))


def test_help_screen(snap_compare, make_app) -> None:
    async def run_before(pilot) -> None:  # type: ignore[no-untyped-def]
        await settle(pilot)
        await start_round(pilot)
        await pilot.press("f1")
        await screen_is(pilot, HelpScreen)
        await settle(pilot)

    assert snap_compare(make_app(), run_before=run_before, terminal_size=(100, 30))


def test_too_small(snap_compare, make_app) -> None:
    assert snap_compare(make_app(), run_before=settle, terminal_size=(70, 20))


def test_practice_screen_80x24_with_a_curveball(snap_compare, make_app, clock) -> None:
    """A curveball is shown apart from probes: its own banner, marked CURVEBALL in its own
    colour with its countdown, and an entry in the side panel; 80x24 still fits."""

    async def run_before(pilot) -> None:  # type: ignore[no-untyped-def]
        await a_round_in_progress(pilot, clock)
        app = pilot.app
        curveball = app.session.state.prompt.curveballs[0]
        app.session.emit("curveball_asked", id=curveball.id, text=curveball.text,
                         phase="framing", answer_s=180.0)
        clock.advance(20)
        app.tick()
        await settle(pilot)

    assert snap_compare(make_app(), run_before=run_before, terminal_size=(80, 24))
