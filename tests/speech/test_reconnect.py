"""The microphone's supervisor on a stand-in device: what it reports, in order, when a stream is
lost (finished by PortAudio, or silent past the stall timeout) and the device comes back."""

from __future__ import annotations

import threading

from tests.speech.scripted import FakeClock
from tui.speech.errors import DeviceError
from tui.speech.sources.device_state import DeviceState
from tui.speech.sources.reconnect import Supervisor


class StandIn:
    """A device that cannot be reopened `failures` times, then can."""

    def __init__(self, failures: int) -> None:
        self.failures = failures
        self.closed = 0
        self.opened = 0
        self.watch: Supervisor | None = None

    def close_stream(self) -> None:
        self.closed += 1

    def reopen(self) -> None:
        if self.failures:
            self.failures -= 1
            raise DeviceError("no audio input device found")
        self.opened += 1
        assert self.watch is not None
        self.watch.opened()


def supervise(device: StandIn, clock: FakeClock, stall_timeout: float = 3600.0) -> tuple[
        Supervisor, list[tuple[DeviceState, str]], threading.Event]:
    states: list[tuple[DeviceState, str]] = []
    back = threading.Event()

    def report(state: DeviceState, reason: str) -> None:
        states.append((state, reason))
        if state is DeviceState.LISTENING:
            back.set()

    watch = Supervisor(device, report, "stand-in", retry_interval=2.0,
                       stall_timeout=stall_timeout, sleep=clock.sleep, clock=clock)
    device.watch = watch
    watch.opened()
    watch.start()
    return watch, states, back


def test_a_finished_stream_is_reported_lost_and_reopened_after_failed_attempts() -> None:
    device, clock = StandIn(failures=2), FakeClock()
    watch, states, back = supervise(device, clock)
    watch.lost("the audio stream stopped")
    assert back.wait(30), states
    watch.stop()
    assert states == [
        (DeviceState.LOST, "the audio stream stopped"),
        (DeviceState.RECONNECTING, ""),
        (DeviceState.LOST, "no audio input device found"),
        (DeviceState.RECONNECTING, ""),
        (DeviceState.LOST, "no audio input device found"),
        (DeviceState.RECONNECTING, ""),
        (DeviceState.LISTENING, ""),
    ]
    assert clock.sleeps == [2.0, 2.0, 2.0]  # one retry interval before each attempt
    assert (device.closed, device.opened, watch.reconnects) == (1, 1, 1)


def test_a_silent_stream_is_lost_once_the_stall_timeout_passes() -> None:
    device, clock = StandIn(failures=0), FakeClock()
    watch, states, back = supervise(device, clock, stall_timeout=0.5)
    watch.heard()
    clock.now = 0.4  # under the timeout: still listening
    assert not back.wait(0.3) and states == []  # the supervisor has looked at least twice
    clock.now = 2.0  # 2 s without a block
    assert back.wait(30), states
    watch.stop()
    assert states[0] == (DeviceState.LOST,
                         "no audio from the device for 2.0 s (it stopped delivering)")
    assert [state for state, _ in states[1:]] == [DeviceState.RECONNECTING, DeviceState.LISTENING]


def test_a_loss_while_stopping_is_not_reported() -> None:
    device, clock = StandIn(failures=0), FakeClock()
    watch, states, _ = supervise(device, clock)
    watch.stop()
    watch.lost("the audio stream stopped")  # PortAudio finishing the stream we closed
    assert states == [] and device.closed == 0
