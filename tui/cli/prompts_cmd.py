"""`boardless prompts list|show`: browse the prompt bank."""

from __future__ import annotations

import argparse
import json
import textwrap
from typing import Any

from tui.cli.parser import add_command_group, add_json_flag
from tui.core.config.prompts import find_prompt, load_prompt_bank, prompt_to_dict
from tui.core.errors import UsageError
from tui.core.text.safe_text import visible_line


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    """Add the `prompts` command and its actions."""
    actions = add_command_group(
        subparsers, common, "prompts", help="list and show design prompts",
        description="The shipped bank of design prompts, each with clarifying questions and "
        "interviewer follow-ups.",
    )
    listing = actions.add_parser(
        "list", parents=[common], help="list prompts (id, domain, title)",
        description="List the prompts in the bank, optionally only one domain.",
    )
    listing.add_argument("--domain", metavar="D", help="only prompts in domain D (e.g. ads)")
    add_json_flag(listing)
    listing.set_defaults(func=cmd_list)
    show = actions.add_parser(
        "show", parents=[common], help="show a prompt with its clarifying questions and probes",
        description="Show one prompt: its text, clarifying questions and follow-up probes.",
    )
    show.add_argument("prompt_id", metavar="ID", help="prompt id (see 'boardless prompts list')")
    add_json_flag(show)
    show.set_defaults(func=cmd_show)


def cmd_list(args: argparse.Namespace) -> int:
    bank = load_prompt_bank()
    if args.domain:
        domains = sorted({p.domain for p in bank})
        if args.domain not in domains:
            raise UsageError(f"unknown domain {args.domain!r}; domains: {', '.join(domains)}")
        bank = [p for p in bank if p.domain == args.domain]
    if args.json:
        print(json.dumps([prompt_to_dict(p) for p in bank], indent=2))
        return 0
    id_width = max(len(p.id) for p in bank)
    domain_width = max(len(p.domain) for p in bank)
    for prompt in bank:
        print(f"{visible_line(prompt.id):<{id_width}}  "
              f"{visible_line(prompt.domain):<{domain_width}}  {visible_line(prompt.title)}")
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    prompt = find_prompt(args.prompt_id)
    if args.json:
        print(json.dumps(prompt_to_dict(prompt), indent=2))
        return 0
    line = visible_line
    out = [f"{line(prompt.title)} ({line(prompt.id)}, {line(prompt.domain)})", ""]
    out.extend(textwrap.wrap(line(prompt.text), width=88))
    out += ["", "Clarifying questions:"]
    out.extend(f"  - {line(q)}" for q in prompt.clarifying)
    out += ["", "Follow-up probes:"]
    out.extend(f"  - {line(q)}" for q in prompt.probes)
    print("\n".join(out))
    return 0
