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


async def test_a_resumed_round_records_beside_what_it_kept(
        make_app: Callable[..., BoardlessApp]) -> None:
    """Quit mid-round, resume: the first recording is kept as it was and the resumed capture
    goes to audio-2.wav, each named by its own audio_recorded event."""
    speech = SpeechOptions(engine="pocketsphinx", audio_file=wav("hibari_pause"), speed=0)
    first = make_app(speech=speech)
    async with first.run_test(size=(100, 30)) as pilot:
        await start_round(pilot)
        await wait_until(pilot, lambda: first.session is not None
                         and first.session.state.captions_state == "stopped",
                         "the first capture", limit_s=60)
        directory = log_dir(first)
        await pilot.press("ctrl+q")
        await wait_until(pilot, lambda: not first.is_running, "the app to quit")
    kept = (directory / "audio.wav").read_bytes()
    again = make_app(mode="resume", session=str(directory), speech=speech)
    async with again.run_test(size=(100, 30)) as pilot:
        await wait_until(pilot, lambda: again.session is not None
                         and any(e for e in again.session.state.captions),
                         "captions after the resume", limit_s=60)
        await wait_until(pilot, lambda: again.session is not None
                         and again.session.state.audio_path == "audio-2.wav",
                         "the second recording", limit_s=60)
        await pilot.press("ctrl+q")
        await wait_until(pilot, lambda: not again.is_running, "the app to quit")
    assert (directory / "audio.wav").read_bytes() == kept
    assert sf.info(str(directory / "audio-2.wav")).samplerate == 16000
    recorded = [e["path"] for e in read_log(directory / LOG_NAME).events
                if e.type == "audio_recorded"]
    assert recorded == ["audio.wav", "audio-2.wav"]
