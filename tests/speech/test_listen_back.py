"""Listening back (issue 14, part 3): a recorded round played through a real PortAudio output
(an ALSA file device, in a child process) comes out as the recording, from any second, paused
and resumed, at 2x; a paced stand-in checks position, errors and the replay's sync."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from tests.speech import audio_fixtures as fx
from tests.speech.alsa_file_device import run_child
from tests.speech.alsa_output_device import (
    SPEAKER,
    contains_only,
    no_output_env,
    played,
    speaker_env,
)
from tests.speech.fake_output import FakeSoundDevice
from tests.speech.scripted import wait_for
from tests.support import require_module
from tui.core.session.eventlog import read_log
from tui.core.session.events import Event, make_event
from tui.core.session.recording_time import recording_time
from tui.speech.listen.errors import RecordingUnreadable
from tui.speech.listen.player import ListenBack
from tui.speech.listen.render import Renderer
from tui.speech.listen.sync import ReplayAudio
from tui.speech.pipeline import CaptionPipeline
from tui.speech.sources.file_source import FileSource
from tui.speech.types import ENGINE_RATE, Recognition
from tui.speech.voice.errors import OutputDeviceError

RECORDED_AT = 3.0  # session time of the audio_recorded event: stream time 0


# -- a recorded session: the caption pipeline's own recording and captions ----------------------

@pytest.fixture(scope="module")
def session(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A session directory recorded by the real caption pipeline (pocketsphinx hearing the
    pause fixture from a file): its audio.wav and an events.jsonl whose captions carry the
    pipeline's stream times, logged `delay` after their audio as a round logs them."""
    require_module("pocketsphinx")
    from tui.speech.engines.sphinx_engine import PocketSphinxEngine

    directory = tmp_path_factory.mktemp("session")
    results: list[Recognition] = []
    pipeline = CaptionPipeline(FileSource(fx.wav("hibari_pause"), speed=0), PocketSphinxEngine,
                               results.append, lambda status: None,
                               record_to=directory / "audio.wav")
    pipeline.start()
    assert pipeline.join(timeout=60)
    finals = [r for r in results if r.final]
    assert len(finals) >= 2
    events = [
        make_event("session_started", 0.0, seq=1, layout={}, prompt={}, engine="pocketsphinx"),
        make_event("timer_started", 1.0, seq=2),
        make_event("audio_recorded", RECORDED_AT, seq=3, path="audio.wav", rate=16000),
    ]
    for index, final in enumerate(finals):
        events.append(make_event("caption", RECORDED_AT + final.end + 0.4, seq=10 + index,
                                 text=final.text, final=True, start=final.start,
                                 end=final.end, delay=0.4, engine="pocketsphinx"))
    events.sort(key=lambda event: event.t)
    (directory / "events.jsonl").write_text(
        "".join(event.to_json() + "\n" for event in events), encoding="utf-8")
    return directory


def recorded(session: Path) -> np.ndarray:
    pcm, rate = sf.read(str(session / "audio.wav"), dtype="int16")
    assert rate == ENGINE_RATE and pcm.ndim == 1
    return pcm


def log_events(session: Path) -> list[Event]:
    return read_log(session / "events.jsonl").events


def test_the_session_recording_is_the_pipeline_audio(session: Path) -> None:
    pcm = recorded(session)
    assert len(pcm) == len(fx.load_pcm("hibari_pause"))  # every block, silence included
    timing = recording_time(log_events(session))
    assert timing is not None and timing.start_t == RECORDED_AT and not timing.corrected
    assert timing.captions and all(c.end <= len(pcm) / ENGINE_RATE for c in timing.captions)


# -- the real PortAudio output (ALSA file device, child process) --------------------------------

