"""Inline markers typed in plain text, parsed into note kinds.

A marker opens the note: `-> ` data flow, `! ` risk or failure mode, `? ` open question,
`* ` decision or trade-off, `~ ` async path. A note ending in "?" is a question too.
"""

from __future__ import annotations

MARKERS: dict[str, str] = {"->": "flow", "!": "risk", "?": "question", "*": "decision",
                           "~": "async"}
#: Words used where a marker is rendered as text (exports, screen readers).
KIND_WORDS: dict[str, str] = {
    "flow": "Flow",
    "risk": "Risk",
    "question": "Question",
    "decision": "Decision",
    "async": "Async",
}
#: Glyphs used on screen.
KIND_SYMBOLS: dict[str, str] = {
    "flow": "→",
    "risk": "⚠",
    "question": "?",
    "decision": "◆",
    "async": "∿",
}


def parse_markers(text: str) -> tuple[str, str]:
    """Return (kind, text without the marker). Plain text is kind "note"."""
    stripped = text.strip()
    for marker in sorted(MARKERS, key=len, reverse=True):
        if stripped.startswith(marker):
            rest = stripped[len(marker) :].strip()
            if rest:
                return MARKERS[marker], rest
    if len(stripped) > 1 and stripped.endswith("?"):
        return "question", stripped
    return "note", stripped


def marker_for(kind: str) -> str:
    """The typed marker for `kind` ("" for plain notes), for editing a note in place."""
    for marker, value in MARKERS.items():
        if value == kind:
            return marker + " "
    return ""
