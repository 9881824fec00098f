"""`boardless export SESSION`: a session's outline, phases, flags and transcript as Markdown."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from tui.core.debrief.export import GROUPINGS, debrief_lines, export_session, render_markdown
from tui.core.session.eventlog import read_log
from tui.core.session.state import fold
from tui.core.session.store import resolve_session
from tui.core.text.safe_text import visible_line


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    """Add the `export` command."""
    parser = subparsers.add_parser(
        "export",
        parents=[common],
        help="export a session as Markdown",
        description="Export a session as CommonMark: prompt, layout, each phase's planned window "
        "against actual time, the outline as nested lists under phase (or layer) headings, the "
        "flags, the debrief and optionally the transcript. The same log always gives the same "
        "bytes. Without -o the file is written as session.md in the session directory and its path "
        "is printed; with -o - the Markdown itself goes to standard output (and nothing else "
        "does), e.g. 'boardless export SESSION -o - | less'.",
    )
    parser.add_argument(
        "session", metavar="SESSION",
        help="a session directory, its events.jsonl, or a session id "
             "(see 'boardless sessions list')",
    )
    parser.add_argument("-o", "--output", type=Path, metavar="FILE",
                        help="write here instead; '-' writes the Markdown to standard output")
    parser.add_argument("--by", choices=GROUPINGS, default="phase",
                        help="group the outline under phase headings (default) or layer headings")
    parser.add_argument("--transcript", action=argparse.BooleanOptionalAction, default=True,
                        help="include the caption transcript (default: yes)")
    parser.add_argument("--timestamps", action=argparse.BooleanOptionalAction, default=True,
                        help="show when each note, flag and caption happened (default: yes)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Resolve the session, export it, print where it went (or print it, for `-o -`)."""
    log_path = resolve_session(args.session)
    loaded = read_log(log_path)
    for warning in loaded.warnings:  # a damaged last line is dropped, and said so
        sys.stderr.write(f"warning: {visible_line(warning)}\n")
    if args.output is not None and str(args.output) == "-":
        events = loaded.events
        sys.stdout.write(render_markdown(fold(events), args.by, args.transcript, args.timestamps,
                                         debrief_lines(events, args.timestamps)))
        return 0
    out = export_session(log_path, args.output, args.by, args.transcript, args.timestamps)
    print(visible_line(str(out)))
    return 0
