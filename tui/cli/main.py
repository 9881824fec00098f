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

#: Each module has `register(subparsers, common)`; its parsers set `func(args) -> int`.
COMMAND_MODULES: list[str] = [
    "tui.cli.layouts_cmd",
    "tui.cli.prompts_cmd",
    "tui.cli.practice_cmd",
    "tui.cli.sessions_cmd",
    "tui.cli.export_cmd",
    "tui.cli.transcribe_cmd",
    "tui.cli.speech_cmd",
    "tui.cli.report_cmd",
    "tui.cli.history_cmd",
]


def build_parser() -> argparse.ArgumentParser:
    """Build the full parser with every subcommand registered."""
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
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=OneLineParser)
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(subparsers, common)
    return parser


def apply_dir_overrides(args: argparse.Namespace) -> None:
    """Route --data-dir / --config-dir through the environment that `locations` reads."""
    if getattr(args, "data_dir", None) is not None:
        os.environ["BOARDLESS_DATA_DIR"] = str(Path(args.data_dir).expanduser().resolve())
    if getattr(args, "config_dir", None) is not None:
        os.environ["BOARDLESS_CONFIG_DIR"] = str(Path(args.config_dir).expanduser().resolve())


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the process exit code."""
    parser = build_parser()
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv and "practice" in _commands(parser):
        argv = ["practice"]
    args = parser.parse_args(argv)
    apply_dir_overrides(args)
    func = getattr(args, "func", None)
    if func is None:
        parser.print_help()
        return 0
    try:
        return int(func(args) or 0)
    except BoardlessError as error:
        sys.stderr.write(f"boardless: error: {error}\n")
        return error.exit_code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0


def _commands(parser: argparse.ArgumentParser) -> set[str]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return set(action.choices)
    return set()
