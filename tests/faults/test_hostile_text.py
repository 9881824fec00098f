"""Hostile text is inert everywhere (issue 15, item 5): notes, captions, probes, prompt and
layout titles, a session directory's name and a bad layout value holding terminal escapes
(ESC[2J, OSC 52 clipboard, OSC 0 window title, OSC 8 link), CR, BS, the C1 CSI, NUL, DEL,
markup and a title ending in a backslash.

The real CLI runs in subprocesses: nothing it prints to standard output or error holds a raw
control character (but newline and tab). The app's screens show the same text as visible
escapes (`\\x1b`), titles literally, never markup. Exports hold no raw control character while
the log keeps the original text.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.pilot import screen_text, wait_until
from tests.pty_run import run_in_pty
from tui.core.text.safe_text import clip, json_safe, one_line, visible, visible_line

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "sample_sessions" / "strong-round" / "events.jsonl"
LAYOUT = ROOT / "layouts" / "netflix-l5.toml"

#: Each attack, by name: what a hostile note, caption or title carries.
ATTACKS = {
    "ESC[2J": "\x1b[2J",
    "OSC 52": "\x1b]52;c;cHduZWQ=\x07",
    "OSC 0": "\x1b]0;pwned\x07",
    "OSC 8": "\x1b]8;;http://evil.example/\x1b\\link\x1b]8;;\x1b\\",
    "CR": "safe\rEVIL",
    "BS": "abc\x08\x08\x08XYZ",
    "C1 CSI": "\x9b31m",
    "NUL": "nul\x00",
    "DEL": "del\x7f",
    "markup": "[b]bold[/b] [link=http://evil.example]x[/link]",
}
#: All of them in one string; a title also ends in a backslash.
HOSTILE = " ".join(f"<{name}:{attack}>" for name, attack in ATTACKS.items())
TITLE = "Hostile " + HOSTILE + " title\\"
#: A session directory may be renamed to anything (but NUL and "/").
SESSION_ID = "2026-11-18-hostile\x1b]0;pwned\x07\x9b2J"
#: A directory that is no session, named with a window-title sequence.
NOT_A_SESSION = "not-a-session" + ATTACKS["OSC 0"]
#: Raw control characters: C0 but newline and tab, DEL, C1.
RAW = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def raw_controls(text: str) -> list[str]:
    """The raw control characters in `text`, as escapes (for a readable failure)."""
    return sorted({visible_line(c) for c in RAW.findall(text)})


# --------------------------------------------------------------------------- hostile files


def hostile_log(path: Path, ended: bool = True) -> None:
    """The strong-round sample with every title, goal, checklist item, question, probe, note
    and caption made hostile (`ended=False`: cut before the round ended, to resume it)."""
    lines = []
    for line in SAMPLE.read_text(encoding="utf-8").splitlines():
        event = json.loads(line)
        kind = event["type"]
        if kind == "session_started":
            event["wall"] = "soon" + ATTACKS["OSC 0"]  # an unreadable start is shown as it is
            layout, prompt = event["layout"], event["prompt"]
            layout["title"] = TITLE
            for phase in layout["phases"]:
                phase["title"] = f"{phase['title']} {ATTACKS['OSC 0']}{ATTACKS['C1 CSI']}\\"
                if phase["role"] == "walkthrough":  # a role without a word: the title's start
                    phase["role"] = "other"
                    phase["title"] = ATTACKS["ESC[2J"] + phase["title"]
                phase["goal"] = f"{phase['goal']} {HOSTILE}"
                for item in phase["checklist"]:
                    item["text"] = f"{item['text']} {ATTACKS['ESC[2J']}"
                phase["probes"] = [f"{p} {HOSTILE}" for p in phase.get("probes", [])]
            prompt["title"] = TITLE
            prompt["text"] = f"{prompt['text']} {HOSTILE}"
            prompt["clarifying"] = [f"{q} {HOSTILE}" for q in prompt["clarifying"]]
        elif kind in ("note_added", "caption", "probe_asked") and event.get("text"):
            event["text"] = f"{event['text']} {HOSTILE}"
        elif kind in ("round_ended", "session_closed") and not ended:
            break
        elif kind == "round_ended":
            event["reason"] = "gone" + ATTACKS["OSC 52"]
        lines.append(json.dumps(event))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def toml_string(text: str) -> str:
    """A TOML basic string (JSON's escapes are TOML's for these characters)."""
    return json.dumps(text)


def hostile_layout(path: Path, bad_value: str | None = None) -> None:
    """netflix-l5 as a user layout "hostile" whose titles and goals are hostile; with
    `bad_value`, `total` is that string (an invalid layout whose error echoes it)."""
    text = LAYOUT.read_text(encoding="utf-8")
    text = re.sub(r'^id = "netflix-l5"', 'id = "hostile"', text, count=1, flags=re.MULTILINE)
    text = re.sub(r"^title = .*$", lambda m: f"title = {toml_string(TITLE)}", text,
                  flags=re.MULTILINE)
    text = re.sub(r"^goal = (\".*\")$",
                  lambda m: f"goal = {toml_string(json.loads(m.group(1)) + ' ' + HOSTILE)}",
                  text, flags=re.MULTILINE)
    if bad_value is not None:
        text = re.sub(r"^total = .*$", lambda m: f"total = {toml_string(bad_value)}", text,
                      count=1, flags=re.MULTILINE)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


@pytest.fixture
def hostile(isolated_dirs: Path) -> Path:
    """Data dir with a hostile session (named SESSION_ID); config dir with a hostile user
    layout and a broken one whose bad value is hostile and 600 KB long."""
    data = isolated_dirs / "data"
    config = isolated_dirs / "config"
    hostile_log(data / "sessions" / SESSION_ID / "events.jsonl")
    hostile_layout(config / "layouts" / "hostile.toml")
    hostile_layout(config / "layouts" / "broken.toml", bad_value=HOSTILE + "x" * 600_000)
    (isolated_dirs / NOT_A_SESSION).mkdir()
    damaged = data / "sessions" / ("damaged" + ATTACKS["ESC[2J"]) / "events.jsonl"
    damaged.parent.mkdir()
    damaged.write_text(json.dumps({"v": 1, "seq": 1, "t": 0, "type": HOSTILE}) + "\n" + HOSTILE,
                       encoding="utf-8")
    return isolated_dirs


def run_cli(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    """`python -m tui ARGS` with the test's data and config dirs, output captured (a pipe)."""
    env = {**os.environ, "COLUMNS": "100"}
    return subprocess.run([sys.executable, "-m", "tui", *args], input=stdin, check=False,
                          capture_output=True, text=True, encoding="utf-8",
                          errors="surrogateescape", cwd=ROOT, env=env, timeout=120)


