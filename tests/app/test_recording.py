"""A round keeps its audio by default (audio.wav in the session's folder, named by an
`audio_recorded` event) and `--no-record` (SpeechOptions.record=False) keeps none."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import soundfile as sf

from tests.pilot import log_dir, start_round, wait_until
from tests.speech.audio_fixtures import wav
from tui.app.app import BoardlessApp
from tui.app.options import AppOptions, SpeechOptions
from tui.core.session.eventlog import LOG_NAME, read_log


@pytest.mark.parametrize("record", [None, False])
async def test_the_round_is_recorded_unless_told_not_to(
        make_app: Callable[..., BoardlessApp], record: bool | None) -> None:
    speech = SpeechOptions(engine="pocketsphinx", audio_file=wav("hibari_pause"), speed=0,
                           record=record)
    app = make_app(speech=speech)
    async with app.run_test(size=(100, 30)) as pilot:
        await start_round(pilot)
        await wait_until(pilot, lambda: app.session is not None
                         and bool(app.session.state.captions)
                         and app.session.state.captions_state == "stopped",
                         "the whole file captioned", limit_s=60)
        directory = log_dir(app)
        await pilot.press("ctrl+q")
        await wait_until(pilot, lambda: not app.is_running, "the app to quit")
    events = read_log(directory / LOG_NAME).events
    recorded = [e for e in events if e.type == "audio_recorded"]
    if record is False:
        assert recorded == [] and not (directory / "audio.wav").exists()
        return
    assert [e["path"] for e in recorded] == ["audio.wav"]
    info = sf.info(str(directory / "audio.wav"))
    assert (info.samplerate, info.channels) == (16000, 1)
    assert info.duration == pytest.approx(sf.info(str(wav("hibari_pause"))).duration, abs=0.2)


def test_no_record_reaches_the_app(monkeypatch: pytest.MonkeyPatch) -> None:
    from tui.cli import practice_cmd
    from tui.cli.main import main

    seen: list[AppOptions] = []
    monkeypatch.setattr(practice_cmd, "_run", lambda options: seen.append(options) or 0)
    main(["practice", "--no-record"])
    main(["practice"])
    main(["practice", "--resume", "--no-record"])
    assert [o.speech.record for o in seen if o.speech is not None] == [False, None, False]
