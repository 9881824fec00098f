"""The two themes: "paper" (a light notebook page) and "ink" (the same page at night).

Every text colour keeps at least 4.5:1 (WCAG) against the backgrounds it is drawn on, and the
note under the cursor is a band in the primary colour with the page's colour as its text
(tests/app/test_contrast.py checks both).
"""

from __future__ import annotations

from textual.theme import Theme

PAPER = Theme(
    name="paper",
    primary="#2f5d8a",
    secondary="#65568d",
    accent="#984728",
    warning="#845300",
    error="#ae2f2f",
    success="#276a43",
    foreground="#26262e",
    background="#f7f2e4",
    surface="#efe8d4",
    panel="#e3dac2",
    dark=False,
    variables={
        "paper-rule": "#d9e3ee",
        "paper-margin-line": "#e2a3a3",
        "paper-margin-text": "#766b58",
        "calm": "#446181",
        "paper-cursor": "#2f5d8a",
        "paper-cursor-text": "#f7f2e4",
        "footer-key-foreground": "#2f5d8a",
    },
)

INK = Theme(
    name="ink",
    primary="#7aa2f7",
    secondary="#bb9af7",
    accent="#ff9e64",
    warning="#e0af68",
    error="#f7768e",
    success="#9ece6a",
    foreground="#d5d8e2",
    background="#151821",
    surface="#1c202b",
    panel="#262b3a",
    dark=True,
    variables={
        "paper-rule": "#252b3a",
        "paper-margin-line": "#6e3a48",
        "paper-margin-text": "#7c8299",
        "calm": "#8194c0",
        "paper-cursor": "#7aa2f7",
        "paper-cursor-text": "#151821",
    },
)

THEMES = {"paper": PAPER, "ink": INK}


def other_theme(name: str) -> str:
    """The theme a toggle switches to."""
    return "ink" if name == "paper" else "paper"
