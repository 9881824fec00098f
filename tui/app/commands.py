"""Our commands in the palette, beside Textual's own (Keys, Theme, Screenshot, ...): every action
the current screen allows, titled "group: verb", plus "phase: jump to ..." for each phase.

Titles are `Content` built from plain text, so a layout's phase title is never read as markup.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content
from textual.dom import DOMNode
from textual.fuzzy import Matcher

from tui.app.keys import KeyAction, in_scope
from tui.core.text.durations import format_minutes
from tui.core.text.safe_text import visible_line

SCREEN_SCOPES = {"StartScreen": "start", "PracticeScreen": "practice",
                 "ResultsScreen": "results"}


class ActionsProvider(Provider):
    """Offers only the actions `check_action` allows right now."""

    def commands(self) -> Iterator[tuple[str, str, Callable[[], object]]]:
        """(title, help, callback) of every command offered on the current screen."""
        screen = self.screen
        scope = SCREEN_SCOPES.get(type(screen).__name__)
        targets: list[tuple[KeyAction, DOMNode]] = []
        if scope is not None:
            targets += [(action, screen) for action in in_scope(scope)]
        if scope == "practice":
            outline = screen.query_one("#outline")
            targets += [(action, outline) for action in in_scope("outline")
                        if action.action not in ("stop_editing",)]
        targets += [(action, self.app) for action in (*in_scope("replay"), *in_scope("app"))]
        seen: set[tuple[str, int]] = set()
        for action, node in targets:
            if node.check_action(action.action, ()) is False or (action.title, id(node)) in seen:
                continue
            seen.add((action.title, id(node)))
            title = f"{action.title}  [{action.key_display}]"
            yield title, action.help, partial(self.app.run_action, action.action, node)
        if scope == "practice":
            yield from self._phase_jumps()

    def _phase_jumps(self) -> Iterator[tuple[str, str, Callable[[], object]]]:
        from tui.app.screens.practice import PracticeScreen  # loaded with the practice screen

        screen = self.screen
        if not isinstance(screen, PracticeScreen) or screen.check_action("jump_phase", ()) is False:
            return
        tracker = screen.session.state.phases
        for phase in tracker.layout.phases:
            if tracker.is_current(phase.id):
                continue
            window = f"{format_minutes(phase.min_s)}-{format_minutes(phase.max_s)}"
            yield (f"phase: jump to {visible_line(phase.title)}",
                   f"Enter this phase now ({window}).",
                   partial(self.app.run_action, f"jump_phase({phase.id!r})", screen))

    async def discover(self) -> Hits:
        for title, help_text, callback in self.commands():
            yield DiscoveryHit(Content(title), callback, text=title, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, help_text, callback in self.commands():
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, highlight(matcher, title), callback, text=title, help=help_text)


def highlight(matcher: Matcher, title: str) -> Content:
    """`title` as plain text with the letters the query matched highlighted (Textual's own
    `Matcher.highlight` would read the title as markup)."""
    content = Content(title)
    _score, offsets = matcher.fuzzy_search.match(matcher.query, title)
    for offset in offsets:
        if not title[offset].isspace():
            content = content.stylize(matcher.match_style, offset, offset + 1)
    return content