# --------------------------------------------------------------------------- the convention


def test_visible_escapes_every_control_character_and_keeps_printable_text() -> None:
    assert visible("a\x1b[2Jb") == "a\\x1b[2Jb"
    assert visible("\x00\x07\x08\r\x7f\x80\x9b\x9f") == "\\x00\\x07\\x08\\r\\x7f\\x80\\x9b\\x9f"
    assert visible("line one\n\tline two") == "line one\n\tline two"
    assert visible_line("line one\n\tline two\u2028") == "line one\\n\\tline two\\u2028"
    assert visible("lone \ud800 surrogate") == "lone \\ud800 surrogate"
    kept = "café 東京 👩\u200d💻 naïve – “quotes” \\ [b]x[/b] \u00a0"
    assert visible(kept) == kept and visible_line(kept) == kept
    assert not RAW.search(visible_line(HOSTILE)) and not RAW.search(visible(HOSTILE))
    assert visible_line(visible_line(HOSTILE)) == visible_line(HOSTILE)  # idempotent


def test_clip_and_one_line_cap_what_an_error_echoes() -> None:
    assert clip("short") == "short"
    huge = "v" * 600_000
    cut = clip(f"bad value {huge!r}; known: a, b")
    assert len(cut) < 600 and "(599,5" in cut and "more characters)" in cut
    assert cut.endswith("'; known: a, b")
    line = one_line(f"bad\n{HOSTILE}{huge}")
    assert "\n" not in line and not RAW.search(line) and len(line) < 600


