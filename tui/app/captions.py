"""The bridge between the caption pipeline (its own threads) and the UI thread.

Pipeline callbacks only append to a deque and post one mergeable wake-up message; the UI thread
drains the deque and turns results into session events. Stopping runs in a thread, and whatever
the pipeline flushes while stopping is drained afterwards, so the last words reach the log.
"""

from __future__ import annotations

import importlib
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tui.app.options import SpeechOptions
from tui.core.config.settings import Settings
from tui.core.errors import BoardlessError
from tui.core.session.events import CaptionsState, NewEvent
from tui.speech.sources.device_state import DeviceState

#: Seconds of audio after which a streaming recogniser is rebuilt (memory stays flat).
RECREATE_EVERY_S = 900.0
#: The recogniser's backlog statuses: while the microphone is lost they do not replace its
#: message in the strip.
BACKLOG_STATES = frozenset({CaptionsState.READY, CaptionsState.CAUGHT_UP, CaptionsState.BEHIND})


@dataclass(frozen=True)
class Status:
    """A caption status from the pipeline or from starting it."""

    state: CaptionsState
    message: str


def describe_input(options: SpeechOptions, settings: Settings) -> str:
    """Which microphone (or file) captions will listen to, or why none and how to choose."""
    if options.audio_file is not None:
        speed = "" if options.speed == 1 else f" at {options.speed:g}x"
        return f"audio file {options.audio_file.name}{speed}"
    from tui.speech.sources.microphone import describe_microphone

    return describe_microphone(options.device or settings.device)


#: Bytes a second of a round's recording (16 kHz mono 16-bit) and so MB an hour, rounded.
RECORDING_BYTES_S = 32_000
RECORDING_MB_HOUR = round(RECORDING_BYTES_S * 3600 / 1e6)


def records(options: SpeechOptions, settings: Settings) -> bool:
    """Whether a live round keeps its audio: `--no-record` for this run, else the setting."""
    return settings.record_audio if options.record is None else options.record


def describe_recording(options: SpeechOptions, settings: Settings) -> str:
    """Where a round's audio will be kept and what it costs, or that it will not be: one line."""
    if not records(options, settings):
        why = "--no-record" if options.record is False else "record_audio = false in settings"
        return f"off ({why}); the replay will be silent"
    from tui.core.config.locations import sessions_dir
    from tui.speech.models import tilde

    return (f"audio.wav in the session's folder under {tilde(sessions_dir())}, about "
            f"{RECORDING_MB_HOUR} MB an hour (--no-record turns it off)")


