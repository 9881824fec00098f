"""jumped_to_design, no_core_challenge and resilience_late from scripted captions and notes."""

from __future__ import annotations

from tests.core.coach_helpers import Driver, tiny_layout

QUESTIONS = [
    "how many users do we have at peak",
    "what is the latency target for the home page",
    "do we need strong consistency for the history",
    "is live content in scope",
]


def test_jumped_to_design_two_components_before_questions() -> None:
    d = Driver(tiny_layout()).start().wait(5)
    d.say("so we put kafka in front and redis as the cache")
    assert d.flags("jumped_to_design") == [("jumped_to_design", "requirements")]
    flag = d.session.state.flags[-1]
    assert flag.severity == "serious"
    assert "kafka" in flag.message and "redis" in flag.message


def test_jumped_to_design_survives_spellings_and_adds_up_proposals() -> None:
    d = Driver(tiny_layout()).start().wait(5)
    d.say("i'd add a cache")
    assert d.flags("jumped_to_design") == []  # one component proposed is not yet a design
    d.say("and a kafka topic for the play events")
    assert d.flags("jumped_to_design") == [("jumped_to_design", "requirements")]
    d = Driver(tiny_layout()).start().wait(5)
    d.say("we use cafca and a my sql database")
    assert d.flags("jumped_to_design") == [("jumped_to_design", "requirements")]


def test_nouns_that_are_not_proposals_never_raise() -> None:
    """Restating the prompt, sizing today's system, negations and spoken-opening questions."""
    from tui.core.config.prompts import find_prompt

    d = Driver(tiny_layout(), prompt=find_prompt("video-streaming-cdn")).start().wait(3)
    d.say("so we're building a video streaming service with a cdn in front of it right")
    d.say("we have around two hundred services and three databases today")
    d.note("today: 3 dbs, 40 services, 2 kafka clusters")
    d.say("we won't need a cache or a queue for the catalogue")
    d.say("oh, do we already run kafka and redis")
    d.say("quick one, is the origin in each region or just one")
    d.say("first, about the database, can we reuse the existing cassandra cluster")
    assert d.flags("jumped_to_design") == []
    assert len(d.session.observers[1].questions) == 3  # type: ignore[attr-defined]


def test_single_component_word_never_raises() -> None:
    d = Driver(tiny_layout()).start().wait(5)
    d.say("the user sees a cached page from the database")  # "cached" is not "cache"
    assert d.flags("jumped_to_design") == []


def test_components_after_a_handful_of_questions_are_fine() -> None:
    d = Driver(tiny_layout()).start().wait(3)
    for question in QUESTIONS:
        d.say(question).wait(2)
    d.say("then i would probably put kafka and redis behind the api")
    assert d.flags("jumped_to_design") == []


def test_components_inside_questions_and_question_notes_do_not_count() -> None:
    d = Driver(tiny_layout()).start().wait(3)
    d.say("do we already run kafka and redis in house")
    d.note("? must we reuse the existing cassandra cluster")
    d.note("which regions?")
    d.say("should the cache and the database live in one region")
    d.say("how fresh must the data be")
    d.say("i would use kafka and redis")
    assert d.flags("jumped_to_design") == []


def test_component_talk_outside_requirements_is_not_a_jump() -> None:
    d = Driver(tiny_layout()).start().at(125.0).next().wait(3)
    d.say("we put kafka in front and redis as the cache")
    assert d.flags("jumped_to_design") == []


def test_component_notes_count_as_design_talk() -> None:
    d = Driver(tiny_layout()).start().wait(3)
    d.note("Kafka")
    d.note("Redis cache")
    assert d.flags("jumped_to_design") == [("jumped_to_design", "requirements")]


def test_a_question_said_and_typed_counts_once() -> None:
    d = Driver(tiny_layout()).start().wait(3)
    d.say("what's the p99 latency target for the home page")
    d.note("? p99 latency target home page")
    d.note("? which regions")
    asked = d.session.observers[1].questions  # type: ignore[attr-defined]
    assert [q.text for q in asked] == ["what's the p99 latency target for the home page",
                                       "which regions"]


def test_no_core_challenge_when_framing_ends_without_it() -> None:
    d = Driver(tiny_layout()).start().at(125.0).next().wait(3)
    d.say("so the approach is a simple service with a database")
    d.at(190.0).next()
    assert d.flags("no_core_challenge") == [("no_core_challenge", "framing")]