#: Child-process preamble: a ListenBack on the ALSA speaker. `PACED` wraps the real sounddevice
#: so each write takes as long as it would on a sound card (the file device is not paced); the
#: samples still go through PortAudio to the device.
CHILD = """
import json, sys, time
from pathlib import Path
import sounddevice
from tui.speech.listen.player import ListenBack

class PacedStream:
    def __init__(self, **kwargs):
        self.inner = sounddevice.OutputStream(**kwargs)
        self.rate = kwargs["samplerate"]
        self.latency = self.inner.latency
    def write(self, data):
        self.inner.write(data)
        time.sleep(len(data) / self.rate)
    def __getattr__(self, name):
        return getattr(self.inner, name)

class Paced:
    OutputStream = PacedStream
    def __getattr__(self, name):
        return getattr(sounddevice, name)

def finish(player):
    deadline = time.monotonic() + 60
    while not player.finished and player.error is None and time.monotonic() < deadline:
        time.sleep(0.005)

wav = Path({wav!r})
"""

PLAY_FROM = CHILD + """
player = ListenBack(wav, {device!r})
player.speed = {speed!r}
player.play({start!r})
finish(player)
player.close()
print(json.dumps({{"rate": player.rate, "position": player.position(), "error": player.error,
                  "device": player.device.name, "duration": player.duration}}))
"""

PAUSE_RESUME = CHILD + """
player = ListenBack(wav, {device!r}, sd=Paced())
began = time.monotonic()
player.play(0.0)
while player.position() <= 0.0:
    time.sleep(0.001)
first_sound = time.monotonic() - began
pauses = []
for _ in range(3):
    time.sleep(0.7)
    player.pause()
    time.sleep(0.2)
    held = player.position()
    time.sleep(0.2)
    pauses.append([held, player.position()])
    player.resume()
finish(player)
player.close()
print(json.dumps({{"pauses": pauses, "first_sound": first_sound, "error": player.error,
                  "position": player.position()}}))
"""


@pytest.fixture
def speaker(tmp_path: Path) -> Iterator[tuple[dict[str, str], Path]]:
    outfile = tmp_path / "speaker.raw"
    yield speaker_env(tmp_path, outfile), outfile


def test_the_issue_check_replay_audio_through_a_real_output_is_the_recording(
        session: Path, speaker: tuple[dict[str, str], Path]) -> None:
    env, outfile = speaker
    result = run_child(PLAY_FROM.format(wav=str(session / "audio.wav"), device=SPEAKER,
                                        speed=1.0, start=0.0), env)
    assert result["error"] is None and result["device"] == SPEAKER
    assert result["rate"] == ENGINE_RATE  # the device takes 16 kHz: no conversion at all
    assert result["position"] == pytest.approx(result["duration"])
    written, expected = played(outfile), recorded(session)
    assert contains_only(written, expected), (len(written), len(expected))


REPLAY = CHILD + """
from tui.core.session.eventlog import read_log
from tui.speech.listen.sync import ReplayAudio
audio = ReplayAudio.open(wav.parent, read_log(wav.parent / "events.jsonl").events,
                         device={device!r}, sd=Paced())
shown_from = audio.timing.start_t + 1.0  # the replay shows recording second 1.0 onwards
began = time.monotonic()
gaps, heard = [], []
while time.monotonic() - began < 3.0:
    shown = shown_from + (time.monotonic() - began)
    audio.follow(shown, 1.0, paused=False)
    if time.monotonic() - began > 0.3:
        gaps.append(audio.timing.stream_at(shown) - audio.player.position())
        caption = audio.caption_heard(shown)
        heard.append(caption.seq if caption else None)
    time.sleep(0.05)
audio.follow(shown, 1.0, paused=True)
time.sleep(0.3)
print(json.dumps({{"gaps": gaps, "end": audio.player.position(), "error": audio.error,
                  "heard": heard}}))
audio.close()
"""


