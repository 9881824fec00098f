"""`boardless devices`, `boardless models ...` (in `models_cmd`) and `boardless doctor`."""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict
from typing import Any

from tui.cli import models_cmd
from tui.cli.output import say
from tui.cli.parser import add_json_flag


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

    models_cmd.register(subparsers, common)

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


def run_devices(args: argparse.Namespace) -> int:
    """Print the input devices (DeviceError when PortAudio is missing)."""
    from tui.speech.sources.devices import list_input_devices

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


def run_doctor(args: argparse.Namespace) -> int:
    """Print every check (`tui.speech.doctor`); exit 1 only when nothing can work."""
    from tui.speech.doctor import run_checks

    diagnosis = run_checks()
    if args.json:
        checks = [asdict(check) for check in diagnosis.checks]
        print(json.dumps({"checks": checks, "usable": diagnosis.usable}, indent=2))
    else:
        for check in diagnosis.checks:
            mark = "✓" if check.ok else "✗"
            fix = f" — {check.fix}" if check.fix and not check.ok else ""
            say(f"{mark} {check.name}: {check.detail}{fix}")
        usable = diagnosis.usable
        say("boardless is usable" + ("" if usable else ": NOT — nothing works (see above)"))
    return 0 if diagnosis.usable else 1
