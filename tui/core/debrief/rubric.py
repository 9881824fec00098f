"""The rubric: the six signals a design round is graded on, each scored 1-4 against the bar of
the layout's level, with evidence quoted from the transcript and notes and what was missing.

Built from a coach replay's state and summary (the same log always gives the same rubric). A
signal is scored only when the layout has the phases that show it (a requirements drill is
graded on requirements and communication); back-to-back layouts are graded per round.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from tui.core.coach.base import segment_of
from tui.core.coach.substance import Evidence
from tui.core.coach.summary import CoachSummary
from tui.core.config.coach_settings import CoachConfig
from tui.core.config.layouts import Layout
from tui.core.hearing.recognise import hear_words, recognisers_for
from tui.core.session.state import SessionState

DIMENSIONS = ("requirements", "framing", "design", "depth", "resilience", "communication")
#: The phase role a signal needs in the layout (communication needs none).
NEEDS = {"requirements": "requirements", "framing": "framing", "design": "walkthrough",
         "depth": "deep_dive", "resilience": "resilience"}
MAX_EVIDENCE = 4


@dataclass(frozen=True)
class Quote:
    """Evidence: something said or typed, at a moment of the round."""

    t: float
    text: str


@dataclass(frozen=True)
class Grade:
    """One signal's grade."""

    dimension: str
    score: int
    level: str
    verdict: str
    evidence: tuple[Quote, ...]
    missing: tuple[str, ...]
    round: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class _Sheet:
    """Criteria checked for one signal: met ones add evidence, unmet ones what was missing."""

    met: int = 0
    total: int = 0
    evidence: list[Quote] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)

    def check(self, ok: bool, missing: str, evidence: Sequence[Quote] = ()) -> None:
        self.total += 1
        if ok:
            self.met += 1
            for quote in evidence:
                if quote not in self.evidence:
                    self.evidence.append(quote)
        else:
            self.missing.append(missing)


def build_rubric(state: SessionState, heard: CoachSummary, config: CoachConfig,
                 flags: Sequence[tuple[str, str | None]]) -> tuple[Grade, ...]:
    """Grade every signal the layout can show, per round in a back-to-back layout, from the
    replayed session's state and what the coach heard."""
    layout = state.layout
    segments = sorted({segment_of(layout, p.id) for p in layout.phases if p.role != "break"})
    grades: list[Grade] = []
    for segment in segments:
        grader = _Grader(state, heard, config, flags, segment)
        for dimension in DIMENSIONS:
            roles = {p.role for p in grader.phases}
            if NEEDS.get(dimension, "requirements") not in roles and dimension != "communication":
                continue
            grades.append(grader.grade(dimension, round_=segment + 1 if len(segments) > 1
                                       else None))
    return tuple(grades)