def test_the_replay_drives_the_real_output_in_sync_with_the_captions(
        session: Path, speaker: tuple[dict[str, str], Path]) -> None:
    env, outfile = speaker
    result = run_child(REPLAY.format(wav=str(session / "audio.wav"), device=SPEAKER), env)
    assert result["error"] is None
    # the audio heard trails the replay's clock by the output latency, never by a word
    assert all(0.0 <= gap < 0.2 for gap in result["gaps"]), result["gaps"]
    end = round(result["end"] * ENGINE_RATE)
    assert 3.5 * ENGINE_RATE < end < 4.3 * ENGINE_RATE
    # one stretch of the recording from 1.0 s to where the replay paused: never moved
    assert contains_only(played(outfile), recorded(session)[ENGINE_RATE:end])
    timing = recording_time(log_events(session))
    assert timing is not None
    assert {seq for seq in result["heard"] if seq} <= {c.seq for c in timing.captions}
    assert any(result["heard"])  # a caption was heard (and would be highlighted)


def test_playing_from_2_s_writes_the_recording_from_sample_32000(
        session: Path, speaker: tuple[dict[str, str], Path]) -> None:
    env, outfile = speaker
    result = run_child(PLAY_FROM.format(wav=str(session / "audio.wav"), device=SPEAKER,
                                        speed=1.0, start=2.0), env)
    assert result["error"] is None
    assert contains_only(played(outfile), recorded(session)[32_000:])


def test_pause_and_resume_lose_and_repeat_nothing(
        session: Path, speaker: tuple[dict[str, str], Path]) -> None:
    env, outfile = speaker
    result = run_child(PAUSE_RESUME.format(wav=str(session / "audio.wav"), device=SPEAKER),
                       env)
    assert result["error"] is None
    held = [pause[0] for pause in result["pauses"]]
    assert all(pause[0] == pause[1] for pause in result["pauses"])  # paused: it stays put
    assert 0.5 < held[0] < held[1] < held[2] < 4.0  # each pause landed mid-recording
    assert result["first_sound"] < 1.0
    assert contains_only(played(outfile), recorded(session))  # no gap, nothing twice


def test_speed_2x_plays_the_recording_in_half_the_time(
        session: Path, speaker: tuple[dict[str, str], Path]) -> None:
    env, outfile = speaker
    result = run_child(PLAY_FROM.format(wav=str(session / "audio.wav"), device=SPEAKER,
                                        speed=2.0, start=0.0), env)
    assert result["error"] is None and result["rate"] == ENGINE_RATE
    renderer = Renderer(session / "audio.wav")  # the same conversion, offline
    renderer.start(0, 2.0)
    blocks: list[np.ndarray] = []
    while (block := renderer.next_block(1024)) is not None:
        blocks.append(block)
    expected = np.concatenate(blocks)
    assert abs(len(expected) - len(recorded(session)) / 2) <= 640  # within one 40 ms frame
    assert contains_only(played(outfile), expected)


def test_no_output_device_is_one_line(session: Path, tmp_path: Path) -> None:
    code = CHILD.format(wav=str(session / "audio.wav")) + """
from tui.speech.voice.errors import VoiceError
try:
    ListenBack(wav)
    print(json.dumps({"error": None}))
except VoiceError as error:
    print(json.dumps({"error": str(error), "kind": type(error).__name__}))
"""
    result = run_child(code, no_output_env(tmp_path))
    assert result["kind"] == "OutputDeviceError"
    assert result["error"].startswith("no audio output device found") and "\n" not in result[
        "error"]


# -- on a paced stand-in device (in process) ----------------------------------------------------

@pytest.fixture
def players() -> Iterator[list[ListenBack]]:
    made: list[ListenBack] = []
    yield made
    for player in made:
        player.close()


def stand_in(session: Path, players: list[ListenBack], **kwargs: object) -> ListenBack:
    sd = FakeSoundDevice(rates=kwargs.pop("rates", (16_000, 48_000)),  # type: ignore[arg-type]
                         pace=kwargs.pop("pace", 1.0),  # type: ignore[arg-type]
                         fail_after=kwargs.pop("fail_after", None))  # type: ignore[arg-type]
    player = ListenBack(session / "audio.wav", sd=sd, **kwargs)  # type: ignore[arg-type]
    players.append(player)
    return player


def written(player: ListenBack) -> np.ndarray:
    return player._sd.samples()  # type: ignore[no-any-return]


