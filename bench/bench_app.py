"""App benchmarks: start to first frame, key press to repaint, and the thread that loads the model.

Run from the repository root: `python -m bench.bench_app [--quick] [--json]`. Methods:

- start to first frame: the real `boardless practice` (start screen) and a bare Textual app
  (one Static) are started alternately under a real pseudo-terminal (120x40), timed from spawn
  to the moment their first screen's text has been written to the terminal; several repeats,
  medians, and the ratio app/bare (target <= 1.5). Both start from compiled bytecode, as an
  installed app does (the benchmark compiles boardless's modules first).
- key press to repaint: the real app resumes a session with 2,000 notes while pocketsphinx
  captions a looped recording at real time (captions stream into the log and the strip during
  the whole measurement). A key is written to the terminal every ~80 ms (typing into a new
  note) and timed until the terminal receives the repainted line holding it: the full round trip
  a user sees, through the real terminal driver. p50/p95 (target p95 < 50 ms).
- model thread: the app runs in-process (Textual's headless Pilot) with pocketsphinx captions on
  a file; the engine constructor records which thread built it (must not be the UI thread).

Prints numbers (or JSON with --json); asserts nothing. Timings are noisy when other work runs.
"""

from __future__ import annotations

import argparse
import asyncio
import fcntl
import json
import os
import pty
import re
import select
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

SIZE = (40, 120)  # rows, columns
ANSI = re.compile(rb"\x1b\[[0-9;?<>=]*[ -/]*[@-~]|\x1b[()][0-9A-Za-z]|\x1b[=>NOc78]"
                  rb"|\x1b\][^\x07]*\x07")
BARE_APP = (
    "from textual.app import App\n"
    "from textual.widgets import Static\n"
    "class Bare(App):\n"
    "    def compose(self):\n"
    "        yield Static('bare textual app ready')\n"
    "Bare().run()\n"
)
BARE_MARKER = "bare textual app ready"
APP_MARKER = "Start (ctrl+t)"
PRACTICE_MARKER = "Start/pause"
NOTES = 2000


def boardless_bin() -> str:
    return str(Path(sys.executable).parent / "boardless")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


class Terminal:
    """A process on a pseudo-terminal; a reader thread keeps (time, text) chunks of output."""

    def __init__(self, argv: list[str], env: dict[str, str]) -> None:
        master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", SIZE[0], SIZE[1], 0, 0))
        full_env = {**os.environ, "TERM": "xterm-256color", "COLORTERM": "truecolor", **env}
        self.started = time.perf_counter()
        self.process = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave,
                                        env=full_env, start_new_session=True, close_fds=True)
        os.close(slave)
        self.master = master
        self.chunks: list[tuple[float, str]] = []
        self._lock = threading.Lock()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        while True:
            try:
                ready, _, _ = select.select([self.master], [], [], 0.5)
                if not ready:
                    if self.process.poll() is not None:
                        return
                    continue
                data = os.read(self.master, 65536)
            except OSError:
                return
            if not data:
                return
            now = time.perf_counter()
            text = ANSI.sub(b"", data).decode("utf-8", "replace")
            with self._lock:
                self.chunks.append((now, text))

    def write(self, data: bytes) -> float:
        sent = time.perf_counter()
        os.write(self.master, data)
        return sent

    def wait_text(self, text: str, after: float = 0.0, timeout: float = 30.0) -> float:
        """Time of the first output chunk after `after` containing `text` (chunks are joined
        with their neighbours, so text split across reads is found)."""
        deadline = time.perf_counter() + timeout
        seen = 0
        while time.perf_counter() < deadline:
            with self._lock:
                chunks = self.chunks[:]
            for index in range(seen, len(chunks)):
                at, _ = chunks[index]
                if at < after:
                    continue
                window = "".join(c for _, c in chunks[max(0, index - 1): index + 1])
                if text in window:
                    return at
            seen = max(0, len(chunks) - 1)
            time.sleep(0.001)
        raise TimeoutError(f"{text!r} did not appear within {timeout:g} s")

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        os.close(self.master)


def isolated_env(root: Path) -> dict[str, str]:
    return {"BOARDLESS_DATA_DIR": str(root / "data"), "BOARDLESS_CONFIG_DIR": str(root / "config"),
            "TEXTUAL_CURSOR_BLINK": "0"}


