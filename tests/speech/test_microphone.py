"""The microphone source on a real PortAudio input: an ALSA file device in a child process."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from tests.speech.alsa_file_device import (
    CHANNELS,
    DEVICE,
    RATE,
    alsa_env,
    capture_pcm,
    playback_only_pcm,
    read_raw,
    run_child,
    speech_raw,
)
from tui.speech.errors import DeviceError
from tui.speech.sources.devices import InputDevice, resolve_device

SPEECH = "The load balancer routes each request to a healthy replica, and we cache hot keys."

CAPTURE = """
import json, queue, sys, threading, time
import numpy as np
from tui.speech.sources.microphone import MicrophoneSource
states = []
source = MicrophoneSource(sys.argv[1] if len(sys.argv) > 1 else {device!r},
                          on_state=lambda state, reason: states.append([state, reason]))
out = queue.Queue(maxsize=200)
source.start(out)
deadline = time.monotonic() + 10
while not out.full() and time.monotonic() < deadline:
    time.sleep(0.01)
level = source.level
stopper = threading.Thread(target=source.stop)
stopper.start()  # stop() puts the end marker once the consumer makes room
blocks = []
while True:
    block = out.get(timeout=5)
    if block is None:
        break
    blocks.append(block)
stopper.join()
data = np.concatenate([b.data for b in blocks])
np.save({npy!r}, data)
print(json.dumps({{
    "name": source.name, "rate": source.rate, "channels": source.channels,
    "block_rates": sorted({{b.rate for b in blocks}}), "dtype": str(data.dtype),
    "shape": list(data.shape), "blocks": len(blocks), "dropped": source.dropped,
    "overflows": source.overflows, "level": level, "states": states,
    "arrivals_sorted": all(a.arrival <= b.arrival for a, b in zip(blocks, blocks[1:])),
}}))
"""


def test_capture_delivers_the_devices_samples(tmp_path: Path) -> None:
    raw = speech_raw(tmp_path, SPEECH)
    env, _ = alsa_env(tmp_path, capture_pcm(DEVICE, raw))
    npy = tmp_path / "captured.npy"
    result = run_child(CAPTURE.format(device=DEVICE, npy=str(npy)), env)
    assert result["name"] == DEVICE
    assert result["rate"] == RATE and result["block_rates"] == [RATE]
    assert result["channels"] == CHANNELS
    assert result["dtype"] == "int16"
    blocks = int(result["blocks"])
    assert blocks >= 200
    assert result["shape"] == [blocks * RATE * 50 // 1000, CHANNELS]
    assert result["dropped"] > 0  # the file device is not paced, so the bounded queue fills
    assert result["states"] == [["listening", ""], ["stopped", ""]]
    assert result["arrivals_sorted"]
    assert 0.0 < float(result["level"]) <= 1.0
    captured = np.load(npy).reshape(-1)
    expected = read_raw(raw)
    assert captured.size > expected.size
    head = captured[: expected.size]
    assert np.array_equal(head, expected)
    correlation = np.corrcoef(head.astype(np.float64), expected.astype(np.float64))[0, 1]
    assert correlation > 0.999


SELECT = """
import json, pathlib
from tui.speech.errors import DeviceError
from tui.speech.sources.devices import list_input_devices
from tui.speech.sources.microphone import MicrophoneSource
from tui.speech.sources.factory import make_source
inputs = [d.__dict__ for d in list_input_devices()]
ours = {{d["name"]: d["index"] for d in inputs}}
result = {{"inputs": inputs}}
for key, spec in [("exact", "boardless_test_mic"), ("substring", "MIC_B"),
                  ("index", ours["boardless_test_mic_b"]),
                  ("index_text", str(ours["boardless_test_mic"])),
                  ("ambiguous", "BOARDLESS_TEST"), ("absent", "usb headset"), ("bad_index", 999)]:
    try:
        result[key] = MicrophoneSource(spec).name
    except DeviceError as error:
        result[key] = "DeviceError: " + str(error)
