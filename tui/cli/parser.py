"""An argparse parser whose errors are one line and exit code 2."""

from __future__ import annotations

import argparse
import sys
from typing import NoReturn


class OneLineParser(argparse.ArgumentParser):
    """ArgumentParser that reports wrong arguments in a single line, exit code 2."""

    def error(self, message: str) -> NoReturn:
        sys.stderr.write(f"{self.prog}: error: {message} (see '{self.prog} --help')\n")
        raise SystemExit(2)


def add_json_flag(parser: argparse.ArgumentParser) -> None:
    """Add the `--json` switch used by every command whose output is data."""
    parser.add_argument("--json", action="store_true", help="print machine-readable JSON")