def test_core_challenge_stated_in_framing_or_earlier() -> None:
    for phrase in ("the core challenge here is fan out at peak",
                   "what makes this hard is the skew in popularity",
                   "i think the crux is keeping the cache warm",
                   "the tricky part is ordering"):
        d = Driver(tiny_layout()).start().at(125.0).next().wait(3)
        d.say(phrase)
        d.at(190.0).next()
        assert d.flags("no_core_challenge") == [], phrase
    d = Driver(tiny_layout()).start().wait(3).say("the hard part will be the write rate")
    d.at(125.0).next().at(190.0).next()
    assert d.flags("no_core_challenge") == []


def test_near_miss_words_are_not_a_core_challenge() -> None:
    for line in ("the part that is hard to read is the diagram", "the hard drive fills up",
                 "the challenge response handshake uses a nonce",
                 "let me tell you what i think the crux is, but first a question on scale"):
        d = Driver(tiny_layout()).start().at(125.0).next().wait(3)
        d.say(line)
        d.at(190.0).next()
        assert d.flags("no_core_challenge") == [("no_core_challenge", "framing")], line


def test_core_challenge_in_other_words_and_across_captions() -> None:
    for parts in (["what makes this so hard is the skew in popularity"],
                  ["the difficulty i see here is budget pacing with a local view"],
                  ["the part that is hard about this is exact counts across regions"],
                  ["everything really hinges on how fresh the spend numbers are"],
                  ["what makes this", "so hard is the fan out to followers"],
                  ["let me tell you what i think the crux is",
                   "it's keeping the caps exact when one user has three devices"]):
        d = Driver(tiny_layout()).start().at(125.0).next().wait(3)
        for part in parts:
            d.say(part).wait(1)
        statement = d.session.observers[2].statements[0]  # type: ignore[attr-defined]
        assert parts[-1] in statement.text, parts
        d.at(190.0).next()
        assert d.flags("no_core_challenge") == [], parts


def test_no_core_challenge_when_framing_is_skipped_or_round_ends_in_it() -> None:
    d = Driver(tiny_layout()).start().at(125.0).jump("walkthrough")
    assert ("no_core_challenge", "framing") in d.flags()
    d = Driver(tiny_layout()).start().at(125.0).next().at(140.0).end()
    assert ("no_core_challenge", "framing") in d.flags()
    d = Driver(tiny_layout()).start().at(125.0).next().at(140.0).jump("requirements")
    assert d.flags("no_core_challenge") == []  # going back is not the end of framing


def test_resilience_late_when_entered_without_failure_talk() -> None:
    d = Driver(tiny_layout()).start().at(125.0).next().at(190.0).next().wait(3)
    d.say("the api calls the ranking service and returns rows")
    d.at(440.0).next()
    assert d.flags("resilience_late") == [("resilience_late", "resilience")]


def test_failure_talk_before_resilience_prevents_the_flag() -> None:
    for line in ("if the ranking service times out we fall back to popular rows",
                 "when a region goes down we fail over",
                 "retries use a circuit breaker"):
        d = Driver(tiny_layout()).start().at(125.0).next().at(190.0).next().wait(3)
        d.say(line)
        d.at(440.0).next()
        assert d.flags("resilience_late") == [], line


def test_risk_note_counts_as_failure_talk() -> None:
    d = Driver(tiny_layout()).start().at(125.0).next().at(190.0).next().wait(3)
    d.note("! ranking slow at peak")
    d.at(440.0).next()
    assert d.flags("resilience_late") == []


def test_failure_talk_only_when_probed_still_flags() -> None:
    d = Driver(tiny_layout(coach={"probes": {"at": [0.1], "min_gap_s": 0}})).start()
    d.at(125.0).next().at(190.0).next()
    d.at(190.0 + 30.0)  # the probe at 10% of the 4m minimum is open
    assert d.session.state.probes
    d.say("if that fails we retry with backoff")
    d.at(440.0).next()
    assert d.flags("resilience_late") == [("resilience_late", "resilience")]


def test_resilience_late_at_round_end_only_without_any_failure_talk() -> None:
    d = Driver(tiny_layout()).start().at(125.0).next().at(190.0).next().at(300.0).end()
    assert ("resilience_late", "resilience") in d.flags()
    d = Driver(tiny_layout()).start().at(125.0).next().at(190.0).next().wait(2)
    d.say("and if the cache is down we degrade to the database")
    d.at(300.0).end()
    assert d.flags("resilience_late") == []