def test_json_safe_keeps_the_value_and_leaves_nothing_raw() -> None:
    value = {"text": HOSTILE + "\ud800 \u2028 café"}
    dumped = json_safe(json.dumps(value, ensure_ascii=False))
    assert not RAW.search(dumped) and "café" in dumped
    assert json.loads(dumped) == value


def test_error_messages_are_one_inert_line() -> None:
    from tui.core.errors import ConfigError, UsageError

    bad = HOSTILE + "x" * 600_000
    error = ConfigError("layouts/x.toml", f"total must be a duration, got {bad!r}", 3)
    text = str(error)
    assert text.startswith("layouts/x.toml:3: total") and "more characters" in text
    assert len(text) < 600 and not RAW.search(text) and "\n" not in text
    assert not RAW.search(str(UsageError(f"unknown session {SESSION_ID}")))


def test_the_error_path_escapes_a_message_however_it_was_made(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """Even an error class whose `str()` skips BoardlessError's (as UnknownPhaseError's does)
    prints one inert line."""
    from tui.cli import sessions_cmd
    from tui.cli.main import main
    from tui.core.errors import UsageError

    class RawError(UsageError):
        __str__ = Exception.__str__

    def fail(args: object) -> int:
        raise RawError(f"bad {HOSTILE}\n{'x' * 600_000}")

    monkeypatch.setattr(sessions_cmd, "cmd_list", fail)
    assert main(["sessions", "list"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("boardless: error: bad <ESC[2J:\\x1b[2J>") and err.count("\n") == 1
    assert raw_controls(err) == [] and len(err) < 1000


def test_markdown_inline_escapes_controls_so_they_read_as_escapes() -> None:
    from tui.core.text.markdown_text import heading, inline

    assert inline("a\x1b[2Jb") == "a\\\\x1b\\[2Jb"  # renders as a\x1b[2Jb
    assert not RAW.search(inline(HOSTILE)) and not RAW.search(heading(TITLE))


def test_transcribe_prints_captions_inert() -> None:
    from tui.cli.transcribe_cmd import format_final
    from tui.speech.types import Recognition

    result = Recognition(text=HOSTILE, final=True, start=0.0, end=1.0)
    for as_json in (False, True):
        line = format_final(result, as_json)
        assert not RAW.search(line) and "\n" not in line
    assert json.loads(format_final(result, True))["text"] == HOSTILE


# --------------------------------------------------------------------------- the CLI

#: Commands that read the hostile files, by name -> arguments (SESSION: the hostile session).
COMMANDS: dict[str, tuple[str, ...]] = {
    "sessions list": ("sessions", "list"),
    "history": ("history",),
    "history --json": ("history", "--json"),
    "report": ("report", "SESSION"),
    "report --json": ("report", "SESSION", "--json"),
    "export -o -": ("export", "SESSION", "-o", "-"),
    "export": ("export", "SESSION"),
    "layouts list": ("layouts", "list"),
    "layouts list --json": ("layouts", "list", "--json"),
    "layouts show": ("layouts", "show", "hostile"),
    "layouts check": ("layouts", "check", "BROKEN"),
    "report (not a session)": ("report", "NOT_A_SESSION"),
    "sessions list (bad argument)": ("sessions", "list", ATTACKS["OSC 0"] + ATTACKS["C1 CSI"]),
    "practice (bad layout file)": ("practice", "--layout", "BROKEN"),
}
#: Tried too, and inert before this work (argparse and these errors quote with repr(), JSON
#: without ensure_ascii=False escapes everything): not tests of a sanitising call.
#: `sessions list --json`, `layouts show --json`, `prompts show <hostile id>`,
#: `report <hostile id>`, `export SESSION --by <hostile>`.


def _args(name: str, root: Path) -> list[str]:
    swap = {"SESSION": str(root / "data" / "sessions" / SESSION_ID),
            "BROKEN": str(root / "config" / "layouts" / "broken.toml"),
            "NOT_A_SESSION": str(root / NOT_A_SESSION)}
    return [swap.get(arg, arg) for arg in COMMANDS[name]]


@pytest.mark.parametrize("name", list(COMMANDS))
def test_no_raw_control_character_reaches_the_terminal(hostile: Path, name: str) -> None:
    result = run_cli(*_args(name, hostile))
    assert "Traceback" not in result.stderr, result.stderr[-2000:]
    assert raw_controls(result.stdout) == [], name
    assert raw_controls(result.stderr) == [], name
    for line in (result.stdout + result.stderr).splitlines():
        assert len(line) < 2000, f"{name}: a {len(line)}-character line"
    if result.returncode != 0:  # an error is one short line
        assert result.stdout == "" and len(result.stderr.splitlines()) == 1, result.stderr


def test_prompts_commands_print_a_hostile_bank_inert(monkeypatch: pytest.MonkeyPatch,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    """Only the shipped bank is read today; a hostile one still prints inert."""
    from dataclasses import replace

    from tui.cli import prompts_cmd
    from tui.cli.main import main
    from tui.core.config.prompts import find_prompt

    base = find_prompt("video-streaming-cdn")
    evil = replace(base, title=TITLE, domain=base.domain, text=HOSTILE,
                   clarifying=(HOSTILE,), probes=(HOSTILE,))
    monkeypatch.setattr(prompts_cmd, "load_prompt_bank", lambda: [evil])
    monkeypatch.setattr(prompts_cmd, "find_prompt", lambda _id: evil)
    for args in (["prompts", "list"], ["prompts", "show", base.id]):
        assert main(args) == 0
        out = capsys.readouterr().out
        assert raw_controls(out) == [] and "Hostile <ESC[2J:\\x1b[2J>" in out, args


def test_listings_show_the_hostile_text_as_escapes(hostile: Path) -> None:
    listing = run_cli("sessions", "list").stdout
    assert "2026-11-18-hostile\\x1b]0;pwned\\x07\\x9b2J  soon\\x1b]0;pwned\\x07" in listing
    assert "Hostile <ESC[2J:\\x1b[2J> <OSC 52:\\x1b]52;c;cHduZWQ=\\x07>" in listing
    assert "<CR:safe\\rEVIL> <BS:abc\\x08\\x08\\x08XYZ> <C1 CSI:\\x9b31m>" in listing
    assert " title\\" in listing and "<markup:[b]bold[/b]" in listing
    layouts = run_cli("layouts", "list").stdout
    assert "<NUL:nul\\x00> <DEL:del\\x7f>" in layouts
    shown = run_cli("layouts", "show", "hostile").stdout
    assert "goal: Ask clarifying questions" in shown and "<OSC 0:\\x1b]0;pwned\\x07>" in shown


def test_a_huge_bad_value_is_cut_in_the_error(hostile: Path) -> None:
    result = run_cli(*_args("layouts check", hostile))
    assert result.returncode == 2
    assert "more characters)" in result.stderr and len(result.stderr) < 1000
    listing = run_cli("layouts", "list")  # the broken layout is a warning beside the list
    warning = [line for line in listing.stderr.splitlines() if "broken.toml" in line]
    assert warning and len(warning[0]) < 1000 and "more characters)" in warning[0]


def test_export_escapes_while_the_log_keeps_the_original(hostile: Path) -> None:
    directory = hostile / "data" / "sessions" / SESSION_ID
    assert run_cli("export", str(directory)).returncode == 0
    markdown = (directory / "session.md").read_text(encoding="utf-8")
    assert raw_controls(markdown) == []
    assert "\\\\x1b\\[2J" in markdown  # Markdown for the visible text \x1b[2J
    assert "\\[b\\]bold\\[/b\\]" in markdown
    notes = [json.loads(line).get("text", "") for line in
             (directory / "events.jsonl").read_text(encoding="utf-8").splitlines()]
    assert any(HOSTILE in text for text in notes)


def test_report_in_a_terminal_sends_no_hostile_sequence(hostile: Path) -> None:
    """Rendered for a terminal, the report has Rich's own colour codes, but none of ours."""
    code, output = run_in_pty("report", str(hostile / "data" / "sessions" / SESSION_ID),
                              columns=120)
    assert code == 0
    for name, attack in ATTACKS.items():
        if name in ("CR", "markup"):
            continue
        assert attack not in output, name
    assert "\rEVIL" not in output and "\x9b" not in output
    assert "\x00" not in output and "\x7f" not in output and "\x08" not in output
    for sequence in ("\x1b[2J", "\x1b]52;", "\x1b]0;", "\x1b]8;;http://evil"):
        assert sequence not in output, sequence
    assert "\\x1b[2J" in output  # shown as text instead


# --------------------------------------------------------------------------- the app


def app_on(mode: str, session: Path | None = None,
           prompt: str | None = None) -> Callable[[], object]:
    from tui.app.factory import build_app
    from tui.app.options import AppOptions, SpeechOptions
    from tui.core.session.clock import FakeClock

    options = AppOptions(mode=mode, session=str(session) if session else None, layout="hostile",
                         prompt=prompt, seed=1, speech=SpeechOptions(enabled=False))
    return build_app(options, FakeClock())  # type: ignore[return-value]


async def test_practice_screen_shows_hostile_text_as_escapes(hostile: Path,
                                                             monkeypatch: pytest.MonkeyPatch
                                                             ) -> None:
    monkeypatch.setenv("TEXTUAL_CURSOR_BLINK", "0")
    from tui.app.screens.practice import PracticeScreen

    directory = hostile / "data" / "sessions" / "unfinished"
    hostile_log(directory / "events.jsonl", ended=False)
    app = app_on("resume", directory)
    async with app.run_test(size=(200, 50),  # type: ignore[attr-defined]
                            notifications=True) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, PracticeScreen)  # type: ignore[attr-defined]
        text = screen_text(app)
        assert raw_controls(text) == []
        header = str(app.screen.query_one("#head-title").render())  # type: ignore[attr-defined]
        assert header.startswith("Hostile <ESC[2J:\\x1b[2J>") and "title\\ · Hostile" in header
        assert "[/b]" not in header.replace("[b]bold[/b]", "")
        assert header.endswith("title\\")
        assert "\\x1b[2J" in text.split("\n", 1)[1]  # the outline's notes
        strip = str(app.screen.query_one("#captions").render())  # type: ignore[attr-defined]
        assert "<BS:abc\\x08\\x08\\x08XYZ>" in strip or "<C1 CSI:\\x9b31m>" in strip
        goal = str(app.screen.query_one("#side-goal").render())  # type: ignore[attr-defined]
        assert "\\x1b]0;pwned\\x07\\x9b31m\\" in goal and "<DEL:del\\x7f>" in goal
        app.notify(f"Cannot resume: {HOSTILE}", title=TITLE)  # type: ignore[attr-defined]
        await wait_until(pilot, lambda: "Cannot resume" in screen_text(app), "the toast")
        text = screen_text(app)
        assert "Cannot resume: <ESC[2J:\\x1b[2J>" in text and raw_controls(text) == []
        assert "<markup:[b]bold[/b]" in text  # never read as markup
        # a flag raised through the session, as the coach raises one: the banner shows it for
        # 6 s of the (frozen) clock, whatever the app's own timer repaints meanwhile
        app.session.emit("flag_raised", code="over_time", phase=None,  # type: ignore[attr-defined]
                         message=HOSTILE, severity="serious")
        await pilot.pause()
        text = screen_text(app)
        assert "SERIOUS" in text and raw_controls(text) == []
        await pilot.press("ctrl+r")  # reveal the clarifying questions
        await pilot.pause()
        assert raw_controls(screen_text(app)) == []
        await pilot.press("ctrl+p", *"jump")  # the palette offers "phase: jump to TITLE"
        await wait_until(pilot, lambda: "phase: jump to" in screen_text(app), "the palette")
        text = screen_text(app)
        assert "phase: jump to" in text and raw_controls(text) == []
        assert "\\x1b]0;pwned\\x07\\x9b31m\\" in text


async def test_start_screen_shows_hostile_titles_as_escapes(hostile: Path,
                                                            monkeypatch: pytest.MonkeyPatch
                                                            ) -> None:
    monkeypatch.setenv("TEXTUAL_CURSOR_BLINK", "0")
    hostile_log(hostile / "data" / "sessions" / "unfinished" / "events.jsonl", ended=False)
    app = app_on("start", prompt="Design a " + HOSTILE + " service")
    async with app.run_test(size=(200, 50)) as pilot:  # type: ignore[attr-defined]
        await app.workers.wait_for_complete()  # type: ignore[attr-defined]
        await pilot.pause()
        text = screen_text(app)
        assert raw_controls(text) == []
        assert "Hostile <ESC[2J:\\x1b[2J>" in text  # the layout list and the phases
        assert "Unfinished: Hostile <ESC[2J:\\x1b[2J>" in text
        view = str(app.screen.query_one("#prompt-view").render())  # type: ignore[attr-defined]
        assert "<OSC 8:\\x1b]8;;http://evil.example/\\x1b\\link" in view


async def test_results_screen_shows_hostile_text_as_escapes(hostile: Path,
                                                            monkeypatch: pytest.MonkeyPatch
                                                            ) -> None:
    monkeypatch.setenv("TEXTUAL_CURSOR_BLINK", "0")
    from tui.app.screens.results import ResultsScreen

    app = app_on("resume", hostile / "data" / "sessions" / SESSION_ID)  # ended: the results
    async with app.run_test(size=(160, 200)) as pilot:  # type: ignore[attr-defined]
        await app.workers.wait_for_complete()  # type: ignore[attr-defined]
        await pilot.pause()
        assert isinstance(app.screen, ResultsScreen)  # type: ignore[attr-defined]
        await wait_until(pilot, lambda: "Practise next" in screen_text(app)
                         and "Phases against plan" in screen_text(app),
                         "the Markdown body, laid out in the background")
        text = screen_text(app)
        assert raw_controls(text) == []
        assert "\\x1b]0;pwned\\x07\\x9b31m\\" in text  # phase titles in the timeline and tables
        assert "gone\\x1b]52;c;cHduZWQ=\\x07" in text.splitlines()[0]  # how the round ended
        await pilot.press("ctrl+e")  # exported beside the log, whose directory is hostile
        await wait_until(pilot, lambda: "exported to" in screen_text(app), "the export line")
        text = screen_text(app)
        assert "2026-11-18-hostile\\x1b]0;pwned" in text and raw_controls(text) == []


def test_model_and_doctor_listings_show_a_hostile_model_path_as_escapes(tmp_path: Path) -> None:
    """`models list`, `models path` and `doctor` print paths found on disk: a model folder
    whose name holds ESC and OSC sequences is shown escaped."""
    from tests.speech.model_trees import make_vosk_tree

    home = tmp_path / "home"
    make_vosk_tree(home / ".cache/vosk" / "vosk-model-small-en-us-0.15\x1b]0;owned\x07\x1b[2J")
    env = {**os.environ, "HOME": str(home), "BOARDLESS_DATA_DIR": str(tmp_path / "data"),
           "BOARDLESS_CONFIG_DIR": str(tmp_path / "config")}
    for args in (["models", "list"], ["models", "path"], ["doctor"]):
        run = subprocess.run([sys.executable, "-m", "tui", *args], capture_output=True,
                             text=True, timeout=120, env=env, check=False)
        out = run.stdout + run.stderr
        assert "\x1b" not in out and "\x07" not in out, (args, out[-800:])
        assert "\\x1b" in out, (args, out[-800:])
