"""Long rounds: the two-hour log (captions every 2 s, 2,000 notes) reports and exports
correctly; memory stays flat over a long caption stream through the real pipeline with a real
engine whose recogniser is rebuilt; the practice screen still acts on keys with 2,000 notes.
(Timings are in `bench/bench_core.py` and `bench/bench_app.py`, not asserted here.)"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from bench.long_round import build_long_session
from tests.pilot import notes_of, type_note
from tests.support import require_module
from tui.app.app import BoardlessApp
from tui.app.factory import build_app
from tui.app.options import AppOptions, SpeechOptions
from tui.core.config.layouts import find_layout
from tui.core.config.prompts import find_prompt
from tui.core.debrief.export import export_session
from tui.core.debrief.report import build_report
from tui.core.session.clock import FakeClock
from tui.core.session.eventlog import read_log
from tui.core.session.session import Session
from tui.core.session.state import fold
from tui.core.session.store import new_session_dir

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def two_hour_log(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("two-hours")
    build_long_session(directory)
    return directory / "events.jsonl"


def test_two_hour_log_reports_and_exports_everything(two_hour_log: Path, tmp_path: Path) -> None:
    markdown_it = require_module("markdown_it")
    events = read_log(two_hour_log).events
    state = fold(events)
    assert len(state.outline) == 2000
    finals = list(state.captions)
    assert len(finals) == 3600  # one final every 2 s for two hours
    report = build_report(events)
    assert report is not None
    out = export_session(two_hour_log, tmp_path / "round.md")
    text = out.read_text(encoding="utf-8")
    tokens = markdown_it.MarkdownIt("commonmark").parse(text)
    items = [t for t in tokens if t.type == "list_item_open"]
    assert len(items) >= 2000  # every note is a list item (the debrief adds a few more)
    for number in (0, 999, 1999):
        assert f"note {number}:" in text
    headings = [tokens[i + 1].content for i, t in enumerate(tokens) if t.type == "heading_open"]
    with_notes = {note.phase for note, _ in state.outline.walk()}
    for phase in state.layout.phases:
        assert phase.title in text, phase.title  # every phase is in the plan-vs-actual table
        if phase.id in with_notes:  # and has its outline section when it holds notes
            assert any(phase.title in h for h in headings), phase.title
    assert text.count("the edge cache holds the hot segments") >= 600  # the transcript is whole
    again = export_session(two_hour_log, tmp_path / "again.md")
    assert again.read_bytes() == out.read_bytes()


MEMORY_WORKER = r"""
import json, sys, threading, time
from pathlib import Path
sys.path.insert(0, {root!r})
from tests.e2e.app_process import long_recording
from tui.speech.pipeline import CaptionPipeline
from tui.speech.select import choose_engine
from tui.core.config.settings import Settings
from tui.speech.sources.file_source import FileSource

def rss_mb():
    return int(Path("/proc/self/statm").read_text().split()[1]) * 4096 / 2**20

wav = long_recording(Path({wav!r}), {seconds})
choice = choose_engine("pocketsphinx", None, Settings())
samples, results, done = [], [], threading.Event()
def on_result(r):
    results.append(r.final)
    if r.final and results.count(True) % 3 == 0:
        samples.append((pipeline.stats.fed_s, rss_mb()))
def on_status(s):
    if s.state in ("stopped", "error"):
        done.set()
pipeline = CaptionPipeline(FileSource(wav, speed=0), choice.make, on_result, on_status,
                           recreate_every_s={recreate})
pipeline.start()
assert done.wait(600), "the pipeline did not finish"
print(json.dumps({{"samples": samples, "finals": results.count(True), "fed_s": pipeline.stats.fed_s,
                  "recreated": pipeline.recreated}}))
"""


def test_memory_stays_flat_over_a_long_caption_stream(tmp_path: Path) -> None:
    """Three minutes of speech (looped fixtures) through CaptionPipeline + pocketsphinx, fed as
    fast as possible, in a process of its own, with the recogniser rebuilt every 40 s of audio
    (`recreate_every_s`): it is rebuilt, and resident memory after the first 45 s of audio grows
    by less than 10 MB. (Without rebuilding, a ten-minute run grew 1 MB. The app's caption feed
    does not set `recreate_every_s` yet; Vosk rebuilds its own recogniser every 600 s.)"""
    require_module("pocketsphinx")
    code = MEMORY_WORKER.format(root=str(ROOT), wav=str(tmp_path / "long.wav"), seconds=180,
                                recreate=40.0)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=300, cwd=ROOT)
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["fed_s"] >= 179 and result["finals"] >= 30
    samples = result["samples"]
    settled = [rss for fed, rss in samples if fed >= 45]
    assert len(settled) >= 6
    growth = max(settled) - settled[0]
    print(f"RSS after 45 s of audio {settled[0]:.0f} MB, peak {max(settled):.0f} MB over "
          f"{result['fed_s']:.0f} s; recogniser rebuilt {result['recreated']} times")
    assert result["recreated"] >= 3
    assert growth < 10, f"memory grew {growth:.1f} MB over a long stream: {samples}"


def session_with_notes(clock: FakeClock, notes: int) -> Path:
    directory = new_session_dir(clock.wall(), "video-streaming-cdn")
    session = Session.create(find_layout("netflix-l5"), find_prompt("video-streaming-cdn"), clock,
                             directory)
    session.emit_all(session.state.phases.start_or_resume())
    parent = None
    for number in range(notes):
        note_id = session.state.outline.next_id()
        top = number % 10 == 0
        session.emit("note_added", id=note_id, text=f"note {number}", kind="note",
                     parent=None if top else parent, index=-1, phase="requirements")
        parent = note_id if top else parent
    session.emit_all(session.state.phases.pause())
    session.close()
    return directory


async def test_screen_still_acts_on_keys_with_2000_notes(
    clock: FakeClock, make_app: Callable[..., BoardlessApp]
) -> None:
    directory = session_with_notes(clock, 2000)
    app = build_app(AppOptions(mode="resume", session=str(directory),
                               speech=SpeechOptions(enabled=False)), clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("ctrl+t")  # the clock runs again
        await pilot.pause()
        assert app.session is not None and app.session.state.phases.running
        await pilot.press("down", "down", "pagedown", "pagedown")
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert app.session.state.current_phase_id == "framing"
        await pilot.press("enter")
        await type_note(pilot, "added among two thousand")
        assert len(app.session.state.outline) == 2001
        assert "added among two thousand" in notes_of(app)
        await pilot.press("ctrl+z")  # undo still works on the big outline
        await pilot.pause()
        assert len(app.session.state.outline) == 2000
        await pilot.press("ctrl+b")
        await pilot.pause()
        assert app.session.state.current_phase_id == "requirements"
        await pilot.press("ctrl+q")
        await pilot.pause()
    state = fold(read_log(directory / "events.jsonl").events)
    assert len(state.outline) == 2000 and state.closed
