"""Word matching that survives recognizer output: lowercase, no punctuation, whole words only."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
_SENTENCE = re.compile(r"[^.?!]+[.?!]*")


def words(text: str) -> list[str]:
    """Lowercase word tokens; hyphens, slashes and punctuation split words ("p99" stays)."""
    return _WORD.findall(text.lower().replace("\u2019", "'"))


def sentences(text: str) -> list[str]:
    """Split a caption or note into sentences (recognizers often give one unpunctuated run)."""
    return [part.strip() for part in _SENTENCE.findall(text) if part.strip()]


@dataclass(frozen=True)
class Phrases:
    """Phrases matched as whole-word sequences. An entry "a|b c" lists spellings of one term;
    matches report the first spelling as the term's name."""

    phrases: tuple[tuple[str, ...], ...]
    names: tuple[str, ...]
    #: first word -> phrase numbers starting with it (longest first)
    index: dict[str, tuple[int, ...]] = field(default_factory=dict, compare=False, hash=False)

    @classmethod
    def of(cls, items: Iterable[str]) -> Phrases:
        """Compile entries (duplicates and empty spellings dropped; longest phrase first)."""
        table: dict[tuple[str, ...], str] = {}
        for item in items:
            spellings = [tuple(words(part)) for part in item.split("|")]
            spellings = [s for s in spellings if s]
            if not spellings:
                continue
            name = " ".join(spellings[0])
            for spelling in spellings:
                table.setdefault(spelling, name)
        order = sorted(table, key=lambda p: (-len(p), p))
        index: dict[str, list[int]] = {}
        for number, phrase in enumerate(order):
            index.setdefault(phrase[0], []).append(number)
        return cls(tuple(order), tuple(table[p] for p in order),
                   {first: tuple(numbers) for first, numbers in index.items()})

    def find(self, tokens: list[str]) -> list[str]:
        """Names of every match in order of position (no overlaps, longest match wins)."""
        return [name for name, _ in self.find_spans(tokens)]

    def find_spans(self, tokens: list[str]) -> list[tuple[str, str]]:
        """(term name, words as said) for every match, in order of position."""
        out: list[tuple[str, str]] = []
        index, count = 0, len(tokens)
        while index < count:
            numbers = self.index.get(tokens[index])
            hit = self._match(tokens, index, numbers) if numbers else None
            if hit is None:
                index += 1
                continue
            out.append((self.names[hit], " ".join(self.phrases[hit])))
            index += len(self.phrases[hit])
        return out

    def could_match(self, tokens: set[str]) -> bool:
        """False when no phrase can match (none of their first words is in `tokens`)."""
        return not self.index.keys().isdisjoint(tokens)

    def match_at(self, tokens: list[str], index: int) -> tuple[str, ...] | None:
        """The longest phrase starting at `tokens[index]`, if any."""
        hit = self._at(tokens, index)
        return None if hit is None else self.phrases[hit]

    def _at(self, tokens: list[str], index: int) -> int | None:
        if index >= len(tokens):
            return None
        numbers = self.index.get(tokens[index])
        return self._match(tokens, index, numbers) if numbers else None

    def _match(self, tokens: list[str], index: int, numbers: tuple[int, ...]) -> int | None:
        for number in numbers:
            phrase = self.phrases[number]
            if len(phrase) == 1 or tuple(tokens[index : index + len(phrase)]) == phrase:
                return number
        return None

    def first(self, text: str) -> str | None:
        """The first term found in `text`, or None."""
        found = self.find(words(text))
        return found[0] if found else None


def count_fillers(tokens: list[str], fillers: Phrases, not_after: dict[str, tuple[str, ...]]
                  ) -> list[str]:
    """Filler words and phrases in `tokens`, skipping ones that follow a word that makes them
    ordinary ("I'd like", "what kind of")."""
    blocked = {tuple(words(k)): frozenset(v) for k, v in not_after.items()}
    out: list[str] = []
    index = 0
    while index < len(tokens):
        hit = fillers.match_at(tokens, index)
        if hit is None:
            index += 1
            continue
        previous = tokens[index - 1] if index else ""
        if previous not in blocked.get(hit, frozenset()):
            out.append(" ".join(hit))
        index += len(hit)
    return out
