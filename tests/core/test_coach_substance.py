"""The substance of a senior round: no_tradeoff, no_estimates, no_request_trace, no_operability,
probe_ignored and same_template, each with a round that raises it and a near miss that does
not; and the rubric and the debrief's layout-aware sections."""

from __future__ import annotations

from tests.core.coach_helpers import Driver
from tui.core.config.layouts import find_layout, parse_layout
from tui.core.debrief.report import build_report, report_markdown


def five_phases(coach: dict | None = None):  # type: ignore[no-untyped-def]
    """Requirements, framing, walkthrough, deep dive, resilience: one to two minutes each."""
    phases = [{"id": role, "title": role.replace("_", " ").title(), "min": "1m", "max": "2m",
               "goal": "g"} for role in ("requirements", "framing", "walkthrough", "deep_dive",
                                          "resilience")]
    data = {"id": "five", "title": "Five", "description": "", "total": "10m", "phases": phases}
    if coach is not None:
        data["coach"] = coach
    return parse_layout(data)


def walk(lines: dict[str, list[str]], coach: dict | None = None) -> Driver:
    """A round through the five phases, saying each phase's lines, 70 s per phase."""
    d = Driver(five_phases(coach)).start()
    for index, phase in enumerate(("requirements", "framing", "walkthrough", "deep_dive",
                                   "resilience")):
        if index:
            d.next()
        start = d.t
        for line in lines.get(phase, []):
            d.say(line).wait(2)
        d.at(start + 70.0)
    d.end()
    return d


STRONG = {
    "requirements": ["how many daily users do we have", "what p99 latency do we need",
                     "is live in scope", "how fresh must the rows be",
                     "so two hundred million users and about fifty thousand requests per second"],
    "framing": ["the core challenge is ranking thousands of titles in under a hundred "
                "milliseconds"],
    "walkthrough": ["the tv app calls the gateway which hits the row service which reads the "
                    "precomputed rows from cassandra",
                    "the read is synchronous and on the hot path, logging the impression is "
                    "async through kafka"],
    "deep_dive": ["we could rank on every request but then we blow the latency budget so we "
                  "precompute instead"],
    "resilience": ["if the ranker times out we fall back to the popular row",
                   "we alert on p99 and error rate and page the owning team on call, and "
                   "changes roll out behind a flag to one percent first"],
}


def codes(d: Driver) -> set[str]:
    return {code for code, _ in d.flags()}


def test_a_strong_round_raises_none_of_the_substance_flags() -> None:
    raised = codes(walk(STRONG))
    assert raised.isdisjoint({"no_tradeoff", "no_estimates", "no_request_trace",
                              "no_operability", "probe_ignored", "same_template"}), raised


def test_no_tradeoff_when_the_deep_dive_compares_nothing() -> None:
    lines = dict(STRONG, deep_dive=["each box keeps a hash map from file id to disk location"])
    d = walk(lines)
    assert ("no_tradeoff", "deep_dive") in d.flags()
    message = [f.message for f in d.session.state.flags if f.code == "no_tradeoff"][0]
    assert "alternative" in message


def test_no_estimates_without_a_number_with_a_unit() -> None:
    lines = dict(STRONG, requirements=STRONG["requirements"][:4] + [
        "step two is the api and version 2 of the schema"],
                 framing=["the core challenge is ranking thousands of titles fast"])
    assert ("no_estimates", "walkthrough") in walk(lines).flags()


def test_no_request_trace_says_what_is_missing() -> None:
    lines = dict(STRONG, walkthrough=["we have a gateway, a ranking service and a database"])
    d = walk(lines)
    assert ("no_request_trace", "walkthrough") in d.flags()
    message = [f.message for f in d.session.state.flags if f.code == "no_request_trace"][0]
    assert "one request traced" in message and "synchronous" in message
    lines = dict(STRONG, walkthrough=STRONG["walkthrough"][:1])  # traced, sync/async unsaid
    message = [f.message for f in walk(lines).session.state.flags
               if f.code == "no_request_trace"][0]
    assert "one request traced" not in message and "synchronous" in message


def test_no_operability_when_the_round_ends_without_it() -> None:
    lines = dict(STRONG, resilience=["if the ranker times out we fall back to the popular row"])
    assert ("no_operability", "resilience") in walk(lines).flags()


