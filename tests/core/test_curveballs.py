"""Curveballs: sprung on time from the layout's moments, answered by saying or writing their
subject within the window, flagged when the window closes unanswered; recomputed identically."""

from __future__ import annotations

import dataclasses

import pytest

from tests.core.coach_helpers import Driver, tiny_layout
from tui.core.coach import recompute
from tui.core.coach.curveballs import about_tokens, plan_curveballs
from tui.core.config.layout import CurveballMoment, Layout
from tui.core.config.prompts import Curveball, Prompt, find_prompt

PROMPT = dataclasses.replace(
    find_prompt("video-streaming-cdn"),
    curveballs=(
        Curveball("ten-x", "What if peak traffic grows ten times overnight?",
                  ("ten times", "shard", "more edge")),
        Curveball("one-region", "What if the main region is lost for a day?",
                  ("failover", "second region", "replica")),
    ))


def layout(*moments: CurveballMoment) -> Layout:
    return dataclasses.replace(tiny_layout(), curveballs=moments)


WALK = CurveballMoment("walkthrough", 120.0, 60.0)  # 2m into the walkthrough, 1m to answer


def in_walkthrough(moments: tuple[CurveballMoment, ...] = (WALK,),
                   prompt: Prompt = PROMPT) -> Driver:
    """A round that reaches the walkthrough at 3m (requirements 2m, framing 1m)."""
    d = Driver(layout(*moments), prompt).start()
    d.at(120).next().at(180).next()
    return d


def test_the_curveball_comes_at_its_moment_in_the_phase() -> None:
    d = in_walkthrough()
    d.at(180 + 119)
    assert d.session.state.curveballs == {}
    d.at(180 + 121)
    (asked,) = d.session.state.curveballs.values()
    assert asked.phase == "walkthrough" and asked.answer_s == 60.0
    assert 180 + 120 <= asked.asked_t <= 180 + 121
    assert asked.text in {c.text for c in PROMPT.curveballs}


def test_saying_its_subject_in_the_window_answers_it_and_nothing_is_flagged() -> None:
    d = in_walkthrough()
    d.at(180 + 125)
    (asked,) = d.session.state.curveballs.values()
    subject = {"ten-x": "so if traffic is ten times higher we shard the origin by title",
               "one-region": "then we fail over to a second region with a warm replica"}
    d.say(subject[asked.id])
    d.at(180 + 300)
    answered = d.session.state.curveballs[asked.id]
    assert answered.answered_t is not None and answered.answered_t - asked.asked_t < 20
    assert answered.evidence
    assert d.flags("curveball_ignored") == []


def test_a_note_answers_it_too_plurals_and_digits_included() -> None:
    d = in_walkthrough()
    d.at(180 + 125)
    (asked,) = d.session.state.curveballs.values()
    answers = {"ten-x": "10 times peak: more edges", "one-region": "! replicas in 2 regions"}
    d.note(answers[asked.id])
    d.at(180 + 300)
    assert d.session.state.curveballs[asked.id].answered_t is not None


def test_talk_about_something_else_lets_the_window_close_with_a_flag() -> None:
    d = in_walkthrough()
    d.at(180 + 125)
    d.say("the player asks the manifest service for the segment list")
    d.at(180 + 120 + 59)
    assert d.flags("curveball_ignored") == []
    d.at(180 + 120 + 62)
    assert d.flags("curveball_ignored") == [("curveball_ignored", "walkthrough")]
    flag = d.session.state.flags[-1]
    assert flag.severity == "warn" and "went unanswered for 1m" in flag.message
    d.say("ten times more traffic means we shard and add a second region failover replica")
    (asked,) = d.session.state.curveballs.values()
    assert asked.answered_t is None  # too late: the window had closed


def test_a_round_that_leaves_the_phase_early_is_not_asked() -> None:
    d = in_walkthrough()
    d.at(180 + 60).next().at(180 + 400)
    assert d.session.state.curveballs == {}


def test_a_paused_clock_does_not_bring_the_moment_closer() -> None:
    d = in_walkthrough()
    d.at(180 + 100).pause().at(180 + 500)
    assert d.session.state.curveballs == {}
    d.start().at(180 + 500 + 21)
    assert len(d.session.state.curveballs) == 1


def test_two_moments_ask_two_different_curveballs_and_a_third_has_none_left() -> None:
    moments = (CurveballMoment("walkthrough", 30.0, 60.0), CurveballMoment("walkthrough", 150.0,
               60.0), CurveballMoment("walkthrough", 200.0, 60.0))
    d = in_walkthrough(moments)
    d.at(180 + 300)
    assert len(d.session.state.curveballs) == 2


def test_the_order_is_seeded_by_the_session_and_stable() -> None:
    first = in_walkthrough().session.state
    again = in_walkthrough().session.state
    assert [c.id for _, c in plan_curveballs(first)] == [c.id for _, c in plan_curveballs(first)]
    assert first.started_wall == again.started_wall  # a fake clock: the same start, same order
    assert plan_curveballs(first) == plan_curveballs(again)


def test_a_custom_prompt_or_a_layout_without_moments_has_no_curveballs() -> None:
    d = in_walkthrough(moments=())
    d.at(180 + 400)
    bare = dataclasses.replace(PROMPT, curveballs=())
    e = in_walkthrough(prompt=bare)
    e.at(180 + 400)
    assert d.session.state.curveballs == {} and e.session.state.curveballs == {}


def test_recomputing_the_log_gives_the_live_curveball_events() -> None:
    d = in_walkthrough()
    d.at(180 + 125)
    d.say("we would shard by region")
    d.at(180 + 300).end()
    live = [(e.type, e.t, dict(e.data)) for e in d.events
            if e.type.startswith("curveball") or e.type == "flag_raised"]
    again = [(e.type, e.t, dict(e.data)) for e in recompute(d.events)
             if e.type.startswith("curveball") or e.type == "flag_raised"]
    assert again == live and any(kind == "curveball_asked" for kind, _, _ in live)


@pytest.mark.parametrize(("said", "heard"), [
    ("Ten times the regions", ["ten", "time", "the", "region"]),
    ("10 seconds, 45 ms", ["ten", "second", "forty", "five", "ms"]),
    ("the class is less", ["the", "class", "is", "less"]),
])
def test_about_words_are_heard_without_plurals_and_with_small_numbers_spelt(
        said: str, heard: list[str]) -> None:
    assert about_tokens(said) == heard


def test_the_debrief_says_whether_and_how_soon_each_curveball_was_taken_up() -> None:
    from tui.core.debrief.render import report_markdown
    from tui.core.debrief.report import build_report

    d = in_walkthrough((WALK, CurveballMoment("walkthrough", 200.0, 60.0)))
    d.at(180 + 130)
    first = next(iter(d.session.state.curveballs.values()))
    d.say({"ten-x": "ten times the peak means more edge boxes",
           "one-region": "a second region takes over on failover"}[first.id])
    d.at(180 + 330).end()
    report = build_report(d.events)
    taken, missed = report.curveballs
    assert taken.answered_after_s is not None and 10 <= taken.answered_after_s <= 20
    assert missed.answered_after_s is None and missed.window_closed
    text = "\n".join(report_markdown(report))
    assert "### Curveballs" in text and "Taken up after 0:1" in text
    assert "Not taken up within 1m." in text
    communication = next(g for g in report.rubric if g.dimension == "communication")
    assert "every curveball taken up in its window (1 of 2)" in communication.missing
    assert report.to_dict()["curveballs"][0]["id"] == first.id
    assert report.flag_counts.get("curveball_ignored") == 1
