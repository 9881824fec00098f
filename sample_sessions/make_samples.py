"""Write the sample sessions: three complete rounds driven through the real `Session` with a fake
clock, the live coach attached and ticked every second, exactly as the app would write them.

    /work/venv/bin/python sample_sessions/make_samples.py

Each sample directory gets `events.jsonl` (valid by construction, with the coach's flags, ticks
and probes in it) and `session.md`, its Markdown export. Everything is seeded: running the script
again gives the same bytes.
"""

from __future__ import annotations

import random
import shutil
import sys
from collections.abc import Sequence
from datetime import datetime, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

import content  # noqa: E402

from tui.core.coach import coach_config, make_observers  # noqa: E402
from tui.core.coach.replay import let_time_pass  # noqa: E402
from tui.core.config.layouts import find_layout  # noqa: E402
from tui.core.config.prompts import find_prompt  # noqa: E402
from tui.core.debrief.export import export_session  # noqa: E402
from tui.core.hearing.recognise import recognisers_for  # noqa: E402
from tui.core.round.markers import parse_markers  # noqa: E402
from tui.core.session.clock import FakeClock  # noqa: E402
from tui.core.session.events import Event  # noqa: E402
from tui.core.session.session import Session  # noqa: E402

PROMPT = "video-streaming-cdn"
LAYOUT = "netflix-l5"
RECAPS = ("so to say that again ", "to recap ", "just to repeat that point ", "in other words ")


