"""Audio faults in the running app: the microphone lost mid-round (the device leaves ALSA and
its callback fails, so PortAudio aborts the stream as on a device error) and back; no input
device at all; PortAudio missing. Each runs the real app headless (Pilot) in a child Python
whose ALSA sees only the devices the test defines (a real PortAudio capture from an ALSA
`type file` device). The timer and outline keep working, the caption strip says what happened
(and why), and capture reconnects when the device returns. No test waits on a timer: the
reconnect interval is set to 0.1 s and everything else is polled. Overflows are counted by the
source (tests/speech/test_microphone.py); the screen does not show them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.speech.alsa_file_device import (
    DEVICE,
    alsa_env,
    capture_pcm,
    playback_only_pcm,
    run_child,
    speech_raw,
)
from tests.support import require_module

ROOT = Path(__file__).resolve().parents[2]

APP_CHILD = r"""
import asyncio, json, sys
from pathlib import Path
sys.path.insert(0, {root!r})
from tui.app.factory import build_app
from tui.app.options import AppOptions, SpeechOptions
from tui.app.widgets.caption_strip import CaptionStrip
from tui.core.session.clock import FakeClock
from textual import events

if {scenario!r} == "lost":
    import threading
    import sounddevice as sd
    import tui.speech.sources.microphone as microphone

    class FailingMicrophone(microphone.MicrophoneSource):
        # The real source, whose PortAudio callback fails once on request: PortAudio aborts
        # the stream on its own thread and calls the finished callback, as on a device error.
        fail = threading.Event()

        def _callback(self, indata, frames, time_info, status):
            if self.fail.is_set():
                self.fail.clear()
                raise sd.CallbackAbort
            super()._callback(indata, frames, time_info, status)

    microphone.MicrophoneSource = FailingMicrophone
clock = FakeClock()
app = build_app(AppOptions(layout="netflix-l5", prompt="video-streaming-cdn", seed=1,
                           speech=SpeechOptions(engine="pocketsphinx", device={device!r})), clock)
devices = Path({devices!r}) if {devices!r} else None
report = {{}}

def strip_text():
    return str(app.screen.query_one(CaptionStrip).render()).strip()

async def until(pilot, check, what, limit=600):
    for _ in range(limit):
        await pilot.pause(0.05)
        if check():
            return
    raise AssertionError(f"timed out waiting for {{what}}; strip: {{strip_text()!r}}")

async def press(pilot, *keys):
    # Like pilot.press, but without waiting for the whole app to be idle: the ALSA file
    # device is not paced, so captions are always busy. Keys are posted to the app as typed.
    for key in keys:
        char = {{"space": " ", "enter": "\r"}}.get(key, key if len(key) == 1 else None)
        app.post_message(events.Key(key, char))
        await pilot.pause(0.02)

async def note(pilot, text):
    before = len(app.session.state.outline)
    await press(pilot, *[("space" if c == " " else c) for c in text], "enter")
    await until(pilot, lambda: len(app.session.state.outline) > before, f"note {{text!r}}")

async def main():
    async with app.run_test(size=(100, 30)) as pilot:
        await press(pilot, "ctrl+t")
        state = lambda: app.session.state
        await until(pilot, lambda: state().captions_message and
                    state().captions_state != "loading" and "loading" not in strip_text(),
                    "captions to start or say why not, on screen")
        report["first"] = [state().captions_state, strip_text()]
        await note(pilot, "first note")
        if {scenario!r} == "lost":
            source = app.feed._pipeline.source
            source.retry_interval = 0.1  # no waiting on the reconnect timer
            devices.write_text("")  # the device leaves ALSA ...
            FailingMicrophone.fail.set()  # ... and PortAudio aborts its stream
            await until(pilot, lambda: "microphone lost" in strip_text(), "the loss on screen")
            await until(pilot, lambda: "no audio input device" in strip_text(), "the reason")
            report["lost"] = strip_text()
            clock.advance(65)
            await press(pilot, "ctrl+n")  # the timer and outline keep working meanwhile
            await until(pilot, lambda: state().current_phase_id == "framing", "next phase")
            await press(pilot, "enter")
            await note(pilot, "typed while the microphone is gone")
            report["phase_while_lost"] = state().current_phase_id
            devices.write_text({present!r})  # plugged back in
            log = app.session.log_path
            await until(pilot, lambda: source.reconnects >= 1 and
                        "microphone back" in log.read_text(), "the reconnect")
            report["reconnects"] = source.reconnects
        clock.advance(5)
        phase = state().current_phase_id
        await press(pilot, "ctrl+n")
        await until(pilot, lambda: state().current_phase_id != phase, "the next phase")
        await press(pilot, "enter")
        await note(pilot, "last note")
        report["phase"] = state().current_phase_id
        report["notes"] = [n.text for n, _ in state().outline.walk()]
        report["elapsed"] = state().phases.total_elapsed(app.session.now())
        log = app.session.log_path
        await press(pilot, "ctrl+q")
        await until(pilot, lambda: app.session.state.closed, "the session to close")
    report["status_events"] = [
        [e["state"], e["message"]] for e in map(json.loads, log.read_text().splitlines())
        if e["type"] == "captions_status"]

