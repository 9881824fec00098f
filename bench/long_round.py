"""Build a simulated two-hour session: captions every two seconds and 2,000 notes.

Used by `bench/bench_core.py` (timings) and by the long-round tests (correctness).
"""

from __future__ import annotations

from pathlib import Path

from tui.core.config.layouts import find_layout
from tui.core.config.prompts import find_prompt
from tui.core.session.clock import FakeClock
from tui.core.session.session import Session

SENTENCES = [
    "so the client asks the playback service for a manifest",
    "um the edge cache holds the hot segments close to the viewer",
    "what is the p99 latency target for start up",
    "if the origin fails we fall back to the secondary region",
    "the ranking service reads features from the online store",
    "writes go through a queue so the ingest path stays asynchronous",
]


def build_long_session(directory: Path, hours: float = 2.0, notes: int = 2000,
                       with_coach: bool = False) -> Session:
    """Write a back-to-back session of `hours` with a final caption every 2 s and `notes` notes."""
    clock = FakeClock()
    session = Session.create(find_layout("back-to-back"), find_prompt("video-streaming-cdn"),
                             clock, directory, engine="pocketsphinx")
    if with_coach:
        from tui.core.coach import make_observers

        session.observers.extend(make_observers(session.state))
    session.emit_all(session.state.phases.start_or_resume())
    session.emit("captions_status", state="listening", message="")
    total = hours * 3600
    phases = session.state.layout.phases
    per_phase = total / len(phases)
    steps = int(total / 2)
    note_every = max(1, steps // notes)
    written = 0
    parent: str | None = None
    for step in range(steps):
        clock.advance(2.0)
        now = session.now()
        index = min(len(phases) - 1, int(now // per_phase))
        if session.state.current_phase_id != phases[index].id:
            session.emit_all(session.state.phases.jump(phases[index].id))
        text = SENTENCES[step % len(SENTENCES)]
        session.emit("caption", text=text, final=False, start=now - 2, end=now - 0.5, words=[],
                     delay=0.2, engine="pocketsphinx")
        session.emit("caption", text=text, final=True, start=now - 2, end=now - 0.2,
                     words=[[w, now - 2, now - 1] for w in text.split()[:3]], delay=0.3,
                     engine="pocketsphinx")
        if step % note_every == 0 and written < notes:
            note_id = session.state.outline.next_id()
            top = written % 10 == 0
            session.emit("note_added", id=note_id, text=f"note {written}: {text}", kind="note",
                         parent=None if top else parent, index=-1, phase=phases[index].id)
            if top:
                parent = note_id
            written += 1
        if step % 300 == 0:
            session.tick()
    session.emit_all(session.state.phases.end())
    session.close()
    return session
