"""`boardless sessions list|delete`: the practice sessions stored in the data directory."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from tui.cli import terminal
from tui.cli.parser import add_command_group, add_json_flag
from tui.core.config.locations import sessions_dir
from tui.core.errors import BoardlessError, UsageError
from tui.core.session.eventlog import LOG_NAME, read_log
from tui.core.session.state import fold
from tui.core.session.store import delete_session, list_sessions, session_dir_by_id, summarise
from tui.core.text.durations import format_clock
from tui.core.text.safe_text import one_line, visible_line
from tui.core.text.walltime import format_local_time


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    """Add the `sessions` command."""
    actions = add_command_group(
        subparsers, common, "sessions", help="list or delete stored practice sessions",
        description="Practice sessions live as directories under the data directory "
        "(--data-dir, env BOARDLESS_DATA_DIR), each holding events.jsonl.",
    )
    listing = actions.add_parser(
        "list", parents=[common], help="list sessions, oldest first",
        description="List sessions with their start time (local time), layout, prompt, time "
        "used, notes and flags. Damaged logs are listed with the problem. JSON gives the start "
        "as the log's UTC ISO stamp.",
    )
    add_json_flag(listing)
    listing.set_defaults(func=cmd_list)
    delete = actions.add_parser(
        "delete", parents=[common], help="delete one session and everything in its directory",
        description="Delete a session directory (its log, audio and export) from the sessions "
        "directory. Asks first; without a terminal to ask on, --yes is required. Declining "
        "deletes nothing and exits with 1.",
    )
    delete.add_argument("session_id", metavar="ID",
                        help="session id or unique id prefix (see 'boardless sessions list')")
    delete.add_argument("-y", "--yes", action="store_true",
                        help="delete without asking (needed when standard input is not a terminal)")
    delete.set_defaults(func=cmd_delete)


def cmd_list(args: argparse.Namespace) -> int:
    """Print the sessions as a table or JSON."""
    rows = list_sessions()
    if args.json:
        print(json.dumps([
            {"id": s.id, "path": str(s.path), "started": s.started, "layout": s.layout_id,
             "prompt": s.prompt_id, "ended": s.ended, "used_s": round(s.used_s, 3),
             "notes": s.notes, "flags": s.flags, "problem": s.problem}
            for s in rows
        ], indent=2))
        return 0
    if not rows:
        print(f"No sessions yet in {visible_line(str(sessions_dir()))}. Start one with "
              "'boardless'.")
        return 0
    for s in rows:
        if s.problem:
            print(f"{visible_line(s.id)}  damaged: {one_line(s.problem)}")
            continue
        status = "ended" if s.ended else "unfinished"
        print(f"{visible_line(s.id)}  {format_local_time(s.started)}  "
              f"{visible_line(s.layout_id):<18} "
              f"{format_clock(s.used_s):>7}  {s.notes:>4} notes  {s.flags:>3} flags  {status}  "
              f"{visible_line(s.prompt_title)}")
    return 0


def cmd_delete(args: argparse.Namespace) -> int:
    """Find the session among the stored ones, ask (unless --yes), delete its directory."""
    directory = session_dir_by_id(args.session_id)
    name = visible_line(directory.name)
    if not args.yes:
        if not terminal.stdin_is_terminal():
            raise UsageError(f"not deleting {name} without confirmation: standard "
                             "input is not a terminal; pass --yes")
        if not terminal.confirm(f"Delete session {name} ({contents(directory)})?"):
            print(f"Kept {name}.", file=sys.stderr)
            return 1
    delete_session(directory)
    print(f"Deleted {name}.")
    return 0


def contents(directory: Path) -> str:
    """What a session holds, for the question: "12 notes, 3 flags" (or why it cannot say)."""
    try:
        row = summarise(directory, fold(read_log(directory / LOG_NAME).events))
    except BoardlessError:
        return "damaged log"
    notes, flags = row.notes, row.flags
    return f"{notes} note{'s' * (notes != 1)}, {flags} flag{'s' * (flags != 1)}"
