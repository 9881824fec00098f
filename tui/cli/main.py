"""Entry point for the `boardless` console script and `python -m tui`."""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from tui import __version__
from tui.cli.parser import OneLineParser
from tui.core.errors import BoardlessError
from tui.core.text.safe_text import one_line

#: Command -> the module whose `register(subparsers, common)` adds it (its parsers set
#: `func(args) -> int`). Only the module of the command being run is imported, so a command
#: never pays for another's imports (the practice screen's start-up, above all).
COMMANDS: dict[str, str] = {
    "practice": "tui.cli.practice_cmd",
    "replay": "tui.cli.practice_cmd",
    "layouts": "tui.cli.layouts_cmd",
    "prompts": "tui.cli.prompts_cmd",
    "sessions": "tui.cli.sessions_cmd",
    "export": "tui.cli.export_cmd",
    "report": "tui.cli.report_cmd",
    "history": "tui.cli.history_cmd",
    "transcribe": "tui.cli.transcribe_cmd",
    "devices": "tui.cli.speech_cmd",
    "models": "tui.cli.speech_cmd",
    "doctor": "tui.cli.speech_cmd",
    "voice": "tui.cli.voice_cmd",
}
#: Global options that take a value (their value is never the command).
VALUE_OPTIONS = ("--data-dir", "--config-dir")
#: Options that print something and exit instead of running a command.
INFO_OPTIONS = ("-h", "--help", "--version")
#: What runs when no command is named: the start screen.
DEFAULT_COMMAND = "practice"


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """Build the parser: with every subcommand, or only with `command`'s module."""
    common = OneLineParser(add_help=False)
    common.add_argument(
        "--data-dir",
        type=Path,
        default=argparse.SUPPRESS,
        help="where sessions live (default: the user data directory; env BOARDLESS_DATA_DIR)",
    )
    common.add_argument(
        "--config-dir",
        type=Path,
        default=argparse.SUPPRESS,
        help="where settings and user layouts live (env BOARDLESS_CONFIG_DIR)",
    )
    parser = OneLineParser(
        prog="boardless",
        description="Offline coach for spoken system-design rounds: phase timer, paper-style "
        "outline, live captions and flags. Run with no command to start a practice round.",
        parents=[common],
    )
    parser.add_argument("--version", action="version", version=f"boardless {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND",
                                       parser_class=OneLineParser)
    modules = [COMMANDS[command]] if command in COMMANDS else list(dict.fromkeys(COMMANDS.values()))
    for name in modules:
        importlib.import_module(name).register(subparsers, common)
    return parser


def command_in(argv: Sequence[str]) -> str | None:
    """The subcommand named in `argv`, if any."""
    skip = False
    for token in argv:
        if skip:
            skip = False
        elif token in VALUE_OPTIONS:
            skip = True
        elif not token.startswith("-"):
            return token
    return None


def with_default_command(argv: Sequence[str]) -> list[str]:
    """`argv` with the default command appended when it names none, so that `boardless` and
    `boardless --data-dir DIR` open the start screen; `--help` and `--version` are left alone,
    and so is a trailing value option (argparse then says its value is missing)."""
    argv = list(argv)
    if command_in(argv) is not None or any(token in INFO_OPTIONS for token in argv):
        return argv
    if argv and argv[-1] in VALUE_OPTIONS:
        return argv
    return [*argv, DEFAULT_COMMAND]


def apply_dir_overrides(args: argparse.Namespace) -> None:
    """Route --data-dir / --config-dir through the environment that `locations` reads."""
    if getattr(args, "data_dir", None) is not None:
        os.environ["BOARDLESS_DATA_DIR"] = str(Path(args.data_dir).expanduser().resolve())
    if getattr(args, "config_dir", None) is not None:
        os.environ["BOARDLESS_CONFIG_DIR"] = str(Path(args.config_dir).expanduser().resolve())


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the process exit code."""
    argv = with_default_command(sys.argv[1:] if argv is None else argv)
    parser = build_parser(command_in(argv))
    args = parser.parse_args(argv)
    apply_dir_overrides(args)
    func = getattr(args, "func", None)
    if func is None:
        parser.print_help()
        return 0
    try:
        return int(func(args) or 0)
    except BoardlessError as error:
        sys.stderr.write(f"boardless: error: {one_line(str(error))}\n")
        return error.exit_code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
    except OSError as error:  # a data or config directory under an unsearchable parent, ...
        where = f"{error.filename}: " if error.filename else ""
        sys.stderr.write(f"boardless: error: {where}{error.strerror or error}\n")
        return 1
