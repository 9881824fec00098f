"""The command line as a user runs it: help everywhere, one-line errors, exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tui.cli.main import build_parser
from tui.core.clock import FakeClock
from tui.core.session import Session


def boardless(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "tui", *args], capture_output=True, text=True,
                          cwd=cwd, timeout=120)


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
    from tui.core.layouts import find_layout
    from tui.core.prompts import find_prompt

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
        "heavy = [m for m in ('numpy', 'textual', 'soundfile', 'tui.speech.pipeline') if m in sys.modules]\n"
        "print(code, heavy, file=sys.stderr)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
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