states = []
source = make_source(None, "mic_b", on_state=lambda state, reason: states.append(state))
result["factory"] = [type(source).__name__, source.name, source.on_state is not None]
result["factory_file"] = type(make_source(pathlib.Path({wav!r}), "mic_b", speed=0)).__name__
print(json.dumps(result))
"""


def test_device_by_name_substring_or_index(tmp_path: Path) -> None:
    raw = speech_raw(tmp_path, "one two three")
    env, _ = alsa_env(tmp_path, capture_pcm(DEVICE, raw) + capture_pcm(DEVICE + "_b", raw))
    result = run_child(SELECT.format(wav=str(tmp_path / "speech.wav")), env)
    ours = [d for d in result["inputs"] if str(d["name"]).startswith(DEVICE)]
    assert [d["name"] for d in ours] == [DEVICE, DEVICE + "_b"]
    assert all(d["default_rate"] == RATE and d["channels"] >= 2 for d in ours)
    assert result["exact"] == DEVICE  # exact name wins over the longer name it is part of
    assert result["substring"] == DEVICE + "_b"
    assert result["index"] == DEVICE + "_b"
    assert result["index_text"] == DEVICE
    ambiguous = str(result["ambiguous"])
    assert ambiguous.startswith("DeviceError: 'BOARDLESS_TEST' matches several input devices")
    assert ambiguous.endswith(": give the index")
    absent = str(result["absent"])
    assert absent.startswith("DeviceError: no input device matches 'usb headset'; inputs are ")
    assert f": {DEVICE}; " in absent or absent.endswith(f": {DEVICE}_b")
    assert str(result["bad_index"]).startswith("DeviceError: no input device with index 999;")
    assert result["factory"] == ["MicrophoneSource", DEVICE + "_b", True]
    assert result["factory_file"] == "FileSource"


def test_boardless_devices_lists_the_file_device(tmp_path: Path) -> None:
    raw = speech_raw(tmp_path, "hello")
    env, _ = alsa_env(tmp_path, capture_pcm(DEVICE, raw))
    done = subprocess.run(
        [sys.executable, "-m", "tui", "devices", "--json"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    devices = json.loads(done.stdout)
    ours = [d for d in devices if d["name"] == DEVICE]
    assert len(ours) == 1
    assert ours[0]["default_rate"] == RATE and ours[0]["hostapi"] == "ALSA"
    plain = subprocess.run(
        [sys.executable, "-m", "tui", "devices"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert plain.returncode == 0
    line = next(text for text in plain.stdout.splitlines() if DEVICE in text)
    assert f"{ours[0]['index']}" in line and "44100 Hz" in line


DEVICES = [
    InputDevice(0, "HDA Intel PCH: ALC3246 Analog (hw:0,0)", 2, 44100, False, "ALSA"),
    InputDevice(4, "USB Audio Device: - (hw:1,0)", 1, 48000, False, "ALSA"),
    InputDevice(7, "pulse", 32, 44100, False, "ALSA"),
    InputDevice(8, "default", 32, 44100, True, "ALSA"),
]


def test_resolve_prefers_the_default_and_matches_case_insensitively() -> None:
    assert resolve_device(None, DEVICES).name == "default"
    assert resolve_device("", DEVICES).name == "default"
    assert resolve_device("usb", DEVICES).index == 4
    assert resolve_device(" alc3246 ", DEVICES).index == 0
    assert resolve_device(4, DEVICES).name.startswith("USB")
    assert resolve_device("7", DEVICES).name == "pulse"
    no_default = [d for d in DEVICES if not d.is_default]
    assert resolve_device(None, no_default).index == 0


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        (
            "hw:",
            "'hw:' matches several input devices (0: HDA Intel PCH: ALC3246 Analog (hw:0,0); "
            "4: USB Audio Device: - (hw:1,0)): give the index",
        ),
        (
            "webcam",
            "no input device matches 'webcam'; inputs are 0: HDA Intel PCH: ALC3246 "
            "Analog (hw:0,0); 4: USB Audio Device: - (hw:1,0); 7: pulse; 8: default",
        ),
        (
            3,
            "no input device with index 3; inputs are 0: HDA Intel PCH: ALC3246 Analog "
            "(hw:0,0); 4: USB Audio Device: - (hw:1,0); 7: pulse; 8: default",
        ),
    ],
)
def test_resolve_errors_list_the_inputs(spec: str | int, message: str) -> None:
    with pytest.raises(DeviceError) as error:
        resolve_device(spec, DEVICES)
    assert str(error.value) == message


def test_resolve_with_no_inputs() -> None:
    with pytest.raises(DeviceError, match="^no audio input device found: plug in a microphone"):
        resolve_device("usb", [])


CALLBACK = """
import json, queue
import numpy as np
import sounddevice as sd
from tui.speech.sources.microphone import MicrophoneSource
source = MicrophoneSource({device!r}, clock=lambda: 12.5)
out = queue.Queue(maxsize=1)
source._out = out
frames = source.rate * source.blocksize_ms // 1000
t = np.arange(frames) / source.rate
sine = (np.sin(2 * np.pi * 440 * t) * 16384).astype(np.int16)
block = np.stack([sine, sine], axis=1)
source._callback(block, frames, None, sd.CallbackFlags())
source._callback(block, frames, None, sd.CallbackFlags(sd._lib.paInputOverflow))
got = out.get_nowait()
block[:] = 0  # PortAudio reuses its buffer: the queued block must be a copy
print(json.dumps({{"overflows": source.overflows, "dropped": source.dropped,
                  "level": source.level, "arrival": got.arrival, "rate": got.rate,
                  "channels": got.channels, "peak": int(np.abs(got.data).max())}}))
