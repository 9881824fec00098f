"""The real Whisper engine (faster-whisper, tiny.en int8) on the committed fixtures.

One engine is loaded for the whole module; WER runs tell it that audio is waiting
(`set_backlog`) so it decodes each utterance once, the way `boardless transcribe` runs it.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from tests.speech.audio_fixtures import (
    ENGLISH,
    feed,
    finals_text,
    load_pcm,
    truth,
    wer,
    whisper_tiny_en,
)
from tests.support import require_module
from tui.speech.errors import ModelError
from tui.speech.types import ENGINE_RATE

#: Measured WER: 0.0 on every hibari clip; on espeak_tradeoff ("key value" heard as "key
#: mouse", "higher write" as "high-right") 0.156 with earlier wheels and 0.219 with ctranslate2
#: 4.8.5 ("could" also heard as "can"), which a fresh install now resolves; 0.281 with the
#: verbatim prompt that keeps fillers ("key mail used or"): robotic speech is not what the prompt
#: is for (on natural speech it lowers the error rate, bench/bench_wer.py). Pinned a little above.
MAX_WER = dict.fromkeys(ENGLISH, 0.05) | {"espeak_tradeoff": 0.3}


@pytest.fixture(scope="module")
def engine():  # type: ignore[no-untyped-def]
    require_module("faster_whisper")
    from tui.speech.engines.whisper_engine import WhisperEngine

    built = WhisperEngine(whisper_tiny_en(), threads=2)
    yield built
    built.close()


@pytest.fixture
def fast(engine):  # type: ignore[no-untyped-def]
    """The engine told it is behind: no partials, one decode per utterance."""
    engine.set_backlog(10.0)
    yield engine
    engine.flush()
    engine.set_backlog(0.0)


def test_available_and_bundled_model() -> None:
    from tui.speech.engines import whisper_engine

    assert whisper_engine.available() is None
    assert whisper_engine.bundled_model_path() == whisper_tiny_en()


@pytest.mark.parametrize("name", ENGLISH)
def test_word_error_rate_is_pinned(fast, name: str) -> None:  # type: ignore[no-untyped-def]
    results = feed(fast, load_pcm(name))
    assert all(r.final for r in results if r.text)  # behind: no partials, only signs of voice
    assert wer(truth(name), finals_text(results)) <= MAX_WER[name]


def test_signs_of_voice_while_speech_goes_on_none_in_the_pause(fast) -> None:  # type: ignore[no-untyped-def]
    start = fast._clock.seconds
    results = feed(fast, load_pcm("hibari_pause"))
    finals = [r for r in results if r.final]
    signs = [r for r in results if not r.final]
    assert len(finals) == 2 and all(r.text for r in finals)
    assert signs and all(r.text == "" and r.words == () for r in signs)
    for final in finals:  # each utterance: a sign at its start, then about every second
        inside = [s.end for s in signs if final.start - 0.05 <= s.start <= final.end]
        assert inside and inside[0] - final.start < 0.6
        gaps = [b - a for a, b in zip(inside, inside[1:])]
        assert all(gap < 1.3 for gap in gaps)
        assert final.end - inside[-1] < 1.5
    pause = (finals[0].end + 0.5, finals[1].start - 0.3)  # the four seconds of silence
    assert not [s for s in signs if pause[0] < s.end < pause[1]]
    assert finals[0].start >= start


def test_pause_cuts_two_utterances_with_word_times(fast) -> None:  # type: ignore[no-untyped-def]
    start = fast._clock.seconds  # the module's engine has heard other clips before
    pcm = load_pcm("hibari_pause")
    finals = [r for r in feed(fast, pcm) if r.final]
    assert len(finals) == 2
    first, second = (r.start - start for r in finals), (r.end - start for r in finals)
    assert list(first)[1] > 6.5 and list(second)[0] < 3.5  # split inside the 4 s pause
    for final in finals:
        assert final.engine == "whisper"
        words = final.words
        assert " ".join(w.text for w in words).replace(" ", "") == final.text.replace(" ", "")
        assert all(a.start <= b.start for a, b in zip(words, words[1:]))
        assert final.start - 1e-6 <= words[0].start and words[-1].end <= final.end + 1e-6
    assert finals[-1].end - start <= len(pcm) / ENGINE_RATE + 0.01


def room_noise(seconds: int, rms: float, seed: int) -> np.ndarray:
    """A quiet room: brown noise (air, traffic) with a fan's hum, at `rms` of full scale."""
    rng = np.random.default_rng(seed)
    brown = np.cumsum(rng.normal(size=ENGINE_RATE * seconds))
    brown -= np.convolve(brown, np.ones(1601) / 1601, mode="same")
    t = np.arange(len(brown)) / ENGINE_RATE
    hum = np.sin(2 * np.pi * 120 * t) + 0.5 * np.sin(2 * np.pi * 240 * t)
    mix = brown / np.std(brown) + 0.3 * hum
    return (mix / np.sqrt(np.mean(mix**2)) * rms * 32767).astype(np.int16)


