"""The phase bar: every phase with its elapsed time against its min-max window."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widget import Widget

from tui.app.widgets.roles import role_word
from tui.core.round.phases import PhaseTracker, Window
from tui.core.text.durations import format_clock, format_minutes
from tui.core.text.safe_text import visible_line

WINDOW_CLASS = {
    Window.PENDING: "-pending",
    Window.BELOW_MIN: "-calm",
    Window.IN_WINDOW: "-ready",
    Window.OVER_MAX: "-loud",
}
CROWDED = 6  # more phases than this: the running one gets the room, the others a short label
STATE_CLASSES = (*WINDOW_CLASS.values(), "-current", "-skipped", "-rushed")


class PhaseChip(Widget):
    """One phase: title, clock against window, and a progress rule marking min and max."""

    def __init__(self, phase_id: str, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.phase_id = phase_id
        self._text = Text()
        self._shown: tuple[PhaseTracker, float, bool] | None = None

    def render(self) -> Text:
        return self._text

    def on_resize(self) -> None:
        """The rule and the short label follow the chip's width: draw them again at the new
        size (the first show() can come before the chip has been laid out)."""
        if self._shown is not None:
            self.show(*self._shown)

    def show(self, tracker: PhaseTracker, now: float, crowded: bool = False) -> None:
        self._shown = (tracker, now, crowded)
        phase = tracker.layout.phase(self.phase_id)
        window = tracker.window(self.phase_id, now)
        current = tracker.is_current(self.phase_id) and not tracker.ended
        skipped = tracker.skipped(self.phase_id)
        rushed = tracker.rushed(self.phase_id, now)
        wanted = {WINDOW_CLASS[window]}
        if current:
            wanted.add("-current")
        if skipped:
            wanted.add("-skipped")
        if rushed:
            wanted.add("-rushed")
        for name in STATE_CLASSES:
            self.set_class(name in wanted, name)
        spent = tracker.elapsed(self.phase_id, now)
        budget = f"{format_minutes(phase.min_s)}-{format_minutes(phase.max_s)}"
        if current:
            mark = "▶ " if tracker.running else "‖ "
        elif skipped:
            mark = "✗ "
        elif rushed:
            mark = "» "
        elif window is Window.PENDING:
            mark = "  "
        else:
            mark = "✓ " if window is Window.IN_WINDOW else "· "
        compact = crowded and not current
        room = self.content_size.width or 80
        if compact:
            mark = mark.strip()
            titles = [short_label(tracker, self.phase_id), role_word(phase)]
        else:
            titles = [visible_line(phase.title), short_label(tracker, self.phase_id),
                      role_word(phase)]
        title = Text(fit([mark + t for t in titles], room), style="bold" if current else "")
        if skipped:
            status = "skipped"
        elif window is Window.PENDING:
            status = fit([f"– / {budget}", budget, "–"], room)
        else:
            # the status word matters most, then the time, then the window
            word = "rushed" if rushed else {Window.OVER_MAX: "over",
                                            Window.IN_WINDOW: "ok"}.get(window, "")
            clock = format_clock(spent)
            status = fit([f"{clock}/{budget} {word}".strip(), f"{clock} {word}".strip(),
                          word or clock], room)
        width = max(4, self.size.width - 2) if self.size.width else 14
        lines = Text("\n").join([title, Text(status), _rule(spent, phase.min_s, phase.max_s,
                                                             width, window)])
        lines.no_wrap = True
        lines.overflow = "ellipsis"
        if lines != self._text:
            self._text = lines
            self.refresh()




def fit(candidates: list[str], room: int) -> str:
    """The first candidate that fits in `room` cells, else the last one (the shortest)."""
    for candidate in candidates:
        if len(candidate) <= room:
            return candidate
    return candidates[-1]


def short_label(tracker: PhaseTracker, phase_id: str) -> str:
    """A few letters for a crowded bar: the phase number and its role ("3 Walk")."""
    phase = tracker.layout.phase(phase_id)
    number = tracker.layout.index_of(phase_id) + 1
    return f"{number} {role_word(phase)}"


def _rule(spent: float, min_s: float, max_s: float, width: int, window: Window) -> Text:
    """A one-line bar: filled up to the time spent, with a tick at the minimum."""
    scale = max_s * 1.25 or 1.0
    filled = min(width, int(round(width * spent / scale)))
    min_at = min(width - 1, int(round(width * min_s / scale)))
    max_at = min(width - 1, int(round(width * max_s / scale)))
    out = Text()
    for cell in range(width):
        if cell < filled:
            out.append("━")
        elif cell in (min_at, max_at):
            out.append("┊", style="dim")
        else:
            out.append("─", style="dim")
    return out


class PhaseBar(Horizontal):
    """All the layout's phases side by side."""

    def __init__(self, tracker: PhaseTracker, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.tracker = tracker

    def compose(self) -> ComposeResult:
        for phase in self.tracker.layout.phases:
            yield PhaseChip(phase.id, id=f"phase-{phase.id}", classes="phase-chip")

    def show(self, now: float) -> None:
        crowded = len(self.tracker.layout.phases) > CROWDED
        self.set_class(crowded, "-crowded")
        for chip in self.query(PhaseChip):
            chip.show(self.tracker, now, crowded)
