"""Interviewer-style sentences for the voice round trip (voice -> Whisper), and the word error
rate as the issue measures it: jiwer after lower-casing and stripping punctuation."""

from __future__ import annotations

import re

from tests.support import require_module

#: The sentence issue 14 checks.
STAMPEDE = "What happens on a cache stampede when a hot key expires?"
#: More of what an interviewer says: a probe, two curveballs, a number-heavy question, a prompt.
SENTENCES = {
    "stampede": STAMPEDE,
    "probe": "How would you know that the ranking service is degrading before your users notice?",
    "curveball-live": "What if this must work for live content?",
    "curveball-markets": "What if we expand to 50 markets with different rules?",
    "numbers": "Say you have 20 million daily users and each one makes 30 requests a day. "
    "What peak load do you plan for?",
    "prompt": "Design the ad serving system for a streaming service, with frequency caps and "
    "budget pacing.",
}
#: The issue's bound.
MAX_WER = 0.10


def normalise(text: str) -> str:
    """Lower case; thousands separators and apostrophes dropped ("5,000" -> "5000", "user's"
    -> "users"); every other punctuation mark a space; digits kept as digits."""
    text = text.lower().replace("'", "").replace("\u2019", "")
    text = re.sub(r"(?<=\d),(?=\d)", "", text)
    text = re.sub(r"[^a-z0-9]+", " ", text)
    return " ".join(text.split())


def wer(reference: str, hypothesis: str) -> float:
    """Word error rate of `hypothesis` against `reference`, both normalised."""
    jiwer = require_module("jiwer")
    return float(jiwer.wer(normalise(reference), normalise(hypothesis)))


def transcript(stdout: str) -> str:
    """The text of `boardless transcribe`'s lines ("[0:00.1-0:03.8] text"), joined."""
    return " ".join(re.sub(r"^\[[^\]]*\] ", "", line) for line in stdout.splitlines())
