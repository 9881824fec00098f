"""The one place that builds the App, for the CLI and for tests.

Everything that can fail with a one-line error (unknown layout or prompt, unreadable session)
is resolved here, before Textual starts, so the CLI can print it and exit.
"""

from __future__ import annotations

import random
from pathlib import Path

from tui.app.app import BoardlessApp, Plan
from tui.app.options import AppOptions
from tui.core.config.layouts import Layout, find_layout
from tui.core.config.prompts import Prompt, custom_prompt, find_prompt, random_prompt
from tui.core.config.settings import Settings, load_settings
from tui.core.errors import BoardlessError, UsageError
from tui.core.session.clock import Clock, SystemClock


def resolve_layout(value: str | None, settings: Settings) -> Layout:
    """`--layout ID|FILE`, else the settings' layout."""
    return find_layout(value or settings.layout)


def resolve_prompt(value: str | None, seed: int | None = None) -> Prompt:
    """`--prompt ID|TEXT`: a bank id, free text (anything with a space), or a random prompt."""
    if value is None:
        return random_prompt(random.Random(seed))
    try:
        return find_prompt(value)
    except UsageError:
        if " " in value.strip():
            return custom_prompt(value)
        raise


def build_app(
    options: AppOptions | None = None,
    clock: Clock | None = None,
    settings: Settings | None = None,
) -> BoardlessApp:
    """Build the app. Data and config directories come from `tui.core.config.locations` (env
    BOARDLESS_DATA_DIR / BOARDLESS_CONFIG_DIR), so tests isolate them with monkeypatch."""
    options = options or AppOptions()
    clock = clock or SystemClock()
    settings = settings or load_settings()
    plan = Plan(mode=options.mode)
    if options.mode == "start":
        plan.layout = resolve_layout(options.layout, settings)
        plan.prompt = resolve_prompt(options.prompt, options.seed)
    elif options.mode in ("resume", "replay"):
        from tui.core.session.eventlog import SessionInUseError, log_in_use, read_log
        from tui.core.session.state import fold

        plan.log_path = _session_log(options.session, options.mode)
        if options.mode == "resume" and log_in_use(plan.log_path):
            raise SessionInUseError(plan.log_path)  # one writer per session
        events = read_log(plan.log_path).events  # a damaged log fails here, in one line
        try:
            fold(events)  # and so does a damaged snapshot or event, before Textual starts
        except BoardlessError as error:
            raise BoardlessError(f"{plan.log_path}: {error}") from None
        if options.mode == "replay":
            plan.events = events
            if not plan.events:
                raise UsageError(f"{plan.log_path} holds no events to replay")
    else:
        raise UsageError(f"unknown app mode {options.mode!r}")
    return BoardlessApp(options, clock, settings, plan)


def _session_log(arg: str | None, mode: str) -> Path:
    from tui.core.session.store import latest_unfinished, resolve_session

    if arg is not None:
        return resolve_session(arg)
    if mode == "replay":
        raise UsageError("replay needs a SESSION (see 'boardless sessions list')")
    found = latest_unfinished()
    if found is None:
        raise UsageError("no unfinished session to resume; start one with 'boardless practice'")
    return found.path / "events.jsonl"
