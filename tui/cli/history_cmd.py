"""`boardless history [--prompt ID] [--json]`: past sessions and the trend for each phase."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from tui.cli.parser import add_json_flag
from tui.core.durations import format_clock
from tui.core.history import History, Trend, build_history
from tui.core.locations import sessions_dir


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    """Add the `history` command."""
    parser = subparsers.add_parser(
        "history", parents=[common], help="list past sessions with phase times, flags and trends",
        description="List past sessions (oldest first) with the time spent in each phase and "
        "the coach's flag counts, then the trend for each phase across sessions (first, "
        "latest, mean and a sparkline), and per prompt when a prompt was practised more "
        "than once.",
    )
    parser.add_argument("--prompt", metavar="ID",
                        help="only sessions for this prompt id (see 'boardless prompts list')")
    add_json_flag(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Build the history and print it as text or JSON."""
    history = build_history(sessions_dir(), args.prompt)
    for problem in history.problems:
        sys.stderr.write(f"boardless: warning: skipped damaged session {problem}\n")
    if args.json:
        print(json.dumps(history.to_dict(), indent=2, ensure_ascii=False))
        return 0
    print("\n".join(render(history)))
    return 0


def render(history: History) -> list[str]:
    """The history as plain text lines."""
    if not history.sessions:
        which = f" for prompt {history.prompt!r}" if history.prompt else ""
        return [f"No sessions{which} yet in {sessions_dir()}."]
    lines = ["Sessions (oldest first):"]
    for s in history.sessions:
        phases = "  ".join(f"{name} {format_clock(secs)}" for name, secs in s.phase_s.items())
        counts = ", ".join(f"{code} {n}" for code, n in s.flag_counts.items()) or "none"
        status = "ended" if s.ended else "unfinished"
        lines += [f"  {s.id}  {s.started[:16].replace('T', ' ')}  {s.prompt_id}  "
                  f"{format_clock(s.used_s)}  {status}",
                  f"      {phases}",
                  f"      flags: {s.flags} ({counts})"]
    lines += ["", "Trend per phase across sessions:"] + _trend_lines(history.trends)
    for prompt_id, trends in history.by_prompt.items():
        lines += ["", f"Trend for prompt {prompt_id}:"] + _trend_lines(trends)
    return lines


def _trend_lines(trends: tuple[Trend, ...]) -> list[str]:
    width = max((len(t.name) for t in trends), default=0)
    out = []
    for t in trends:
        if t.name == "flags":
            nums = f"first {t.first:g}  latest {t.latest:g}  mean {t.mean:g}"
        else:
            nums = (f"first {format_clock(t.first)}  latest {format_clock(t.latest)}  "
                    f"mean {format_clock(t.mean)}")
        out.append(f"  {t.name:<{width}}  {t.spark:<12}  {nums}")
    return out
