"""The curveball banner: the interviewer changed a constraint. Shown apart from probes, marked
CURVEBALL in its own colour, with the time left to take it up; it goes once the candidate has
talked about it or the window has closed (then the `curveball_ignored` flag says so)."""

from __future__ import annotations

from rich.text import Text

from tui.app.widgets.quiet import QuietStatic
from tui.core.session.state import Curveball, SessionState
from tui.core.text.durations import format_clock
from tui.core.text.safe_text import visible


def open_curveball(state: SessionState, now: float) -> tuple[Curveball, float] | None:
    """The newest curveball still waiting for an answer and its round seconds left, or None."""
    waiting = []
    for curveball in state.curveballs.values():
        left = curveball.answer_s - (state.round_time(now) - state.round_time(curveball.asked_t))
        if curveball.answered_t is None and left > 0:
            waiting.append((curveball, left))
    return max(waiting, key=lambda pair: pair[0].asked_t, default=None)


class CurveballBanner(QuietStatic):
    """A curveball with its own answer countdown."""

    def show(self, state: SessionState, now: float) -> None:
        found = open_curveball(state, now)
        if found is None:
            self.display = False
            return
        curveball, left = found
        self.display = True
        text = Text()
        text.append("CURVEBALL ", style="bold reverse")
        text.append(" ")
        text.append(visible(curveball.text))
        text.append(f"   ⏳ {format_clock(left)} to take it up", style="bold")
        self.show_content(text)
