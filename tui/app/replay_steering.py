"""Steering a replay: the keys of the "replay" scope (seek, jump to a flag, speed) and Ctrl+T's
pause, on the app that owns the replay clock. Mixed into BoardlessApp."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import App
from textual.screen import Screen
from textual.timer import Timer

from tui.app.requests import ReplayPauseRequested

if TYPE_CHECKING:
    from tui.app.replay import Replayer
    from tui.core.session.state import SessionState


class ReplaySteering(App[int]):
    """Replay keys; BoardlessApp provides the replay, its timer and its screens."""

    replayer: Replayer | None
    results_shown: bool
    _ticker: Timer | None

    def tick(self) -> None:  # provided by BoardlessApp
        raise NotImplementedError

    def _replay_screen(self, state: SessionState) -> Screen[None]:  # provided by BoardlessApp
        raise NotImplementedError

    def on_replay_pause_requested(self, _message: ReplayPauseRequested) -> None:
        if self.replayer is not None:
            self.replayer.toggle_pause()
            self.tick()

    def _replaying(self) -> bool:
        from tui.app.screens.practice import PracticeScreen

        return (self.replayer is not None and not self.results_shown
                and isinstance(self.screen, PracticeScreen))

    async def action_replay_seek(self, seconds: float) -> None:
        if self.replayer is not None:
            await self._seek(self.replayer.now() + seconds)

    async def action_replay_flag(self, direction: int) -> None:
        if self.replayer is None:
            return
        t = self.replayer.next_flag() if direction > 0 else self.replayer.previous_flag()
        if t is None:
            self.notify("No later flag." if direction > 0 else "No earlier flag.", timeout=2)
            return
        await self._seek(t)

    def action_replay_speed(self, direction: int) -> None:
        from tui.app.replay import speed_label
        from tui.app.screens.practice import PracticeScreen

        if self.replayer is None:
            return
        speed = self.replayer.step_speed(direction)
        if isinstance(self.screen, PracticeScreen):
            self.screen.mode_label = speed_label(speed)

    async def _seek(self, t: float) -> None:
        """Show the round at session time `t`. Going back, the state is folded again from
        the log's events before `t` on a new screen; then the events at `t` (a flag) and,
        going forward, those on the way are applied as the timer would."""
        assert self.replayer is not None
        if self.replayer.seek(t):
            # No tick until the new screen listens: it must see the events at `t` (a flag).
            if self._ticker is not None:
                self._ticker.pause()
            try:
                await self.switch_screen(self._replay_screen(self.replayer.state_before()))
            finally:
                if self._ticker is not None:
                    self._ticker.resume()
        self.tick()
