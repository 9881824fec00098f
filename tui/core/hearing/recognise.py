"""Recognisers: what the candidate said, heard through patterns kept in `coach.toml`
(`[recognise.*]`), across caption boundaries, with near misses and negations vetoed.

A `PhraseRecogniser` fires on any of its patterns unless an `exclude` pattern overlaps the
match (or the words just after it that it needs) or an `unless` pattern is anywhere in the
utterance (and never when no `requires` pattern is), and only when at least `min_after` words
follow the match (so "let me tell you what the crux is" alone does not count, but followed by
the next caption's content it does) and `min_before` words come before it. The
`QuestionRecogniser` reads clauses: a lead-in, an optional topic ("first, about latency, ..."),
then a question opener, and no answer of the speaker's own after it.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from tui.core.hearing.patterns import WordMatcher, compile_all, joined, token_index
from tui.core.hearing.text import sentences, words

_ARROW = re.compile(r"\s*(?:->|=>|\u2192)\s*")
_DIGIT_COMMA = re.compile(r"(?<=\d),(?=\d{3})")
_DIGIT_LETTER = re.compile(r"(?<=\d)(?=[a-z])")
_CLAUSE = re.compile(r"[^,;:?.!]+[,;:?.!]*")
_SENTENCE_END = re.compile(r"[.?!]+$")


def hear_words(text: str) -> list[str]:
    """The words recognisers match: `words`, with "->" read as "arrow", "50,000" as one
    number and "200ms" as "200 ms"."""
    return list(_heard_words(text))


@functools.lru_cache(maxsize=4096)
def _heard_words(text: str) -> tuple[str, ...]:
    """(Every observer asks about the same utterance, sentence and clause in turn.)"""
    text = _DIGIT_COMMA.sub("", _ARROW.sub(" arrow ", text.lower()))
    return tuple(words(_DIGIT_LETTER.sub(" ", text)))


#: At most this many words of earlier captions are heard with a new one.
CONTEXT_WORDS = 12


def context_of(captions: Sequence[str]) -> str:
    """The tail of earlier captions (oldest first) heard together with the next one."""
    text = " ".join(c.strip() for c in captions if c.strip())
    parts = text.split()
    return " ".join(parts[-CONTEXT_WORDS:])


@dataclass(frozen=True)
class Heard:
    """What one utterance is heard as: its words, after the last words of the captions that
    ran on into it (a phrase split across captions), as `context`."""

    text: str
    context: str = ""

    @functools.cached_property
    def tokens(self) -> list[str]:
        return self._context_tokens + hear_words(self.text)

    @functools.cached_property
    def _context_tokens(self) -> list[str]:
        return hear_words(self.context)

    @property
    def context_size(self) -> int:
        return len(self._context_tokens)

    @functools.cached_property
    def joined(self) -> str:
        """The tokens as patterns see them."""
        return joined(self.tokens)


@dataclass(frozen=True)
class Found:
    """One match: the words that matched, and the sentence(s) holding it, as a quote (worked
    out only when asked for: most findings are only counted)."""

    matched: str
    start: int
    end: int
    heard: Heard
    quote_from: int
    quote_to: int

    @functools.cached_property
    def quote(self) -> str:
        return quote(self.heard, self.quote_from, self.quote_to)


class PhraseRecogniser:
    """Patterns that fire, exclusions that veto an overlapping match, words that must follow."""

    def __init__(self, name: str, patterns: Sequence[str], exclude: Sequence[str],
                 lists: Mapping[str, Sequence[str]], min_after: int = 0,
                 min_matches: int = 1, unless: Sequence[str] = (),
                 requires: Sequence[str] = (), min_before: int = 0) -> None:
        self.name = name
        self.requires = WordMatcher(requires, lists) if requires else None
        self.regex = WordMatcher(patterns, lists)
        self.exclude = WordMatcher(exclude, lists)
        self.unless = WordMatcher(unless, lists) if unless else None
        self.min_after = min_after
        self.min_before = min_before
        self.min_matches = max(1, min_matches)

    def spans(self, tokens: Sequence[str], text: str | None = None) -> list[tuple[int, int]]:
        """Word spans [start, end) of the accepted matches, in order (`text` is the tokens
        joined, when the caller has it)."""
        text = joined(tokens) if text is None else text
        if not self.regex.could_match(text) or (
                self.requires is not None and not self.requires.could_match(text)):
            return []  # no word a match can start with, or none of the words it needs
        matches = self.regex.matches(text)
        if not matches or (self.unless is not None and self.unless.search(text)):
            return []
        reach = self.min_after * 6  # an exclusion right after the match vetoes it too,
        before = min(self.min_after, 1) * 4  # and one just before it (a deferral)
        vetoes = [(token_index(text, m.start()), token_index(text, m.end()))
                  for m in self.exclude.matches(text)]
        out: list[tuple[int, int]] = []
        for match in matches:
            start, end = token_index(text, match.start()), token_index(text, match.end())
            if end <= start or len(tokens) - end < self.min_after or start < self.min_before:
                continue
            if any(v_start < end + reach and start - before < v_end
                   for v_start, v_end in vetoes):
                continue
            if out and start < out[-1][1]:
                continue
            out.append((start, end))
        if len(out) < self.min_matches:
            return []
        if self.min_matches > 1:  # one finding: the whole run of matches
            return [(out[0][0], out[-1][1])]
        return out

    def vetoed(self, tokens: Sequence[str]) -> bool:
        """Whether an `unless` or `exclude` pattern is anywhere in `tokens`."""
        text = joined(tokens)
        return bool((self.unless is not None and self.unless.search(text))
                    or self.exclude.search(text))

    def find(self, heard: Heard) -> list[Found]:
        """Matches in an utterance that need its own words (a match wholly inside the
        previous caption, content included, was found when that caption came)."""
        tokens = heard.tokens
        before = heard.context_size
        found = []
        for start, end in self.spans(tokens, heard.joined):
            if end + self.min_after <= before:
                continue
            found.append(Found(" ".join(tokens[start:end]), start, end, heard,
                               max(0, start - self.min_before), end + self.min_after))
        return found

    def fires(self, text: str) -> bool:
        """Whether the recogniser fires anywhere in `text` (one utterance, no context)."""
        return bool(self.spans(hear_words(text)))


def quote(heard: Heard, start: int, end: int) -> str:
    """The sentence(s) of `heard` (context included) that hold words [start, end)."""
    pieces = sentences(heard.context) + sentences(heard.text)
    chosen: list[str] = []
    position = 0
    for sentence in pieces:
        count = len(hear_words(sentence))
        if position < end and start < position + count:
            chosen.append(sentence)
        position += count
    return " ".join(chosen).strip()


class QuestionRecogniser:
    """Clarifying questions: clauses that open (after lead-ins and a topic) with a question
    opener or end in "?", unless they open like a statement or the speaker answers them."""

    def __init__(self, section: Mapping[str, Sequence[str]],
                 lists: Mapping[str, Sequence[str]]) -> None:
        lead = _group(section["lead_ins"], lists)
        topic = _group(section["topics"], lists)
        opener = _group(section["openers"], lists)
        statement = _group(section["statements"], lists)
        prefix = f"(?:{lead})*(?:{topic})?(?:{lead})*"
        self.opener = re.compile(f"^{prefix}(?:{opener})")
        self.statement = re.compile(f"^{prefix}(?:{statement})")
        self.after = re.compile(f"^(?:{_group(section['not_answers'], lists)})")
        self.answered = WordMatcher(section["answered"], lists)
        self.prefix_only = re.compile(f"^{prefix}$")

    def questions(self, text: str, typed_as_question: bool = False) -> list[str]:
        """The questions asked in `text` (one per run of question clauses), as quotes."""
        return list(self._questions(text, typed_as_question))

    @functools.lru_cache(maxsize=1024)  # noqa: B019 - a few long-lived recognisers
    def _questions(self, text: str, typed_as_question: bool) -> tuple[str, ...]:
        clauses = [(c.strip(), c.strip().endswith("?")) for c in _CLAUSE.findall(text)
                   if hear_words(c)]
        if typed_as_question:
            return (text.strip(),) if hear_words(text) else ()
        if self.answered.search(joined(hear_words(text))):
            return ()  # asked and answered in one breath: thinking aloud
        asking = [self._asks(c, q) and not self._relative(clauses, i)
                  for i, (c, q) in enumerate(clauses)]
        if not any(asking):
            return ()
        last = max(i for i, yes in enumerate(asking) if yes)
        for clause, _ in clauses[last + 1:]:
            if not self.after.match(joined(hear_words(clause))):
                return ()  # answered in the same breath: thinking aloud, not asking
        out: list[str] = []
        run: list[str] = []
        for (clause, _), yes in zip(clauses, asking):
            if yes:
                run.append(clause)
            elif run:
                out.append(" ".join(run))
                run = []
        if run:
            out.append(" ".join(run + [c for c, _ in clauses[last + 1:]]))
        return tuple(out)

    def _relative(self, clauses: list[tuple[str, bool]], index: int) -> bool:
        """", which drops the file into storage": a relative clause, not a question (but
        "for the chaos platform, who ..." asks)."""
        if index == 0 or not clauses[index - 1][0].endswith(","):
            return False
        if self.prefix_only.match(joined(hear_words(clauses[index - 1][0]))):
            return False
        first = hear_words(clauses[index][0])[:1]
        return first in (["which"], ["who"], ["whose"], ["where"], ["that"])

    def _asks(self, clause: str, marked: bool) -> bool:
        text = joined(hear_words(clause))
        if self.statement.match(text):
            return False
        return marked or bool(self.opener.match(text))


def _group(patterns: Sequence[str], lists: Mapping[str, Sequence[str]]) -> str:
    regex = compile_all(patterns, lists)
    return regex.pattern.removeprefix("(?<![^ ])")


#: Recognisers whose findings never come from a question ("does it go through the cache?").
NOT_IN_QUESTIONS = frozenset({"request_trace", "sync_async", "tradeoff"})
#: Recognisers built from `[recognise.<name>]` tables with patterns and exclusions.
PHRASE_RECOGNISERS = ("core_challenge", "core_challenge_recap", "core_challenge_note",
                      "proposal", "failure_talk", "tradeoff", "estimate", "operability",
                      "request_trace", "sync_async", "signposting", "ops_monitoring",
                      "ops_ownership", "ops_rollout")


@dataclass(frozen=True)
class Recognisers:
    """Every recogniser of one coach configuration."""

    phrases: Mapping[str, PhraseRecogniser]
    question: QuestionRecogniser
    #: Any component named (design talk reads it: a note names components freely).
    component: PhraseRecogniser

    @classmethod
    def of(cls, config: Settings) -> Recognisers:
        """Compile the `[recognise]` tables (PatternError names a bad pattern)."""
        section = config.data["recognise"]
        lists = {name: tuple(values) for name, values in section["words"].items()}
        phrases = {}
        for name in PHRASE_RECOGNISERS:
            table = section[name]
            phrases[name] = PhraseRecogniser(
                name, table["patterns"], table.get("exclude", ()), lists,
                int(table.get("min_after", 0)), int(table.get("min_matches", 1)),
                table.get("unless", ()), table.get("requires", ()),
                int(table.get("min_before", 0)))
        return cls(phrases, QuestionRecogniser(section["question"], lists),
                   PhraseRecogniser("component", ["@component"], (), lists))

    def __getitem__(self, name: str) -> PhraseRecogniser:
        return self.phrases[name]


class Settings(Protocol):
    """Coach settings as the recognisers read them: the merged tables (`[recognise]` here)."""

    @property
    def data(self) -> Mapping[str, Any]: ...


@dataclass(frozen=True)
class _RecogniseTable:
    data: Mapping[str, Any]


def recognisers_for(config: Settings) -> Recognisers:
    """The recognisers of a configuration, compiled once per process for each distinct
    `[recognise]` table however many observers, sessions and reports ask."""
    return _compiled(json.dumps(config.data["recognise"], sort_keys=True))


@functools.lru_cache(maxsize=8)
def _compiled(section: str) -> Recognisers:
    return Recognisers.of(_RecogniseTable({"recognise": json.loads(section)}))
