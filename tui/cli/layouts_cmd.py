"""`boardless layouts list|show|check`: inspect and validate phase layouts."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from tui.cli.parser import add_command_group, add_json_flag
from tui.core.config.layouts import (
    Layout,
    find_layout,
    layout_to_dict,
    list_layouts,
    load_layout_file,
)
from tui.core.config.locations import shipped_layouts_dir
from tui.core.errors import BoardlessError, ConfigError
from tui.core.text.durations import format_minutes
from tui.core.text.safe_text import one_line, visible, visible_line


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    """Add the `layouts` command and its actions."""
    actions = add_command_group(
        subparsers, common, "layouts", help="list, show and check phase layouts",
        description="Phase layouts: the shipped ones plus your own *.toml files in the "
        "'layouts' folder of the config directory (--config-dir, env BOARDLESS_CONFIG_DIR; "
        "format: docs/layouts.md). A user layout with a shipped id replaces it.",
    )

    listing = actions.add_parser(
        "list", parents=[common], help="list shipped and user layouts",
        description="List every layout (shipped and user) with its total and phases. "
        "Broken user layouts are reported as warnings on stderr.",
    )
    add_json_flag(listing)
    listing.set_defaults(func=cmd_list)

    show = actions.add_parser(
        "show", parents=[common], help="show one layout's phases, windows, goals and checklists",
        description="Show a layout by id or by path to a .toml file.",
    )
    show.add_argument("layout", metavar="ID|FILE", help="layout id or path to a layout .toml")
    add_json_flag(show)
    show.set_defaults(func=cmd_show)

    check = actions.add_parser(
        "check", parents=[common], help="validate layout files (exit 2 if any is invalid)",
        description="Validate layout files: prints 'ok: FILE (...)' for each valid one and a "
        "one-line error on stderr for each invalid one; exit code 2 if any is invalid.",
    )
    check.add_argument("files", metavar="FILE", nargs="+", type=Path, help="layout .toml files")
    check.set_defaults(func=cmd_check)


def _warn(error: BoardlessError) -> None:
    sys.stderr.write(f"boardless: warning: {one_line(str(error))}\n")


def _origin(layout: Layout) -> str:
    try:
        Path(layout.source).resolve().relative_to(shipped_layouts_dir().resolve())
    except (ValueError, OSError):
        return "user"
    return "shipped"


def _window(min_s: float, max_s: float) -> str:
    return f"{format_minutes(min_s)}-{format_minutes(max_s)}"


def cmd_list(args: argparse.Namespace) -> int:
    layouts, errors = list_layouts()
    for error in errors:
        _warn(error)
    if args.json:
        rows = [
            {
                "id": layout.id,
                "title": layout.title,
                "description": layout.description,
                "level": layout.level,
                "total_s": layout.total_s,
                "phases": [phase.id for phase in layout.phases],
                "origin": _origin(layout),
                "source": layout.source,
            }
            for layout in layouts
        ]
        print(json.dumps(rows, indent=2))
        return 0
    if not layouts:
        print("no layouts found")
        return 0
    width = max(len(layout.id) for layout in layouts)
    for layout in layouts:
        phases = ", ".join(phase.id for phase in layout.phases)
        origin = "" if _origin(layout) == "shipped" else "  [user]"
        print(f"{layout.id:<{width}}  {format_minutes(layout.total_s):>5}  "
              f"{visible_line(layout.title)}{origin}")
        print(f"{'':<{width}}         phases: {phases}")
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    layout = find_layout(args.layout)
    if args.json:
        data = layout_to_dict(layout)
        data["source"] = layout.source
        print(json.dumps(data, indent=2))
        return 0
    line = visible_line  # every title, goal and item is one line; the description may wrap
    out = [
        f"{line(layout.title)} ({layout.id})",
        (f"level: {line(layout.level)}   total: {format_minutes(layout.total_s)}   "
         f"minimums add up to {format_minutes(layout.min_total_s)}"),
        f"source: {line(layout.source)}",
    ]
    if layout.description:
        out.append(visible(layout.description))
    for number, phase in enumerate(layout.phases, start=1):
        out.append("")
        role = "" if phase.role == phase.id else f"  [{phase.role}]"
        out.append(f"{number}. {line(phase.title)} ({phase.id}){role}  "
                   f"{_window(phase.min_s, phase.max_s)}")
        out.append(f"   goal: {line(phase.goal)}")
        for item in phase.checklist:
            out.append(f"   [ ] {line(item.text)} ({item.id})")
        if phase.probes:
            out.append("   probes:")
            out.extend(f"     - {line(probe)}" for probe in phase.probes)
        if phase.cues:
            out.append(f"   cues ({len(phase.cues)}): {line(', '.join(phase.cues))}")
    print("\n".join(out))
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    failed = False
    for path in args.files:
        try:
            layout = load_layout_file(path)
        except ConfigError as error:
            sys.stderr.write(f"boardless: error: {one_line(str(error))}\n")
            failed = True
            continue
        count = len(layout.phases)
        print(f"ok: {visible_line(str(path))} ({layout.id}, {count} "
              f"phase{'' if count == 1 else 's'}, {format_minutes(layout.total_s)})")
    return 2 if failed else 0
