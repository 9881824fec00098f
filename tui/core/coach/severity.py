"""How a flag's severity reads everywhere it is shown: a symbol and a word, never colour alone."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SeverityMark:
    """The symbol and word of one severity."""

    symbol: str
    word: str


MARKS: dict[str, SeverityMark] = {
    "serious": SeverityMark("✖", "serious"),
    "warn": SeverityMark("▲", "warning"),
    "info": SeverityMark("●", "note"),
}


def severity_mark(severity: str) -> SeverityMark:
    """The mark of `severity` (an unknown one reads like a warning)."""
    return MARKS.get(severity, MARKS["warn"])