def test_probe_ignored_only_when_its_subject_goes_untouched() -> None:
    coach = {"probes": {"at": [0.2], "answer_s": 20, "min_gap_s": 0}}
    layout = five_phases(coach)
    probe_text = layout.phase("walkthrough").probes  # none: the prompt's probes are planned
    assert probe_text == ()
    d = walk(STRONG, coach)
    asked = list(d.session.state.probes.values())
    assert asked, "the prompt's probes are asked in the walkthrough and deep dive"
    assert ("probe_ignored", asked[0].phase) in d.flags()  # the script never answers them
    # Answering a probe by its subject words clears it.
    d = Driver(five_phases(coach)).start().at(70).next().at(140).next()
    d.at(140 + 13)
    (probe,) = d.session.state.probes.values()
    d.say(f"good question, {probe.text.lower().rstrip('?')}: i would check that first")
    d.at(140 + 40)
    assert ("probe_ignored", "walkthrough") not in d.flags()


def test_same_template_in_back_to_back_rounds() -> None:
    layout = find_layout("back-to-back")
    stack = ("we'll put an api gateway in front, the gateway calls the microservices, "
             "events go onto kafka, redis caches the rows and cassandra stores the history")
    other = ("uploads land in s3, a temporal workflow splits them into chunks and postgres "
             "keeps the job state while spot workers encode")
    for second, expected in ((stack, True), (other, False)):
        d = Driver(layout).start()
        for phase in layout.phases:
            if phase.id != layout.phases[0].id:
                d.next()
            start = d.t
            if phase.role == "walkthrough":
                d.say(stack if phase.id.startswith("r1") else second)
            d.at(start + phase.min_s + 5)
        d.end()
        assert (("same_template", "r2-walkthrough") in d.flags()) == expected


def test_report_has_a_rubric_with_quoted_evidence() -> None:
    report = build_report(walk(STRONG).events)
    grades = {g.dimension: g for g in report.rubric}
    assert list(grades) == ["requirements", "framing", "design", "depth", "resilience",
                            "communication"]
    assert all(1 <= g.score <= 4 and g.level == "senior" for g in grades.values())
    assert grades["framing"].evidence[0].text.startswith("the core challenge is ranking")
    assert grades["design"].score >= 3
    as_json = report.to_dict()["rubric"][0]
    assert {"dimension", "score", "level", "evidence", "missing"} <= set(as_json)
    assert set(as_json["evidence"][0]) == {"t", "text"}
    weak = build_report(walk({"requirements": ["we will use kafka and redis"]}).events)
    weak_grades = {g.dimension: g for g in weak.rubric}
    assert weak_grades["requirements"].score == 1
    assert any("clarifying questions" in m for m in weak_grades["requirements"].missing)
    assert build_report(walk(STRONG).events).rubric == report.rubric  # deterministic


def test_drill_debrief_has_no_framing_or_failure_sections() -> None:
    d = Driver(find_layout("requirements-drill")).start()
    for line in STRONG["requirements"]:
        d.say(line).wait(3)
    d.at(7 * 60).end()
    report = build_report(d.events)
    text = "\n".join(report_markdown(report))
    assert "core challenge was never stated" not in text
    assert "### Core challenge" not in text and "### Failure modes" not in text
    assert {g.dimension for g in report.rubric} == {"requirements", "communication"}
    assert not {"no_core_challenge", "no_operability", "resilience_late"} & report.codes


def test_back_to_back_debrief_reports_each_round_with_labels() -> None:
    layout = find_layout("back-to-back")
    d = Driver(layout).start()
    for phase in layout.phases:
        if phase.id != layout.phases[0].id:
            d.next()
        start = d.t
        if phase.role == "framing" and phase.id.startswith("r2"):
            d.say("what makes this hard is exact counts across regions")
        d.at(start + phase.min_s + 5)
    d.end()
    report = build_report(d.events)
    text = "\n".join(report_markdown(report))
    assert "Round 1: The core challenge was never stated." in text
    assert "what makes this hard is exact counts across regions" in text
    assert "Round 1: Before the resilience phase" in text
    assert "Round 2: During the resilience phase" in text
    assert {g.round for g in report.rubric} == {1, 2}
