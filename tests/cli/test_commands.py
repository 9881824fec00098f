"""The command line as a user runs it: help everywhere, one-line errors, exit codes."""

from __future__ import annotations

import argparse
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.pty_run import PtyProcess, plain
from tui.cli.main import build_parser
from tui.core.session.clock import FakeClock
from tui.core.session.session import Session

SAMPLES = Path(__file__).resolve().parents[2] / "sample_sessions"


def boardless(*args: str, cwd: Path | None = None,
              env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "tui", *args], check=False, capture_output=True,
                          text=True, cwd=cwd, timeout=120, env={**os.environ, **(env or {})})


def all_command_paths() -> list[list[str]]:
    """Every command and sub-action the parser knows."""
    import argparse

    paths: list[list[str]] = []

    def walk(parser: argparse.ArgumentParser, prefix: list[str]) -> None:
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for name, sub in action.choices.items():
                    paths.append(prefix + [name])
                    walk(sub, prefix + [name])

    walk(build_parser(), [])
    return paths


def test_version_and_help() -> None:
    result = boardless("--version")
    assert result.returncode == 0 and result.stdout.startswith("boardless ")
    result = boardless("--help")
    assert result.returncode == 0 and "export" in result.stdout


@pytest.mark.parametrize("path", all_command_paths(), ids=lambda p: " ".join(p))
def test_every_command_has_help(path: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    from tui.cli.main import main

    with pytest.raises(SystemExit) as info:
        main([*path, "--help"])
    assert info.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: boardless") and len(out.splitlines()) >= 3


@pytest.mark.parametrize(
    "args",
    [["--bogus"], ["export"], ["export", "x", "--by", "colour"], ["nosuchcommand"],
     ["sessions", "list", "--what"]],
)
def test_wrong_arguments_give_one_line_and_exit_2(args: list[str]) -> None:
    result = boardless(*args)
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr


def test_sessions_list_and_export(tmp_path: Path) -> None:
    from tui.core.config.layouts import find_layout
    from tui.core.config.prompts import find_prompt

    directory = tmp_path / "data" / "sessions" / "20260101-090000-demo"
    directory.mkdir(parents=True)
    clock = FakeClock()
    session = Session.create(find_layout("generic-45"), find_prompt("social-feed"), clock,
                             directory)
    session.emit_all(session.state.phases.start_or_resume())
    clock.advance(30)
    session.emit("note_added", id="n1", text="Fan-out on write", kind="note", parent=None,
                 index=-1, phase=session.state.current_phase_id)
    session.close()

    listing = json.loads(boardless("sessions", "list", "--json").stdout)
    assert listing[0]["id"] == directory.name and listing[0]["notes"] == 1
    assert directory.name in boardless("sessions", "list").stdout

    result = boardless("export", directory.name)
    assert result.returncode == 0 and Path(result.stdout.strip()) == directory / "session.md"
    out = tmp_path / "elsewhere" / "out.md"
    result = boardless("export", str(directory / "events.jsonl"), "-o", str(out), "--by", "layer",
                       "--no-transcript", "--no-timestamps")
    assert result.returncode == 0 and "### Fan-out on write" in out.read_text()
    printed = boardless("export", str(directory), "-o", "-").stdout
    assert printed == (directory / "session.md").read_text()


def test_export_of_a_damaged_log_is_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "events.jsonl"
    bad.write_text('{"v":1,"seq":1,"t":0,"type":"session_started"}\nnot json\n{"v":1}\n')
    result = boardless("export", str(bad))
    assert result.returncode == 1 and len(result.stderr.strip().splitlines()) == 1
    assert "events.jsonl:1" in result.stderr and "Traceback" not in result.stderr


def test_command_table_matches_what_modules_register() -> None:
    from tui.cli.main import COMMANDS

    assert {path[0] for path in all_command_paths() if len(path) == 1} == set(COMMANDS)


def test_only_the_named_command_is_imported() -> None:
    code = (
        "import sys\nfrom tui.cli.main import main\n"
        "code = main(['layouts', 'list', '--json'])\n"
        "heavy = [m for m in ('numpy', 'textual', 'soundfile', 'tui.speech.pipeline')"
        " if m in sys.modules]\n"
        "print(code, heavy, file=sys.stderr)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], check=False, capture_output=True,
                            text=True, timeout=60)
    assert result.stderr.strip().splitlines()[-1] == "0 []"


@pytest.mark.parametrize("argv, expected", [
    (["export", "x"], "export"),
    (["--data-dir", "practice", "report", "s"], "report"),
    (["--config-dir=/tmp/c", "layouts"], "layouts"),
    (["--version"], None),
])
def test_command_is_found_after_global_options(argv: list[str], expected: str | None) -> None:
    from tui.cli.main import command_in

    assert command_in(argv) == expected


# Global options alone open the app (issue 12, CLI habits).

@pytest.fixture
def practice_runs(monkeypatch: pytest.MonkeyPatch) -> list[argparse.Namespace]:
    """Record `practice` runs instead of opening the app."""
    from tui.cli import practice_cmd

    runs: list[argparse.Namespace] = []
    monkeypatch.setattr(practice_cmd, "cmd_practice", lambda args: runs.append(args) or 0)
    return runs


@pytest.mark.parametrize("options", [
    [], ["--data-dir", "{d}"], ["--data-dir={d}"], ["--config-dir", "{c}"],
    ["--data-dir", "{d}", "--config-dir", "{c}"],
])
def test_global_options_alone_open_the_start_screen(
    options: list[str], tmp_path: Path, practice_runs: list[argparse.Namespace],
    capsys: pytest.CaptureFixture[str],
) -> None:
    from tui.cli.main import main

    argv = [o.format(d=tmp_path / "d", c=tmp_path / "c") for o in options]
    assert main(argv) == 0
    assert len(practice_runs) == 1 and practice_runs[0].resume is None
    assert capsys.readouterr().out == ""  # no help printed
    if "--data-dir" in " ".join(options):
        assert os.environ["BOARDLESS_DATA_DIR"] == str(tmp_path / "d")
    if "--config-dir" in options:
        assert os.environ["BOARDLESS_CONFIG_DIR"] == str(tmp_path / "c")


@pytest.mark.parametrize("argv", [["--help"], ["--data-dir", "x", "--help"], ["-h"]])
def test_help_still_prints_help(argv: list[str], practice_runs: list[argparse.Namespace],
                                capsys: pytest.CaptureFixture[str]) -> None:
    from tui.cli.main import main

    with pytest.raises(SystemExit) as done:
        main(argv)
    assert done.value.code == 0 and not practice_runs
    assert capsys.readouterr().out.startswith("usage: boardless")


def test_a_global_option_without_its_value_is_a_usage_error(
    practice_runs: list[argparse.Namespace], capsys: pytest.CaptureFixture[str]
) -> None:
    from tui.cli.main import main

    with pytest.raises(SystemExit) as done:
        main(["--data-dir"])
    assert done.value.code == 2 and not practice_runs
    assert "--data-dir: expected one argument" in capsys.readouterr().err


def test_data_dir_alone_opens_the_start_screen_in_a_terminal(tmp_path: Path) -> None:
    proc = PtyProcess("--data-dir", str(tmp_path / "d"), "--config-dir", str(tmp_path / "c"))
    try:
        screen = proc.read_until("Layout", timeout=90)
        assert "usage: boardless" not in screen
        assert "Prompt" in proc.read_until("Prompt", timeout=30)
        proc.write(b"\x11")  # ctrl+q
        assert proc.finish(timeout=30) == 0
    finally:
        proc.close()


# export -o - (issue 12, CLI habits).

def test_export_to_standard_output_prints_only_the_markdown(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from tui.cli.main import main

    directory = tmp_path / "strong-round"
    shutil.copytree(SAMPLES / "strong-round", directory)
    (directory / "session.md").unlink()
    assert main(["export", str(directory), "-o", "-"]) == 0
    printed = capsys.readouterr()
    assert printed.err == "" and printed.out.startswith("# ")
    assert sorted(p.name for p in directory.iterdir()) == ["events.jsonl"]  # nothing written
    assert main(["export", str(directory), "-o", str(tmp_path / "out.md")]) == 0
    assert printed.out == (tmp_path / "out.md").read_text(encoding="utf-8")
    with pytest.raises(SystemExit):
        main(["export", "--help"])
    assert "'-' writes the Markdown to standard output" in " ".join(capsys.readouterr().out.split())


# Start times in local time (issue 12, CLI habits).

def test_sessions_list_shows_the_start_in_local_time(tmp_path: Path) -> None:
    sessions = tmp_path / "data" / "sessions"
    shutil.copytree(SAMPLES / "strong-round", sessions / "strong-round")
    started = json.loads((SAMPLES / "strong-round" / "events.jsonl").read_text(
        encoding="utf-8").splitlines()[0])["wall"]
    assert started.startswith("2026-11-18T18:30")
    env = {"TZ": "JST-9"}  # nine hours east of UTC, without needing tzdata
    text = boardless("sessions", "list", env=env).stdout
    assert "strong-round  2026-11-19 03:30  netflix-l5" in text and "T18:30" not in text
    listing = json.loads(boardless("sessions", "list", "--json", env=env).stdout)
    assert listing[0]["started"] == started  # JSON keeps the log's ISO stamp


# sessions delete (issue 12, CLI habits).

def _stored(tmp_path: Path, *names: str) -> Path:
    sessions = tmp_path / "data" / "sessions"
    for name in names:
        shutil.copytree(SAMPLES / "strong-round", sessions / name)
    return sessions


def test_sessions_delete_with_yes_removes_only_that_session(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from tui.cli.main import main

    sessions = _stored(tmp_path, "20261118-a", "20261118-b")
    assert main(["sessions", "delete", "20261118-a", "--yes"]) == 0
    assert "Deleted 20261118-a." in capsys.readouterr().out
    assert sorted(p.name for p in sessions.iterdir()) == ["20261118-b"]
    assert (sessions / "20261118-b" / "events.jsonl").is_file()


@pytest.mark.parametrize("answer, deleted", [("y\n", True), ("yes\n", True), ("\n", False),
                                             ("n\n", False), ("", False)])
def test_sessions_delete_asks_on_a_terminal(
    answer: str, deleted: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from tui.cli import terminal
    from tui.cli.main import main

    sessions = _stored(tmp_path, "20261118-strong")
    monkeypatch.setattr(terminal, "stdin_is_terminal", lambda: True)
    monkeypatch.setattr(sys, "stdin", io.StringIO(answer))
    assert main(["sessions", "delete", "20261118"]) == (0 if deleted else 1)
    err = capsys.readouterr().err
    assert "Delete session 20261118-strong (19 notes, 0 flags)? [y/N]" in err
    assert (sessions / "20261118-strong").exists() is not deleted


def test_sessions_delete_without_a_terminal_needs_yes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from tui.cli.main import main

    sessions = _stored(tmp_path, "20261118-strong")
    monkeypatch.setattr(sys, "stdin", io.StringIO("y\n"))  # not a terminal, whatever it says
    assert main(["sessions", "delete", "20261118-strong"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "pass --yes" in err
    assert (sessions / "20261118-strong").is_dir()


@pytest.mark.parametrize("session_id", ["nope", "..", "../data", ".", "20261118", ""])
def test_sessions_delete_refuses_unknown_ambiguous_and_outside_ids(
    session_id: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from tui.cli.main import main

    sessions = _stored(tmp_path, "20261118-a", "20261118-b")
    assert main(["sessions", "delete", session_id, "--yes"]) == 2  # as report's unknown SESSION
    assert capsys.readouterr().err.count("\n") == 1
    assert sorted(p.name for p in sessions.iterdir()) == ["20261118-a", "20261118-b"]


def test_sessions_delete_leaves_a_linked_directory_alone(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from tui.cli.main import main

    sessions = _stored(tmp_path, "20261118-a")
    outside = tmp_path / "precious"
    shutil.copytree(SAMPLES / "strong-round", outside)
    (sessions / "20261118-link").symlink_to(outside, target_is_directory=True)
    assert main(["sessions", "delete", "20261118-link", "--yes"]) == 2
    assert "nothing deleted" in capsys.readouterr().err
    assert (outside / "events.jsonl").is_file() and (sessions / "20261118-link").is_symlink()


def test_sessions_delete_question_in_a_real_terminal(tmp_path: Path) -> None:
    sessions = _stored(tmp_path, "20261118-strong")
    proc = PtyProcess("--data-dir", str(tmp_path / "data"), "sessions", "delete", "20261118")
    try:
        proc.read_until("Delete session 20261118-strong (19 notes, 0 flags)? [y/N]", timeout=60)
        proc.write(b"y\n")
        assert proc.finish(timeout=60) == 0
    finally:
        proc.close()
    assert "Deleted 20261118-strong." in plain(proc.output)
    assert not (sessions / "20261118-strong").exists()


# Damage stays local; unsearchable directories (issue 15).

def test_a_damaged_session_is_listed_and_refused_in_one_line(tmp_path: Path) -> None:
    from tui.core.config.layouts import find_layout
    from tui.core.config.prompts import find_prompt

    sessions = tmp_path / "data" / "sessions"
    for name in ("20260101-090000-good", "20260101-100000-words", "20260101-110000-layout"):
        session = Session.create(find_layout("generic-45"), find_prompt("social-feed"),
                                 FakeClock(), sessions / name)
        session.emit_all(session.state.phases.start_or_resume())
        session.close()
    with open(sessions / "20260101-100000-words" / "events.jsonl", "a") as handle:
        handle.write('{"v":1,"seq":99,"t":5,"wall":"","type":"caption","text":"x",'
                     '"final":true,"words":[[1,"x",null]]}\n')
    log = sessions / "20260101-110000-layout" / "events.jsonl"
    lines = log.read_text().splitlines()
    first = json.loads(lines[0])
    first["layout"]["phases"] = "nope"
    log.write_text("\n".join([json.dumps(first), *lines[1:]]) + "\n")

    listed = boardless("sessions", "list")
    assert listed.returncode == 0 and "Traceback" not in listed.stderr
    assert "20260101-090000-good" in listed.stdout
    assert "20260101-100000-words  damaged: event 99 (caption)" in listed.stdout
    assert "20260101-110000-layout  damaged:" in listed.stdout
    history = boardless("history")
    assert history.returncode == 0 and "20260101-090000-good" in history.stdout
    assert history.stderr.count("skipped damaged session") == 2
    for args in (["replay", "20260101-110000-layout"], ["practice", "--resume", "20260101-100000"]):
        result = boardless(*args)
        assert result.returncode == 1 and len(result.stderr.strip().splitlines()) == 1, result
        assert "Traceback" not in result.stderr


def test_an_unsearchable_data_or_config_directory_is_one_line(tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    (locked / "inner").mkdir(parents=True)
    locked.chmod(0)
    wrap: list[str] = []
    if os.geteuid() == 0:  # root reads anything: run without the capabilities that allow it
        capsh = shutil.which("capsh")
        if capsh is None:
            pytest.skip("needs capsh to drop root's file capabilities")
        wrap = [capsh, "--drop=cap_dac_override,cap_dac_read_search", "--", "-c",
                'exec "$0" "$@"']
    try:
        for env, args in (({"BOARDLESS_DATA_DIR": str(locked / "inner" / "data")},
                           ["sessions", "list"]),
                          ({"BOARDLESS_DATA_DIR": str(locked / "inner" / "data")},
                           ["export", "some-session"]),
                          ({"BOARDLESS_CONFIG_DIR": str(locked / "inner" / "config")},
                           ["doctor"])):
            result = subprocess.run([*wrap, sys.executable, "-m", "tui", *args], check=False,
                                    capture_output=True, text=True, timeout=120,
                                    env={**os.environ, **env}, stdin=subprocess.DEVNULL)
            said = result.stderr.strip().splitlines()
            assert result.returncode != 0 and len(said) == 1, (args, result.stderr)
            assert "Permission denied" in said[0] and "Traceback" not in result.stderr
    finally:
        locked.chmod(0o700)
