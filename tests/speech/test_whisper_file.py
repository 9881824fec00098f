"""Whisper on a whole file (`boardless transcribe` on several utterances): faster-whisper's own
default decode, kept to the speech Silero VAD hears."""

from __future__ import annotations

import numpy as np
import pytest

from tests.speech.audio_fixtures import load_pcm, whisper_tiny_en
from tests.speech.test_whisper_engine import room_noise
from tests.support import require_module
from tui.speech.types import ENGINE_RATE


@pytest.fixture(scope="module")
def whole():  # type: ignore[no-untyped-def]
    require_module("faster_whisper")
    from tui.speech.engines.whisper_file import WholeFileWhisper

    decoder = WholeFileWhisper(whisper_tiny_en(), threads=2)
    yield decoder
    decoder.close()


def floats(pcm: np.ndarray) -> np.ndarray:
    return pcm.astype(np.float32) / 32768.0


def test_within_speech_keeps_segments_mostly_in_speech_and_cuts_their_times() -> None:
    from tui.speech.engines.whisper_file import Span, within_speech

    spans = [Span(1.0, 4.0), Span(10.0, 12.0)]
    assert within_speech(0.0, 5.0, spans) == Span(1.0, 4.0)
    assert within_speech(0.0, 11.0, spans) == Span(1.0, 11.0)
    # A window that began in a long pause still holds the sentence said at its end.
    assert within_speech(4.0, 30.0, spans) == Span(10.0, 12.0)
    # "You" written into the pause after speech: too little of it is speech.
    assert within_speech(3.8, 6.0, spans) is None
    assert within_speech(20.0, 22.0, spans) is None
    assert within_speech(0.0, 1.0, []) is None


def test_utterances_are_counted_as_the_live_engine_cuts_them() -> None:
    require_module("faster_whisper")
    from tui.speech.engines.whisper_file import utterance_spans

    assert len(utterance_spans(floats(load_pcm("hibari_pause")))) == 2
    assert utterance_spans(np.zeros(10 * ENGINE_RATE, dtype=np.float32)) == []
    assert utterance_spans(floats(room_noise(20, 0.03, 2))) == []


def test_the_text_is_faster_whispers_own_default_decode(whole) -> None:  # type: ignore[no-untyped-def]
    from faster_whisper import WhisperModel

    audio = floats(load_pcm("hibari_walkthrough"))
    reference = WhisperModel(str(whisper_tiny_en()), cpu_threads=2)  # beam 5, its defaults
    expected = [s.text.strip() for s in reference.transcribe(audio)[0]]
    heard = list(whole.transcribe(audio))
    assert [r.text for r in heard] == expected
    assert all(r.final and r.delay == 0.0 and r.words == () for r in heard)
    assert all(a.end <= b.start + 1e-6 for a, b in zip(heard, heard[1:]))


def test_words_written_into_silence_and_noise_are_dropped(whole) -> None:  # type: ignore[no-untyped-def]
    speech = load_pcm("hibari_pause")
    audio = floats(np.concatenate([speech, np.zeros(40 * ENGINE_RATE, np.int16), speech,
                                   room_noise(30, 0.01, 3)]))
    spoken_until = (2 * len(speech) + 40 * ENGINE_RATE) / ENGINE_RATE
    from faster_whisper import WhisperModel

    raw = WhisperModel(str(whisper_tiny_en()), cpu_threads=2).transcribe(audio)[0]
    assert any(s.start > spoken_until for s in raw), "the model does write into the noise"
    heard = list(whole.transcribe(audio))
    assert len(heard) == 4 and all(r.end <= spoken_until for r in heard)
    # The window that began in the 40 s pause is timed from the speech, not from the pause.
    assert heard[2].start > (len(speech) + 40 * ENGINE_RATE) / ENGINE_RATE - 0.5


@pytest.mark.parametrize("signal", ["silence", "room"])
def test_a_minute_of_silence_or_room_noise_is_not_decoded(whole, signal: str) -> None:  # type: ignore[no-untyped-def]
    minute = np.zeros(60 * ENGINE_RATE, np.int16) if signal == "silence" else room_noise(
        60, 0.03, 2)
    assert list(whole.transcribe(floats(minute))) == []


def test_long_files_are_cut_into_pieces_in_pauses() -> None:
    from tui.speech.engines.whisper_file import PIECE_S, Span, pieces

    assert pieces([Span(0.0, 5.0)], PIECE_S) == [(0.0, PIECE_S)]
    talk = [Span(i * 10.0, i * 10.0 + 8.0) for i in range(400)]  # 4000 s, a pause every 10 s
    cut = pieces(talk, 4000.0)
    assert cut[0][0] == 0.0 and cut[-1][1] == 4000.0
    assert all(a[1] == b[0] for a, b in zip(cut, cut[1:]))
    assert all(end - start <= PIECE_S for start, end in cut)
    assert all(start % 10.0 == 9.0 for start, _ in cut[1:])  # in the pauses (8 s to 10 s)
    assert len(cut) == 7  # as few as fit
    # Speech with no pause at all is cut where each piece is full.
    assert pieces([Span(0.0, 3000.0)], 3000.0) == [
        (i * PIECE_S, (i + 1) * PIECE_S) for i in range(5)]


def test_a_file_decoded_in_pieces_keeps_every_sentence_at_its_time(whole, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from tui.speech.engines import whisper_file

    speech = load_pcm("hibari_pause")  # two sentences 4 s apart, about 12 s
    audio = floats(np.concatenate([speech, np.zeros(3 * ENGINE_RATE, np.int16), speech]))
    at_once = list(whole.transcribe(audio))
    monkeypatch.setattr(whisper_file, "PIECE_S", 8.0)  # one sentence a piece
    cut = whisper_file.pieces(whisper_file.utterance_spans(audio), len(audio) / ENGINE_RATE)
    assert len(cut) == 4
    in_pieces = list(whole.transcribe(audio))
    assert [r.text for r in in_pieces] == [r.text for r in at_once]
    for a, b in zip(in_pieces, at_once):
        assert abs(a.start - b.start) < 1.0 and abs(a.end - b.end) < 1.0