class Candidate:
    """Speaks, types and moves through phases on a fake clock, ticking the session every second."""

    def __init__(self, directory: Path, started: datetime, seed: int, wpm: float,
                 engine: str = "vosk", takes_curveballs: bool = False) -> None:
        if directory.exists():
            shutil.rmtree(directory)
        directory.mkdir(parents=True)
        self.clock = FakeClock(t=0.0, start_wall=started)
        self.session = Session.create(find_layout(LAYOUT), find_prompt(PROMPT), self.clock,
                                      directory, engine)
        self.session.observers.extend(make_observers(self.session.state))
        self.rng = random.Random(seed)
        self.wpm = wpm
        self.engine = engine
        self.notes = 0
        self.probes: list[str] = []
        self.takes_curveballs = takes_curveballs
        self.curveballs: list[str] = []
        self.session.listeners.append(self._heard)
        self.session.emit("captions_status", state="loading", message="loading the vosk model")
        self.at(3.2)
        self.session.emit("captions_status", state="listening", message="")

    def _heard(self, event: Event) -> None:
        if event.type == "probe_asked":
            self.probes.append(str(event["text"]))
        elif event.type == "curveball_asked" and self.takes_curveballs:
            self.curveballs.append(str(event["id"]))

    # ---- time -------------------------------------------------------------------------------
    def at(self, t: float) -> None:
        """Let time pass to `t`, ticking the session at every whole second like the app."""
        let_time_pass(self.session, self.clock, t)

    def wait(self, seconds: float) -> None:
        self.at(self.clock.t + seconds)

    # ---- actions ----------------------------------------------------------------------------
    def phase(self, action: str, phase_id: str = "") -> None:
        tracker = self.session.state.phases
        items = {"start": tracker.start_or_resume, "next": tracker.next, "end": tracker.end}
        self.session.emit_all(tracker.jump(phase_id) if action == "jump" else items[action]())

    def say(self, text: str) -> None:
        """Partial captions about every 1.5 s, then the final caption with word times."""
        tokens = text.split()
        seconds = len(tokens) / (self.wpm * self.rng.uniform(0.92, 1.08)) * 60
        start = self.clock.t
        parts = max(1, int(seconds // 1.5))
        for part in range(1, parts):
            self.at(start + seconds * part / parts)
            self.session.emit("caption", text=" ".join(tokens[: len(tokens) * part // parts]),
                              final=False, start=round(start, 3), end=round(self.clock.t, 3),
                              words=[], delay=0.4, engine=self.engine)
        self.at(start + seconds + 0.4)
        step = seconds / len(tokens)
        spoken = [[w, round(start + i * step, 2), round(start + (i + 1) * step, 2)]
                  for i, w in enumerate(tokens)]
        self.session.emit("caption", text=text, final=True, start=round(start, 3),
                          end=round(start + seconds, 3), words=spoken, delay=0.4,
                          engine=self.engine)

    def note(self, typed: str, parent: str | None = None) -> str:
        kind, text = parse_markers(typed)
        self.notes += 1
        note_id = f"n{self.notes}"
        self.session.emit("note_added", id=note_id, text=text, kind=kind, parent=parent,
                          index=-1, phase=self.session.state.current_phase_id)
        self.wait(self.rng.uniform(2.0, 4.0))
        return note_id

    def talk(self, lines: Sequence[str], until: float, gaps: tuple[float, float],
             notes: dict[int, list[str]] | None = None, silences: dict[int, float] | None = None,
             answer: bool = True) -> None:
        """Say `lines` with pauses spread to end near session time `until`, answering probes as
        they come; when the lines run out before `until`, repeat them as recaps."""
        notes, silences = notes or {}, silences or {}
        lo, hi = gaps
        index = 0
        parents: list[str] = []
        while self.clock.t < until - lo:
            if self.curveballs:
                self.say(content.CURVEBALL_ANSWERS[self.curveballs.pop(0)])
                self.wait(self.rng.uniform(lo, lo + 2))
                continue
            if answer and self.probes:
                asked = self.probes.pop(0)
                self.say(content.PROBE_ANSWERS.get(asked, content.GENERIC_ANSWER))
                self.wait(self.rng.uniform(lo, lo + 2))
                continue
            line = lines[index % len(lines)]
            if index >= len(lines):
                line = RECAPS[index % len(RECAPS)] + " ".join(line.split()[:14])
            self.say(line)
            spoke = self.clock.t
            for typed in notes.get(index, []):
                depth = len(typed) - len(typed.lstrip(" "))
                parent = parents[depth // 2 - 1] if depth >= 2 and parents else None
                note_id = self.note(typed.strip(), parent)
                parents = parents[: depth // 2] + [note_id]
            if index in silences:
                self.wait(silences[index])
            index += 1
            left = max(1, len(lines) - index)
            spare = (until - self.clock.t) / left - len(line.split()) / self.wpm * 60
            pause = min(hi, max(lo, spare * self.rng.uniform(0.8, 1.1)))
            self.wait(max(0.5, pause - (self.clock.t - spoke)))
        self.at(max(self.clock.t, until))

    def close(self) -> Path:
        self.session.close()
        assert self.session.log_path is not None
        return self.session.log_path


def _no_failure_talk(lines: Sequence[str]) -> list[str]:
    """Drop the sentences that raise failure modes (for candidates who never do)."""
    talk = recognisers_for(coach_config(find_layout(LAYOUT)))["failure_talk"]
    return [line for line in lines if not talk.fires(line)]


def strong_round(root: Path) -> Path:
    """Clean: every phase inside its window, nine questions, the core challenge, failures early,
    the curveball taken up at once."""
    c = Candidate(root / "strong-round", datetime(2026, 11, 18, 18, 30, tzinfo=timezone.utc),
                  seed=11, wpm=132, takes_curveballs=True)
    c.wait(6)
    c.phase("start")
    c.wait(3)
    requirements = [line for pair in zip(content.REQ_QUESTIONS, content.REQ_ASSUMPTIONS + [""] * 9)
                    for line in pair if line]
    c.talk(requirements, until=330, gaps=(4, 14), answer=False, notes={
        1: ["peak: 15M concurrent streams"], 7: ["? live in scope?"],
        9: ["p99 start-up < 2 s, rebuffer < 0.5%"], 14: ["on demand only; TV, phone, web"],
    })
    c.phase("next")
    c.talk(content.FRAMING, until=330 + 215, gaps=(5, 16), answer=False, notes={
        0: ["* core: skewed catalogue, limited edge disk"],
        3: ["! edge site dark at peak -> client falls back"],
    })
    c.phase("next")
    c.talk(content.WALKTHROUGH, until=545 + 960, gaps=(4, 15), notes={
        0: ["Client"], 2: ["  -> playback API -> steering -> edge URLs"],
        4: ["Online serving"], 5: ["  Steering owns title->box map"],
        8: ["Edge"], 9: ["  ~ playback events -> queue -> stream job"],
        11: ["Offline pipeline"], 12: ["  Encoder farm -> origin object store"],
        16: ["  ! steering timeout -> last known good list"],
    })
    c.phase("next")
    c.talk(content.DEEP_DIVE, until=1505 + 660, gaps=(4, 15), notes={
        3: ["* consistent hashing per cluster, head replicated everywhere"],
        9: ["* pre-fill off peak vs LRU pull-through"],
    })
    c.phase("next")
    c.talk(content.RESILIENCE, until=2165 + 490, gaps=(4, 15), answer=False, notes={
        4: ["! dependency slow -> circuit breaker + timeout"],
        10: ["* canary one region, auto rollback"],
    })
    c.say("i think that covers it thank you")
    c.phase("end")
    c.wait(4)
    return c.close()


def jumps_to_design(root: Path) -> Path:
    """Names Kafka, Redis and services in minute one, overruns the walkthrough, rushes the rest."""
    c = Candidate(root / "jumps-to-design", datetime(2026, 11, 10, 19, 5, tzinfo=timezone.utc),
                  seed=23, wpm=168)
    c.wait(4)
    c.phase("start")
    c.wait(2)
    c.talk(content.JUMP_REQUIREMENTS, until=150, gaps=(5, 12), answer=False,
           notes={1: ["Video service"], 2: ["Kafka + Redis + Cassandra"]})
    c.phase("next")
    c.talk(content.JUMP_FRAMING, until=150 + 85, gaps=(4, 10), answer=False)
    c.phase("next")
    rambling = (content.FILLER_WALKTHROUGH + _no_failure_talk(content.WALKTHROUGH)
                + _no_failure_talk(content.DEEP_DIVE[:12]))
    c.talk(rambling, until=235 + 1890, gaps=(6, 16), silences={20: 24.0},
           notes={0: ["API gateway"], 1: ["  -> video service -> DB"], 3: ["Kafka -> Spark"]})
    c.phase("next")
    c.talk(_no_failure_talk(content.DEEP_DIVE[12:]), until=2125 + 330, gaps=(5, 12))
    c.phase("next")
    c.talk(content.RESILIENCE[:6], until=2455 + 170, gaps=(4, 8), answer=False)
    c.phase("end")
    c.wait(3)
    return c.close()


def skips_framing(root: Path) -> Path:
    """Goes from requirements straight to the walkthrough and never reaches failure modes."""
    c = Candidate(root / "skips-framing", datetime(2026, 11, 14, 20, 0, tzinfo=timezone.utc),
                  seed=37, wpm=140)
    c.wait(5)
    c.phase("start")
    c.wait(2)
    lines = content.SKIP_REQUIREMENTS + content.REQ_ASSUMPTIONS[2:5]
    c.talk(lines, until=318, gaps=(5, 16), answer=False, notes={1: ["15M concurrent"]})
    c.phase("jump", "walkthrough")
    c.talk(_no_failure_talk(content.WALKTHROUGH), until=318 + 1010, gaps=(5, 15),
           notes={0: ["Client"], 3: ["Playback API"], 4: ["Steering"], 10: ["Edge boxes"]})
    c.phase("next")
    c.talk(_no_failure_talk(content.DEEP_DIVE), until=1328 + 780, gaps=(5, 15),
           silences={7: 33.0}, notes={3: ["* consistent hashing inside a cluster"]})
    c.say("i think i am out of time so i will stop there")
    c.phase("end")
    c.wait(3)
    return c.close()


SAMPLES = (strong_round, jumps_to_design, skips_framing)


def write_markdown(log_path: Path) -> Path:
    """The sample's Markdown export beside its log (`session.md`)."""
    return export_session(log_path)


def main() -> int:
    for make in SAMPLES:
        log_path = make(HERE)
        out = write_markdown(log_path)
        print(f"wrote {log_path.relative_to(HERE.parent)} and {out.name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
