"""An argparse parser whose errors are one line and exit code 2."""

from __future__ import annotations

import argparse
import sys
from typing import Any, NoReturn

from tui.core.text.safe_text import one_line


class OneLineParser(argparse.ArgumentParser):
    """ArgumentParser that reports wrong arguments in a single line, exit code 2."""

    def error(self, message: str) -> NoReturn:
        sys.stderr.write(f"{self.prog}: error: {one_line(message)} (see '{self.prog} --help')\n")
        raise SystemExit(2)


def add_json_flag(parser: argparse.ArgumentParser) -> None:
    """Add the `--json` switch used by every command whose output is data."""
    parser.add_argument("--json", action="store_true", help="print machine-readable JSON")


def add_command_group(
    subparsers: Any, common: argparse.ArgumentParser, name: str, help: str, description: str
) -> Any:
    """Add command `name` whose actions are sub-commands; alone, it prints its help.

    Returns the sub-parsers object to add the actions to (each with `parents=[common]`)."""
    parser = subparsers.add_parser(name, parents=[common], help=help, description=description)

    def show_help(args: argparse.Namespace) -> int:
        parser.print_help()
        return 0

    parser.set_defaults(func=show_help)
    return parser.add_subparsers(dest=f"{name}_command", metavar="ACTION",
                                 parser_class=OneLineParser)