class BufferedSoundDevice(FakeSoundDevice):
    """A paced stand-in that models a sound card's buffer: the last `buffer` frames written
    sound only once more is written or the stream is stopped (drained); `abort` drops them.
    (The ALSA file device writes everything at once, so it cannot show a dropped buffer.)"""

    def __init__(self, buffer: int = 2048, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.buffer = buffer
        self.pending: list[np.ndarray] = []

    def OutputStream(self, samplerate: float, channels: int, dtype: str,  # noqa: N802
                     device: int) -> object:
        owner = self
        inner = super().OutputStream(samplerate, channels, dtype, device)

        class Buffered:
            latency = inner.latency

            def start(self) -> None:
                inner.start()

            def write(self, data: np.ndarray) -> bool:
                with owner.lock:
                    owner.pending.append(np.array(data, copy=True))
                    while sum(map(len, owner.pending)) - len(owner.pending[0]) >= owner.buffer:
                        owner.written.append(owner.pending.pop(0))
                time.sleep(len(data) / samplerate * owner.pace)
                return False

            def stop(self) -> None:
                with owner.lock:
                    owner.written.extend(owner.pending)
                    owner.pending.clear()
                inner.stop()

            def abort(self) -> None:
                with owner.lock:
                    owner.pending.clear()
                inner.abort()

            def close(self) -> None:
                inner.close()

        return Buffered()


def test_pause_drains_the_device_buffer_so_resume_loses_nothing(
        session: Path, players: list[ListenBack]) -> None:
    sd = BufferedSoundDevice(rates=(16_000,), pace=1.0)
    player = ListenBack(session / "audio.wav", sd=sd)  # type: ignore[arg-type]
    players.append(player)
    player.play(0.0)
    for _ in range(3):
        time.sleep(0.5)
        player.pause()
        wait_for(lambda: sd.events[-1] == "stop", "the pause to drain")
        assert player.position() * ENGINE_RATE == len(written(player))  # exactly what sounded
        player.resume()
    time.sleep(0.5)
    player.pause()
    wait_for(lambda: sd.events[-1] == "stop", "the last pause to drain")
    out = written(player)
    assert len(out) > 1.8 * ENGINE_RATE and len(out) == player.position() * ENGINE_RATE
    assert np.array_equal(out, recorded(session)[:len(out)])  # no gap, nothing twice


def test_position_follows_the_audio_and_seek_cuts_at_once(session: Path,
                                                          players: list[ListenBack]) -> None:
    player = stand_in(session, players)
    began = time.monotonic()
    player.play(1.0)
    wait_for(lambda: player.position() > 1.0, "the first sound")
    time.sleep(0.5)
    heard, elapsed = player.position(), time.monotonic() - began
    assert 1.3 < heard <= 1.0 + elapsed  # moving, and not ahead of the clock
    assert heard <= 1.0 + len(written(player)) / ENGINE_RATE  # never beyond what was handed
    before = len(written(player))
    player.seek(8.0)
    assert player.position() == 8.0  # at once, before a sample of it is out
    wait_for(lambda: player.position() > 8.3, "playing on from 8 s")
    assert "abort" in player._sd.events  # type: ignore[attr-defined]
    out, tail = written(player), recorded(session)[8 * ENGINE_RATE:][:3200]
    # the new run starts right after what was written (or one block then in flight)
    assert any(np.array_equal(out[start:start + 3200], tail)
               for start in (before, before + 1024))


def test_a_new_speed_goes_on_from_the_position_heard(session: Path,
                                                     players: list[ListenBack]) -> None:
    player = stand_in(session, players)
    player.play(0.0)
    time.sleep(0.6)
    player.speed = 4.0
    at = player.position()
    assert 0.3 < at < 1.0
    wait_for(lambda: player.finished, "the end at 4x", limit_s=10)
    assert player.position() == pytest.approx(player.duration)
    with pytest.raises(ValueError, match="0.5 to 4"):
        player.speed = 8.0


def test_a_device_that_only_takes_48k_gets_the_recording_converted(
        session: Path, players: list[ListenBack]) -> None:
    player = stand_in(session, players, rates=(48_000,), pace=0.0)
    assert player.rate == 48_000
    player.play(0.0)
    wait_for(lambda: player.finished, "the end")
    assert abs(len(written(player)) - 3 * len(recorded(session))) < 100


def test_a_device_failing_while_playing_is_reported_once(session: Path,
                                                         players: list[ListenBack]) -> None:
    reports: list[str] = []
    player = stand_in(session, players, pace=0.0, fail_after=3, on_error=reports.append)
    player.play(0.0)
    wait_for(lambda: player.error is not None, "the failure")
    player.play(1.0)  # nothing happens, nothing raises
    player.seek(2.0)
    player.pause()
    player.resume()
    time.sleep(0.1)
    assert reports == [player.error] and not player.playing
    assert "listening back on 'Fake speakers' failed: " in reports[0] and "\n" not in reports[0]
    timing = recording_time(log_events(session))
    assert timing is not None
    ReplayAudio(timing, player).follow(RECORDED_AT + 2.0, 1.0, paused=False)  # silent, no raise
    assert reports == [player.error] and not player.playing


def test_an_unreadable_recording_is_one_line(tmp_path: Path) -> None:
    for path, message in ((tmp_path / "gone.wav", "cannot play the recording gone.wav: "),
                          (tmp_path / "empty.wav", "the recording empty.wav holds no audio")):
        if path.name == "empty.wav":
            sf.write(str(path), np.zeros(0, dtype=np.int16), 16_000, subtype="PCM_16")
        with pytest.raises(RecordingUnreadable, match=message) as info:
            ListenBack(path, sd=FakeSoundDevice(rates=(16_000,)))  # type: ignore[arg-type]
        assert "\n" not in str(info.value)


def test_no_output_in_process_is_an_output_device_error(session: Path) -> None:
    class NoOutputs(FakeSoundDevice):
        def query_devices(self, device: object = None, kind: str | None = None) -> object:
            return []

    with pytest.raises(OutputDeviceError, match="no audio output device found"):
        ListenBack(session / "audio.wav", sd=NoOutputs())  # type: ignore[arg-type]


def test_commands_from_many_threads_never_break_it(session: Path,
                                                   players: list[ListenBack]) -> None:
    player = stand_in(session, players, pace=0.2)
    errors: list[BaseException] = []

    def poke(seed: int) -> None:
        rng = np.random.default_rng(seed)
        try:
            for _ in range(60):
                choice = int(rng.integers(5))
                if choice == 0:
                    player.play(float(rng.uniform(0, 12)))
                elif choice == 1:
                    player.pause()
                elif choice == 2:
                    player.resume()
                elif choice == 3:
                    player.seek(float(rng.uniform(0, 12)))
                else:
                    player.speed = float(rng.choice([0.5, 1.0, 2.0, 4.0]))
                assert 0.0 <= player.position() <= player.duration
                time.sleep(0.002)
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=poke, args=(seed,)) for seed in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors and player.error is None
    player.speed = 4.0
    player.play(11.0)
    wait_for(lambda: player.finished, "the end after the storm")


