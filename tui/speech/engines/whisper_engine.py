"""Whisper engine: faster-whisper (CTranslate2, CPU int8) on utterances cut at pauses by Silero VAD.

Whisper is not a streaming model, so this engine runs the Silero VAD shipped with faster-whisper
chunk by chunk (32 ms, state carried across calls) and cuts an utterance after `min_silence_s`
of non-speech (or at `max_utterance_s`). Each utterance is decoded once, with word timestamps,
and gives one final; the decode starts speculatively after 0.1 s of silence (a pause that
turns out to be mid-sentence just discards it), so the final is ready sooner.

While speech continues, a cheap partial (no word times, a short encoder window) re-decodes the
last `PARTIAL_TAIL_S` of the open utterance (what is being said now, in a bounded time) at
most every `partial_every_s`, and only when the engine is idle: no audio waiting upstream
(`set_backlog`), the previous partial took well under the interval, and partials are cheap
enough (`max_partial_decode_s`) that one in flight when the speaker stops cannot push the
final much later.

Voice activity: while the VAD hears speech and no partial was shown for `ACTIVITY_EVERY_S`,
`accept` returns a partial with no text spanning the open utterance: the speaker is talking
(the app logs it as a `speech` event, from which dead air is timed).

Speed: the encoder sees the utterance plus 2 s (at least 10 s) instead of Whisper's 30 s
window, which halves the time to decode a sentence with the same words and word times.

Hallucination guard: silence and noise never reach the decoder (VAD), nor do clicks shorter
than `MIN_UTTERANCE_S`; what the decoder drops itself is in `whisper_decode`.

Modules: `whisper_vad` (Silero VAD on the stream), `whisper_model` (loading, encoder windows),
`whisper_decode` (finals, drafts, hallucination guard); this one cuts utterances and times them.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from tui.speech.engines.results import SampleClock, make_result
from tui.speech.engines.whisper_decode import VERBATIM_PROMPT, WhisperDecoder
from tui.speech.engines.whisper_model import available, bundled_model_path, load_model
from tui.speech.engines.whisper_vad import (
    PAD_S,
    SPEECH_OFF,
    SPEECH_ON,
    VAD_CHUNK,
    StreamingVad,
)
from tui.speech.types import ENGINE_RATE, Recognition, Word

#: `available` and `bundled_model_path` are what `select` and the benchmarks ask of this engine.
__all__ = ["WhisperEngine", "available", "bundled_model_path"]

SPECULATE_S = 0.1  # silence after which the final is decoded speculatively
MIN_UTTERANCE_S = 0.45  # shorter (with 0.2 s of padding each side) is a click, not a word
PARTIAL_TAIL_S = 2.0  # a partial decodes at most the last 2 s of the open utterance
PARTIAL_BACKLOG_S = 0.1  # and only with at most this much audio waiting (else it would be late)
ACTIVITY_EVERY_S = 1.0  # while speech goes on without a partial, a sign of it this often


class WhisperEngine:
    """Utterance-level Whisper captions: finals at pauses, optional partials while speaking."""

    name = "whisper"

    def __init__(
        self,
        model: str | Path,
        threads: int = 2,
        *,
        language: str | None = "en",
        min_silence_s: float = 0.4,
        max_utterance_s: float = 20.0,
        partial_every_s: float | None = 1.0,
        max_partial_decode_s: float = 0.3,
        hotwords: str | None = None,
        initial_prompt: str | None = VERBATIM_PROMPT,
    ) -> None:
        loaded, self.model_source = load_model(model, threads)
        if not loaded.model.is_multilingual:
            language = "en"
        self.decoder = WhisperDecoder(loaded, language, hotwords, initial_prompt)
        """Decodes the utterances this engine cuts; its `hotwords` may be changed."""
        self.min_silence_s = min_silence_s
        self.max_utterance_s = max_utterance_s
        self.partial_every_s = partial_every_s
        self.max_partial_decode_s = max_partial_decode_s
        self._vad = StreamingVad()
        self._clock = SampleClock()
        self._pending = np.zeros(0, dtype=np.float32)  # samples not yet run through the VAD
        self._audio = np.zeros(0, dtype=np.float32)  # open utterance (or pre-roll when idle)
        self._audio_start = 0  # stream sample index of self._audio[0]
        self._vad_pos = 0  # stream samples judged by the VAD so far
        self._in_speech = False
        self._silence = 0  # consecutive non-speech samples inside an utterance
        self._draft: tuple[int, tuple[str, list[Word]]] | None = None  # speculative final
        self._backlog = 0.0
        self._last_partial = ""
        self._partial_at = 0  # stream sample when the next partial may run
        self._heard_at: int | None = None  # stream sample of the last partial or activity sign

    # -- Engine API ----------------------------------------------------------------------------

    def set_backlog(self, seconds: float) -> None:
        """Told by the pipeline how much audio is waiting; partials are skipped while behind."""
        self._backlog = seconds

    def accept(self, pcm: np.ndarray) -> list[Recognition]:
        """Feed int16 mono 16 kHz samples; returns finals for utterances that just ended."""
        samples = np.asarray(pcm, dtype=np.int16).astype(np.float32) / 32768.0
        self._clock.advance(len(samples))
        self._pending = np.concatenate([self._pending, samples])
        results: list[Recognition] = []
        usable = len(self._pending) - len(self._pending) % VAD_CHUNK
        chunks, self._pending = self._pending[:usable], self._pending[usable:]
        for chunk in chunks.reshape(-1, VAD_CHUNK):
            final = self._step(chunk)
            if final is not None:
                results.append(final)
        partial = self._maybe_partial()
        if partial is not None:
            results.append(partial)
            self._heard_at = self._vad_pos
        elif self._in_speech and self._silence == 0 and (
            self._heard_at is None
            or self._vad_pos - self._heard_at >= ACTIVITY_EVERY_S * ENGINE_RATE
        ):
            # Speech whose words are not decoded yet: say so (a partial with no text), so dead
            # air is timed from the voice, not from when Whisper gets round to the words.
            self._heard_at = self._vad_pos
            start = self._audio_start / ENGINE_RATE
            results.append(make_result(self.name, "", False, start, self._vad_pos / ENGINE_RATE))
        return results

    def flush(self) -> list[Recognition]:
        """Finalise the open utterance, including audio the VAD has not judged yet."""
        results: list[Recognition] = []
        if self._in_speech:
            self._audio = np.concatenate([self._audio, self._pending])
            final = self._finish(len(self._audio))
            if final is not None:
                results.append(final)
        self._pending = np.zeros(0, dtype=np.float32)
        self._audio = np.zeros(0, dtype=np.float32)
        self._audio_start = self._clock.samples
        self._vad_pos = self._clock.samples
        self._in_speech = False
        self._draft = None
        self._vad.reset()
        return results

    def close(self) -> None:
        """Release the model."""
        self.decoder.model = None

    # -- internals -----------------------------------------------------------------------------

    def _step(self, chunk: np.ndarray) -> Recognition | None:
        prob = self._vad(chunk)
        self._audio = np.concatenate([self._audio, chunk])
        self._vad_pos += len(chunk)
        pad = int(PAD_S * ENGINE_RATE)
        if not self._in_speech:
            if prob >= SPEECH_ON:
                self._in_speech = True
                self._heard_at = None
                self._silence = 0
                self._last_partial = ""
                self._partial_at = self._vad_pos + int((self.partial_every_s or 0) * ENGINE_RATE)
            else:
                keep = pad + VAD_CHUNK
                if len(self._audio) > keep:
                    self._audio_start += len(self._audio) - keep
                    self._audio = self._audio[-keep:]
            return None
        self._silence = self._silence + len(chunk) if prob < SPEECH_OFF else 0
        end = min(len(self._audio) - self._silence + pad, len(self._audio))
        if self._silence == 0:
            self._draft = None  # speech went on: a speculative final is void
        elif self._silence >= self.min_silence_s * ENGINE_RATE:
            return self._finish(end)
        elif self._draft is None and self._silence >= SPECULATE_S * ENGINE_RATE:
            # Decode now, before the pause is long enough to call it the end: if it is, the
            # final is ready ~0.15 s sooner; if speech resumes, the result is dropped.
            self._draft = (end, self.decoder.final(self._audio[:end]))
        if len(self._audio) >= self.max_utterance_s * ENGINE_RATE:
            return self._finish(len(self._audio), keep_speaking=True)
        return None

    def _finish(self, end: int, keep_speaking: bool = False) -> Recognition | None:
        """Decode audio[:end] as one utterance; keep the rest as pre-roll."""
        audio, start = self._audio[:end], self._audio_start
        self._audio = self._audio[end:]
        self._audio_start += end
        self._in_speech = keep_speaking
        self._silence = 0
        self._last_partial = ""
        draft, self._draft = self._draft, None
        if len(audio) < MIN_UTTERANCE_S * ENGINE_RATE:
            return None
        if draft is not None and end - draft[0] <= PAD_S * ENGINE_RATE:
            # Speech has not resumed since the draft: it lacks at most a little of the pause.
            text, words = draft[1]
        else:
            text, words = self.decoder.final(audio)
        if not text:
            return None
        offset = start / ENGINE_RATE
        shifted = [Word(w.text, round(w.start + offset, 3), round(w.end + offset, 3), w.conf)
                   for w in words]
        return make_result(self.name, text, True, offset, offset + end / ENGINE_RATE, shifted)

    def _maybe_partial(self) -> Recognition | None:
        if not self._in_speech or self.partial_every_s is None:
            return None
        due = self._vad_pos >= self._partial_at
        if not due or self._backlog > PARTIAL_BACKLOG_S or self._silence > 0:
            return None  # not due, behind, or the speaker may be stopping (the final comes soon)
        if self.decoder.draft_avg_s > self.max_partial_decode_s:
            # A partial still decoding when the speaker stops delays the final by as long: on a
            # machine this slow, finals within ~1.5 s of the end of speech matter more.
            return None
        interval = max(self.partial_every_s, 3.0 * self.decoder.draft_s)
        self._partial_at = self._vad_pos + int(interval * ENGINE_RATE)
        # Only the last few seconds: what is being said now, decoded in a bounded time however
        # long the utterance has gone on (the final has every word).
        tail = max(0, len(self._audio) - int(PARTIAL_TAIL_S * ENGINE_RATE))
        text = self.decoder.draft(self._audio[tail:])
        if not text or text == self._last_partial:
            return None
        self._last_partial = text
        start = (self._audio_start + tail) / ENGINE_RATE
        return make_result(self.name, text, False, start, self._vad_pos / ENGINE_RATE)
