"""Precision and recall of the coach's recognisers on the labelled corpus in `tests/corpus/`.

`python -m bench.bench_corpus [--json] [--misses]` prints one row per recogniser; `--misses`
lists every false positive and false negative. The corpus format: `tests/corpus/README.md`.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from tui.core.coach.framing import core_challenge_in
from tui.core.config.coach_settings import default_config
from tui.core.hearing.design_talk import DesignTalk
from tui.core.hearing.recognise import NOT_IN_QUESTIONS, Heard, Recognisers, context_of
from tui.core.hearing.text import Phrases
from tui.core.round.markers import parse_markers

CORPUS = Path(__file__).resolve().parent.parent / "tests" / "corpus"
#: Recognisers whose findings can raise or clear a serious flag: precision must be 1.0.
SERIOUS = ("core_challenge", "question", "proposal")


@dataclass(frozen=True)
class Line:
    """One labelled utterance: its captions (or one typed note) and the prompt in force."""

    positive: bool
    captions: tuple[str, ...]
    note: bool
    prompt: str
    number: int

    @property
    def text(self) -> str:
        return " || ".join(self.captions)


@dataclass
class Score:
    """Counts for one recogniser, with the lines it got wrong."""

    name: str
    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0
    false_positives: list[str] = field(default_factory=list)
    false_negatives: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    def add(self, line: Line, fired: bool) -> None:
        if line.positive and fired:
            self.tp += 1
        elif line.positive:
            self.fn += 1
            self.false_negatives.append(f"{line.number}: {line.text}")
        elif fired:
            self.fp += 1
            self.false_positives.append(f"{line.number}: {line.text}")
        else:
            self.tn += 1


def as_recognised(text: str) -> str:
    """A line as a recogniser without punctuation (pocketsphinx, Vosk) captions it."""
    return " ".join(re.sub(r"[^\w'\s-]", " ", text.lower()).split())


def read_corpus(path: Path, bare: bool = False) -> Iterator[Line]:
    """The labelled lines of one corpus file (`bare`: lowercase, without punctuation, as an
    engine that does not punctuate captions them; typed notes stay as typed)."""
    prompt = ""
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("@prompt"):
            prompt = line.removeprefix("@prompt").strip()
            continue
        if line[:2] not in ("+ ", "- "):
            raise ValueError(f"{path.name}:{number}: a line starts with '+ ', '- ', '#' or "
                             "'@prompt'")
        body = line[2:].strip()
        note = body.startswith("@note")
        body = body.removeprefix("@note").strip()
        captions = tuple(part.strip() for part in body.split(" || ") if part.strip())
        if bare and not note:
            captions = tuple(as_recognised(part) for part in captions)
        yield Line(line[0] == "+", captions, note, prompt, number)


def heard_parts(line: Line) -> list[Heard]:
    """Each caption heard with the ones before it as context, as the coach hears them."""
    out: list[Heard] = []
    for index, caption in enumerate(line.captions):
        out.append(Heard(caption, context_of(line.captions[:index])))
    return out


def fires(name: str, line: Line, ears: Recognisers, talk: dict[str, DesignTalk]) -> bool:
    """Whether the recogniser `name` fires on a line, through the coach's own code paths."""
    if name == "question":
        if line.note:
            kind, text = parse_markers(line.captions[0])
            return bool(ears.question.questions(text, kind == "question"))
        return bool(ears.question.questions(" ".join(line.captions)))
    parts = heard_parts(line)
    if line.note:
        kind, text = parse_markers(line.captions[0])
        if name == "failure_talk" and kind == "risk":
            return True  # the coach counts a risk note (past framing) whatever its words
        parts = [Heard(text)]
    if name == "proposal":
        if line.prompt not in talk:
            terms = Phrases.of(default_config().strings("jumped_to_design", "terms"))
            talk[line.prompt] = DesignTalk(ears, terms, line.prompt)
        return any(talk[line.prompt].proposed(part, line.note) for part in parts)
    if name == "core_challenge":
        kind = parse_markers(line.captions[0])[0] if line.note else "caption"
        return any(core_challenge_in(part, kind, ears) for part in parts)
    if name in NOT_IN_QUESTIONS and ears.question.questions(" ".join(line.captions)):
        return False
    return any(ears[name].find(part) for part in parts)


def score_all(corpus: Path = CORPUS, bare: bool = False) -> list[Score]:
    """Score every recogniser that has a corpus file (`bare`: as unpunctuated captions)."""
    ears = Recognisers.of(default_config())
    talk: dict[str, DesignTalk] = {}
    scores = []
    for path in sorted(corpus.glob("*.txt")):
        score = Score(path.stem)
        for line in read_corpus(path, bare):
            score.add(line, fires(path.stem, line, ears, talk))
        scores.append(score)
    return scores


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.bench_corpus",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.add_argument("--misses", action="store_true", help="list the lines it got wrong")
    parser.add_argument("--only", help="one recogniser")
    parser.add_argument("--heldout", nargs="?", const="heldout", default=None,
                        help="score a held-out set (tests/corpus/heldout, or the folder named, "
                             "e.g. heldout2), written apart from the patterns")
    parser.add_argument("--bare", action="store_true",
                        help="score the spoken lines lowercase and without punctuation, as "
                             "pocketsphinx and Vosk caption them")
    args = parser.parse_args(argv)
    corpus = CORPUS / args.heldout if args.heldout else CORPUS
    scores = [s for s in score_all(corpus, args.bare) if not args.only or s.name == args.only]
    if args.json:
        print(json.dumps({s.name: {"precision": round(s.precision, 3),
                                   "recall": round(s.recall, 3), "positives": s.tp + s.fn,
                                   "negatives": s.tn + s.fp, "serious": s.name in SERIOUS}
                          for s in scores}))
        return 0
    print(f"{'recogniser':<16}{'pos':>5}{'neg':>5}{'precision':>11}{'recall':>8}  serious")
    for s in scores:
        print(f"{s.name:<16}{s.tp + s.fn:>5}{s.tn + s.fp:>5}{s.precision:>11.3f}"
              f"{s.recall:>8.3f}  {'yes' if s.name in SERIOUS else ''}")
        if args.misses:
            for text in s.false_positives:
                print(f"    FP {text}")
            for text in s.false_negatives:
                print(f"    FN {text}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