class _Grader:
    """Grades one round (a segment of the layout)."""

    def __init__(self, state: SessionState, heard: CoachSummary, config: CoachConfig,
                 flags: Sequence[tuple[str, str | None]], segment: int) -> None:
        self.state = state
        self.heard = heard
        self.layout: Layout = state.layout
        self.config = config
        self.level = self.layout.level if self.layout.level in ("junior", "senior",
                                                                "staff") else "senior"
        self.bar = {k: float(v) for k, v in config.data["rubric"][self.level].items()}
        self.phases = [p for p in self.layout.phases
                       if p.role != "break" and segment_of(self.layout, p.id) == segment]
        self.ids = {p.id for p in self.phases}
        self.flags = [(code, phase) for code, phase in flags if phase in self.ids or
                      (phase is None and segment == 0)]
        self.ears = recognisers_for(config)

    def grade(self, dimension: str, round_: int | None) -> Grade:
        sheet = _Sheet()
        check: Callable[[_Sheet], None] = getattr(self, f"_{dimension}")
        check(sheet)
        ratio = sheet.met / sheet.total if sheet.total else 1.0
        rubric = self.config.data["rubric"]
        score = (4 if ratio >= 1.0 else 3 if ratio >= float(rubric["score_3"])
                 else 2 if ratio >= float(rubric["score_2"]) else 1)
        verdict = str(rubric["verdicts"][score - 1]).format(level=self.level)
        return Grade(dimension, score, self.level, verdict,
                     tuple(sheet.evidence[:MAX_EVIDENCE]), tuple(sheet.missing), round_)

    # ---- helpers ----------------------------------------------------------------------------
    def _role(self, role: str) -> set[str]:
        return {p.id for p in self.phases if p.role == role}

    def _evidence(self, kind: str, roles: Sequence[str] | None = None) -> list[Quote]:
        phases = self.ids if roles is None else {p.id for p in self.phases if p.role in roles}
        return [_quote(e) for e in self.heard.evidence
                if e.kind == kind and e.phase in phases]

    def _ticked(self, item: str) -> list[Quote] | None:
        """Evidence that a checklist item was covered, or None when no phase has the item."""
        has = any(c.id == item for p in self.phases for c in p.checklist)
        if not has:
            return None
        return [Quote(round(t.t, 1), self._said_at(t.t) or t.evidence or t.item)
                for t in self.state.ticks if t.item == item and t.phase in self.ids]

    def _said_at(self, t: float) -> str | None:
        """The caption or note that came at session time `t` (what ticked an item)."""
        for caption in self.state.captions:
            if caption.t == t:
                return caption.text
        for note in self.state.outline.notes.values():
            if note.created_t == t:
                return note.text
        return None

    def _flagged(self, code: str) -> bool:
        return any(c == code for c, _ in self.flags)

    # ---- the six signals --------------------------------------------------------------------
    def _requirements(self, sheet: _Sheet) -> None:
        phases = self._role("requirements")
        asked = [q for q in self.heard.questions if q.phase in phases]
        quotes = [Quote(round(q.t, 1), q.text) for q in asked]
        need = int(self.bar["questions"])
        sheet.check(len(asked) >= need, f"at least {need} clarifying questions "
                    f"({len(asked)} asked)", quotes[:2])
        items = [c for p in self.phases if p.id in phases for c in p.checklist]
        covered = [c for c in items if self._ticked(c.id)]
        need = min(int(self.bar["dimensions"]), len(items))
        if items:
            missed = ", ".join(c.id.replace("_", "/") for c in items if c not in covered)
            sheet.check(len(covered) >= need, f"the numbers that drive the design pinned down "
                        f"(not covered: {missed})", [q for c in covered[:2]
                                                      for q in (self._ticked(c.id) or [])[:1]])
        domain = [q for q, a in zip(quotes, asked) if self._domain_specific(a.text)]
        need = int(self.bar["domain_questions"])
        sheet.check(len(domain) >= need, "questions only this domain would raise (not just "
                    "\"how many users?\")", domain[:2])
        if self.level != "junior":
            numbers = self._evidence("estimate", ["requirements"])
            sheet.check(bool(numbers), "a number played back before moving on (\"so 50M "
                        "users, p99 200 ms\")", numbers[:1])

    def _domain_specific(self, text: str) -> bool:
        prompt = self.state.prompt
        vocabulary = set(hear_words(" ".join((prompt.title, prompt.text, prompt.domain,
                                              *prompt.clarifying))))
        generic = set(self.config.data["rubric"]["generic_words"])
        return any(len(w) > 3 and w in vocabulary and w not in generic for w in hear_words(text))

    def _framing(self, sheet: _Sheet) -> None:
        before = self._role("requirements") | self._role("framing")
        said = [s for s in self.heard.statements if s.phase in self.ids]
        early = [s for s in said if s.phase in before]
        sheet.check(bool(said), "the core challenge said in one sentence",
                    [Quote(round(s.t, 1), s.text) for s in said[:1]])
        sheet.check(bool(early), "the core challenge before any architecture",
                    [Quote(round(s.t, 1), s.text) for s in early[:1]])
        if self.level != "junior":
            constraints = (self._ticked("driving_constraints") or []) + self._evidence(
                "estimate", ["framing"])
            sheet.check(bool(constraints), "the constraints that will drive the design",
                        constraints[:1])

    def _design(self, sheet: _Sheet) -> None:
        for item, words in (("layers", "the layers named"),
                            ("services_data", "each service's job and the data it owns")):
            ticks = self._ticked(item)
            if ticks is not None:
                sheet.check(bool(ticks), words, ticks[:1])
        for kind, words in (("request_trace", "one request traced end to end"),
                            ("sync_async", "synchronous and asynchronous paths marked")):
            found = self._evidence(kind, ["walkthrough"])
            sheet.check(bool(found), words, found[:1])
        alternatives = self._evidence("tradeoff", ["walkthrough", "deep_dive", "framing"])
        sheet.check(bool(alternatives), "why this approach beats an alternative here",
                    alternatives[:1])
        if self.level == "staff":
            numbers = self._evidence("estimate")
            sheet.check(bool(numbers), "the design sized with numbers", numbers[:1])

    def _depth(self, sheet: _Sheet) -> None:
        deep = self._role("deep_dive")
        algorithm = self._ticked("algorithm")
        if algorithm is not None:
            sheet.check(bool(algorithm), "the algorithm, data structure or protocol",
                        algorithm[:1])
        numbers = self._evidence("estimate", ["deep_dive"])
        sheet.check(bool(numbers), "numbers in the deep dive", numbers[:1])
        alternatives = self._evidence("tradeoff", ["deep_dive"])
        sheet.check(bool(alternatives), "at least one alternative compared", alternatives[:1])
        words = sum(s.words for s in self.heard.spoken if s.phase in deep)
        need = int(self.bar["deep_dive_words"])
        sheet.check(words >= need, f"a sustained deep dive ({words} words said, "
                    f"{need} expected)")

    def _resilience(self, sheet: _Sheet) -> None:
        during = self._role("resilience")
        mentions = [m for m in self.heard.mentions if m.phase in self.ids]
        unprompted = [m for m in mentions if m.phase not in during and not m.prompted]
        if self.level != "junior":
            sheet.check(bool(unprompted), "failure modes raised before being asked",
                        [Quote(round(m.t, 1), m.text) for m in unprompted[:1]])
        degrade = self._ticked("degradation")
        if degrade is None:
            degrade = [Quote(round(m.t, 1), m.text) for m in mentions
                       if any(w in m.term for w in ("degrad", "fall", "stale", "fail"))]
        sheet.check(bool(degrade), "graceful degradation and fallbacks", degrade[:1])
        ops = [e for e in self.heard.evidence if e.kind == "operability"
               and e.phase in self.ids]
        kinds = [("ops_monitoring", "what is monitored and alerted on")]
        if self.level != "junior":
            kinds += [("ops_ownership", "who owns it and is on call"),
                      ("ops_rollout", "how changes roll out and back")]
        for kind, words in kinds:
            found = [_quote(e) for e in ops if self.ears[kind].fires(e.text)]
            sheet.check(bool(found), words, found[:1])

    def _communication(self, sheet: _Sheet) -> None:
        signposts = self._evidence("signposting")
        need = int(self.bar["signposts"])
        sheet.check(len(signposts) >= need, "signposting (\"three layers: first ...\", "
                    "\"moving on to ...\")", signposts[:2])
        for code, words in (("pace", "a steady pace"), ("fillers", "few filler words"),
                            ("dead_air", "thinking out loud instead of long silences")):
            sheet.check(not self._flagged(code), words)
        asked = [a for a in self.heard.answers
                 if self.state.probes.get(a.id) is not None
                 and self.state.probes[a.id].phase in self.ids]
        if asked:
            answered = [a for a in asked if a.answered_t is not None]
            sheet.check(len(answered) == len(asked), "every interviewer probe taken on "
                        f"({len(answered)} of {len(asked)})",
                        [Quote(round(a.answered_t or 0.0, 1), a.answer or "")
                         for a in answered[:1]])
        sprung = [c for c in self.state.curveballs.values() if c.phase in self.ids]
        if sprung:
            taken = [c for c in sprung if c.answered_t is not None]
            sheet.check(len(taken) == len(sprung), "every curveball taken up in its window "
                        f"({len(taken)} of {len(sprung)})",
                        [Quote(round(c.answered_t or 0.0, 1), c.evidence) for c in taken[:1]])


def _quote(evidence: Evidence) -> Quote:
    return Quote(round(evidence.t, 1), evidence.text)
