"""`boardless practice` (also `boardless` with no command) and `boardless replay SESSION`.

Textual is imported only when one of these runs, so other commands stay fast.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from tui.core.config.settings import ENGINES

RESUME_LATEST = "__latest__"


def _speed(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"speed must be a number, got {text!r}") from None
    if value <= 0:
        raise argparse.ArgumentTypeError("speed must be greater than 0")
    return value


def _round_time(text: str) -> float:
    """`--from`: seconds (750, 750.5) or a clock as the header shows it (12:30, 1:02:30)."""
    parts = text.strip().split(":")
    problem = f"expected seconds or MM:SS (like 750 or 12:30), got {text!r}"
    try:
        numbers = [float(part) for part in parts]
    except ValueError:
        raise argparse.ArgumentTypeError(problem) from None
    if (len(parts) > 3 or any(n < 0 or n != n or n == float("inf") for n in numbers)
            or any(n >= 60 for n in numbers[1:])
            or any(not part.isdigit() for part in parts[:-1])):
        raise argparse.ArgumentTypeError(problem)
    seconds = 0.0
    for number in numbers:
        seconds = seconds * 60 + number
    return seconds


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    """Add `practice` and `replay`."""
    practice = subparsers.add_parser(
        "practice", parents=[common], help="practise a round (the default command)",
        description="Open the start screen: pick a layout and a prompt, see which speech engine "
        "and microphone will run, and start. With --resume, reopen an unfinished session.",
    )
    practice.add_argument("--layout", metavar="ID|FILE", help="layout id or .toml file")
    practice.add_argument("--prompt", metavar="ID|TEXT",
                          help="prompt id from the bank, or your own question as text")
    practice.add_argument("--engine", choices=ENGINES, default=None,
                          help="speech engine (default: settings, else auto)")
    practice.add_argument("--model", metavar="PATH", help="speech model directory")
    practice.add_argument("--device", metavar="DEV", help="microphone index or name part")
    practice.add_argument("--audio-file", metavar="WAV", type=Path,
                          help="caption a recording instead of the microphone")
    practice.add_argument("--speed", type=_speed, default=1.0, metavar="N",
                          help="play --audio-file N times faster than real time")
    practice.add_argument("--voice", choices=("on", "off"), default=None,
                          help="the interviewer reads the prompt, probes and curveballs aloud "
                          "(default: the 'voice' setting, on)")
    practice.add_argument("--voice-device", metavar="DEV",
                          help="output device for the voice: index or name part")
    practice.add_argument("--no-record", dest="record", action="store_false", default=None,
                          help="do not keep this round's audio (default: kept as audio.wav in "
                          "the session's folder, about 115 MB an hour, to listen back in the "
                          "replay; the 'record_audio' setting)")
    practice.add_argument("--resume", nargs="?", const=RESUME_LATEST, default=None,
                          metavar="SESSION",
                          help="resume SESSION (default: the latest unfinished one)")
    practice.set_defaults(func=cmd_practice)

    replay = subparsers.add_parser(
        "replay", parents=[common], help="replay a recorded session in the practice screen",
        description="Play a session back in the practice screen, read-only: captions, phase "
        "changes, notes and flags appear at their recorded times (N times faster with --speed).",
    )
    replay.add_argument("session", metavar="SESSION",
                        help="session directory, events.jsonl, or id from 'sessions list'")
    replay.add_argument("--speed", type=_speed, default=1.0, metavar="N",
                        help="play N times faster (default 1)")
    replay.add_argument("--from", dest="start", type=_round_time, default=None,
                        metavar="TIME", help="start at TIME of the round, as the clock on "
                        "screen shows it: 12:30, or seconds (750)")
    replay.set_defaults(func=cmd_replay)


def cmd_practice(args: argparse.Namespace) -> int:
    from tui.app.options import AppOptions, SpeechOptions

    speech = SpeechOptions(engine=args.engine, model=args.model, device=args.device,
                           audio_file=args.audio_file, speed=args.speed, record=args.record)
    voice = None if args.voice is None else args.voice == "on"
    if args.resume is not None:
        session = None if args.resume == RESUME_LATEST else args.resume
        options = AppOptions(mode="resume", session=session, speech=speech, voice=voice,
                             voice_device=args.voice_device)
    else:
        options = AppOptions(layout=args.layout, prompt=args.prompt, speech=speech, voice=voice,
                             voice_device=args.voice_device)
    return _run(options)


def cmd_replay(args: argparse.Namespace) -> int:
    from tui.app.options import AppOptions, SpeechOptions

    options = AppOptions(mode="replay", session=args.session, replay_speed=args.speed,
                         replay_from=args.start,
                         speech=SpeechOptions(enabled=False))
    return _run(options)


def _run(options: Any) -> int:
    from tui.app import gc_pause

    gc_pause.pause()  # the app resumes collection after its first frame
    try:
        from tui.app.factory import build_app

        app = build_app(options)
        result = app.run()
    finally:
        gc_pause.resume()  # if the app failed before its first frame (a no-op otherwise)
    if app.exit_message:  # what was saved where (or lost), once the screen is restored
        sys.stderr.write(app.exit_message + "\n")
    return int(result or 0)
