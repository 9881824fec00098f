"""The side panel: the current phase's goal and checklist, the curveballs sprung so far, the
clarifying questions when revealed, and the flags so far with their times."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll

from tui.app.widgets.quiet import QuietStatic
from tui.core.coach.severity import severity_mark
from tui.core.session.state import SessionState
from tui.core.text.durations import format_clock
from tui.core.text.safe_text import visible, visible_line

#: Colour of each severity, from the theme (symbol and word say it too).
SEVERITY_COLOUR = {"serious": "error", "warn": "warning", "info": "primary"}


class SidePanel(VerticalScroll, can_focus=False):
    """Goal, checklist, questions and flags. Ctrl+G focuses it to scroll the flags."""

    _flags_shown: tuple[int, str] | None = None

    BINDINGS = [("escape", "leave", "Back")]

    def focus_flags(self) -> None:
        """Take the focus and bring the flags list into view."""
        self.can_focus = True
        self.focus()
        self.scroll_to_widget(self.query_one("#side-flags"), animate=False, top=True)

    def action_leave(self) -> None:
        self.screen.focus_next()  # back to the outline

    def on_blur(self) -> None:
        self.can_focus = False

    def compose(self) -> ComposeResult:
        yield QuietStatic("", id="side-goal")
        yield QuietStatic("", id="side-checklist")
        yield QuietStatic("", id="side-curveballs")
        yield QuietStatic("", id="side-flags")
        yield QuietStatic("", id="side-questions")

    def show(self, state: SessionState, reveal: bool) -> None:
        phase = state.phases.current_phase or state.layout.phases[0]
        upcoming = "" if state.phases.started else " (first)"
        goal = Text()
        goal.append(f"{visible_line(phase.title)}{upcoming}\n", style="bold")
        goal.append(visible(phase.goal))
        self.query_one("#side-goal", QuietStatic).show_content(goal)
        ticked = state.ticked(phase.id)
        checklist = Text()
        for item in phase.checklist:
            done = item.id in ticked
            checklist.append("☑ " if done else "☐ ", style="bold" if done else "dim")
            checklist.append(visible_line(item.text) + "\n", style="strike dim" if done else "")
        if phase.checklist:
            checklist.append(f"{len(ticked & {i.id for i in phase.checklist})}/"
                             f"{len(phase.checklist)} covered", style="italic dim")
        box = self.query_one("#side-checklist", QuietStatic)
        box.show_content(checklist)
        box.display = bool(phase.checklist)
        curveballs = self.query_one("#side-curveballs", QuietStatic)
        curveballs.display = bool(state.curveballs)
        if state.curveballs:
            curveballs.show_content(curveballs_text(state))
        questions = self.query_one("#side-questions", QuietStatic)
        clarifying = state.prompt.clarifying
        if reveal and clarifying:
            text = Text("Clarifying questions\n", style="bold")
            for question in clarifying:
                text.append(f"? {visible_line(question)}\n")
            questions.show_content(text)
        else:
            questions.show_content(Text(f"{len(clarifying)} clarifying questions hidden "
                                              "(ctrl+r)", style="dim italic") if clarifying else "")
        questions.display = bool(clarifying)
        # The list only changes when a flag is raised or the theme changes: not rebuilt (all
        # of it, however long the round) on every repaint.
        key = (len(state.flags), self.app.theme)
        if key != self._flags_shown:
            self._flags_shown = key
            self.query_one("#side-flags", QuietStatic).show_content(self._flags_text(state))

    def _flags_text(self, state: SessionState) -> Text:
        flags = Text()
        flags.append(f"Flags ({len(state.flags)})\n", style="bold")
        if not state.flags:
            flags.append("none yet", style="dim italic")
        for flag in reversed(state.flags):
            mark = severity_mark(flag.severity)
            colour = self.app.theme_variables.get(SEVERITY_COLOUR.get(flag.severity, "warning"),
                                                  "")
            flags.append(f"{mark.symbol} {format_clock(state.round_time(flag.t))} {mark.word}",
                         style=f"bold {colour}".strip())
            flags.append(f" {visible_line(flag.message)}\n")
        return flags


def curveballs_text(state: SessionState) -> Text:
    """Each curveball sprung, newest first: when, what, and whether it was taken up."""
    text = Text(f"Curveballs ({len(state.curveballs)})\n", style="bold")
    for curveball in sorted(state.curveballs.values(), key=lambda c: -c.asked_t):
        text.append(f"↯ {format_clock(state.round_time(curveball.asked_t))} ", style="bold")
        text.append(visible_line(curveball.text))
        if curveball.answered_t is not None:
            text.append(f" ✓ taken up at {format_clock(state.round_time(curveball.answered_t))}",
                        style="italic")
        text.append("\n")
    return text
