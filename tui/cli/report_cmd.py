"""`boardless report SESSION [--json]`: the coach's debrief for one session."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from tui.cli import terminal
from tui.cli.parser import add_json_flag
from tui.core.debrief.report import Report, build_report, report_markdown
from tui.core.session.eventlog import read_log
from tui.core.session.store import resolve_session
from tui.core.text.safe_text import json_safe, visible_line


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    """Add the `report` command."""
    parser = subparsers.add_parser(
        "report", parents=[common], help="show the coach's debrief for a session",
        description="Replay a session through the coach and print the debrief: each phase's "
        "planned window against actual time, the flags on a timeline, clarifying questions, "
        "requirements covered and missed, the core-challenge sentence, failure modes raised, "
        "pace, fillers, the longest silence and the top three things to practise next. The "
        "same log always gives the same report. In a terminal the Markdown is rendered; piped or "
        "redirected it is printed as plain Markdown.",
    )
    parser.add_argument(
        "session", metavar="SESSION",
        help="a session directory, its events.jsonl, or a session id (see 'boardless sessions "
        "list')",
    )
    add_json_flag(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Resolve the session, build the report, print it as JSON, rendered Markdown (terminal) or
    plain Markdown (pipe or file)."""
    log_path = resolve_session(args.session)
    loaded = read_log(log_path)
    for warning in loaded.warnings:  # a damaged last line is dropped, and said so
        sys.stderr.write(f"warning: {visible_line(warning)}\n")
    report = build_report(loaded.events)
    if args.json:
        print(json_safe(json.dumps(report.to_dict(), indent=2, ensure_ascii=False)))
        return 0
    if terminal.stdout_is_terminal():
        render_in_terminal(report)
    else:
        print("\n".join(report_markdown(report)).rstrip("\n"))
    return 0


def render_in_terminal(report: Report) -> None:
    """Print the timeline in colour, then the rest of the debrief's Markdown through Rich:
    headings, tables and lists laid out."""
    from rich.console import Console
    from rich.markdown import Markdown
    from rich.text import Text

    from tui.app.timeline_text import timeline_text

    console = Console(file=sys.stdout, force_terminal=True)
    if report.timeline is not None:
        console.print(Text("Timeline", style="bold"))
        console.print(timeline_text(report.timeline, min(console.width, 120)))
        console.print()
    text = "\n".join(report_markdown(report, timeline=False)).rstrip("\n")
    console.print(Markdown(text))