"""


def test_the_callback_counts_overflows_and_drops_and_keeps_a_level(tmp_path: Path) -> None:
    raw = speech_raw(tmp_path, "level")
    env, _ = alsa_env(tmp_path, capture_pcm(DEVICE, raw))
    result = run_child(CALLBACK.format(device=DEVICE), env)
    assert result["overflows"] == 1
    assert result["dropped"] == 1  # the second block found the queue full
    assert result["level"] == pytest.approx(0.5 / np.sqrt(2), rel=0.02)
    assert (result["arrival"], result["rate"], result["channels"]) == (12.5, RATE, CHANNELS)
    assert result["peak"] > 16000


DESCRIBE = """
import json, sys
sys.path.insert(0, {root!r})
from tui.speech.sources.devices import describe_microphone
print(json.dumps([describe_microphone(spec) for spec in ({device!r}, "usb headset", None)]))
"""


def test_the_start_screen_line_names_the_microphone_or_says_how_to_choose(
    tmp_path: Path,
) -> None:
    raw = speech_raw(tmp_path, "hello")
    root = str(Path(__file__).resolve().parents[2])
    env, devices = alsa_env(tmp_path, capture_pcm(DEVICE, raw))
    named, absent, default = run_child(DESCRIBE.format(root=root, device=DEVICE), env)
    assert named.startswith(f"microphone {DEVICE} (device ")
    assert absent.startswith("no microphone: no input device matches 'usb headset'")
    assert absent.endswith("choose with --device NAME|INDEX (see 'boardless devices') or "
                           "--audio-file FILE")
    assert default.startswith("microphone ") and "(the default; another with --device" in default

    devices.write_text(playback_only_pcm(DEVICE), encoding="utf-8")  # no input at all
    lines = run_child(DESCRIBE.format(root=root, device=DEVICE), env)
    assert all(line.startswith("no microphone") and "--audio-file FILE" in line
               for line in lines), lines
