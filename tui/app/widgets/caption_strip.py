"""The caption strip: status, the last final lines, the live partial (dimmed) and cue words of
the current phase highlighted (a new flag shows in the FlagBanner above it)."""

from __future__ import annotations

import re

from rich.console import Console
from rich.text import Text
from textual.widget import Widget

from tui.app.widgets.quiet import QuietStatic
from tui.core.config.layouts import Phase
from tui.core.session.events import CaptionsState
from tui.core.session.state import SessionState
from tui.core.text.durations import format_clock
from tui.core.text.safe_text import visible, visible_line

GUTTER = 8
#: What the strip says in a state whose status message is empty.
STATUS_WORDS = {
    CaptionsState.LOADING: "loading model…",
    CaptionsState.BEHIND: "captions behind",
    CaptionsState.OFF: "captions off",
    CaptionsState.ERROR: "captions off",
}
#: States the strip says out loud (above the captions); in the others it shows just captions.
SAID = frozenset(STATUS_WORDS)


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


class CaptionStrip(Widget):
    """Live captions at the bottom of the practice screen (fixed height: repainting it never
    needs a new layout, so streaming captions stay cheap)."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self._text = Text()

    def render(self) -> Text:
        return self._text

    def show(self, state: SessionState, lines: int, pattern: re.Pattern[str] | None,
             note: str = "", heard: str = "") -> None:
        """`note`: one more status line (why the interviewer's voice is silent); `heard`: in a
        replay, the caption whose recording is playing, highlighted as the newest line."""
        out: list[tuple[Text, Text]] = []  # (time column, body)
        blank = Text(" " * GUTTER)
        if note:
            out.append((blank, Text(visible_line(note), style="italic")))
        said = state.captions_state
        if said in SAID:
            message = state.captions_message or STATUS_WORDS[CaptionsState(said)]
            out.append((blank, Text(visible(message), style="italic")))
        room = max(1, lines - len(out) - (1 if state.partial or heard else 0))
        for caption in state.captions[-room:]:
            body = Text(visible_line(caption.text))
            if pattern is not None:
                body.highlight_regex(pattern, style="bold underline")
            when = format_clock(state.round_time(caption.t))
            out.append((Text(f"{when:>6}  ", style="dim"), body))
        if state.partial:
            partial = Text(visible_line(state.partial) + " …", style="dim italic")
            if pattern is not None:
                partial.highlight_regex(pattern, style="underline")
            out.append((blank, partial))
        if heard:
            out.append((Text(" ▶ heard", style="bold"),
                        Text(visible_line(heard), style="reverse")))
        if not out:
            out.append((blank, Text("listening… captions appear here; ctrl+k pins the last "
                                    "one", style="dim italic")))
        self._text = _bottom_lines(out, self.content_region.width, lines, self.app.console)
        self.refresh()


def _bottom_lines(rows: list[tuple[Text, Text]], width: int, lines: int,
                  console: Console) -> Text:
    """Wrap each body beside its time column (continuations indented) and keep the newest
    (last) lines."""
    out: list[Text] = []
    room = max(8, width - GUTTER)
    for gutter, body in rows:
        wrapped = list(body.wrap(console, room)) if width > 0 else [body]
        for index, line in enumerate(wrapped):
            prefix = gutter if index == 0 else Text(" " * GUTTER)
            out.append(Text.assemble(prefix.copy(), line))
    return Text("\n").join(out[-lines:])


class ProbeBanner(QuietStatic):
    """An interviewer probe with its own answer countdown."""

    def show(self, state: SessionState, now: float) -> None:
        open_probes = [p for p in state.probes.values() if p.closed_t is None]
        if not open_probes:
            self.display = False
            return
        probe = max(open_probes, key=lambda p: p.asked_t)
        left = probe.answer_s - (state.round_time(now) - state.round_time(probe.asked_t))
        self.display = True
        self.set_class(left < 0, "-late")
        clock = "time's up" if left < 0 else f"{format_clock(left)} to answer"
        text = Text()
        text.append("Interviewer: ", style="bold")
        text.append(visible(probe.text))
        text.append(f"   ⏳ {clock}", style="bold")
        self.show_content(text)
