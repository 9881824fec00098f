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
    app = make_app()
    gc_pause.pause()  # as the CLI does before it builds the app
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, StartScreen)
        assert gc.isenabled() and not gc_pause.paused()


def test_the_start_screen_does_not_import_a_round() -> None:
    code = (
        "import json, sys\n"
        f"sys.path.insert(0, {str(ROOT)!r})\n"
        "import tui.cli.practice_cmd, tui.app.factory\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.startswith('tui'))))\n"
    )
    loaded = json.loads(subprocess.run([sys.executable, "-c", code], capture_output=True,
                                       text=True, check=True).stdout)
    for module in ("tui.app.screens.practice", "tui.app.captions", "tui.core.session.session",
                   "tui.core.session.state", "tui.core.session.store", "tui.core.session.eventlog", "tui.speech"):
        assert module not in loaded
    assert "tui.app.screens.start" in loaded