def first_frame(argv: list[str], marker: str, env: dict[str, str]) -> float:
    terminal = Terminal(argv, env)
    try:
        return terminal.wait_text(marker) - terminal.started
    finally:
        terminal.close()


def compile_bytecode() -> None:
    """Compile boardless's modules, as pip does for an installed wheel (Textual's are compiled
    at install). Without this, an editable checkout under PYTHONDONTWRITEBYTECODE (set on this
    machine) compiles every changed module again at each start, which no user's install does."""
    import compileall

    import tui

    compileall.compile_dir(str(Path(tui.__file__).parent), quiet=1)


def bench_first_frame(repeats: int, root: Path) -> dict[str, Any]:
    """Median seconds to the first frame for the bare app and for boardless, alternating."""
    env = isolated_env(root)
    app_argv = [boardless_bin(), "practice", "--layout", "netflix-l5", "--prompt",
                "video-streaming-cdn"]
    bare_argv = [sys.executable, "-c", BARE_APP]
    compile_bytecode()
    first_frame(bare_argv, BARE_MARKER, env)  # warm the OS file cache for both
    first_frame(app_argv, APP_MARKER, env)
    bare, app = [], []
    for _ in range(repeats):
        bare.append(first_frame(bare_argv, BARE_MARKER, env))
        app.append(first_frame(app_argv, APP_MARKER, env))
    bare_ms, app_ms = statistics.median(bare) * 1000, statistics.median(app) * 1000
    return {"bare_ms": round(bare_ms), "app_ms": round(app_ms),
            "ratio": round(app_ms / bare_ms, 2), "repeats": repeats,
            "bare_all_ms": [round(x * 1000) for x in bare],
            "app_all_ms": [round(x * 1000) for x in app]}


def session_with_notes(root: Path, notes: int) -> Path:
    """A started netflix-l5 session with `notes` notes (layers of ten), written by the core."""
    os.environ.update(isolated_env(root))
    from tui.core.config.layouts import find_layout
    from tui.core.config.prompts import find_prompt
    from tui.core.session.clock import FakeClock
    from tui.core.session.session import Session
    from tui.core.session.store import new_session_dir

    clock = FakeClock()
    directory = new_session_dir(clock.wall(), "video-streaming-cdn")
    session = Session.create(find_layout("netflix-l5"), find_prompt("video-streaming-cdn"), clock,
                             directory, engine="pocketsphinx")
    session.emit_all(session.state.phases.start_or_resume())
    parent = None
    for number in range(notes):
        clock.advance(1.0)
        note_id = session.state.outline.next_id()
        top = number % 10 == 0
        session.emit("note_added", id=note_id, text=f"note {number} about the edge cache",
                     kind="note", parent=None if top else parent, index=-1, phase="requirements")
        if top:
            parent = note_id
    session.emit_all(session.state.phases.pause())
    session.close()
    return directory


def looped_recording(path: Path, seconds: float) -> Path:
    import numpy as np
    import soundfile as sf

    clips = ["hibari_pause", "hibari_requirements", "hibari_failure", "hibari_walkthrough"]
    audio = [sf.read(ROOT / "tests" / "fixtures" / "audio" / f"{c}.wav", dtype="int16")[0]
             for c in clips]
    loop = np.concatenate(audio)
    repeats = int(seconds * 16000 / len(loop)) + 1
    sf.write(path, np.tile(loop, repeats)[: int(seconds * 16000)], 16000, subtype="PCM_16")
    return path


def caption_events(log: Path) -> int:
    return sum(1 for line in log.read_text(encoding="utf-8").splitlines() if '"caption"' in line)


