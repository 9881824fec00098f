"""Decoding one utterance with Whisper: a final with word times, or a cheap draft for a partial,
both behind the hallucination guard.

Hallucination guard: decoding does not condition on previous text and is bounded in length;
segments with a high no-speech probability and a low log probability, short segments the
model doubts ("Thank you." in a pause), segments with no word it is even slightly sure of,
and repetitive text are dropped, a word repeated three times running is cut to one, and so is
a run of four words or more written twice in a row (an echo of the sentence in the padding).

Fillers: tiny.en leaves out most "um"s and "uh"s unless the text before it has them, so every
decode is prompted with `VERBATIM_PROMPT`; on bench/bench_wer.py's clips that keeps every filler
and adds none. `hotwords` (hint words, such as the round's vocabulary) is supported but off: on
the same clips it made tiny.en hallucinate and raised the word error rate on every set.
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np

from tui.speech.engines.whisper_model import FULL_WINDOW_FRAMES, window_frames
from tui.speech.engines.whisper_vad import PAD_S
from tui.speech.types import ENGINE_RATE, Word

NO_SPEECH_PROB, LOW_LOGPROB, MAX_COMPRESSION = 0.6, -1.0, 2.4
DOUBTFUL_WORDS, DOUBTFUL_NO_SPEECH, DOUBTFUL_LOGPROB = 4, 0.35, -0.6
UNSURE_WORD_PROB = 0.15  # a segment none of whose words is this likely is noise
MIN_PARTIAL_FRAMES, PARTIAL_PAD_FRAMES = 500, 100  # drafts: 5 s at least, 1 s of padding
#: Whisper writes what it hears in the style of the text before it: a prompt with fillers in it
#: keeps "um" and "uh" (it never adds them: see bench/bench_wer.py for recall and false fillers).
VERBATIM_PROMPT = "So, um, I think, uh, we could, um, use a cache."
MAX_DECODE_TOKENS = 220  # faster-whisper's limit leaves 448 minus the prompt's tokens
ECHO_WORDS = 4  # a run this long said twice in a row is an echo, not speech
TAIL_S = 0.15  # a segment ending this close to the end of the speech has covered it
CHECK_RATE_AFTER_S, MIN_WORDS_PER_S = 4.0, 1.6  # fewer words a second than this: decode again


def max_tokens(samples: int) -> int:
    """A bound on the tokens decoded for `samples` of audio: no runaway loops.

    People say at most about 5 words (7 tokens) a second; with timestamps and punctuation, 10
    tokens a second plus 24 leaves room for the fastest talker.
    """
    return min(MAX_DECODE_TOKENS, int(24 + 10 * samples / ENGINE_RATE))


class WhisperDecoder:
    """Decodes utterances (float32 16 kHz audio) with a loaded faster-whisper model.

    `language`, `hotwords` and `initial_prompt` may be changed between decodes. The times of
    the last decodes are kept so that the engine can tell whether partials are affordable.
    """

    def __init__(
        self,
        model: Any,
        language: str | None,
        hotwords: str | None = None,
        initial_prompt: str | None = VERBATIM_PROMPT,
    ) -> None:
        self.model = model
        self.language = language
        self.hotwords = hotwords
        self.initial_prompt = initial_prompt
        self._tokenizer, self._prompt, self._suppress = _draft_tokens(model, language)
        self.last_decode_s = 0.0  # the last final's decode time
        self.draft_s = 0.0  # the last draft's decode time
        self.draft_avg_s = 0.0  # moving average of draft decode times

    def final(self, audio: np.ndarray) -> tuple[str, list[Word]]:
        """The words of one utterance, with times from its start ("" when it held none)."""
        began = time.monotonic()
        text, words = self._transcribe(audio, window_frames(len(audio)))
        seconds = len(audio) / ENGINE_RATE
        if seconds > CHECK_RATE_AFTER_S and (
            len(text.split()) < MIN_WORDS_PER_S * seconds
        ):
            # Prompted, a short window sometimes ends a long utterance early (a timestamp
            # jumps to the end of the window): too few words for the time, so decode again
            # in Whisper's own 30 s window and keep the fuller text.
            again = self._transcribe(audio, None)
            if len(again[0].split()) > len(text.split()):
                text, words = again
        self.last_decode_s = time.monotonic() - began
        return text, words

    def draft(self, audio: np.ndarray) -> str:
        """A cheap draft for partials: greedy, no word times, and a short encoder window.

        The encoder normally sees a 30 s window whatever the audio length, which is most of the
        cost. For a draft it sees the audio plus 1 s of padding (at least 5 s): several
        times faster, a little less accurate, which is fine for text the final replaces.
        """
        began = time.monotonic()
        model = self.model
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
        self.draft_s = time.monotonic() - began
        self.draft_avg_s = (
            self.draft_s if not self.draft_avg_s
            else 0.7 * self.draft_avg_s + 0.3 * self.draft_s
        )
        if result.no_speech_prob > NO_SPEECH_PROB:
            return ""
        tokens = [t for t in result.sequences_ids[0] if t < self._tokenizer.eot]
        text = self._tokenizer.decode(tokens).strip()
        return text if any(ch.isalnum() for ch in text) else ""

    def _transcribe(self, audio: np.ndarray, window: int | None) -> tuple[str, list[Word]]:
        self.model.window_frames = window
        segments, _info = self.model.transcribe(
            audio,
            language=self.language,
            beam_size=1,
            best_of=1,
            hotwords=self.hotwords or None,
            initial_prompt=self.initial_prompt or None,
            max_new_tokens=max_tokens(len(audio)),
            temperature=0.0,
            condition_on_previous_text=False,
            word_timestamps=True,
            without_timestamps=False,
            vad_filter=False,
            no_speech_threshold=NO_SPEECH_PROB,
            log_prob_threshold=LOW_LOGPROB,
            compression_ratio_threshold=MAX_COMPRESSION,
        )
        heard: list[Any] = []  # faster-whisper's words, in order
        loose: list[str] = []  # text of segments that came without words
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
            elif not raw:
                loose.append(segment.text.strip())
            else:
                heard += raw
            if done:
                break
        heard = _without_echo(heard)
        text = " ".join(t for t in ["".join(w.word for w in heard).strip(), *loose] if t)
        if not any(ch.isalnum() for ch in text):
            return "", []
        words = [Word(w.word.strip(), float(w.start), float(w.end), round(float(w.probability), 3))
                 for w in heard if w.word.strip()]
        return text, words


def _draft_tokens(model: Any, language: str | None) -> tuple[Any, list[int], tuple[int, ...]]:
    """Tokenizer, prompt (no timestamps) and suppressed tokens for `WhisperDecoder.draft`."""
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


def _without_echo(words: list[Any]) -> list[Any]:
    """Words with a run of `ECHO_WORDS` or more said twice in a row cut to one saying.

    In the padding after a short utterance tiny.en may write the whole sentence a second time,
    its words squeezed into the last moments ("... a very hot oven. In the morning, ... a very
    hot oven."). People restart a phrase, but do not say four words or more twice over. One of
    the two sayings has its words squeezed into a moment; the other, kept, follows the audio.
    """
    bare = [_bare(w.word) for w in words]
    kept: list[Any] = []
    i = 0
    while i < len(words):
        longest = (len(words) - i) // 2
        run = next((k for k in range(longest, ECHO_WORDS - 1, -1)
                    if bare[i:i + k] == bare[i + k:i + 2 * k]), 0)
        if not run:
            kept.append(words[i])
            i += 1
            continue
        first, second = words[i:i + run], words[i + run:i + 2 * run]
        kept += max(first, second, key=_span)  # the saying whose times follow the audio
        i += 2 * run
    return kept


def _span(words: list[Any]) -> float:
    """Seconds from the first word's start to the last word's end."""
    return float(words[-1].end - words[0].start)


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
