"""Audio faults on a real PortAudio: no input, PortAudio missing, the device lost and back."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from tests.speech.alsa_file_device import (
    DEVICE,
    alsa_env,
    capture_pcm,
    crashing_env,
    playback_only_pcm,
    read_raw,
    run_child,
    speech_raw,
)
from tests.support import IN_CI
from tui.speech.sources.devices import PORTAUDIO_HINT

LIST_INPUTS = """
import json
from tui.speech.sources.devices import list_input_devices
print(json.dumps([d.name for d in list_input_devices()]))
"""

NO_INPUT = """
import json
from tui.speech.errors import DeviceError
from tui.speech.sources.microphone import MicrophoneSource
try:
    MicrophoneSource()
    print(json.dumps("opened"))
except DeviceError as error:
    print(json.dumps(str(error)))
"""


def test_no_input_device_is_one_line(tmp_path: Path) -> None:
    env, _ = alsa_env(tmp_path, playback_only_pcm("boardless_test_speaker"))
    inputs = run_child(LIST_INPUTS, env)
    if inputs and not IN_CI:
        pytest.skip(f"this machine has sound cards with inputs: {inputs}")
    assert inputs == []
    message = run_child(NO_INPUT, env)
    assert message == (
        "no audio input device found: plug in a microphone (or use --audio-file FILE)"
    )


#: Python run as a machine without libportaudio2: ctypes cannot find the library, so
#: importing sounddevice raises its real OSError.
WITHOUT_PORTAUDIO = (
    "import ctypes.util as u; find = u.find_library; "
    "u.find_library = lambda name: None if 'portaudio' in name else find(name); "
)


def test_portaudio_missing_is_one_clear_line(tmp_path: Path) -> None:
    code = WITHOUT_PORTAUDIO + (
        "import json\n"
        "from tui.speech.errors import DeviceError\n"
        "from tui.speech.sources.microphone import MicrophoneSource\n"
        "try:\n    MicrophoneSource()\nexcept DeviceError as error:\n"
        "    print(json.dumps([str(error), type(error.__cause__).__name__]))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert json.loads(done.stdout) == [PORTAUDIO_HINT, "OSError"]
    cli = WITHOUT_PORTAUDIO + "from tui.cli.main import main; raise SystemExit(main(['devices']))"
    done = subprocess.run([sys.executable, "-c", cli], capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert done.stdout == ""
    assert done.stderr == f"boardless: error: {PORTAUDIO_HINT}\n"


RECONNECT = """
import json, pathlib, queue, threading, time
import numpy as np
import sounddevice as sd
from tui.speech.sources.device_state import DeviceState
from tui.speech.sources.microphone import MicrophoneSource

devices = pathlib.Path({devices!r})
present = devices.read_text()
states, listening, sleeps = [], threading.Event(), []

def on_state(state, reason):
    assert isinstance(state, DeviceState) and isinstance(reason, str)
    states.append([state, reason])
    if state is DeviceState.LISTENING:
        listening.set()

def scripted_sleep(seconds):
    # Each reconnect attempt waits here: the first finds the device unplugged, the second
    # finds it back. No real time passes.
    sleeps.append(seconds)
    if len(sleeps) == 1:
        while not out.empty():  # the stream is closed: forget what came before the loss
            out.get_nowait()
    devices.write_text("" if len(sleeps) == 1 else present)

class FailingMicrophone(MicrophoneSource):
    # Fails inside PortAudio's callback once, as a device error does: PortAudio aborts
    # the stream on its own thread and calls the finished callback.
    fail = threading.Event()

    def _callback(self, indata, frames, time_info, status):
        if self.fail.is_set():
            self.fail.clear()
            raise sd.CallbackAbort
        super()._callback(indata, frames, time_info, status)

source = FailingMicrophone({device!r}, on_state=on_state, sleep=scripted_sleep)
out = queue.Queue(maxsize=50)
source.start(out)
first = out.get(timeout=5)
listening.clear()
FailingMicrophone.fail.set()
assert listening.wait(20), states
again = [out.get(timeout=5) for _ in range(50)]  # the queue filled up after the reconnect
stopper = threading.Thread(target=source.stop)
stopper.start()
while out.get(timeout=5) is not None:
    pass
stopper.join()
np.save({npy!r}, np.concatenate([b.data for b in again]))
print(json.dumps({{"states": states, "sleeps": sleeps, "reconnects": source.reconnects,
                  "first_rate": first.rate, "again_rate": again[0].rate,
                  "marked": [bool(b.meta.get("reconnected")) for b in again]}}))
