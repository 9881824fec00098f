"""The app's side of live captions: it runs the caption feed in a worker, logs what the feed
drained on the UI thread when told results wait, stops it off the UI thread, and gives the
practice screen the microphone level. Mixed into BoardlessApp."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from textual import work
from textual.app import App
from textual.message import Message

from tui.app.options import AppOptions
from tui.core.config.settings import Settings
from tui.core.session.events import CaptionsState

if TYPE_CHECKING:
    from tui.app.captions import CaptionFeed
    from tui.app.replay import Replayer
    from tui.core.session.session import Session
    from tui.speech.voice.gate import Speaking

AUDIO_NAME = "audio.wav"


def recording_path(directory: Path) -> Path:
    """Where the next capture of a session is recorded: `audio.wav`, and for each capture after
    a resume `audio-2.wav`, `audio-3.wav`, ... (a resume never writes over what was recorded)."""
    path, number = directory / AUDIO_NAME, 1
    while path.exists():
        number += 1
        path = directory / f"audio-{number}.wav"
    return path
#: Caption states with no input level to show.
CAPTIONS_SILENT = frozenset({CaptionsState.OFF, CaptionsState.ERROR, CaptionsState.STOPPED})


@dataclass
class CaptionsWaiting(Message):
    """The caption feed has results queued (posted from its threads; one waiting is enough)."""

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, CaptionsWaiting)


class CaptionsHost(App[int]):
    """Runs the caption feed of the live session."""

    options: AppOptions
    settings: Settings
    session: Session | None
    replayer: Replayer | None
    feed: CaptionFeed | None = None
    voice_gate: Speaking | None = None

    def _start_feed(self) -> None:
        assert self.options.speech is not None and self.session is not None
        record_to = None
        from tui.app.captions import records

        if records(self.options.speech, self.settings) and self.session.directory is not None:
            record_to = recording_path(self.session.directory)
        from tui.app.captions import CaptionFeed

        def wake() -> None:  # on a pipeline thread: post_message is thread-safe
            self.post_message(CaptionsWaiting())

        # the interviewer's gate: what the microphone hears while the voice speaks is muted
        self.feed = CaptionFeed(self.options.speech, self.settings, wake=wake,
                                record_to=record_to, gate=self.voice_gate)
        self._run_feed(self.feed)

    @work(thread=True, exclusive=True, group="captions")
    def _run_feed(self, feed: CaptionFeed) -> None:
        feed.start()

    def on_captions_waiting(self, _message: CaptionsWaiting) -> None:
        self._drain()

    def _drain(self) -> None:
        if self.feed is not None and self.session is not None and not self.session.state.closed:
            self.session.emit_all(self.feed.drain())

    async def stop_captions(self) -> None:
        """Stop the pipeline off the UI thread, then log the words it flushed."""
        feed = self.feed
        if feed is None:
            return
        await asyncio.to_thread(feed.stop)
        self._drain()
        self.feed = None

    def _show_level(self) -> None:
        from tui.app.screens.practice import PracticeScreen  # loaded when the round opened

        if isinstance(self.screen, PracticeScreen):
            self.screen.mic_level = self.mic_level()

    def mic_level(self) -> float | None:
        """The input level for the header, or None when captions are off."""
        if self.feed is None or self.session is None:
            return None
        if self.session.state.captions_state in CAPTIONS_SILENT:
            return None
        return self.feed.level
