"""`boardless sessions list`: the practice sessions stored in the data directory."""

from __future__ import annotations

import argparse
import json
from typing import Any

from tui.cli.parser import add_command_group, add_json_flag
from tui.core.durations import format_clock
from tui.core.locations import sessions_dir
from tui.core.store import list_sessions


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    """Add the `sessions` command."""
    actions = add_command_group(
        subparsers, common, "sessions", help="list stored practice sessions",
        description="Practice sessions live as directories under the data directory "
        "(--data-dir, env BOARDLESS_DATA_DIR), each holding events.jsonl.",
    )
    listing = actions.add_parser(
        "list", parents=[common], help="list sessions, oldest first",
        description="List sessions with their start time, layout, prompt, time used, notes and "
        "flags. Damaged logs are listed with the problem.",
    )
    add_json_flag(listing)
    listing.set_defaults(func=cmd_list)


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
        print(f"No sessions yet in {sessions_dir()}. Start one with 'boardless'.")
        return 0
    for s in rows:
        if s.problem:
            print(f"{s.id}  damaged: {s.problem}")
            continue
        status = "ended" if s.ended else "unfinished"
        print(f"{s.id}  {s.started[:16].replace('T', ' ')}  {s.layout_id:<18} "
              f"{format_clock(s.used_s):>7}  {s.notes:>4} notes  {s.flags:>3} flags  {status}  "
              f"{s.prompt_title}")
    return 0