asyncio.run(main())
print(json.dumps(report))
"""

#: Python run as a machine without libportaudio2 (ctypes cannot find the library).
WITHOUT_PORTAUDIO = (
    "import ctypes.util as u; find = u.find_library; "
    "u.find_library = lambda name: None if 'portaudio' in name else find(name)\n"
)


def app_child(scenario: str, devices: Path | None, present: str = "",
              device: str | None = None) -> str:
    return APP_CHILD.format(root=str(ROOT), device=device, devices=str(devices or ""),
                            scenario=scenario, present=present)


def child_env(env: dict[str, str], tmp: Path) -> dict[str, str]:
    return {**env, "BOARDLESS_DATA_DIR": str(tmp / "data"),
            "BOARDLESS_CONFIG_DIR": str(tmp / "config"), "TEXTUAL_CURSOR_BLINK": "0",
            "BOARDLESS_VOICE": "off"}  # these rounds test the microphone, not the voice


def test_microphone_lost_mid_round_is_shown_and_reconnects(tmp_path: Path) -> None:
    require_module("pocketsphinx")
    raw = speech_raw(tmp_path, "The edge cache keeps the hot segments close to the viewers.")
    present = capture_pcm(DEVICE, raw)
    env, devices = alsa_env(tmp_path, present)
    code = app_child("lost", devices, present, device=DEVICE)
    report = run_child(code, child_env(env, tmp_path), timeout=120)
    assert "microphone lost" in report["lost"] and "no audio input device" in report["lost"]
    assert report["phase_while_lost"] == "framing"
    assert report["reconnects"] >= 1
    assert report["notes"] == ["first note", "typed while the microphone is gone", "last note"]
    assert report["phase"] == "walkthrough" and report["elapsed"] == 70
    messages = [message for _, message in report["status_events"]]
    lost = messages.index("microphone lost: the audio stream stopped (device unplugged or "
                          "failed); reconnecting…")
    gone = messages.index("microphone lost: no audio input device found: plug in a microphone "
                          "(or use --audio-file FILE); reconnecting…")
    assert lost < gone < messages.index("microphone back: listening again")


def test_no_input_device_keeps_the_app_usable(tmp_path: Path) -> None:
    require_module("pocketsphinx")
    env, _ = alsa_env(tmp_path, playback_only_pcm("boardless_test_speaker"))
    report = run_child(app_child("none", None), child_env(env, tmp_path), timeout=120)
    state, strip = report["first"]
    assert state == "off"
    assert strip == "captions off: no audio input device found: plug in a microphone " \
                    "(or use --audio-file FILE)"
    assert report["notes"] == ["first note", "last note"] and report["phase"] == "framing"


def test_portaudio_missing_keeps_the_app_usable(tmp_path: Path) -> None:
    require_module("pocketsphinx")
    code = WITHOUT_PORTAUDIO + app_child("none", None)
    done = subprocess.run([sys.executable, "-c", code], env=child_env({}, tmp_path) | _path_env(),
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(done.stdout.strip().splitlines()[-1])
    state, strip = report["first"]
    assert state == "off"
    assert strip == "captions off: PortAudio not found: sudo apt-get install libportaudio2"
    assert report["notes"] == ["first note", "last note"] and report["phase"] == "framing"


def _path_env() -> dict[str, str]:
    return {key: value for key, value in os.environ.items()
            if key in ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR")}
