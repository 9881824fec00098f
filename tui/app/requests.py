"""What a screen asks of the app: messages a screen posts, which bubble up to `BoardlessApp`.

The app owns the session, the caption feed, the replay clock and the export; a screen never
calls into it, it asks (`self.post_message(ExportRequested())`) and the app decides.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from textual.message import Message

from tui.core.config.layouts import Layout
from tui.core.config.prompts import Prompt


@dataclass
class StartRoundRequested(Message):
    """Start a new round with this layout and prompt (the start screen)."""

    layout: Layout
    prompt: Prompt
    engine: str | None = None
    """The engine the start screen found, so the round does not look for it again."""


@dataclass
class ResumeRequested(Message):
    """Reopen the unfinished session whose log this is (the start screen)."""

    log_path: Path


@dataclass
class ExportRequested(Message):
    """Export the session as Markdown beside its log (practice and results screens)."""


@dataclass
class NewRoundRequested(Message):
    """Close this session and go back to the start screen (the results screen)."""


@dataclass
class ReplayPauseRequested(Message):
    """Pause the replay, or play it on (Ctrl+T on the read-only practice screen)."""
