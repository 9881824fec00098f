"""The command palette: every action the current screen allows, titled "group: verb", plus
"phase: jump to ..." for each phase."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.dom import DOMNode
from textual.markup import escape

from tui.app.keys import KeyAction, in_scope
from tui.core.text.durations import format_minutes
from tui.core.text.safe_text import visible_line

SCREEN_SCOPES = {"StartScreen": "start", "PracticeScreen": "practice",
                 "ResultsScreen": "results"}


class ActionsProvider(Provider):
    """Offers only the actions `check_action` allows right now."""

    def _commands(self) -> Iterator[tuple[str, str, Callable[[], object]]]:
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
            yield title, action.help, partial(node.run_action, action.action)
        if scope == "practice" and screen.check_action("jump_phase", ()) is not False:
            tracker = screen.session.state.phases  # type: ignore[attr-defined]
            for phase in tracker.layout.phases:
                if tracker.is_current(phase.id):
                    continue
                window = f"{format_minutes(phase.min_s)}-{format_minutes(phase.max_s)}"
                title = escape(visible_line(phase.title))  # the palette reads markup
                yield (f"phase: jump to {title}", f"Enter this phase now ({window}).",
                       partial(screen.run_action, f"jump_phase({phase.id!r})"))

    async def discover(self) -> Hits:
        for title, help_text, callback in self._commands():
            yield DiscoveryHit(title, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, help_text, callback in self._commands():
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), callback, help=help_text)
