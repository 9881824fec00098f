"""`boardless voice say TEXT -o FILE.wav`: the interviewer's voice, written to a file."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

from tui.cli.output import say
from tui.cli.parser import add_command_group
from tui.core.errors import UsageError

#: The rates `--rate` takes: the voice's own, and the speech engines'.
RATE_CHOICES = (24_000, 16_000)


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    """Add the `voice` command and its `say` action."""
    actions = add_command_group(
        subparsers, common, "voice", help="the interviewer's voice (offline speech synthesis)",
        description="The interviewer's voice: hibari-tts's English voice, shipped inside the "
        "package and run offline on the CPU. 'voice say' writes it to a WAV file.",
    )
    parser = actions.add_parser(
        "say", parents=[common], help="write TEXT in the interviewer's voice to a WAV file",
        description="Synthesise TEXT in the interviewer's voice and write it to FILE.wav (16-bit "
        "mono). The same text and seed always give the same audio. Prints the file's path; how "
        "long the voice took to load, the length of the audio and how fast it was made go to "
        "standard error.",
    )
    parser.add_argument("text", metavar="TEXT", help="what the interviewer says")
    parser.add_argument("-o", "--output", metavar="FILE.wav", type=Path, required=True,
                        help="the WAV file to write (replaced if it exists)")
    parser.add_argument("--seed", type=int, default=0, metavar="N",
                        help="seed of the voice's noise component (default 0)")
    parser.add_argument("--rate", type=int, choices=RATE_CHOICES, default=RATE_CHOICES[0],
                        metavar="HZ", help="sample rate: 24000 (the voice's own, default) or "
                        "16000 (the speech engines')")
    parser.add_argument("--speed", type=_speed, default=None, metavar="X",
                        help="pace: 1.0 is the voice's own, 0.5 slow, 2.0 fast (default "
                        "0.9, the interviewer's)")
    parser.set_defaults(func=run_say)


def _speed(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not 0.5 <= value <= 2.0:
        raise argparse.ArgumentTypeError("must be between 0.5 and 2.0")
    return value


def run_say(args: argparse.Namespace) -> int:
    """Synthesise the text, write the WAV file, print its path."""
    from tui.speech.voice.model import shared_model
    from tui.speech.voice.synthesis import DEFAULT_SPEED, synthesize
    from tui.speech.voice.wavfile import write_wav

    text: str = args.text
    output: Path = args.output
    if not text.strip():
        raise UsageError("TEXT is empty: give the words to say")
    if output.suffix.lower() != ".wav":
        raise UsageError(f"{output}: the output must be a .wav file")
    began = time.perf_counter()
    model = shared_model()
    loaded = time.perf_counter()
    speed = DEFAULT_SPEED if args.speed is None else args.speed
    speech = synthesize(text, seed=args.seed, rate=args.rate, model=model, speed=speed)
    took = time.perf_counter() - loaded
    if not len(speech.samples):
        raise UsageError("TEXT has nothing to say aloud: give words")
    write_wav(speech, output)
    sys.stderr.write(f"voice loaded in {loaded - began:.2f} s; {speech.duration:.1f} s of audio "
                     f"at {speech.rate} Hz synthesised in {took:.2f} s "
                     f"({speech.duration / max(took, 1e-6):.0f}x real time)\n")
    say(str(output))
    return 0
