"""What every engine shares: results whose span covers their words, and a sample clock."""

from __future__ import annotations

from collections.abc import Iterable

from tui.speech.types import ENGINE_RATE, Recognition, Word


def make_result(
    engine: str, text: str, final: bool, start: float, end: float, words: Iterable[Word] = ()
) -> Recognition:
    """Build a Recognition whose span covers its words (times rounded to milliseconds)."""
    word_tuple = tuple(words)
    if word_tuple:
        start = min(start, word_tuple[0].start)
        end = max(end, word_tuple[-1].end)
    return Recognition(
        text=" ".join(text.split()),
        final=final,
        start=round(start, 3),
        end=round(max(start, end), 3),
        words=word_tuple,
        engine=engine,
    )


class SampleClock:
    """Counts samples fed to an engine and turns them into stream seconds."""

    def __init__(self) -> None:
        self.samples = 0

    def advance(self, count: int) -> None:
        """Record `count` more samples fed."""
        self.samples += count

    @property
    def seconds(self) -> float:
        """Audio seconds fed so far."""
        return self.samples / ENGINE_RATE
