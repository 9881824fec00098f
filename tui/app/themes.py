"""The two themes: "paper" (a light notebook page) and "ink" (the same page at night)."""

from __future__ import annotations

from textual.theme import Theme

PAPER = Theme(
    name="paper",
    primary="#2f5d8a",
    secondary="#6b5b95",
    accent="#b5542f",
    warning="#a86a00",
    error="#b83232",
    success="#2e7d4f",
    foreground="#26262e",
    background="#f7f2e4",
    surface="#efe8d4",
    panel="#e3dac2",
    dark=False,
    variables={
        "paper-rule": "#d9e3ee",
        "paper-margin-line": "#e2a3a3",
        "paper-margin-text": "#9c8f7a",
        "calm": "#5a7fa8",
        "paper-cursor": "#dde7f0",
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
        "paper-margin-text": "#6b7189",
        "calm": "#7f93bf",
        "paper-cursor": "#28314a",
    },
)

THEMES = {"paper": PAPER, "ink": INK}


def other_theme(name: str) -> str:
    """The theme a toggle switches to."""
    return "ink" if name == "paper" else "paper"