def test_silence_and_noise_give_no_text(fast) -> None:  # type: ignore[no-untyped-def]
    # A minute of each: Whisper is known to write "Thank you." into silence; nothing here may
    # reach the log as a caption, partial or final.
    rng = np.random.default_rng(0)
    minute = ENGINE_RATE * 60
    silence = np.zeros(minute, dtype=np.int16)
    noise = rng.normal(0, 2000, minute).astype(np.int16)
    hum = (2000 * np.sin(np.arange(minute) * 2 * np.pi * 60 / ENGINE_RATE)).astype(np.int16)
    for signal in (silence, noise, hum, room_noise(60, 0.01, 1), room_noise(60, 0.03, 2)):
        assert feed(fast, signal) == []


def test_partials_while_speaking_when_idle(engine) -> None:  # type: ignore[no-untyped-def]
    engine.set_backlog(0.0)
    results = feed(engine, load_pcm("hibari_requirements")[: 7 * ENGINE_RATE])
    partials = [r for r in results if not r.final and r.text]
    assert partials, "an idle engine re-decodes the open utterance about once a second"
    assert all(a.text != b.text for a, b in zip(partials, partials[1:]))
    assert results[-1].final


def test_missing_and_broken_models_raise_model_error(tmp_path: Path) -> None:
    require_module("faster_whisper")
    from tui.speech.engines.whisper_engine import WhisperEngine

    with pytest.raises(ModelError, match="model.bin missing"):
        WhisperEngine(tmp_path / "nowhere")
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "model.bin").write_bytes(b"not a model")
    (broken / "config.json").write_text("{}")
    with pytest.raises(ModelError, match="failed to load") as caught:
        WhisperEngine(broken)
    assert "\n" not in str(caught.value)
    with pytest.raises(ModelError, match="not available offline"):
        WhisperEngine("no-such-whisper-model-name")


#: Sentences that tiny.en, prompted, wrote twice in one decode when each was said alone with a
#: pause after it ("... a very hot oven. In the morning, ... a very hot oven."): 3 of the 55
#: single sentences of bench/speech/clips.toml, in hibari's voice (seed, room noise as there),
#: decoded one after the other by one engine. Decoded alone, as here, the first still echoes.
ECHOED = (
    ("In the morning, shape it gently, let it rise once more, and bake it in a very hot oven.",
     5, False),
    ("And then, uh, the workers pull chunks and write the outputs to object storage.", 13, False),
    ("For normal users we push new posts into each follower's timeline cache at write time.",
     31, True),
)


@pytest.mark.parametrize(("sentence", "seed", "noisy"), ECHOED)
def test_a_sentence_said_once_is_written_once(fast, sentence: str, seed: int,  # type: ignore[no-untyped-def]
                                               noisy: bool) -> None:
    from bench.speech_clips import SpeechClip, synthesise

    clip = SpeechClip("echo", "read", "dev", (sentence,), seed=seed, noisy=noisy)
    pcm = (synthesise(clip) * 32767).astype(np.int16)
    finals = [r for r in feed(fast, pcm) if r.final]
    heard = finals_text(finals)
    assert wer(sentence, heard) <= 0.1, heard
    words = [w for r in finals for w in r.words]
    # The saying kept is the one whose word times follow the audio (at least 0.15 s a word).
    assert words[-1].end - words[0].start >= 0.15 * len(words), [(w.text, w.start) for w in words]


class _Said:
    """A word as faster-whisper gives it."""

    def __init__(self, word: str, start: float, end: float) -> None:
        self.word, self.start, self.end = word, start, end


def _said(text: str, start: float, step: float) -> list[_Said]:
    return [_Said(f" {w}", start + i * step, start + (i + 1) * step)
            for i, w in enumerate(text.split())]


def test_an_echo_keeps_the_saying_that_follows_the_audio() -> None:
    from tui.speech.engines.whisper_decode import _without_echo

    spoken = _said("bake it in a very hot oven.", 0.0, 0.4)
    squeezed = [_Said(w.word, 2.8, 2.8) for w in spoken]
    assert _without_echo(spoken + squeezed) == spoken
    assert _without_echo(squeezed + spoken) == spoken
    # Restarts and short repeats are speech: kept as said.
    restart = _said("we could we could shard it by user", 0.0, 0.3)
    assert _without_echo(restart) == restart
    three = _said("the cache the cache the cache", 0.0, 0.3)
    assert _without_echo(three) == three
    assert [w.word for w in _without_echo(_said("a b c d a b c d e", 0, 0.1))] == [
        " a", " b", " c", " d", " e"]
