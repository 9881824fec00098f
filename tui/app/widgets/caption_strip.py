"""The caption strip: status, the last final lines, the live partial (dimmed), cue words of the
current phase highlighted, and a new flag flashing for a few seconds."""

from __future__ import annotations

import re

from rich.console import Console
from rich.text import Text
from textual.widgets import Static

from tui.core.durations import format_clock
from tui.core.layouts import Phase
from tui.core.state import Flag, SessionState

STATUS_WORDS = {
    "loading": "loading model…",
    "ready": "listening",
    "behind": "captions behind",
    "caught_up": "listening",
    "stopped": "stopped",
    "error": "captions error",
}


def cue_pattern(phase: Phase | None) -> re.Pattern[str] | None:
    """A whole-word, case-insensitive pattern for the phase's cue lexicon."""
    if phase is None:
        return None
    cues = set(phase.cues)
    for item in phase.checklist:
        cues.update(item.cues)
    cues = {cue for cue in cues if len(cue) > 1}
    if not cues:
        return None
    alternatives = "|".join(re.escape(c) for c in sorted(cues, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)


class CaptionStrip(Static):
    """Live captions at the bottom of the practice screen."""

    def show(self, state: SessionState, lines: int, flash: Flag | None,
             pattern: re.Pattern[str] | None) -> None:
        out: list[Text] = []
        if flash is not None:
            line = Text(f" ⚑ {format_clock(flash.t)} {flash.message} ", style="bold")
            out.append(line)
        self.set_class(flash is not None, "-flash")
        state_word = state.captions_state
        if state_word == "off" or state_word == "error":
            message = state.captions_message or "captions off"
            out.append(Text(message, style="italic"))
        elif state_word in ("loading", "behind"):
            out.append(Text(state.captions_message or STATUS_WORDS[state_word], style="italic"))
        room = max(1, lines - len(out) - (1 if state.partial else 0))
        for caption in state.captions[-room:]:
            text = Text(f"{format_clock(caption.t):>6}  ", style="dim")
            body = Text(caption.text)
            if pattern is not None:
                body.highlight_regex(pattern, style="bold underline")
            out.append(text + body)
        if state.partial:
            partial = Text("        " + state.partial + " …", style="dim italic")
            if pattern is not None:
                partial.highlight_regex(pattern, style="underline")
            out.append(partial)
        if not out:
            out.append(Text("listening… captions appear here; ctrl+k pins the last one",
                            style="dim italic"))
        self.update(_bottom_lines(Text("\n").join(out), self.content_region.width, lines,
                                  self.app.console))


def _bottom_lines(text: Text, width: int, lines: int, console: Console) -> Text:
    """Wrap to the strip's width and keep the newest (last) lines."""
    if width <= 0:
        return text
    wrapped = text.wrap(console, width)
    return Text("\n").join(list(wrapped)[-lines:])


class ProbeBanner(Static):
    """An interviewer probe with its own answer countdown."""

    def show(self, state: SessionState, now: float) -> None:
        open_probes = [p for p in state.probes.values() if p.closed_t is None]
        if not open_probes:
            self.display = False
            return
        probe = max(open_probes, key=lambda p: p.asked_t)
        left = probe.answer_s - (now - probe.asked_t)
        self.display = True
        self.set_class(left < 0, "-late")
        clock = "time's up" if left < 0 else f"{format_clock(left)} to answer"
        text = Text()
        text.append("Interviewer: ", style="bold")
        text.append(probe.text)
        text.append(f"   ⏳ {clock}", style="bold")
        self.update(text)
