"""The interviewer's voice (issue 14): synthesis, the speaking gate, playback on a real PortAudio
output (an ALSA file device in a child process) and on a paced stand-in, `boardless voice say`,
and the round trip voice -> Whisper that the issue checks."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from tests.speech.alsa_file_device import crashing_env, run_child
from tests.speech.alsa_output_device import (
    SPEAKER,
    contains_only,
    no_output_env,
    played,
    speaker_env,
)
from tests.speech.audio_fixtures import feed, finals_text, whisper_tiny_en
from tests.speech.fake_output import FakeSoundDevice
from tests.speech.voice_sentences import MAX_WER, SENTENCES, STAMPEDE, transcript, wer
from tests.support import require_module
from tui.speech.types import AudioBlock
from tui.speech.voice.errors import OutputDeviceError, VoiceLoadError
from tui.speech.voice.gate import VOICE_GATED, Interval, Speaking, mute_heard_voice
from tui.speech.voice.model import VOICE_RATE, load_model, shared_model
from tui.speech.voice.outputs import OutputDevice, resolve_output_device
from tui.speech.voice.playback import Player
from tui.speech.voice.speaker import InterviewerVoice
from tui.speech.voice.synthesis import stream_speech, synthesize

TWO_SENTENCES = "Let's start with the requirements. Who are the users, and how many are there?"


def boardless(*args: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, BOARDLESS_CONFIG_DIR=str(tmp_path / "config"),
               BOARDLESS_DATA_DIR=str(tmp_path / "data"), HF_HUB_OFFLINE="1")
    return subprocess.run([sys.executable, "-m", "tui", *args], capture_output=True, text=True,
                          timeout=180, env=env, check=False)


# -- synthesis --------------------------------------------------------------------------------

def test_importing_the_voice_loads_no_model_and_no_portaudio() -> None:
    code = ("import sys\nimport tui.speech, tui.speech.voice\n"
            "from tui.speech.voice import gate, outputs, playback, speaker, synthesis, wavfile\n"
            "import tui.cli.voice_cmd\n"
            "heavy = ('onnxruntime', 'hibari', 'sounddevice')\n"
            "print(sorted(m for m in heavy if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60, check=True)
    assert done.stdout.strip() == "[]"


def test_the_model_is_loaded_once_and_shared() -> None:
    assert shared_model() is shared_model()
    assert shared_model().path.is_file() and shared_model().path.suffix == ".onnx"


def test_same_text_and_seed_give_the_same_samples() -> None:
    first = synthesize(STAMPEDE, seed=3)
    assert first.rate == VOICE_RATE and first.samples.dtype == np.float32
    assert 2.0 < first.duration < 6.0
    assert np.abs(first.samples).max() <= 1.0
    assert np.array_equal(first.samples, synthesize(STAMPEDE, seed=3).samples)
    assert not np.array_equal(first.samples, synthesize(STAMPEDE, seed=4).samples)


def test_16k_is_the_same_speech_resampled() -> None:
    high, low = synthesize(STAMPEDE), synthesize(STAMPEDE, rate=16_000)
    assert low.rate == 16_000
    assert abs(low.duration - high.duration) < 0.01
    assert low.int16().dtype == np.int16
    with pytest.raises(ValueError):
        synthesize(STAMPEDE, rate=22_050)


def test_long_text_comes_sentence_by_sentence() -> None:
    text = " ".join(SENTENCES.values())
    began = time.perf_counter()
    parts = stream_speech(text)
    first = next(parts)
    first_after = time.perf_counter() - began
    rest = list(parts)
    total = time.perf_counter() - began
    assert first.text == STAMPEDE
    assert len(rest) == len(SENTENCES)  # the numbers question is two sentences
    assert first_after < total / 3  # the first sentence does not wait for the others
    whole = synthesize(text)
    assert np.array_equal(whole.samples, np.concatenate([first.samples,
                                                         *(p.samples for p in rest)]))


def test_nothing_to_say_is_empty_audio() -> None:
    assert len(synthesize("   ").samples) == 0
    assert list(stream_speech("")) == []


def test_a_broken_or_missing_model_is_one_line(tmp_path: Path) -> None:
    broken = tmp_path / "voice.onnx"
    broken.write_bytes(b"not a model")
    with pytest.raises(VoiceLoadError) as info:
        load_model(broken)
    assert "cannot load" in str(info.value) and "\n" not in str(info.value)
    with pytest.raises(VoiceLoadError, match="is missing: reinstall hibari-tts"):
        load_model(tmp_path / "gone.onnx")


def test_loading_and_speaking_never_touch_the_network(monkeypatch: pytest.MonkeyPatch) -> None:
    import socket
    import urllib.request

    def no_network(*args: object, **kwargs: object) -> None:
        raise AssertionError("the voice tried the network")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(urllib.request, "urlopen", no_network)
    model = load_model()
    assert len(synthesize("Hello there.", model=model).samples) > 0


def test_no_hibari_is_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "hibari", None)
    with pytest.raises(VoiceLoadError, match="needs hibari-tts: pip install hibari-tts"):
        load_model()


# -- the speaking gate --------------------------------------------------------------------------

def test_gate_says_when_the_interviewer_sounds() -> None:
    now = [100.0]
    gate = Speaking(clock=lambda: now[0], tail=0.5)
    assert not gate.is_speaking() and gate.interval() is None
    token = gate.begin(101.0, 104.0)
    assert not gate.is_speaking()  # not yet out of the speakers
    now[0] = 102.0
    assert gate.is_speaking() and gate.interval() == Interval(101.0, 104.0)
    assert gate.is_speaking(at=104.4) and not gate.is_speaking(at=104.6)  # the tail
    gate.finish(token, 103.0)  # cut short
    assert gate.intervals() == [Interval(101.0, 103.0)]
    assert gate.overlaps(99.0, 101.0) and gate.overlaps(103.2, 103.4)
    assert not gate.overlaps(99.0, 100.9) and not gate.overlaps(103.6, 110.0)


def test_gate_joins_back_to_back_audio_and_keeps_separate_questions_apart() -> None:
    gate = Speaking(clock=lambda: 0.0, tail=0.3)
    gate.begin(1.0, 2.0)
    last = gate.begin(2.1, 3.0)  # the next sentence, within the tail
    gate.finish(last, 3.0)
    gate.begin(10.0, 12.0)
    assert gate.intervals() == [Interval(1.0, 3.0), Interval(10.0, 12.0)]


def test_gate_is_safe_across_threads() -> None:
    gate = Speaking(clock=lambda: 0.0, tail=0.0)
    errors: list[Exception] = []

    def writer(base: float) -> None:
        for step in range(200):
            start = base + step * 10.0
            gate.finish(gate.begin(start, start + 1.0), start + 0.5)

    def reader() -> None:
        try:
            for step in range(2000):
                gate.is_speaking(at=float(step))
                gate.overlaps(float(step), step + 1.0)
        except Exception as error:  # a torn read would show here
            errors.append(error)

    threads = [threading.Thread(target=writer, args=(base,)) for base in (0.0, 5.0)]
    threads.append(threading.Thread(target=reader))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert len(gate.intervals()) == 256  # the newest are kept
    assert all(i.end - i.start == 0.5 for i in gate.intervals())


def test_captured_blocks_heard_during_the_voice_become_silence() -> None:
    gate = Speaking(clock=lambda: 0.0, tail=0.3)
    gate.begin(10.0, 12.0)
    data = np.full((800, 1), 1000, dtype=np.int16)  # 50 ms at 16 kHz

    def block(arrival: float) -> AudioBlock:
        return AudioBlock(data, 16_000, arrival, meta={"n": 1})

    before, during, echo, after = (block(t) for t in (9.9, 11.0, 12.32, 12.5))
    assert mute_heard_voice(before, gate) is before
    assert mute_heard_voice(after, gate) is after
    for heard in (during, echo):
        muted = mute_heard_voice(heard, gate)
        assert muted.data.shape == data.shape and not muted.data.any()
        assert muted.meta == {"n": 1, VOICE_GATED: True} and muted.arrival == heard.arrival
    assert data.all()  # the captured block itself is left alone


# -- output devices -----------------------------------------------------------------------------

OUTPUTS = [OutputDevice(0, "HDA Intel PCH: ALC257 Analog", 2, 48_000, False),
           OutputDevice(3, "USB headset", 2, 48_000, True),
           OutputDevice(4, "USB headset monitor", 2, 44_100, False)]


def test_output_is_chosen_by_default_index_or_name() -> None:
    assert resolve_output_device(None, OUTPUTS).index == 3
    assert resolve_output_device("0", OUTPUTS).index == 0
    assert resolve_output_device(4, OUTPUTS).index == 4
    assert resolve_output_device("usb headset", OUTPUTS).index == 3  # exact beats substring
    assert resolve_output_device("alc257", OUTPUTS).index == 0


@pytest.mark.parametrize("spec, message", [
    (None, "no audio output device found"), ("9", "no output device with index 9"),
    ("hdmi", "no output device matches 'hdmi'"), ("usb", "matches several output devices")])
def test_unusable_output_choice_is_one_line(spec: str | None, message: str) -> None:
    with pytest.raises(OutputDeviceError, match=message) as info:
        resolve_output_device(spec, [] if spec is None else OUTPUTS)
    assert "\n" not in str(info.value)


# -- playback on a paced stand-in ---------------------------------------------------------------

@pytest.fixture
def tone() -> np.ndarray:
    """One second of a quiet tone, float32 at 24 kHz."""
    return (0.2 * np.sin(np.arange(VOICE_RATE) * 0.05)).astype(np.float32)


@pytest.fixture
def players() -> Iterator[list[Player]]:
    made: list[Player] = []
    yield made
    for player in made:
        player.close()


def test_player_plays_in_order_and_the_gate_follows(tone: np.ndarray,
                                                    players: list[Player]) -> None:
    sd = FakeSoundDevice()
    player = Player(sd=sd, gate=Speaking(tail=0.1))
    players.append(player)
    assert player.rate == VOICE_RATE and player.device.name == "Fake speakers"
    half = len(tone) // 2
    player.play(tone[:half], VOICE_RATE)
    player.play(tone[half:], VOICE_RATE)
    time.sleep(0.2)
    assert player.busy and player.gate.is_speaking()
    assert player.wait(timeout=5)
    assert np.array_equal(sd.samples(), player.pcm(tone, VOICE_RATE))
    assert sd.events == ["start", "stop", "close"]  # one stream for back-to-back audio
    (interval,) = player.gate.intervals()
    assert 0.9 < interval.end - interval.start < 1.5
    time.sleep(0.15)
    assert not player.gate.is_speaking()


def test_stop_cuts_the_audio_and_later_audio_still_plays(tone: np.ndarray,
                                                         players: list[Player]) -> None:
    sd = FakeSoundDevice()
    player = Player(sd=sd, gate=Speaking(tail=0.0))
    players.append(player)
    player.play(tone, VOICE_RATE)
    player.play(tone, VOICE_RATE)
    time.sleep(0.25)
    stopped_at = time.monotonic()
    player.stop()
    assert player.wait(timeout=1)
    assert "abort" in sd.events
    assert len(sd.samples()) < len(tone) // 2
    (interval,) = player.gate.intervals()
    assert interval.end <= stopped_at + 0.2 and not player.gate.is_speaking()
    player.play(tone[:2400], VOICE_RATE)
    assert player.wait(timeout=2)
    assert np.array_equal(sd.samples()[-2400:], player.pcm(tone[:2400], VOICE_RATE))


def test_a_device_without_24k_gets_the_voice_resampled(tone: np.ndarray,
                                                        players: list[Player]) -> None:
    sd = FakeSoundDevice(rates=(48_000,), pace=0.0)
    player = Player(sd=sd)
    players.append(player)
    assert player.rate == 48_000
    player.play(tone, VOICE_RATE)
    assert player.wait(timeout=5)
    assert abs(len(sd.samples()) - 48_000) < 50


def test_no_workable_rate_is_one_line() -> None:
    with pytest.raises(OutputDeviceError, match="takes neither 24000 Hz nor its own 48000 Hz"):
        Player(sd=FakeSoundDevice(rates=(8_000,)))


def test_a_device_failing_while_playing_is_reported_once_then_silence(
        tone: np.ndarray, players: list[Player]) -> None:
    sd = FakeSoundDevice(pace=0.0, fail_after=3)
    reports: list[str] = []
    player = Player(sd=sd, on_error=reports.append)
    players.append(player)
    player.play(tone, VOICE_RATE)
    assert player.wait(timeout=5)
    player.play(tone, VOICE_RATE)  # dropped, no exception
    assert player.wait(timeout=1)
    assert reports == [player.error]
    assert player.error and "'Fake speakers' failed: " in player.error and "\n" not in reports[0]
    assert sd.writes == 3 and not player.gate.is_speaking(at=time.monotonic() + 1.0)


def test_interviewer_voice_reads_sentence_by_sentence(players: list[Player]) -> None:
    sd = FakeSoundDevice(pace=0.0)
    voice = InterviewerVoice(Player(sd=sd))
    players.append(voice.player)
    voice.say(TWO_SENTENCES)
    assert voice.wait(timeout=30)
    voice.close()
    sentences = list(stream_speech(TWO_SENTENCES))
    assert len(sentences) == 2
    assert np.array_equal(sd.samples(), np.concatenate([s.int16() for s in sentences]))
    assert voice.speaking is voice.player.gate and len(voice.speaking.intervals()) == 1


def test_stop_silences_the_interviewer_mid_text(players: list[Player]) -> None:
    sd = FakeSoundDevice()  # paced: 4 s of speech takes 4 s to write
    voice = InterviewerVoice(Player(sd=sd))
    players.append(voice.player)
    voice.say(STAMPEDE)
    voice.say(TWO_SENTENCES)
    time.sleep(0.5)
    assert not voice.wait(timeout=0.1)
    voice.stop()
    assert voice.wait(timeout=2)
    assert 0 < len(sd.samples()) < synthesize(STAMPEDE).duration * VOICE_RATE
    voice.say("Next question.")
    assert voice.wait(timeout=10)
    assert np.array_equal(sd.samples()[-len(synthesize("Next question.").samples):],
                          synthesize("Next question.").int16())
    voice.close()


def test_a_voice_that_cannot_load_is_reported_once(players: list[Player]) -> None:
    reports: list[str] = []

    def broken() -> None:  # type: ignore[return]
        raise VoiceLoadError("the interviewer's voice cannot load from x.onnx: damaged")

    voice = InterviewerVoice(Player(sd=FakeSoundDevice()), model=broken,  # type: ignore[arg-type]
                             on_error=reports.append)
    players.append(voice.player)
    voice.say("Hello.")
    voice.say("Again.")
    assert voice.wait(timeout=5)
    voice.close()
    assert reports == ["the interviewer's voice cannot load from x.onnx: damaged"]


# -- playback on a real PortAudio output --------------------------------------------------------

PLAY = """
import json
from tui.speech.voice.speaker import open_voice
voice = open_voice({device!r})
voice.say({text!r})
done = voice.wait(timeout=60)
gate = voice.speaking
voice.close()
print(json.dumps({{"done": done, "rate": voice.player.rate, "device": voice.player.device.name,
                  "error": voice.error, "intervals": len(gate.intervals())}}))
