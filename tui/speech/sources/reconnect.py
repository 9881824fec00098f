"""Keeping a live input alive: noticing that its stream is lost and reopening the device until it
is back, reporting each `DeviceState` on the way.

A stream is lost when PortAudio finishes it without being asked (the device was unplugged or
failed), or when no block has come for `stall_timeout` seconds (a device that went quiet
without an error). The supervisor then closes it and tries to reopen the device every
`retry_interval` seconds until it succeeds or is stopped.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Protocol

from tui.speech.errors import DeviceError
from tui.speech.sources.device_state import DeviceState, StateCallback


class Reopenable(Protocol):
    """What the supervisor does to the device it keeps alive."""

    def close_stream(self) -> None:
        """Close the lost stream (nothing to do when it is already gone)."""

    def reopen(self) -> None:
        """Find the device again and open a stream on it; a DeviceError when it cannot."""


class Supervisor:
    """A thread that waits for the stream to be lost, then reconnects.

    The stream's side tells it what happens: `opened()` when a stream starts, `heard()` on
    every block, `lost(reason)` when PortAudio finished the stream. `sleep` waits between
    attempts (default: a wait that `stop()` cuts short); `clock` measures a stall.
    """

    def __init__(
        self,
        device: Reopenable,
        report: StateCallback,
        name: str,
        retry_interval: float,
        stall_timeout: float,
        sleep: Callable[[float], object] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.device = device
        self.report = report
        self.name = name
        self.retry_interval = retry_interval
        self.stall_timeout = stall_timeout
        self.reconnects = 0
        """Streams reopened after a loss."""
        self.stopping = threading.Event()
        self._clock = clock
        self._sleep = sleep or self.stopping.wait
        self._lost = threading.Event()
        self._reason = ""
        self._last_block_at = 0.0
        self._thread: threading.Thread | None = None

    # -- told by the stream's side (any thread) ----------------------------------------------

    def opened(self) -> None:
        """A stream was opened: earlier losses are forgotten, the stall timeout starts now."""
        self._lost.clear()
        self._last_block_at = self._clock()

    def heard(self) -> None:
        """A block came (PortAudio's thread)."""
        self._last_block_at = self._clock()

    def lost(self, reason: str) -> None:
        """The stream ended without being asked to (ignored once stopping)."""
        if not self.stopping.is_set():
            self._reason = reason
            self._lost.set()

    # -- control ------------------------------------------------------------------------------

    def start(self) -> None:
        """Start watching (the stream is open)."""
        self._thread = threading.Thread(target=self._run, name=f"mic-{self.name}", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop watching and reconnecting; returns once the thread has finished."""
        self.stopping.set()
        self._lost.set()
        if self._thread is not None:
            self._thread.join()

    # -- the supervisor thread ------------------------------------------------------------------

    def _run(self) -> None:
        while not self.stopping.is_set():
            self._wait_for_loss()
            if self.stopping.is_set():
                return
            reason = self._reason  # closing a stalled stream finishes it, which says why too
            self.device.close_stream()
            self.report(DeviceState.LOST, reason)
            self._reconnect()

    def _wait_for_loss(self) -> None:
        """Return once the stream is lost (or stop() is called). PortAudio reports a failed
        device by finishing the stream; one that just stops calling back is caught here, when no
        block has come for `stall_timeout` seconds."""
        while not self._lost.wait(min(1.0, self.stall_timeout / 4)):
            silent = self._clock() - self._last_block_at
            if silent > self.stall_timeout:
                self._reason = (f"no audio from the device for {silent:.1f} s "
                                "(it stopped delivering)")
                self._lost.set()

    def _reconnect(self) -> None:
        while not self.stopping.is_set():
            self._sleep(self.retry_interval)
            if self.stopping.is_set():
                return
            self.report(DeviceState.RECONNECTING, "")
            try:
                self.device.reopen()
            except DeviceError as error:
                self.report(DeviceState.LOST, str(error))
                continue
            self.reconnects += 1
            self.report(DeviceState.LISTENING, "")
            return
