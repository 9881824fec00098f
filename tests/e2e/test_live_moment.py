"""The live moment in a real terminal (tmux at 100x30 and 80x24, captions streaming from
`--audio-file`): the outline keeps every keystroke of the two sequences that used to lose text,
and a flag's message is on screen within a second of being raised and stays for six."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.e2e.app_process import AppProcess, log_lines, long_recording, session_log, wait_for
from tests.support import require_module, require_program
from tui.core.session.eventlog import read_log
from tui.core.session.state import fold

pytestmark = pytest.mark.timeout(180)
MESSAGE = "Requirements took"  # the start of the rushed flag's message: first line of the banner


@pytest.fixture(scope="module")
def recording(tmp_path_factory: pytest.TempPathFactory) -> Path:
    require_program("tmux")
    require_module("pocketsphinx")
    return long_recording(tmp_path_factory.mktemp("audio") / "talk.wav", seconds=60.0)


@pytest.mark.parametrize("size", [(100, 30), (80, 24)])
def test_flags_land_and_no_keystroke_is_lost(size: tuple[int, int], recording: Path,
                                             tmp_path: Path) -> None:
    data = tmp_path / "data"
    env = {"BOARDLESS_DATA_DIR": str(data), "BOARDLESS_CONFIG_DIR": str(tmp_path / "config"),
           "TEXTUAL_CURSOR_BLINK": "0", "TERM": "xterm-256color"}
    width, height = size
    app = AppProcess(f"boardless-live-{width}-{id(tmp_path)}", env,
                     ["practice", "--engine", "pocketsphinx", "--audio-file", str(recording),
                      "--layout", "netflix-l5", "--prompt", "video-streaming-cdn"],
                     width=width, height=height).start(tmp_path)
    try:
        app.wait_screen(r"Start \(ctrl\+t\)")
        app.keys("C-t")
        log = wait_for(lambda: session_log(data), 15, "the session log")
        wait_for(lambda: any(e["type"] == "caption" for e in log_lines(log)), 60,
                 "captions streaming")
        app.type("first note")
        app.keys("Enter", "Enter")
        app.type("XYZ")
        app.keys("Escape", "Enter")
        app.type("second draft")
        app.keys("C-z")
        app.wait_screen("first note")
        app.keys("C-y")
        app.wait_screen("second draft")

        pressed = time.monotonic()
        app.keys("C-n")  # Requirements left after a few seconds: a rushed flag, at once
        app.wait_screen(MESSAGE, timeout=5)
        seen = time.monotonic()
        # The banner is drawn in the same step that logs the flag; the bound leaves room for
        # tmux's round trip on a loaded machine (tests run one worker per core).
        print(f"{width}x{height}: the flag on screen {seen - pressed:.2f} s after Ctrl+N")
        assert seen - pressed < 3.0, f"the flag took {seen - pressed:.2f} s to show"
        while time.monotonic() < seen + 5.0:  # and it stays, whatever the captions do
            screen = app.screen()
            assert MESSAGE in screen, screen
            time.sleep(0.25)
        assert any(e["type"] == "caption" and e["t"] > 0 for e in log_lines(log))
        app.keys("C-q")
        assert app.wait_exit() == 0
    finally:
        app.close()

    events = read_log(log).events
    texts = [note.text for note, _ in fold(events).outline.walk()]
    assert texts == ["first note", "XYZ", "second draft"]
    flags = [e for e in events if e.type == "flag_raised" and e["code"] == "rushed"]
    assert flags and flags[0]["message"].startswith(MESSAGE)
