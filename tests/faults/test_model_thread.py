"""The speech model never loads on the UI thread (a spy on the real engine records where it
is built), and the outline takes typing while captions start."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.pilot import notes_of, type_note, wait_until
from tests.support import require_module
from tui.app.app import BoardlessApp
from tui.app.options import SpeechOptions

AUDIO = Path(__file__).resolve().parents[1] / "fixtures" / "audio" / "hibari_pause.wav"


async def test_engine_is_built_off_the_ui_thread(
    make_app: Callable[..., BoardlessApp], monkeypatch: pytest.MonkeyPatch
) -> None:
    require_module("pocketsphinx")
    from tui.speech.engines import sphinx_engine

    built_on: list[str] = []
    real_init = sphinx_engine.PocketSphinxEngine.__init__

    def spy(self: Any, *args: Any, **kwargs: Any) -> None:
        built_on.append(threading.current_thread().name)
        real_init(self, *args, **kwargs)  # the real engine and model still load

    monkeypatch.setattr(sphinx_engine.PocketSphinxEngine, "__init__", spy)
    app = make_app(speech=SpeechOptions(engine="pocketsphinx", audio_file=AUDIO, speed=0))
    async with app.run_test(size=(100, 30)) as pilot:
        ui_thread = threading.current_thread().name
        await pilot.press("ctrl+t")
        await type_note(pilot, "typed as captions start")
        await wait_until(pilot, lambda: app.session is not None
                         and bool(app.session.state.captions), "captions", limit_s=60)
        assert notes_of(app) == ["typed as captions start"]
        await pilot.press("ctrl+q")
        await pilot.pause()
    assert built_on and ui_thread not in built_on, (built_on, ui_thread)