# -- the replay's sync ------------------------------------------------------------------------

def test_replay_audio_follows_the_replay_clock(session: Path, players: list[ListenBack]) -> None:
    timing = recording_time(log_events(session))
    assert timing is not None
    player = stand_in(session, players)
    audio = ReplayAudio(timing, player)
    audio.follow(1.0, 1.0, paused=False)  # before the recording started: silent
    assert not player.playing and audio.heard_session_t() is None
    shown_from, began = RECORDED_AT + 1.0, time.monotonic()

    def shown() -> float:
        return shown_from + (time.monotonic() - began)

    audio.follow(shown(), 1.0, paused=False)
    assert player.playing
    for _ in range(8):
        time.sleep(0.1)
        audio.follow(shown(), 1.0, paused=False)
    heard = audio.heard_session_t()
    assert heard is not None and abs(heard - shown()) < 0.35
    first = timing.captions[0]
    mid = RECORDED_AT + (first.start + first.end) / 2
    assert audio.caption_heard(mid) in (None, *timing.captions)
    audio.follow(mid, 1.0, paused=True)  # the replay paused on the first caption
    assert not player.playing and audio.caption_heard(mid) == first
    audio.follow(shown_from + 10.0, 1.0, paused=False)  # a seek of 10 s
    assert player.position() == pytest.approx(11.0)
    audio.follow(shown_from + 10.0, 8.0, paused=False)  # too fast to hear: silent
    assert not player.playing
    audio.follow(shown_from + 10.0, 2.0, paused=False)
    assert player.playing and player.speed == 2.0
    audio.close()
    assert not player.playing or player.error is None


