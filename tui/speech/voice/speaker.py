"""The interviewer's voice for a round: text in, speech out of the speakers, non-blocking.

`InterviewerVoice.say(text)` returns at once; a thread synthesises the text sentence by
sentence and hands each sentence to the `Player` as soon as it is ready, so the first sentence
sounds while the next is still being made. `speaking` is the player's `Speaking` gate.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable

from tui.speech.voice.errors import VoiceError
from tui.speech.voice.gate import Speaking
from tui.speech.voice.model import VoiceModel, shared_model
from tui.speech.voice.playback import Player
from tui.speech.voice.synthesis import DEFAULT_SEED, stream_speech


class InterviewerVoice:
    """Reads text aloud on one player. `say` queues, `stop` silences at once, `close` ends.

    A voice that cannot load (VoiceLoadError, found on the first `say`) is reported once
    through `on_error`, like a device that fails while playing; from then on `say` does
    nothing, so the round goes on with the text on screen only.
    """

    def __init__(self, player: Player, seed: int = DEFAULT_SEED,
                 model: Callable[[], VoiceModel] = shared_model,
                 on_error: Callable[[str], None] | None = None) -> None:
        self.player = player
        self.seed = seed
        self._model = model
        self.on_error = on_error
        self.error: str | None = None
        self._texts: queue.Queue[tuple[int, str] | None] = queue.Queue()
        self._generation = 0
        self._lock = threading.Lock()
        self._unspoken = 0
        """Texts queued or being synthesised."""
        self._spoken = threading.Condition(self._lock)
        self._thread = threading.Thread(target=self._run, name="voice-synthesis", daemon=True)
        self._thread.start()
        if player.on_error is None:
            player.on_error = self._fail

    @property
    def speaking(self) -> Speaking:
        """The gate that says when the interviewer's audio sounds."""
        return self.player.gate

    def say(self, text: str) -> None:
        """Queue `text` to be read after what is already queued (same text, same audio)."""
        if self.error is None and text.strip():
            with self._lock:
                self._unspoken += 1
                self._texts.put((self._generation, text))

    def stop(self) -> None:
        """Silence the interviewer now and forget what was queued."""
        with self._lock:
            self._generation += 1
            try:
                while True:
                    if self._texts.get_nowait() is None:
                        self._texts.put(None)  # keep close()'s end marker
                        break
                    self._unspoken -= 1
            except queue.Empty:
                pass
            self._spoken.notify_all()
            self.player.stop()

    def wait(self, timeout: float | None = None) -> bool:
        """Wait until everything queued has been synthesised and played; False if `timeout`
        seconds passed first."""
        began = time.monotonic()
        with self._spoken:
            if not self._spoken.wait_for(lambda: self._unspoken == 0, timeout):
                return False
        left = None if timeout is None else max(0.0, timeout - (time.monotonic() - began))
        return self.player.wait(left)

    def close(self) -> None:
        """Stop, end the synthesis thread and close the player."""
        self.stop()
        self._texts.put(None)
        self._thread.join(timeout=5)
        self.player.close()

    def _run(self) -> None:
        while True:
            item = self._texts.get()
            if item is None:
                return
            try:
                self._speak(*item)
            finally:
                with self._lock:
                    self._unspoken -= 1
                    self._spoken.notify_all()

    def _speak(self, generation: int, text: str) -> None:
        if self.error is not None or generation != self._generation:
            return
        try:
            model = self._model()
            for sentence in stream_speech(text, self.seed, model=model):
                with self._lock:  # a stop() between the check and play() would let it sound
                    if generation != self._generation:
                        return
                    self.player.play(sentence.samples, sentence.rate)
        except VoiceError as error:
            self._fail(str(error))

    def _fail(self, message: str) -> None:
        if self.error is None:
            self.error = message
            if self.on_error is not None:
                self.on_error(message)


def open_voice(device: str | int | None = None,
               on_error: Callable[[str], None] | None = None) -> InterviewerVoice:
    """The interviewer's voice on `device` (index, name, or None for the default output).

    Raises OutputDeviceError (one line) when there is no such output; the caller says so once
    and goes on without the voice. The model loads on the first `say` (or call
    `shared_model()` in a worker beforehand to have it ready).
    """
    return InterviewerVoice(Player(device), on_error=on_error)
