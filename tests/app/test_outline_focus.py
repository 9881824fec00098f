"""After Enter opens a new note, whatever takes the outline's focus or acts on the round
(Ctrl+E export, Ctrl+G to the flags and Escape back, the help screen) leaves that new note
open: the next words typed are a note of their own, never the end of the note above."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.pilot import notes_of, start_round, type_note, wait_until
from tui.app.app import BoardlessApp


async def away_and_back(pilot, how: str) -> None:  # type: ignore[no-untyped-def]
    app = pilot.app
    if how == "export":
        await pilot.press("ctrl+e")
        await wait_until(pilot, lambda: app.last_export is not None, "the export")
    elif how == "flags":
        await pilot.press("ctrl+g")
        await wait_until(pilot, lambda: not app.screen.outline.has_focus, "the flags list")
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen.outline.has_focus, "the outline again")
    else:
        practice = app.screen
        await pilot.press("f1")
        await wait_until(pilot, lambda: app.screen is not practice, "the help screen")
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is practice and practice.outline.has_focus,
                         "the practice screen again")


@pytest.mark.parametrize("how", ["export", "flags", "help"])
async def test_typing_after_leaving_goes_into_the_new_note(
        make_app: Callable[..., BoardlessApp], how: str) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await start_round(pilot)
        await type_note(pilot, "first")
        await away_and_back(pilot, how)
        await type_note(pilot, "second")
        await wait_until(pilot, lambda: notes_of(app) == ["first", "second"],
                         f"two notes after {how}: {notes_of(app)}")