"""


def test_lost_device_is_reported_and_reconnected(tmp_path: Path) -> None:
    raw = speech_raw(tmp_path, "Consistent hashing spreads the keys across the cache nodes.")
    env, devices = alsa_env(tmp_path, capture_pcm(DEVICE, raw))
    npy = tmp_path / "again.npy"
    result = run_child(RECONNECT.format(devices=str(devices), device=DEVICE, npy=str(npy)), env)
    assert result["states"] == [
        ["listening", ""],
        ["lost", "the audio stream stopped (device unplugged or failed)"],
        ["reconnecting", ""],
        ["lost", "no audio input device found: plug in a microphone (or use --audio-file FILE)"],
        ["reconnecting", ""],
        ["listening", ""],
        ["stopped", ""],
    ]
    assert result["sleeps"] == [2.0, 2.0]
    assert result["reconnects"] == 1
    assert result["first_rate"] == result["again_rate"] == 44_100
    assert result["marked"] == [True] + [False] * 49
    # The device came back from the start of its input: capture resumed with its samples.
    again = np.load(npy).reshape(-1)
    expected = read_raw(raw)
    size = min(again.size, expected.size)
    assert np.array_equal(again[:size], expected[:size])


STALL = """
import json, queue, threading
from tui.speech.sources.device_state import DeviceState
from tui.speech.sources.microphone import MicrophoneSource

states, listening = [], threading.Event()
now = [100.0]  # the source's clock: the test moves it, no real time is waited for

def on_state(state, reason):
    assert isinstance(state, DeviceState) and isinstance(reason, str)
    states.append([state, reason])
    if state is DeviceState.LISTENING:
        listening.set()

class StallingMicrophone(MicrophoneSource):
    # PortAudio keeps the stream open, but no audio arrives (a hung driver, a USB interface
    # that went quiet): the callback never delivers a block, and nothing reports an error.
    stall = threading.Event()
    stalled = threading.Event()  # a callback skipped its block: none from before is in flight

    def _callback(self, indata, frames, time_info, status):
        if self.stall.is_set():
            self.stalled.set()
            return
        super()._callback(indata, frames, time_info, status)

def reconnect_wait(seconds):
    while not out.empty():  # forget the blocks from before the stall
        out.get_nowait()
    StallingMicrophone.stall.clear()  # the device delivers again

source = StallingMicrophone({device!r}, on_state=on_state, sleep=reconnect_wait,
                            clock=lambda: now[0], stall_timeout=3.0)
out = queue.Queue(maxsize=50)
source.start(out)
out.get(timeout=5)
listening.clear()
StallingMicrophone.stall.set()
assert StallingMicrophone.stalled.wait(5)
now[0] += 4.0  # silent for 4 s, over the 3 s stall timeout
assert listening.wait(20), states
after = [out.get(timeout=5) for _ in range(3)]
source.stop()
print(json.dumps({{"states": states, "reconnects": source.reconnects,
                  "marked": [bool(b.meta.get("reconnected")) for b in after]}}))
"""


def test_a_stalled_device_is_noticed_and_reopened(tmp_path: Path) -> None:
    raw = speech_raw(tmp_path, "The write path appends to the log before it acknowledges.")
    env, _ = alsa_env(tmp_path, capture_pcm(DEVICE, raw))
    result = run_child(STALL.format(device=DEVICE), env)
    assert result["states"] == [
        ["listening", ""],
        ["lost", "no audio from the device for 4.0 s (it stopped delivering)"],
        ["reconnecting", ""],
        ["listening", ""],
        ["stopped", ""],
    ]
    assert result["reconnects"] == 1
    assert result["marked"] == [True, False, False]


FAILING_READS = """
import json, queue
from tui.speech.sources.microphone import MicrophoneSource
source = MicrophoneSource({device!r})
out = queue.Queue(maxsize=20)
source.start(out)
blocks = [out.get(timeout=5) for _ in range(5)]
source.stop()
print(json.dumps(len(blocks)))
"""


def test_alsa_errors_stay_off_the_screen(tmp_path: Path) -> None:
    # The device's input is a directory: every read fails and libasound complains on fd 2.
    broken = tmp_path / "not-audio"
    broken.mkdir()
    env, _ = alsa_env(tmp_path, capture_pcm(DEVICE, broken))
    code = FAILING_READS.format(device=DEVICE)
    quiet = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60
    )
    assert quiet.returncode == 0, quiet.stderr
    assert json.loads(quiet.stdout) == 5
    assert "ALSA lib" not in quiet.stderr
    env["BOARDLESS_ALSA_DEBUG"] = "1"
    loud = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60
    )
    assert "read from file failed" in loud.stderr


def test_a_portaudio_that_would_abort_is_caught_in_a_child(tmp_path: Path) -> None:
    env = crashing_env(tmp_path)
    plain = subprocess.run(
        [sys.executable, "-c", "import sounddevice"], env=env, capture_output=True, timeout=60
    )
    if plain.returncode >= 0 and not IN_CI:
        pytest.skip("PortAudio does not abort here (this machine has sound cards)")
    assert plain.returncode == -6  # SIGABRT: importing sounddevice kills the process
    message = (
        "PortAudio crashed while listing audio devices (SIGABRT): check the ALSA configuration "
        "(~/.asoundrc, /etc/asound.conf)"
    )
    assert run_child(NO_INPUT, env) == message
    doctor = subprocess.run(
        [sys.executable, "-m", "tui", "doctor"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert doctor.returncode == 0
    assert f"✗ PortAudio: {message}" in doctor.stdout.splitlines()
    devices = subprocess.run(
        [sys.executable, "-m", "tui", "devices"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert devices.returncode == 1
    assert devices.stderr == f"boardless: error: {message}\n"
