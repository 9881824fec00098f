"""A small pattern language for spoken phrases, compiled to regular expressions over words.

Text is matched as its lowercase words (see `text.words`) joined by single spaces, so
punctuation, capitals and line breaks never matter. A pattern is a sequence of:

- `word`: that word; `word*`: any word starting with it (`fail*` matches "failover");
- `(a b|c)`: one of the alternatives, each a sequence; `[a b|c]`: optional alternatives;
- `~`: a gap of up to 3 words, `~N` of up to N words; `_`: exactly one word;
- `@name`: one entry of the word list `name` (entries may be several words or end in `*`);
- `#`: a number written in digits ("40", "1080"); `$`: the end of the text.

A `|` outside any brackets separates alternatives of the whole pattern.
"""

from __future__ import annotations

import functools
import itertools
import re
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

_TOKEN = re.compile(r"\(|\)|\[|\]|\||[^\s()\[\]|]+")
_WORD_CHARS = "[a-z0-9']"
_ANY_WORD = f"{_WORD_CHARS}+ "


class PatternError(ValueError):
    """A pattern that cannot be compiled (the message says why)."""


Heads = dict[str, "_First | None"]


@dataclass(frozen=True)
class _First:
    """The words a pattern (or part of one) can start with, and for each start word the words
    that can follow it (`heads`; None where unknown), so a pattern like "the (downside|catch)"
    is only tried where "the" is followed by "downside" or "catch"."""

    words: frozenset[str] = frozenset()
    prefixes: frozenset[str] = frozenset()
    anything: bool = False
    nullable: bool = False
    heads: Heads | None = None

    def union(self, other: _First) -> _First:
        return _First(self.words | other.words, self.prefixes | other.prefixes,
                      self.anything or other.anything, self.nullable or other.nullable,
                      _merge_heads(self, other))


#: In `heads`: the next word is whatever follows this part in the enclosing sequence.
_FOLLOW = _First(nullable=True)


def _merge_heads(left: _First, right: _First) -> Heads | None:
    """Heads of two alternatives; a side that starts no word adds nothing."""
    if not (right.words or right.prefixes or right.anything):
        return left.heads
    if not (left.words or left.prefixes or left.anything):
        return right.heads
    if left.heads is None or right.heads is None:
        return None
    merged: Heads = dict(left.heads)
    for word, after in right.heads.items():
        before = merged.get(word, after)
        if before is None or after is None:
            merged[word] = None
        elif before is _FOLLOW or after is _FOLLOW:
            merged[word] = _FOLLOW if before is after else None
        else:
            merged[word] = before.union(after) if before is not after else after
    return merged


_ANY = _First(anything=True)


def _parse(pattern: str, lists: Mapping[str, Sequence[str]]) -> tuple[str, _First]:
    tokens = _TOKEN.findall(pattern.lower())
    if not tokens:
        raise PatternError(f"empty pattern {pattern!r}")
    parser = _Parser(tokens, lists, pattern)
    body, first = parser.alternatives()
    if parser.position != len(tokens):
        raise PatternError(f"unbalanced {tokens[parser.position]!r} in {pattern!r}")
    return body, first


def compile_pattern(pattern: str, lists: Mapping[str, Sequence[str]]) -> str:
    """The regular expression (source) for one pattern; raises PatternError."""
    return _parse(pattern, lists)[0]


#: Every matcher's start words (word -> matcher ids) and start prefixes, so that the words of
#: a text are looked up once for all matchers (see `_starts`).
_START_WORDS: dict[str, list[int]] = {}
_START_PREFIXES: dict[str, list[int]] = {}
#: The lengths of those prefixes, shortest first.
_PREFIX_LENGTHS: tuple[int, ...] = ()
#: first word -> (matcher id, words and prefixes the next word must be one of)
_START_PAIRS: dict[str, list[tuple[int, frozenset[str], tuple[str, ...]]]] = {}
_ids = itertools.count()
_registry_lock = threading.Lock()
#: Bumped by every new matcher, so no cached look-up predates a matcher (they may be built on
#: a worker thread while the UI thread hears an utterance).
_version = 0


def _starts(text: str) -> list[tuple[int, frozenset[int]]]:
    """The offsets of the words of `text` where some matcher may start, with those matchers."""
    return _starts_at(text, _version)


@functools.lru_cache(maxsize=8192)
def _word_starts(word: str, version: int) -> frozenset[int]:
    """The matchers that may start at `word` whatever follows it (words repeat: cached)."""
    found = set(_START_WORDS.get(word, ()))
    for length in _PREFIX_LENGTHS:
        if len(word) < length:
            break
        found.update(_START_PREFIXES.get(word[:length], ()))
    return frozenset(found)


@functools.lru_cache(maxsize=16384)
def _pair_starts(word: str, after: str, version: int) -> frozenset[int]:
    """The matchers that may start at `word` because `after` follows it (cached per pair)."""
    return frozenset(number for number, follow, follow_prefixes in _START_PAIRS[word]
                     if after in follow or (follow_prefixes and after.startswith(follow_prefixes)))


