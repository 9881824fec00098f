"""The debrief report and its Markdown."""

from __future__ import annotations

import json

from markdown_it import MarkdownIt

from tests.core.coach_helpers import Driver, netflix
from tui.core.coach import OUTPUT_TYPES
from tui.core.debrief.report import PRACTICE, build_report, report_markdown


def _round() -> Driver:
    """A short scripted round on the senior layout with a few slips."""
    d = Driver(netflix()).start().wait(2)
    d.say("we will use kafka and redis for this")  # jumped_to_design
    d.say("how many concurrent users at peak").wait(3)
    d.note("? is live content in scope")
    d.say("what p99 latency do we need").wait(3)
    d.at(320.0).next().wait(2)
    d.say("the core challenge is the skew of the catalogue").wait(4)
    d.say("and if an edge box fails the client falls back to another").wait(3)
    d.at(520.0).next().wait(2)
    d.say("um the client calls the playback service uh which returns urls").wait(40)
    d.at(1500.0).next().at(2160.0).next().wait(2)
    d.say("with a circuit breaker and retries the dependency cannot take us down")
    d.at(2300.0).end()
    return d


def test_report_sums_up_the_round() -> None:
    report = build_report(_round().events)
    assert [p.id for p in report.phases] == [p.id for p in netflix().phases]
    assert report.phases[0].actual_s == 320.0 and not report.phases[0].skipped
    assert report.phases[-1].rushed  # resilience ended under 7m
    assert "jumped_to_design" in report.codes and "rushed" in report.codes
    assert "no_core_challenge" not in report.codes and "resilience_late" not in report.codes
    assert [q.text for q in report.questions] == [
        "how many concurrent users at peak", "is live content in scope",
        "what p99 latency do we need"]
    covered = {d.id for d in report.dimensions if d.covered}
    assert {"scale", "latency", "scope"} <= covered
    assert {"freshness", "consistency"}.isdisjoint(covered)
    assert report.core_challenge is not None
    assert report.core_challenge.text == "the core challenge is the skew of the catalogue"
    assert report.core_challenge.phase == "framing"
    assert [f.term for f in report.failures_before] == ["fails", "falls back"]
    assert {f.term for f in report.failures_during} >= {"circuit breaker", "retries"}
    walk = next(p for p in report.phases if p.id == "walkthrough")
    assert walk.wpm == 150.0 and walk.fillers == 2
    assert report.longest_silence is not None and report.longest_silence.phase == "walkthrough"
    assert report.practice[0] == PRACTICE[0][1]
    assert len(report.practice) == 3


def test_report_recomputes_flags_for_a_log_without_them() -> None:
    events = _round().events
    bare = [e for e in events if e.type not in OUTPUT_TYPES]
    assert build_report(bare).to_dict() == build_report(events).to_dict()


def test_to_dict_is_json_with_stable_keys() -> None:
    events = _round().events
    first = json.dumps(build_report(events).to_dict())
    again = json.dumps(build_report(events).to_dict())
    assert first == again
    data = json.loads(first)
    assert list(data)[:4] == ["prompt_id", "prompt_title", "layout_id", "layout_title"]
    assert list(data["phases"][0])[:3] == ["id", "title", "role"]
    assert set(data["flag_counts"]) >= {"over_time", "dead_air", "pace", "fillers"}


def test_markdown_is_commonmark_with_debrief_sections_and_stable() -> None:
    report = build_report(_round().events)
    lines = report_markdown(report)
    assert lines == report_markdown(build_report(_round().events))
    text = "\n".join(lines)
    tokens = MarkdownIt("commonmark").enable("table").parse(text)
    headings = [(tok.tag, tokens[i + 1].content) for i, tok in enumerate(tokens)
                if tok.type == "heading_open"]
    assert headings[0] == ("h2", "Debrief")
    assert all(tag == "h3" for tag, _ in headings[1:])
    titles = [title for _, title in headings[1:]]
    for wanted in ("Practise next", "Phases against plan", "Flags on the timeline",
                   "Clarifying questions", "Requirements covered", "Core challenge",
                   "Failure modes", "Delivery"):
        assert wanted in titles
    assert any(tok.type == "table_open" for tok in tokens)
    assert any(tok.type == "ordered_list_open" for tok in tokens)
    assert "jumped\\_to\\_design" in text  # escaped for CommonMark


def test_practice_follows_the_fixed_priority() -> None:
    d = Driver(netflix()).start().at(320.0).jump("walkthrough").at(400.0).end()
    report = build_report(d.events)
    codes = [code for code, _ in PRACTICE]
    present = [code for code in codes if code in report.codes]
    assert report.practice[0].startswith("Say what makes the problem hard")
    assert present.index("no_core_challenge") < present.index("skipped")
    assert "Framing the problem" in report.practice[1]


def test_clean_report_says_so() -> None:
    d = Driver(netflix(), listening=False).start().wait(3)
    for q in ("how many users", "what p99 latency", "how fresh must it be",
              "is it read heavy", "do we need strong consistency", "what is in scope"):
        d.say(q).wait(2)
    report = build_report(d.events)
    assert report.flags == ()
    assert report.practice == ("No flags this time: try a harder prompt, or the back-to-back "
                               "layout for stamina.",)
    assert all(dim.covered for dim in report.dimensions)


def test_every_time_in_the_debrief_is_round_time(session, clock) -> None:  # type: ignore[no-untyped-def]
    """A flag raised after a pause reads at its round time in the report and the export, never
    later than the time used (one clock; pauses excluded)."""
    from tui.core.debrief.export import render_markdown
    from tui.core.debrief.report import build_report, report_markdown
    from tui.core.session.eventlog import read_log
    from tui.core.session.state import fold

    tracker = session.state.phases
    clock.advance(20)
    session.emit_all(tracker.start_or_resume())
    clock.advance(50)
    session.emit_all(tracker.toggle())
    clock.advance(100)  # paused
    session.emit_all(tracker.toggle())
    clock.advance(10)
    session.emit("flag_raised", code="dead_air", phase="requirements", message="quiet",
                 severity="warn")
    session.emit("caption", text="we need p99 latency under a second", final=True, start=0.0,
                 end=1.0, words=[], delay=0.1, engine="test")
    clock.advance(5)
    session.emit_all(tracker.next())  # leaves Requirements at 1:05 of round time: rushed
    clock.advance(5)
    session.emit_all(tracker.end("user"))
    session.close()
    events = read_log(session.log_path).events
    report = build_report(events)
    assert report.used_s == 70.0
    assert report.flags and all(f.t <= report.used_s for f in report.flags)
    assert 65.0 in [f.t for f in report.flags]
    debrief = "\n".join(report_markdown(report))
    assert "1:05" in debrief and "2:55" not in debrief
    markdown = render_markdown(fold(events))
    assert "- 1:00 · Requirements · **dead\\_air**" in markdown
    assert "- 1:00 we need p99 latency" in markdown
