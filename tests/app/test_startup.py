"""Start-up: the garbage collector is paused until the first frame and always comes back, and a
round's modules are not imported before the start screen is drawn."""

from __future__ import annotations

import gc
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from textual.widget import Widget

from tests.pilot import shown_text, wait_until
from tui.app import gc_pause
from tui.app.screens.start import StartScreen
from tui.cli.main import main

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def collector() -> Iterator[None]:
    """Leave the collector as it was (enabled, nothing frozen) whatever the test did."""
    yield
    gc_pause.resume()
    gc.unfreeze()
    gc.enable()


def test_pause_resumes_only_what_it_paused(collector: None) -> None:
    gc_pause.pause()
    assert not gc.isenabled() and gc_pause.paused()
    gc_pause.resume()
    assert gc.isenabled() and not gc_pause.paused()
    gc.disable()  # someone else's pause is left alone
    gc_pause.pause()
    gc_pause.resume()
    assert not gc.isenabled()


def test_a_failed_start_brings_the_collector_back(collector: None,
                                                  capsys: pytest.CaptureFixture) -> None:
    assert main(["practice", "--layout", "no-such-layout"]) == 2
    assert "unknown layout 'no-such-layout'" in capsys.readouterr().err
    assert gc.isenabled() and not gc_pause.paused()


async def test_the_first_frame_resumes_collection(collector: None, make_app) -> None:
    """The start screen is drawn (what a person sees on it), and drawing it resumed collection."""
    app = make_app()
    gc_pause.pause()  # as the CLI does before it builds the app
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, StartScreen)
                         and "Captions off" in shown_text(app.screen.query_one("#engine-view")),
                         "the start screen with its engine line")
        screen = app.screen
        seen = {name: drawn_within(screen.query_one(f"#{name}"))
                for name in ("start-title", "layouts", "prompts", "prompt-view", "phases-view",
                             "engine-view", "start-actions")}
        assert "boardless · practise a spoken design round" in seen["start-title"]
        assert "Senior spoken design round" in seen["layouts"]
        assert "Video streaming service" in seen["prompts"]
        assert "Video streaming service" in seen["prompt-view"]
        assert "1. Requirements" in seen["phases-view"] and "5m-7m" in seen["phases-view"]
        assert "Captions off (disabled for this run)" in seen["engine-view"]
        assert "Start (ctrl+t)" in seen["start-actions"]
        assert "Resume" not in seen["start-actions"]  # nothing unfinished to resume
        assert gc.isenabled() and not gc_pause.paused()


def drawn_within(node: Widget) -> str:
    """What a widget and every widget inside it draw (a container draws only its background)."""
    return "\n".join(shown_text(widget) for widget in (node, *node.query("*"))
                     if not widget.children)


#: Run in a fresh interpreter: draw the start screen through Pilot and record every module
#: the UI thread imported before the first frame was on screen (workers import what they
#: need off the UI thread, so only the UI thread's imports can delay the frame).
DRAW_START = """
import asyncio, json, sys, threading
sys.path.insert(0, {root!r})
ui_imports, drawn = [], threading.Event()

class Watch:
    def find_spec(self, name, path=None, target=None):
        if threading.current_thread() is threading.main_thread() and not drawn.is_set():
            ui_imports.append(name)
        return None

sys.meta_path.insert(0, Watch())
import tui.cli.practice_cmd
from tui.app import gc_pause
from tui.app.factory import build_app
from tui.app.options import AppOptions, SpeechOptions
from tui.core.session.clock import FakeClock

resume = gc_pause.resume
def first_frame():
    drawn.set()
    resume()
gc_pause.resume = first_frame  # the app calls it once its first frame is on screen

async def main():
    app = build_app(AppOptions(speech=SpeechOptions(enabled=False), prompt="video-streaming-cdn",
                               layout="netflix-l5", seed=1), FakeClock())
    async with app.run_test(size=(100, 30)) as pilot:
        for _ in range(2000):  # a bound, not a wait: it goes on the moment the frame is drawn
            if drawn.is_set():
                break
            await pilot.pause()
        view = app.screen.query_one("#prompt-view")
        print(json.dumps({{"imports": ui_imports, "screen": type(app.screen).__name__,
                          "prompt": str(view.render())}}))

asyncio.run(main())
"""


def test_the_start_screen_does_not_import_a_round() -> None:
    """Drawn for real, the start screen's first frame imports nothing a round needs."""
    out = subprocess.run([sys.executable, "-c", DRAW_START.format(root=str(ROOT))],
                         capture_output=True, text=True, check=True, timeout=120)
    drawn = json.loads(out.stdout.strip().splitlines()[-1])
    assert drawn["screen"] == "StartScreen"
    assert drawn["prompt"].startswith("Video streaming service")
    imported = set(drawn["imports"])
    assert "tui.app.screens.start" in imported
    for module in ("tui.app.screens.practice", "tui.app.captions", "tui.core.session.session",
                   "tui.core.session.state", "tui.core.session.store",
                   "tui.core.session.eventlog", "tui.speech"):
        assert module not in imported, f"{module} was imported before the first frame"
