"""A scripted session for coach tests: a fake clock, ticks every whole second, captions, notes."""

from __future__ import annotations

import functools
from pathlib import Path

from tui.core.coach import make_observers
from tui.core.coach.replay import let_time_pass
from tui.core.config.layouts import Layout, find_layout, layout_to_dict, parse_layout
from tui.core.config.prompts import Prompt, prompt_to_dict
from tui.core.round.markers import parse_markers
from tui.core.session.clock import FakeClock
from tui.core.session.events import Event, make_event
from tui.core.session.session import Session


@functools.lru_cache(maxsize=1)
def netflix() -> Layout:
    """The shipped senior layout."""
    return find_layout("netflix-l5")


def tiny_layout(coach: dict | None = None) -> Layout:
    """A short three-phase layout for focused tests (minutes: 2-3, 1-2, 4-6)."""
    data = {
        "id": "tiny", "title": "Tiny", "description": "", "total": "12m",
        "phases": [
            {"id": "requirements", "title": "Requirements", "min": "2m", "max": "3m",
             "goal": "ask", "checklist": [{"id": "scale", "text": "Scale", "cues": ["qps"]}]},
            {"id": "framing", "title": "Framing", "min": "1m", "max": "2m", "goal": "frame"},
            {"id": "walkthrough", "title": "Walkthrough", "min": "4m", "max": "6m",
             "goal": "walk"},
            {"id": "resilience", "title": "Resilience", "min": "1m", "max": "2m", "goal": "fail"},
        ],
    }
    if coach is not None:
        data["coach"] = coach
    return parse_layout(data)


class Driver:
    """Drives a real Session (optionally writing a log) like the app would, on a fake clock."""

    def __init__(self, layout: Layout | None = None, prompt: Prompt | None = None,
                 directory: Path | None = None, engine: str = "vosk", coach: bool = True,
                 listening: bool = True) -> None:
        self.clock = FakeClock()
        self.session = Session.create(layout or netflix(), prompt or _first_prompt(),
                                      self.clock, directory, engine)
        state = self.session.state
        self.log: list[Event] = [make_event(
            "session_started", 0.0, seq=1, wall=state.started_wall,
            layout=layout_to_dict(state.layout), prompt=prompt_to_dict(state.prompt),
            engine=engine, app_version=state.app_version)]
        self.session.listeners.append(self.log.append)
        if coach:
            self.session.observers.extend(make_observers(self.session.state))
        self.engine = engine
        self._notes = 0
        if listening:
            self.session.emit("captions_status", state="listening", message="")

    # ---- time -------------------------------------------------------------------------------
    @property
    def t(self) -> float:
        return self.clock.t

    def at(self, t: float) -> Driver:
        """Let time pass up to session time `t`, ticking at every whole second."""
        let_time_pass(self.session, self.clock, t)
        return self

    def wait(self, seconds: float) -> Driver:
        return self.at(self.clock.t + seconds)

    # ---- actions ----------------------------------------------------------------------------
    def run(self, items: list[tuple[str, dict]]) -> Driver:
        self.session.emit_all(items)  # type: ignore[arg-type]
        return self

    def start(self) -> Driver:
        return self.run(self.session.state.phases.start_or_resume())

    def next(self) -> Driver:
        return self.run(self.session.state.phases.next())

    def jump(self, phase_id: str) -> Driver:
        return self.run(self.session.state.phases.jump(phase_id))

    def pause(self) -> Driver:
        return self.run(self.session.state.phases.pause())

    def end(self) -> Driver:
        return self.run(self.session.state.phases.end())

    def status(self, state: str) -> Driver:
        self.session.emit("captions_status", state=state, message="")
        return self

    def say(self, text: str, wpm: float = 150.0) -> Driver:
        """Speak `text`: a partial half-way, then the final caption with start/end times."""
        tokens = text.split()
        seconds = max(0.6, len(tokens) / wpm * 60)
        start = self.clock.t
        self.at(start + seconds / 2)
        self.session.emit("caption", text=" ".join(tokens[: max(1, len(tokens) // 2)]),
                          final=False, start=start, end=self.clock.t, words=[], delay=0.2,
                          engine=self.engine)
        self.at(start + seconds)
        step = seconds / max(1, len(tokens))
        words = [[w, round(start + i * step, 3), round(start + (i + 1) * step, 3)]
                 for i, w in enumerate(tokens)]
        self.session.emit("caption", text=text, final=True, start=round(start, 3),
                          end=round(start + seconds, 3), words=words, delay=0.3,
                          engine=self.engine)
        return self

    def note(self, typed: str, parent: str | None = None) -> str:
        kind, text = parse_markers(typed)
        self._notes += 1
        note_id = f"n{self._notes}"
        self.session.emit("note_added", id=note_id, text=text, kind=kind, parent=parent,
                          index=-1, phase=self.session.state.current_phase_id)
        return note_id

    # ---- results ----------------------------------------------------------------------------
    @property
    def events(self) -> list[Event]:
        """Every event, the first (session_started) included."""
        return self.log

    def flags(self, code: str | None = None) -> list[tuple[str, str | None]]:
        return [(f.code, f.phase) for f in self.session.state.flags
                if code is None or f.code == code]


@functools.lru_cache(maxsize=1)
def _first_prompt() -> Prompt:
    from tui.core.config.prompts import load_prompt_bank

    return load_prompt_bank()[0]