def bench_key_repaint(presses: int, root: Path) -> dict[str, Any]:
    """Key press to repaint through a real pty, captions streaming, 2,000 notes."""
    directory = session_with_notes(root, NOTES)
    recording = looped_recording(root / "talk.wav", 180)
    argv = [boardless_bin(), "practice", "--resume", str(directory), "--engine", "pocketsphinx",
            "--audio-file", str(recording)]
    terminal = Terminal(argv, isolated_env(root))
    log = directory / "events.jsonl"
    try:
        terminal.wait_text(PRACTICE_MARKER, timeout=60)
        terminal.write(b"\x14")  # ctrl+t: the clock runs
        deadline = time.perf_counter() + 60
        before = caption_events(log)
        while caption_events(log) <= before:  # captions are streaming
            if time.perf_counter() > deadline:
                raise TimeoutError("no captions within 60 s")
            time.sleep(0.05)
        terminal.write(b"\r")  # a new note below the cursor
        time.sleep(0.3)
        streaming_from = caption_events(log)
        delays = []
        for index in range(presses):
            text = "Q" * (index % 30 + 1)
            if index % 30 == 0 and index:
                terminal.write(b"\r")  # start another note before the line fills
                time.sleep(0.2)
            sent = terminal.write(b"Q")
            shown = terminal.wait_text(text + " ", after=sent, timeout=10)
            delays.append(shown - sent)
            time.sleep(0.08)
        captions_during = caption_events(log) - streaming_from
        terminal.write(b"\x11")  # ctrl+q: save and quit
        terminal.process.wait(timeout=30)
    finally:
        terminal.close()
    return {"presses": presses, "p50_ms": round(percentile(delays, 50) * 1000, 1),
            "p95_ms": round(percentile(delays, 95) * 1000, 1),
            "max_ms": round(max(delays) * 1000, 1), "notes": NOTES,
            "caption_events_during": captions_during}


def bench_model_thread(root: Path) -> dict[str, Any]:
    """Which thread builds the speech engine when the app starts captions (Pilot, headless)."""
    os.environ.update(isolated_env(root))
    from tui.app.factory import build_app
    from tui.app.options import AppOptions, SpeechOptions
    from tui.core.session.clock import FakeClock
    from tui.speech.engines import sphinx_engine

    loaded_on: list[str] = []
    original = sphinx_engine.PocketSphinxEngine.__init__

    def recording_init(self: Any, *args: Any, **kwargs: Any) -> None:
        loaded_on.append(threading.current_thread().name)
        original(self, *args, **kwargs)

    sphinx_engine.PocketSphinxEngine.__init__ = recording_init  # type: ignore[method-assign]
    audio = ROOT / "tests" / "fixtures" / "audio" / "hibari_pause.wav"
    speech = SpeechOptions(engine="pocketsphinx", audio_file=audio, speed=0)
    app = build_app(AppOptions(layout="netflix-l5", prompt="video-streaming-cdn", seed=1,
                               speech=speech), FakeClock())
    ui_thread: list[str] = []

    async def run() -> None:
        async with app.run_test(size=(100, 30)) as pilot:
            ui_thread.append(threading.current_thread().name)
            await pilot.press("ctrl+t")
            for _ in range(300):
                await pilot.pause(0.05)
                if loaded_on and app.session and app.session.state.captions:
                    break
            await pilot.press("ctrl+q")

    try:
        asyncio.run(run())
    finally:
        sphinx_engine.PocketSphinxEngine.__init__ = original  # type: ignore[method-assign]
    return {"engine_loaded_on": loaded_on, "ui_thread": ui_thread[0] if ui_thread else "",
            "off_ui_thread": bool(loaded_on) and all(t not in ui_thread for t in loaded_on)}


def run_all(quick: bool) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "ff").mkdir()
        (root / "keys").mkdir()
        (root / "thread").mkdir()
        return {
            "first_frame": bench_first_frame(5 if quick else 15, root / "ff"),
            "key_repaint": bench_key_repaint(30 if quick else 90, root / "keys"),
            "model_thread": bench_model_thread(root / "thread"),
        }


def report(results: dict[str, Any]) -> str:
    ff, keys, thread = results["first_frame"], results["key_repaint"], results["model_thread"]
    return "\n".join([
        f"start to first frame: boardless {ff['app_ms']} ms, bare Textual {ff['bare_ms']} ms, "
        f"ratio {ff['ratio']}x (median of {ff['repeats']}; target <= 1.5x)",
        f"key press to repaint ({keys['presses']} keys, {keys['notes']} notes, "
        f"{keys['caption_events_during']} caption events meanwhile): p50 {keys['p50_ms']} ms, "
        f"p95 {keys['p95_ms']} ms, max {keys['max_ms']} ms (target p95 < 50 ms)",
        f"speech engine built on thread {thread['engine_loaded_on']} "
        f"(UI thread {thread['ui_thread']!r}): "
        f"{'off the UI thread' if thread['off_ui_thread'] else 'ON THE UI THREAD'}",
    ])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats and key presses")
    parser.add_argument("--json", action="store_true", help="print JSON instead of text")
    args = parser.parse_args(argv)
    results = run_all(args.quick)
    print(json.dumps(results, indent=2) if args.json else report(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