"""

OPEN = """
import json
from tui.speech.voice.errors import OutputDeviceError
from tui.speech.voice.playback import Player
try:
    Player({device!r})
    print(json.dumps({{"error": None}}))
except OutputDeviceError as error:
    print(json.dumps({{"error": str(error)}}))
"""


def test_the_voice_on_a_real_output_writes_exactly_what_was_played(tmp_path: Path) -> None:
    outfile = tmp_path / "speaker.raw"
    env = speaker_env(tmp_path, outfile)
    result = run_child(PLAY.format(device=SPEAKER, text=TWO_SENTENCES), env)
    assert result == {"done": True, "rate": VOICE_RATE, "device": SPEAKER, "error": None,
                      "intervals": 1}
    expected = np.concatenate([s.int16() for s in stream_speech(TWO_SENTENCES)])
    written = played(outfile)
    assert contains_only(written, expected), (len(written), len(expected))


def test_no_output_device_is_one_line(tmp_path: Path) -> None:
    result = run_child(OPEN.format(device=None), no_output_env(tmp_path))
    assert result["error"].startswith("no audio output device found")


def test_a_portaudio_that_would_crash_is_one_line(tmp_path: Path) -> None:
    result = run_child(OPEN.format(device=None), crashing_env(tmp_path))
    assert result["error"].startswith("no audio output: PortAudio crashed while listing")


def test_an_unknown_output_is_one_line_listing_the_outputs(tmp_path: Path) -> None:
    env = speaker_env(tmp_path, tmp_path / "speaker.raw")
    result = run_child(OPEN.format(device="hdmi"), env)
    assert result["error"].startswith("no output device matches 'hdmi'; outputs are ")
    assert SPEAKER in result["error"]


# -- boardless voice say ------------------------------------------------------------------------

def test_voice_say_writes_a_wav_at_either_rate(tmp_path: Path) -> None:
    out = tmp_path / "q.wav"
    run = boardless("voice", "say", STAMPEDE, "-o", str(out), tmp_path=tmp_path)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == str(out)
    assert re.fullmatch(r"voice loaded in [\d.]+ s; [\d.]+ s of audio at 24000 Hz synthesised "
                        r"in [\d.]+ s \(\d+x real time\)\n", run.stderr), run.stderr
    samples, rate = sf.read(str(out), dtype="int16")
    assert rate == VOICE_RATE and samples.ndim == 1
    assert np.array_equal(samples, synthesize(STAMPEDE).int16())
    run = boardless("voice", "say", STAMPEDE, "-o", str(out), "--rate", "16000", "--seed", "5",
                    tmp_path=tmp_path)
    assert run.returncode == 0, run.stderr
    assert sf.info(str(out)).samplerate == 16_000
    assert not list(tmp_path.glob("*.part"))


@pytest.mark.parametrize("args, code, message", [
    (["", "-o", "x.wav"], 2, "TEXT is empty"),
    (["Hi.", "-o", "x.mp3"], 2, "the output must be a .wav file"),
    (["Hi.", "-o", "x.wav", "--rate", "8000"], 2, "invalid choice"),
    (["Hi.", "-o", "x.wav", "--speed", "5"], 2, "must be between 0.5 and 2.0"),
    (["Hi."], 2, "-o/--output"),
    (["Hi.", "-o", "no/such/dir/x.wav"], 1, "no directory"),
])
def test_voice_say_errors_are_one_line(args: list[str], code: int, message: str,
                                       tmp_path: Path) -> None:
    run = boardless("voice", "say", *args, tmp_path=tmp_path)
    assert run.returncode == code
    assert len(run.stderr.strip().splitlines()) == 1 and message in run.stderr
    assert "Traceback" not in run.stderr


# -- the round trip the issue checks: voice -> Whisper ------------------------------------------

def test_the_issue_check_voice_say_then_transcribe(tmp_path: Path) -> None:
    wav = tmp_path / "x.wav"
    say = boardless("voice", "say", STAMPEDE, "-o", str(wav), tmp_path=tmp_path)
    assert say.returncode == 0, say.stderr
    heard = boardless("transcribe", str(wav), tmp_path=tmp_path)
    assert heard.returncode == 0, heard.stderr
    text = transcript(heard.stdout)
    assert wer(STAMPEDE, text) < MAX_WER, (text, heard.stderr)


@pytest.fixture(scope="module")
def whisper():  # type: ignore[no-untyped-def]
    require_module("faster_whisper")
    from tui.speech.engines.whisper_engine import WhisperEngine

    engine = WhisperEngine(whisper_tiny_en(), threads=2)
    engine.set_backlog(10.0)  # one decode per utterance, as `boardless transcribe` runs it
    yield engine
    engine.close()


@pytest.mark.parametrize("name", [name for name in SENTENCES if name != "stampede"])
def test_whisper_hears_the_interviewer(name: str, whisper) -> None:  # type: ignore[no-untyped-def]
    speech = synthesize(SENTENCES[name], rate=16_000)
    text = finals_text(feed(whisper, speech.int16()))
    assert wer(SENTENCES[name], text) < MAX_WER, text

