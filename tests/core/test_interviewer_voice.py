"""What the interviewer's voice says is in the log, and the candidate's silence is never counted
while the interviewer speaks (they are listening, not stuck)."""

from __future__ import annotations

from tests.core.coach_helpers import Driver, tiny_layout
from tui.core.session.state import fold


def round_with_a_question(voiced: bool) -> Driver:
    """The candidate talks, then 18 s pass (the interviewer reading a probe, when voiced), then
    14 s of the candidate thinking before speaking again: 32 s without the candidate's voice."""
    d = Driver(tiny_layout()).start()
    d.at(5).say("so the first thing i would like to know is how many users we expect")
    if voiced:
        d.run([("interviewer_spoke", {"kind": "probe", "text": "What happens at ten times the "
                                      "load?", "ref": "p1"})])
    d.wait(18)
    if voiced:
        d.run([("interviewer_done", {"reason": "finished"})])
    d.wait(14)
    d.say("at ten times the load i would add read replicas")
    d.wait(3)
    return d


def test_silence_while_the_interviewer_speaks_is_not_dead_air() -> None:
    assert round_with_a_question(voiced=False).flags("dead_air") == [("dead_air", "requirements")]
    assert round_with_a_question(voiced=True).flags("dead_air") == []


def test_the_interviewers_lines_are_folded_from_the_log() -> None:
    d = round_with_a_question(voiced=True)
    state = fold(d.events)
    (line,) = state.interviewer
    assert (line.kind, line.ref) == ("probe", "p1")
    assert line.text == "What happens at ten times the load?"
    assert line.done_t is not None and line.done_t - line.t == 18
    assert not state.interviewer_speaking
    d.run([("interviewer_spoke", {"kind": "prompt", "text": "Design a cache."})])
    assert d.session.state.interviewer_speaking
