"""Whisper on a whole file: faster-whisper's own decode, kept to the speech Silero VAD hears.

`boardless transcribe` decodes a file of several utterances this way, since nobody is waiting on
a live caption: beam search over 30 s windows, each window conditioned on the text before it, in
the precision the model was saved in. The live engine (`whisper_engine`) instead cuts utterances
at pauses and decodes each alone, so that a caption arrives within 0.8 s; with no earlier
sentences to lean on it hears "ad" as "add" and "queue" as "cue" a little more often. On a single
utterance there is no context to gain, and the live engine's decode is the better one (its
verbatim prompt keeps fillers; see `bench/bench_wer.py` for both measures), so
`utterance_spans` tells the two cases apart the way the live engine cuts speech.

Whisper writes words into silence and noise ("You", "."), and after a long silence it may
repeat a sentence from before. Silero VAD (shipped with faster-whisper, run with
faster-whisper's default options) marks where speech is. A segment is kept only when at least
half of it, or a whole second, lies in that speech; its times are then cut to the speech. A file
with no speech at all is not decoded.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from tui.speech.engines.results import make_result
from tui.speech.engines.whisper_model import load_model
from tui.speech.engines.whisper_vad import PAD_S, SPEECH_OFF, SPEECH_ON
from tui.speech.errors import AudioFileError
from tui.speech.types import ENGINE_RATE, Recognition

SPEECH_SHARE = 0.5  # a segment at least this much inside heard speech is kept
SPEECH_AT_LEAST_S = 1.0  # as is one with at least this many seconds of speech in it
PIECE_S = 600.0  # longer files are decoded ten minutes at a time


@dataclass(frozen=True)
class Span:
    """Seconds from the start of the file."""

    start: float
    end: float


def speech_spans(audio: np.ndarray) -> list[Span]:
    """Where Silero VAD hears speech in 16 kHz float32 audio (padded by 0.4 s, as faster-whisper
    pads it)."""
    from faster_whisper.vad import VadOptions

    return _heard(audio, VadOptions())


def utterance_spans(audio: np.ndarray) -> list[Span]:
    """The utterances the live Whisper engine would cut 16 kHz float32 audio into: speech
    (Silero at its thresholds, clicks under 0.25 s left out) split at pauses of 0.4 s."""
    from faster_whisper.vad import VadOptions

    return _heard(audio, VadOptions(threshold=SPEECH_ON, neg_threshold=SPEECH_OFF,
                                    min_speech_duration_ms=250, min_silence_duration_ms=400,
                                    speech_pad_ms=int(PAD_S * 1000)))


def _heard(audio: np.ndarray, options: Any) -> list[Span]:
    """Silero VAD's speech timestamps with `options`, in seconds."""
    from faster_whisper.vad import get_speech_timestamps

    stamps = get_speech_timestamps(audio, options)
    return [Span(s["start"] / ENGINE_RATE, s["end"] / ENGINE_RATE) for s in stamps]


def within_speech(start: float, end: float, spans: list[Span]) -> Span | None:
    """The part of a segment [start, end] that lies in speech, or None when too little does.

    Kept: at least `SPEECH_SHARE` of the segment, or `SPEECH_AT_LEAST_S`, is speech (a segment
    whose window began in a long pause still holds the sentence said at its end). The times
    returned run from the first to the last bit of speech inside the segment.
    """
    touching = [s for s in spans if s.start < end and start < s.end]
    heard = sum(min(end, s.end) - max(start, s.start) for s in touching)
    if not touching or heard < min(SPEECH_SHARE * (end - start), SPEECH_AT_LEAST_S):
        return None
    return Span(max(start, touching[0].start), min(end, touching[-1].end))


def read_audio(path: Path) -> np.ndarray:
    """A file as 16 kHz mono float32, decoded and resampled as faster-whisper decodes it."""
    from faster_whisper import decode_audio

    try:
        return np.asarray(decode_audio(str(path), sampling_rate=ENGINE_RATE), dtype=np.float32)
    except Exception as error:  # PyAV raises its own errors for damaged files
        raise AudioFileError(f"{path.name}: could not be decoded ({error})") from error


def pieces(spans: list[Span], duration: float) -> list[tuple[float, float]]:
    """The file cut into pieces of at most `PIECE_S` (one piece when it is that short), in the
    middle of pauses between the utterances `spans`.

    faster-whisper computes the features of all the audio it is given at once, about 70 MB a
    minute at its peak: an hour's round would take 4 GB. Longer files are decoded a piece at a
    time, each cut in the middle of the last pause before it is full (where it is full when
    there is none). A piece starts afresh, without the text before it: given that text as a
    prompt, tiny.en ran sentences together and left some out (200 errors in 1,788 words of the
    benchmark's clips joined, against 45 afresh and 44 in one piece).
    """
    if duration <= PIECE_S:
        return [(0.0, duration)]
    pauses = [(a.end + b.start) / 2 for a, b in zip(spans, spans[1:]) if b.start > a.end]
    cuts, last_pause = [0.0], 0.0
    for moment in [*pauses, duration]:
        while moment - cuts[-1] > PIECE_S:
            # The last pause before the piece is full; with none, where it is full.
            cuts.append(last_pause if last_pause > cuts[-1] else cuts[-1] + PIECE_S)
        last_pause = moment
    return list(zip(cuts, [*cuts[1:], duration]))


class WholeFileWhisper:
    """Decodes whole recordings with faster-whisper's defaults, keeping only heard speech."""

    name = "whisper"

    def __init__(self, model: str | Path, threads: int = 2, language: str = "en") -> None:
        self.model, self.model_source = load_model(model, threads, compute_type="default")
        self.language = language

    def transcribe(
        self, audio: np.ndarray, utterances: list[Span] | None = None
    ) -> Iterator[Recognition]:
        """Finals, one per Whisper segment in speech, in order; lazily, as they are decoded.

        `utterances` are the audio's `utterance_spans` when the caller has them already (they
        place the cuts between pieces of a long file). The finals carry no word times
        (Whisper's word alignment shifts where the next window starts, and with it the words)
        and no delay (nothing is live).
        """
        spans = speech_spans(audio)
        if not spans:
            return
        duration = len(audio) / ENGINE_RATE
        if duration > PIECE_S and utterances is None:
            utterances = utterance_spans(audio)
        cuts = pieces(utterances or [], duration)
        for start, end in cuts:
            piece = audio[int(start * ENGINE_RATE):int(end * ENGINE_RATE)]
            segments, _info = self.model.transcribe(piece, language=self.language)
            for segment in segments:
                kept = within_speech(start + segment.start, start + segment.end, spans)
                if kept is None or not any(ch.isalnum() for ch in segment.text):
                    continue
                yield make_result(self.name, segment.text, True, kept.start, kept.end)

    def close(self) -> None:
        """Release the model."""
        self.model = None
