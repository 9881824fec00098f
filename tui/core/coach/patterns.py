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

import re
from collections.abc import Mapping, Sequence

_TOKEN = re.compile(r"\(|\)|\[|\]|\||[^\s()\[\]|]+")
_WORD_CHARS = "[a-z0-9']"
_ANY_WORD = f"{_WORD_CHARS}+ "


class PatternError(ValueError):
    """A pattern that cannot be compiled (the message says why)."""


def compile_pattern(pattern: str, lists: Mapping[str, Sequence[str]]) -> str:
    """The regular expression (source) for one pattern; raises PatternError."""
    tokens = _TOKEN.findall(pattern.lower())
    if not tokens:
        raise PatternError(f"empty pattern {pattern!r}")
    parser = _Parser(tokens, lists, pattern)
    body = parser.alternatives()
    if parser.position != len(tokens):
        raise PatternError(f"unbalanced {tokens[parser.position]!r} in {pattern!r}")
    return body


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

    def alternatives(self) -> str:
        options = [self.sequence()]
        while self._peek() == "|":
            self.position += 1
            options.append(self.sequence())
        return options[0] if len(options) == 1 else "(?:" + "|".join(options) + ")"

    def sequence(self) -> str:
        parts: list[str] = []
        while self._peek() not in (None, "|", ")", "]"):
            parts.append(self.item())
        return "".join(parts)

    def item(self) -> str:
        token = self.tokens[self.position]
        self.position += 1
        if token in ("(", "["):
            close = ")" if token == "(" else "]"
            inner = self.alternatives()
            if self._peek() != close:
                raise PatternError(f"missing {close!r} in {self.source!r}")
            self.position += 1
            return f"(?:{inner})" + ("?" if token == "[" else "")
        if token in (")", "]"):
            raise PatternError(f"unbalanced {token!r} in {self.source!r}")
        return atom(token, self.lists, self.source)

    def _peek(self) -> str | None:
        return self.tokens[self.position] if self.position < len(self.tokens) else None


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
