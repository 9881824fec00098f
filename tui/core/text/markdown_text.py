"""Escaping user text for CommonMark so notes can never break the document's structure."""

from __future__ import annotations

import re

from tui.core.text.safe_text import visible_line

_INLINE = re.compile(r"([\\`*_\[\]<>|~])")
_ENTITY = re.compile(r"&(?=#?\w+;)")
_BLOCK_START = re.compile(r"^(\s*)([#>+=-]|\d+[.)])")
_SPACES = re.compile(r"\s+")


def inline(text: str) -> str:
    """Escape `text` for use inside a paragraph, list item or table cell (one line); control
    characters become visible escapes (`\\x1b`), whose backslash is then escaped like any."""
    text = visible_line(_SPACES.sub(" ", text).strip())
    text = _ENTITY.sub("&amp;", text)
    text = _INLINE.sub(r"\\\1", text)
    return _BLOCK_START.sub(_escape_block_start, text)


def _escape_block_start(match: re.Match[str]) -> str:
    """Escape what would open a heading, quote or list: `#`, `>`, `-`, `+`, `=`, `1.`, `1)`."""
    lead, token = match.groups()
    if token[0].isdigit():
        return lead + token[:-1] + "\\" + token[-1]
    return lead + "\\" + token


def heading(text: str) -> str:
    """Escape text for a heading line (trailing #s would be eaten by CommonMark)."""
    return inline(text).replace("#", "\\#")
