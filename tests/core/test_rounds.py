"""Realistic rounds, labelled by an interviewer's judgement (tests/rounds/*.toml): every flag
the interviewer expects is raised, and none they would not raise. The rounds were written
apart from the coach's patterns; their format is in tests/rounds/README.md."""

from __future__ import annotations

from pathlib import Path

import pytest
import tomli

from tests.core.coach_helpers import Driver
from tui.core.config.layouts import find_layout
from tui.core.config.prompts import find_prompt

ROUNDS = Path(__file__).resolve().parent.parent / "rounds"


def clock(text: str) -> float:
    """'m:ss' or 'h:mm:ss' as seconds."""
    seconds = 0.0
    for part in text.split(":"):
        seconds = seconds * 60 + float(part)
    return seconds


def play(path: Path) -> Driver:
    """Run a round script through a real session and coach, as the app would."""
    script = tomli.loads(path.read_text(encoding="utf-8"))
    d = Driver(find_layout(script["layout"]), find_prompt(script["prompt"]))
    for step in script["step"]:
        d.at(clock(step["at"]))
        if step.get("start"):
            d.start()
        if step.get("pause"):
            d.pause()
        if step.get("next"):
            d.next()
        if "say" in step:
            d.say(step["say"])
        if "note" in step:
            d.note(step["note"])
        if step.get("end"):
            d.end()
    return d


def matches(flag: tuple[str, str | None], label: str) -> bool:
    code, _, phase = label.partition("@")
    return flag[0] == code and (not phase or flag[1] == phase)


@pytest.mark.parametrize("path", sorted(ROUNDS.glob("*.toml")), ids=lambda p: p.stem)
def test_round_gets_the_flags_an_interviewer_would_raise(path: Path) -> None:
    script = tomli.loads(path.read_text(encoding="utf-8"))
    flags = play(path).flags()
    missing = [label for label in script.get("expect", [])
               if not any(matches(f, label) for f in flags)]
    unwanted = [f for f in flags for label in script.get("forbid", []) if matches(f, label)]
    assert not missing and not unwanted, f"missing {missing}, unwanted {unwanted}"