@functools.lru_cache(maxsize=64)
def _starts_at(text: str, version: int) -> list[tuple[int, frozenset[int]]]:
    """Each word's offset and the matchers that may start there."""
    out: list[tuple[int, frozenset[int]]] = []
    position = 0
    words = text.split(" ")[:-1]
    last = len(words) - 1
    for index, word in enumerate(words):
        starts = _word_starts(word, version)
        if index < last and word in _START_PAIRS:
            more = _pair_starts(word, words[index + 1], version)
            if more:
                starts = starts | more
        if starts:
            out.append((position, starts))
        position += len(word) + 1
    return out


class WordMatcher:
    """Patterns tried only at the words they can start with (and, where known, only when the
    next word fits too), looked up once per text for every matcher: much faster than searching
    long alternations at every character. The few patterns that can start with any word are
    searched the usual way."""

    def __init__(self, patterns: Sequence[str], lists: Mapping[str, Sequence[str]]) -> None:
        parsed = [_parse(p, lists) for p in patterns]
        keyed = [(body, first) for body, first in parsed
                 if not (first.anything or first.nullable)]
        loose = [body for body, first in parsed if first.anything or first.nullable]
        words: set[str] = set()
        prefixes: set[str] = set()
        pairs: list[tuple[str, frozenset[str], tuple[str, ...]]] = []
        for _, first in keyed:
            prefixes |= first.prefixes
            heads = first.heads or {}
            for word in first.words:
                follow = heads.get(word)
                if follow is None or follow is _FOLLOW or follow.anything or follow.nullable or (
                        not follow.words and not follow.prefixes):
                    words.add(word)
                else:
                    pairs.append((word, follow.words, tuple(sorted(follow.prefixes))))
        global _version, _PREFIX_LENGTHS
        with _registry_lock:
            self.id = next(_ids)
            for word in words:
                _START_WORDS.setdefault(word, []).append(self.id)
            for prefix in prefixes:
                _START_PREFIXES.setdefault(prefix, []).append(self.id)
            for word, follow_words, follow_prefixes in pairs:
                _START_PAIRS.setdefault(word, []).append((self.id, follow_words, follow_prefixes))
            _PREFIX_LENGTHS = tuple(sorted({len(p) for p in _START_PREFIXES}))
            _version += 1
        # Per start word, only the patterns that can start with it (in pattern order),
        # compiled when the word is first met.
        self._by_word: dict[str, re.Pattern[str]] = {}
        self._keyed_parts = keyed
        self.loose = (re.compile(r"(?<![^ ])(?:" + "|".join(f"(?:{b})" for b in loose) + ")")
                      if loose else None)

    def could_match(self, text: str) -> bool:
        """False when no pattern can match: none starts with any word of `joined` text."""
        number = self.id
        return self.loose is not None or any(number in ids for _, ids in _starts(text))

    def matches(self, text: str) -> list[re.Match[str]]:
        """Matches starting at each word of `joined` text, in order of position (where two
        start at one word, the longer)."""
        keyed: list[re.Match[str]] = []
        if self._keyed_parts:
            number = self.id
            for position, ids in _starts(text):
                if number in ids:
                    word = text[position:text.find(" ", position)]
                    match = self._for(word).match(text, position)
                    if match is not None:
                        keyed.append(match)
        if self.loose is None:
            return keyed
        found = {match.start(): match for match in keyed}
        position = 0
        while position < len(text):
            match = self.loose.search(text, position)
            if match is None:
                break
            other = found.get(match.start())
            if other is None or match.end() > other.end():
                found[match.start()] = match
            after = text.find(" ", match.start())
            position = len(text) if after < 0 else after + 1
        return [found[start] for start in sorted(found)]

    def _for(self, word: str) -> re.Pattern[str]:
        """The alternation of the patterns that can start with `word`."""
        regex = self._by_word.get(word)
        if regex is None:
            bodies = [body for body, first in self._keyed_parts
                      if word in first.words or any(word.startswith(p) for p in first.prefixes)]
            regex = re.compile("|".join(f"(?:{body})" for body in bodies))
            if len(self._by_word) < 4096:
                self._by_word[word] = regex
        return regex

    def search(self, text: str) -> re.Match[str] | None:
        """The first match, if any."""
        matched = self.matches(text)
        return matched[0] if matched else None


def compile_all(patterns: Sequence[str], lists: Mapping[str, Sequence[str]]) -> re.Pattern[str]:
    """One regular expression matching any of `patterns`, each starting at a word boundary."""
    sources = [compile_pattern(p, lists) for p in patterns]
    if not sources:
        return re.compile(r"(?!x)x")  # matches nothing
    return re.compile(r"(?<![^ ])(?:" + "|".join(f"(?:{s})" for s in sources) + ")")


def joined(tokens: Sequence[str]) -> str:
    """The form patterns are matched against: each word followed by one space."""
    return "".join(f"{token} " for token in tokens)


def token_index(text: str, offset: int) -> int:
    """How many words of `joined` text lie before character `offset`."""
    return text.count(" ", 0, offset)


