"""`boardless transcribe AUDIO`: captions for a WAV/FLAC file.

With Whisper (the default engine) a file of several utterances is decoded whole, each sentence in
the context of those before it (`whisper_file`); a single utterance, `--live` or `--speed`, and
every other engine run through the live caption pipeline as the app hears a microphone."""

from __future__ import annotations

import argparse
import json
import sys
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tui.core.config.settings import load_settings
from tui.core.session.events import CaptionsState
from tui.core.text.safe_text import json_safe, one_line, visible_line
from tui.speech.errors import SpeechError
from tui.speech.pipeline import CaptionPipeline
from tui.speech.pipeline_status import PipelineStatus
from tui.speech.select import choose_engine
from tui.speech.sources.file_source import FileSource
from tui.speech.types import Recognition

if TYPE_CHECKING:
    import numpy as np

    from tui.speech.engines.whisper_file import Span

ENGINE_CHOICES = ("auto", "vosk", "whisper", "pocketsphinx")


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    """Add the `transcribe` command."""
    parser = subparsers.add_parser(
        "transcribe",
        parents=[common],
        help="print the captions of an audio file",
        description="Transcribe a WAV or FLAC file (any rate and channel count) offline and "
        "print each final line with its time span, or JSON lines. With Whisper, the default "
        "engine, a file of several utterances is decoded at once (beam search, each sentence "
        "heard in the context of those before it; text only where voice activity detection "
        "hears speech), the most accurate transcript of a recording. A single utterance, or "
        "--live (or --speed), runs through the live caption pipeline instead, utterance by "
        "utterance, with word times and delays, exactly as the app captions a microphone; the "
        "other engines always run that way. Which engine runs, and why, is printed to standard "
        "error.",
    )
    parser.add_argument("audio", type=Path, metavar="AUDIO", help="a WAV or FLAC file")
    parser.add_argument(
        "--engine", choices=ENGINE_CHOICES, default=None,
        help="speech engine (default: the settings file's, normally auto: vosk with an English "
        "model, else whisper with a local model, else pocketsphinx)",
    )
    parser.add_argument(
        "--model", metavar="PATH", default=None,
        help="a Vosk model directory or a CTranslate2 Whisper model directory",
    )
    parser.add_argument(
        "--json", action="store_true",
        help="print one JSON object per final: text, start, end, delay (seconds from the end of "
        "its audio to its arrival, as the session log has it; null when the file is decoded "
        "whole) and words [{text, start, end}] (empty when decoded whole)",
    )
    parser.add_argument(
        "--live", action="store_true",
        help="run the file through the live caption pipeline, utterance by utterance, as the "
        "app captions a microphone (Whisper only: the other engines always run that way)",
    )
    parser.add_argument(
        "--speed", type=_speed, default=0.0, metavar="N",
        help="play the file through the live pipeline N times faster than real time (implies "
        "--live); 1 = real time, 0 = as fast as the engine goes (default)",
    )
    parser.set_defaults(func=run)


def _speed(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not value >= 0:
        raise argparse.ArgumentTypeError("must be 0 (as fast as possible) or more")
    return value


def format_time(seconds: float) -> str:
    """0:03.2 style, with hours when needed (1:02:03.4)."""
    tenths = round(seconds * 10)
    minutes, tenth_seconds = divmod(tenths, 600)
    hours, minutes = divmod(minutes, 60)
    secs = f"{tenth_seconds // 10:02d}.{tenth_seconds % 10}"
    return f"{hours}:{minutes:02d}:{secs}" if hours else f"{minutes}:{secs}"


def format_final(result: Recognition, as_json: bool, live: bool = True) -> str:
    """One output line for a final recognition (`live`: it came through the live pipeline and
    its delay means something)."""
    if as_json:
        return json_safe(json.dumps(
            {
                "text": result.text,
                "start": result.start,
                "end": result.end,
                "delay": result.delay if live else None,
                "words": [{"text": w.text, "start": w.start, "end": w.end} for w in result.words],
            },
            ensure_ascii=False,
        ))
    return f"[{format_time(result.start)}-{format_time(result.end)}] {visible_line(result.text)}"


def run(args: argparse.Namespace) -> int:
    """Open the file, choose the engine, run the pipeline to the end of the file."""
    source = FileSource(args.audio, speed=args.speed)  # AudioFileError: one line, exit 1
    choice = choose_engine(args.engine, args.model, load_settings())
    if choice.name == "off":
        raise SpeechError(f"no transcription: {choice.reason}")

    def note(text: str) -> None:
        sys.stderr.write(one_line(text.rstrip("\n")) + "\n")

    note(f"engine {choice.reason}\n")
    if source.notice:
        note(f"note: {source.notice}\n")
    if choice.name == "whisper" and choice.model and not args.live and not args.speed:
        from tui.speech.engines.whisper_file import read_audio, utterance_spans

        audio = read_audio(args.audio)
        utterances = utterance_spans(audio)
        if len(utterances) > 1:
            note(f"note: {len(utterances)} utterances: the whole file is decoded at once, each "
                 "sentence in the context of those before it (--live captions it utterance by "
                 "utterance, as the app does)")
            return _whole_file(audio, utterances, choice.model, args.json)

    failures: list[str] = []
    printed = threading.Lock()

    def on_result(result: Recognition) -> None:
        if result.final and result.text:
            with printed:
                print(format_final(result, args.json), flush=True)

    def on_status(status: PipelineStatus) -> None:
        if status.state is CaptionsState.ERROR:
            failures.append(status.message)
        elif status.state is CaptionsState.BEHIND:
            note(f"warning: {status.message}\n")

    pipeline = CaptionPipeline(source, choice.make, on_result, on_status)
    pipeline.start()
    try:
        while not pipeline.join(timeout=0.2):
            pass
    except KeyboardInterrupt:
        pipeline.stop()  # the lines already heard are still printed
        raise
    if source.error:
        failures.append(source.error)
    if failures:
        raise SpeechError(failures[0])
    return 0


def _whole_file(audio: np.ndarray, utterances: list[Span], model: str, as_json: bool) -> int:
    """Decode the file whole with Whisper and print each final as it is decoded."""
    from tui.speech.engines.whisper_file import WholeFileWhisper

    decoder = WholeFileWhisper(model)  # ModelError: one line, exit 1
    try:
        for result in decoder.transcribe(audio, utterances):
            print(format_final(result, as_json, live=False), flush=True)
    finally:
        decoder.close()
    return 0
