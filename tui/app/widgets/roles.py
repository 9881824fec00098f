"""A phase role in a word, for the phase bar ("Frame") and the outline's margin ("frame")."""

from __future__ import annotations

from tui.core.config.layouts import Phase
from tui.core.text.safe_text import visible_line

ROLE_WORDS = {"requirements": "Req", "framing": "Frame", "walkthrough": "Walk",
              "deep_dive": "Deep", "resilience": "Resil", "break": "Break"}


def role_word(phase: Phase) -> str:
    """The phase's role in a word ("Frame"), or the start of its title for other roles."""
    return ROLE_WORDS.get(phase.role) or visible_line(phase.title)[:5]