class CaptionFeed:
    """Runs one caption pipeline for a live session."""

    def __init__(self, options: SpeechOptions, settings: Settings, wake: Callable[[], None],
                 record_to: Any = None, gate: Any = None) -> None:
        self.options = options
        self.gate = gate
        """The interviewer's `Speaking` gate, or None (no voice this run)."""
        self.settings = settings
        self._wake = wake
        self.record_to = record_to
        self._items: deque[object] = deque()
        self._pipeline: Any = None
        self._stopped = False
        self._lock = threading.Lock()
        self.level = 0.0
        self._device_message = ""

    # ---- runs on a worker thread ------------------------------------------------------------
    def start(self) -> None:
        """Choose the engine, open the source and start the pipeline (blocking: call it from a
        thread worker). Failures become an "off" status with the reason."""
        if not self.options.enabled:
            self._status(CaptionsState.OFF, "captions off: disabled for this run")
            return
        try:
            from tui.speech.select import choose_engine

            choice = choose_engine(self.options.engine, self.options.model, self.settings)
            if choice.name == "off":
                self._status(CaptionsState.OFF, f"captions {choice.reason}")
                return
            self._status(CaptionsState.LOADING, f"loading {choice.name}: {choice.reason}")
            factory = importlib.import_module("tui.speech.sources.factory")
            pipeline_mod = importlib.import_module("tui.speech.pipeline")
            source = factory.make_source(self.options.audio_file, self.options.device
                                         or self.settings.device, self.options.speed,
                                         on_state=self._device_state)
            pipeline = pipeline_mod.CaptionPipeline(
                source, choice.make, on_result=self._result, on_status=self._pipeline_status,
                on_level=self._level, record_to=self.record_to, gate=self.gate,
                # a streaming recogniser's memory grows over an hour: rebuild it now and then
                # (Whisper keeps no state between utterances, and reloading it would stall)
                recreate_every_s=None if choice.name == "whisper" else RECREATE_EVERY_S,
            )
            with self._lock:
                if self._stopped:
                    return
                self._pipeline = pipeline
                pipeline.start()
        except ModuleNotFoundError as error:
            self._status(CaptionsState.OFF, f"captions off: {error.name} is not available")
        except BoardlessError as error:
            self._status(CaptionsState.OFF, f"captions off: {error}")
        except OSError as error:
            self._status(CaptionsState.OFF, f"captions off: {error.strerror or error}")

    def stop(self) -> None:
        """Stop the pipeline, flushing its last words into the queue (blocking)."""
        with self._lock:
            self._stopped = True
            pipeline, self._pipeline = self._pipeline, None
        if pipeline is not None:
            pipeline.stop()

    def pause(self) -> None:
        if self._pipeline is not None:
            self._pipeline.pause()

    def resume(self) -> None:
        if self._pipeline is not None:
            self._pipeline.resume()

    # ---- pipeline callbacks (any thread) ----------------------------------------------------
    def _result(self, recognition: Any) -> None:
        self._items.append(recognition)
        self._wake()

    def _pipeline_status(self, status: Any) -> None:
        state = CaptionsState(status.state)  # a PipelineStatus holds a CaptionsState
        if self._device_message and state in BACKLOG_STATES:
            # the microphone is still lost: the strip keeps saying so (and why) until it is
            # back, whatever the recogniser's backlog does meanwhile
            return
        self._status(state, str(status.message))

    def _status(self, state: CaptionsState, message: str) -> None:
        self._items.append(Status(state, message))
        self._wake()

    def _level(self, level: float) -> None:
        self.level = float(level)

    def _device_state(self, state: DeviceState, reason: str) -> None:
        """The microphone lost (with the reason) and back: say so in the caption strip."""
        if state is DeviceState.LOST:
            message = f"microphone lost: {reason}; reconnecting…"
            if message != self._device_message:
                self._device_message = message
                self._status(CaptionsState.ERROR, message)
        elif state is DeviceState.LISTENING and self._device_message:
            self._device_message = ""
            self._status(CaptionsState.READY, "microphone back: listening again")

    # ---- UI thread --------------------------------------------------------------------------
    def drain(self) -> list[NewEvent]:
        """Events for everything queued; a partial followed by a newer result is dropped."""
        items: list[Any] = []  # Status or the engine's Recognition
        while self._items:
            items.append(self._items.popleft())
        out: list[NewEvent] = []
        for index, item in enumerate(items):
            if isinstance(item, Status):
                out.append(("captions_status", {"state": item.state.value,
                                                "message": item.message}))
                continue
            if not getattr(item, "final", False) and _superseded(items, index):
                continue
            if not getattr(item, "final", False) and not getattr(item, "text", ""):
                # Voice activity without words yet: the speaker is talking (not dead air).
                out.append(("speech", {"start": float(item.start), "end": float(item.end)}))
                continue
            out.append(("caption", caption_fields(item)))
        return out


def _superseded(items: list[object], index: int) -> bool:
    return any(not isinstance(later, Status) for later in items[index + 1:])


def caption_fields(recognition: Any) -> dict[str, Any]:
    """The `caption` event fields for one Recognition."""
    return {
        "text": recognition.text,
        "final": bool(recognition.final),
        "start": float(recognition.start),
        "end": float(recognition.end),
        "words": [[w.text, float(w.start), float(w.end)] for w in recognition.words],
        "delay": float(recognition.delay),
        "engine": recognition.engine,
    }