class _Parser:
    def __init__(self, tokens: list[str], lists: Mapping[str, Sequence[str]], source: str):
        self.tokens = tokens
        self.lists = lists
        self.source = source
        self.position = 0

    def alternatives(self) -> tuple[str, _First]:
        body, first = self.sequence()
        options = [body]
        while self._peek() == "|":
            self.position += 1
            body, more = self.sequence()
            options.append(body)
            first = first.union(more)
        return (options[0] if len(options) == 1 else "(?:" + "|".join(options) + ")"), first

    def sequence(self) -> tuple[str, _First]:
        parts: list[str] = []
        items: list[_First] = []
        first = _First(nullable=True)
        while self._peek() not in (None, "|", ")", "]"):
            body, part = self.item()
            parts.append(body)
            items.append(part)
            if first.nullable:
                first = _First(first.words | part.words, first.prefixes | part.prefixes,
                               first.anything or part.anything, part.nullable)
        return "".join(parts), _First(first.words, first.prefixes, first.anything,
                                      first.nullable, _sequence_heads(items))

    def item(self) -> tuple[str, _First]:
        """(regex, the words it can start with)."""
        token = self.tokens[self.position]
        self.position += 1
        if token in ("(", "["):
            close = ")" if token == "(" else "]"
            inner, first = self.alternatives()
            if self._peek() != close:
                raise PatternError(f"missing {close!r} in {self.source!r}")
            self.position += 1
            if token == "[":
                # A match that uses the optional words also matches from the word after
                # them, so they need not be start words (common ones like "the" would make
                # the pattern be tried at every "the").
                return f"(?:{inner})?", _First(nullable=True)
            return f"(?:{inner})", first
        if token in (")", "]"):
            raise PatternError(f"unbalanced {token!r} in {self.source!r}")
        return atom(token, self.lists, self.source), first_of(token, self.lists)

    def _peek(self) -> str | None:
        return self.tokens[self.position] if self.position < len(self.tokens) else None


def _sequence_heads(items: list[_First]) -> Heads | None:
    """The heads of a sequence: those of the item it starts with, with "whatever follows"
    resolved to the next item's start words (unknown when that item may be skipped; left to
    the enclosing sequence when the item is the last)."""
    for index, part in enumerate(items):
        if part.nullable and not (part.words or part.prefixes or part.anything):
            continue  # a skippable optional group: the match also starts at the next item
        if part.nullable or part.anything or part.heads is None:
            return None
        after = items[index + 1] if index + 1 < len(items) else None
        resolved: Heads = {}
        for word, follow in part.heads.items():
            if follow is _FOLLOW and after is not None:  # at the end: the enclosing one's
                follow = (None if after.nullable or after.anything
                          else _First(after.words, after.prefixes))
            resolved[word] = follow
        return resolved
    return {}


def first_of(token: str, lists: Mapping[str, Sequence[str]]) -> _First:
    """The words one pattern word can start with."""
    if token == "$":
        return _First(nullable=True)
    if token == "#":
        return _First(prefixes=frozenset("0123456789"))
    if token == "_":
        return _ANY
    if token.startswith("~"):
        return _First(anything=True, nullable=True)
    if token.startswith("@"):
        first = _First(heads={})
        for entry in lists.get(token[1:], ()):
            head = entry.strip().lower().split()
            if not head:
                continue
            part = first_of(head[0], {})
            if len(head) > 1 and part.heads is not None:
                following = first_of(head[1], {})
                part = _First(part.words, part.prefixes, heads={
                    w: _First(following.words, following.prefixes) for w in part.words})
            first = first.union(part)
        return first
    if token.endswith("*") and len(token) > 1:
        return _First(prefixes=frozenset({token[:-1]}))
    return _First(words=frozenset({token}), heads={token: _FOLLOW})


def atom(token: str, lists: Mapping[str, Sequence[str]], source: str = "") -> str:
    """The regular expression for one pattern word."""
    if token == "_":
        return _ANY_WORD
    if token == "$":
        return "$"
    if token == "#":
        return rf"\d{_WORD_CHARS}* "
    if token.startswith("~"):
        count = token[1:] or "3"
        if not count.isdigit():
            raise PatternError(f"bad gap {token!r} in {source!r}; use ~ or ~N")
        return f"(?:{_ANY_WORD}){{0,{int(count)}}}"
    if token.startswith("@"):
        name = token[1:]
        if name not in lists:
            raise PatternError(f"unknown word list {token!r} in {source!r}")
        entries = sorted({e.strip().lower() for e in lists[name] if e.strip()},
                         key=lambda e: (-len(e), e))
        return "(?:" + "|".join(
            "".join(atom(part, {}, source) for part in entry.split()) for entry in entries) + ")"
    if token.endswith("*") and len(token) > 1:
        return re.escape(token[:-1]) + f"{_WORD_CHARS}* "
    if not re.fullmatch(r"[a-z0-9']+", token):
        raise PatternError(f"bad word {token!r} in {source!r}: use letters, digits and '")
    return re.escape(token) + " "
