"""Checklist ticks from speech and notes; interviewer probes with answer timers."""

from __future__ import annotations

from tests.core.coach_helpers import Driver, netflix, tiny_layout
from tui.core.coach import recompute
from tui.core.coach.probes import plan_probes
from tui.core.config.coach_settings import coach_config


def _ticks(d: Driver) -> dict[tuple[str, str], tuple[str, str]]:
    return {(t.phase, t.item): (t.source, t.evidence) for t in d.session.state.ticks}


def test_requirements_dimensions_ticked_from_speech_with_evidence() -> None:
    d = Driver(netflix()).start().wait(2)
    d.say("how many concurrent users do we have at peak")
    d.say("what p99 latency do we need for the page")
    d.say("is it read heavy and how stale can the rows be")
    ticks = _ticks(d)
    assert ticks[("requirements", "scale")] == ("speech", "how many, concurrent, users, peak")
    assert ticks[("requirements", "latency")][1] == "p99, latency"
    assert ("requirements", "read_write") in ticks and ("requirements", "freshness") in ticks
    assert ("requirements", "consistency") not in ticks and ("requirements", "scope") not in ticks


def test_ticks_from_notes_and_only_for_the_current_phase() -> None:
    d = Driver(netflix()).start().wait(2)
    d.note("eventual consistency is fine")
    d.say("the circuit breaker protects the ranking service")  # a resilience cue
    ticks = _ticks(d)
    assert ticks[("requirements", "consistency")] == ("note", "eventual consistency")
    assert not any(phase == "resilience" for phase, _ in ticks)


def test_each_item_ticked_once_and_partials_ignored() -> None:
    d = Driver(netflix()).start().wait(2)
    d.session.emit("caption", text="what latency", final=False, start=0.0, end=0.0, words=[],
                   delay=0.0, engine="vosk")
    assert _ticks(d) == {}
    d.say("what latency target").say("and the p99 latency")
    assert [t.item for t in d.session.state.ticks] == ["latency"]


def test_other_phases_checklists_use_their_cues() -> None:
    d = Driver(netflix()).start().at(301.0).next().wait(2)
    d.say("the core challenge is the skew and the constraint is edge disk")
    ticked = {item for phase, item in _ticks(d) if phase == "framing"}
    assert {"core_challenge", "driving_constraints"} <= ticked


def test_probes_planned_from_prompt_and_phase_deterministically() -> None:
    d = Driver(netflix())
    plan = plan_probes(d.session.state, coach_config(netflix()))
    assert set(plan) == {"walkthrough", "deep_dive"}
    assert all(len(texts) <= 2 for texts in plan.values())
    assert netflix().phase("deep_dive").probes[0] in plan["deep_dive"]
    assert plan == plan_probes(Driver(netflix()).session.state, coach_config(netflix()))


def test_probe_asked_at_fraction_of_min_and_closed_on_time_up() -> None:
    d = Driver(tiny_layout(coach={"probes": {"at": [0.5], "answer_s": 30}}),
               prompt=None).start()
    d.at(125.0).next().at(190.0).next()  # walkthrough: min 4m, probe at 2m
    d.at(190.0 + 119.0)
    assert d.session.state.probes == {}
    d.at(190.0 + 121.0)
    (probe,) = d.session.state.probes.values()
    assert probe.phase == "walkthrough" and probe.answer_s == 30
    d.at(190.0 + 152.0)
    assert d.session.state.probes[probe.id].close_reason == "time_up"


def test_keyed_probe_from_words_and_closed_on_phase_change() -> None:
    d = Driver(tiny_layout(coach={"probes": {"at": []}})).start()
    d.at(125.0).next().at(190.0).next().wait(2)
    d.say("reads go through the cache first")
    d.wait(2)
    (probe,) = d.session.state.probes.values()
    assert "stampede" in probe.text
    d.at(260.0).next()
    assert d.session.state.probes[probe.id].close_reason == "phase_changed"


def test_keyed_probes_not_asked_outside_probe_phases() -> None:
    d = Driver(tiny_layout(coach={"probes": {"at": []}})).start().wait(2)
    d.say("what about the cache and kafka")
    d.wait(5)
    assert d.session.state.probes == {}


def test_probes_respect_the_gap_and_one_open_at_a_time() -> None:
    d = Driver(tiny_layout(coach={"probes": {"at": [], "answer_s": 20, "min_gap_s": 60}}))
    d.start().at(125.0).next().at(190.0).next().wait(2)
    d.say("the cache sits in front and kafka takes the events")
    d.wait(30)
    assert len(d.session.state.probes) == 1
    d.wait(40)  # closed after 20 s, gap 60 s not yet over
    assert len(d.session.state.probes) == 1
    d.wait(30)
    assert len(d.session.state.probes) == 2


def test_probes_recompute_identically() -> None:
    d = Driver(tiny_layout()).start().at(125.0).next().at(190.0).next().wait(2)
    d.say("the cache sits in front of the database and kafka takes the events")
    d.at(500.0).end()
    live = [(e.type, e.t, dict(e.data)) for e in d.events
            if e.type in ("probe_asked", "probe_closed")]
    again = [(e.type, e.t, dict(e.data)) for e in recompute(d.events)
             if e.type in ("probe_asked", "probe_closed")]
    assert live and live == again


def test_a_tick_made_by_hand_is_input_kept_by_replay_and_report() -> None:
    from tui.core.debrief.report import build_report

    d = Driver(netflix()).start().wait(2)
    d.session.emit("checklist_ticked", phase="requirements", item="consistency", source="user",
                   evidence="")
    d.say("what p99 latency do we need")
    coach_ticks = [dict(e.data) for e in recompute(d.events) if e.type == "checklist_ticked"]
    assert [t["item"] for t in coach_ticks] == ["latency"]
    report = build_report(d.events)
    covered = {i.id: i.source for i in report.dimensions if i.covered}
    assert covered == {"consistency": "user", "latency": "speech"}