def test_replay_audio_open_finds_the_sessions_recording(session: Path) -> None:
    assert ReplayAudio.open(session, [make_event("session_started", 0.0, layout={},
                                                 prompt={})]) is None
    sd = FakeSoundDevice(rates=(16_000,))
    audio = ReplayAudio.open(session, log_events(session), sd=sd)  # type: ignore[arg-type]
    assert audio is not None and audio.timing.start_t == RECORDED_AT
    assert audio.player.duration == pytest.approx(len(recorded(session)) / ENGINE_RATE)
    audio.close()
    with pytest.raises(OutputDeviceError, match="no output device matches 'hdmi'"):
        ReplayAudio.open(session, log_events(session), device="hdmi", sd=sd)  # type: ignore[arg-type]


def test_disk_use_is_32000_bytes_a_second(session: Path) -> None:
    size = (session / "audio.wav").stat().st_size
    seconds = len(recorded(session)) / ENGINE_RATE
    assert (size - 44) / seconds == pytest.approx(32_000, rel=0.001)
    assert round(32_000 * 3600 / 1e6) == 115  # MB an hour, as docs/voice.md says


# -- speed: a time-stretch at the voice's own pitch ---------------------------------------------

def rendered(path: Path, speed: float, out_rate: int | None = None) -> np.ndarray:
    renderer = Renderer(path, out_rate)
    renderer.start(0, speed)
    blocks: list[np.ndarray] = []
    while (block := renderer.next_block(1024)) is not None:
        blocks.append(block)
    renderer.close()
    return np.concatenate(blocks)


@pytest.mark.parametrize("speed", [0.5, 2.0, 4.0])
def test_speed_changes_the_time_and_keeps_the_pitch(speed: float, tmp_path: Path) -> None:
    seconds = np.arange(3 * ENGINE_RATE) / ENGINE_RATE
    tone = tmp_path / "tone.wav"
    sf.write(str(tone), 0.3 * np.sin(2 * np.pi * 440.0 * seconds), ENGINE_RATE,
             subtype="PCM_16")
    out = rendered(tone, speed).astype(np.float32)
    assert abs(len(out) - len(seconds) / speed) <= 640
    spectrum = np.abs(np.fft.rfft(out * np.hanning(len(out))))
    assert np.argmax(spectrum) * ENGINE_RATE / len(out) == pytest.approx(440.0, abs=2.0)


def test_1x_on_a_48k_device_is_the_recording_converted(session: Path) -> None:
    out = rendered(session / "audio.wav", 1.0, 48_000)
    assert abs(len(out) - 3 * len(recorded(session))) < 100


def test_2x_speech_is_still_understood(session: Path) -> None:
    require_module("faster_whisper")
    from tests.speech.voice_sentences import wer
    from tui.speech.engines.whisper_engine import WhisperEngine

    engine = WhisperEngine(fx.whisper_tiny_en(), threads=2)
    try:
        engine.set_backlog(10.0)  # one decode per utterance
        heard = fx.finals_text(fx.feed(engine, rendered(fx.wav("hibari_walkthrough"), 2.0)))
    finally:
        engine.close()
    assert wer(fx.truth("hibari_walkthrough"), heard) < 0.10, heard
