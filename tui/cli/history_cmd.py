"""`boardless history [--prompt ID] [--layout ID] [--json]`: past sessions and trends per layout."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from tui.cli.parser import add_json_flag
from tui.cli.terminal import terminal_columns
from tui.core.config.locations import sessions_dir
from tui.core.debrief.history import History, Trend, build_history, fit_sparkline
from tui.core.text.durations import format_clock
from tui.core.text.safe_text import json_safe, one_line, visible_line
from tui.core.text.walltime import format_local_time

#: Fewer points than this beside the numbers, and the sparkline gets a line of its own.
MIN_SPARK = 10


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    """Add the `history` command."""
    parser = subparsers.add_parser(
        "history", parents=[common], help="list past sessions with phase times, flags and trends",
        description="List past sessions (oldest first, start in local time) with the time spent "
        "in each phase and the coach's flag counts, then the trend for each phase per layout "
        "(first, latest, mean and a sparkline of the newest sessions that fit the terminal), "
        "and per prompt when a prompt was practised more than once in a layout beside other "
        "prompts. Layouts are never averaged together.",
    )
    parser.add_argument("--prompt", metavar="ID",
                        help="only sessions for this prompt id (see 'boardless prompts list')")
    parser.add_argument("--layout", metavar="ID",
                        help="only sessions for this layout id (see 'boardless layouts list')")
    add_json_flag(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Build the history and print it as text or JSON."""
    history = build_history(sessions_dir(), args.prompt, args.layout)
    for problem in history.problems:
        sys.stderr.write(f"boardless: warning: skipped damaged session {one_line(problem)}\n")
    if args.json:
        print(json_safe(json.dumps(history.to_dict(), indent=2, ensure_ascii=False)))
        return 0
    print("\n".join(render(history, terminal_columns())))
    return 0


def render(history: History, columns: int = 80) -> list[str]:
    """The history as plain text lines; sparklines fit in `columns`."""
    if not history.sessions:
        which = [f"prompt {history.prompt!r}"] if history.prompt else []
        which += [f"layout {history.layout!r}"] if history.layout else []
        scope = f" for {' and '.join(which)}" if which else ""
        return [f"No sessions{scope} yet in {visible_line(str(sessions_dir()))}."]
    lines = ["Sessions (oldest first):"]
    for s in history.sessions:
        phases = "  ".join(f"{name} {format_clock(secs)}" for name, secs in s.phase_s.items())
        counts = ", ".join(f"{code} {n}" for code, n in s.flag_counts.items()) or "none"
        status = "ended" if s.ended else "unfinished"
        lines += [(f"  {visible_line(s.id)}  {format_local_time(s.started)}  "
                   f"{visible_line(s.layout_id)}  {visible_line(s.prompt_id)}  "
                   f"{format_clock(s.used_s)}  {status}"),
                  f"      {phases}",
                  f"      flags: {s.flags} ({counts})"]
    for layout_id, trends in history.by_layout.items():
        count = _count(trends)
        lines += ["", f"Trend per phase, layout {visible_line(layout_id)} ({count}):"]
        lines += _trend_lines(trends, columns)
        for prompt_id, mine in history.by_prompt.get(layout_id, {}).items():
            if _count(mine) == count:
                continue  # every session of the layout: the same lines again
            lines += ["", (f"Trend for prompt {visible_line(prompt_id)}, layout "
                           f"{visible_line(layout_id)} ({_count(mine)}):")]
            lines += _trend_lines(mine, columns)
    return lines


def _count(trends: tuple[Trend, ...]) -> str:
    """How many sessions a group of trends covers, e.g. "3 sessions" (the flag trend, which
    comes last, has one value per session)."""
    n = len(trends[-1].values) if trends else 0
    return f"{n} session{'s' * (n != 1)}"


def _trend_lines(trends: tuple[Trend, ...], columns: int) -> list[str]:
    """One line per trend: name, sparkline of the newest points that fit, first/latest/mean.
    When fewer than MIN_SPARK points would fit beside the numbers, the sparkline gets a line of
    its own."""
    numbers = [_numbers(t) for t in trends]
    name_w = max((len(t.name) for t in trends), default=0)
    nums_w = max((len(n) for n in numbers), default=0)
    room = columns - (2 + name_w + 2) - (2 + nums_w)
    if room < MIN_SPARK:
        out: list[str] = []
        for t, nums in zip(trends, numbers):
            out += [f"  {t.name:<{name_w}}  {nums}", f"    {fit_sparkline(t.values, columns - 4)}"]
        return out
    sparks = [fit_sparkline(t.values, room) for t in trends]
    pad = max((len(s) for s in sparks), default=0)
    return [f"  {t.name:<{name_w}}  {spark:<{pad}}  {nums}".rstrip()
            for t, spark, nums in zip(trends, sparks, numbers)]


def _numbers(t: Trend) -> str:
    """First, latest and mean: clock times for phases, plain counts for flags."""
    if t.name == "flags":
        return f"first {t.first:g}  latest {t.latest:g}  mean {t.mean:g}"
    return (f"first {format_clock(t.first)}  latest {format_clock(t.latest)}  "
            f"mean {format_clock(t.mean)}")
