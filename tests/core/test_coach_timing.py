"""over_time, rushed and skipped, on a fake clock."""

from __future__ import annotations

from tests.core.coach_helpers import Driver, tiny_layout
from tui.core.config.layouts import Layout, parse_layout


def test_over_time_at_max_then_again_after_next_minimum() -> None:
    d = Driver(tiny_layout()).start()  # requirements 2-3m, next phase framing min 1m
    d.at(180.0)
    assert d.flags("over_time") == []  # exactly at max is not over
    d.at(182.0)
    assert d.flags("over_time") == [("over_time", "requirements")]
    d.at(239.0)
    assert len(d.flags("over_time")) == 1
    d.at(242.0)
    assert d.flags("over_time") == [("over_time", "requirements")] * 2
    severities = [f.severity for f in d.session.state.flags if f.code == "over_time"]
    assert severities == ["warn", "serious"]
    d.at(600.0)
    assert len(d.flags("over_time")) == 2  # never a third time


def test_over_time_ignores_paused_time() -> None:
    d = Driver(tiny_layout()).start()
    d.at(100.0).pause().at(400.0)
    assert d.flags("over_time") == []
    d.start().at(479.0)  # 100 s + 79 s = 179 s used
    assert d.flags("over_time") == []


def test_rushed_when_leaving_before_min_but_not_at_min() -> None:
    d = Driver(tiny_layout()).start().at(119.0).next()
    assert d.flags("rushed") == [("rushed", "requirements")]
    d = Driver(tiny_layout()).start().at(120.0).next()
    assert d.flags("rushed") == []


def test_going_back_is_not_rushing_and_round_end_checks_current() -> None:
    d = Driver(tiny_layout()).start().at(130.0).next().at(140.0).jump("requirements")
    assert d.flags("rushed") == []  # left framing backwards
    d.at(150.0).end()
    assert d.flags("rushed") == []  # requirements has 140 s >= 120 s
    d2 = Driver(tiny_layout()).start().at(60.0).end()
    assert ("rushed", "requirements") in d2.flags()


def test_skipped_when_jumping_over_and_at_round_end() -> None:
    d = Driver(tiny_layout()).start().at(130.0).jump("walkthrough")
    assert d.flags("skipped") == [("skipped", "framing")]
    d.at(400.0).end()
    assert d.flags("skipped") == [("skipped", "framing"), ("skipped", "resilience")]
    assert all(f.severity == "serious" for f in d.session.state.flags if f.code == "skipped")


def test_no_skip_when_every_phase_is_visited() -> None:
    d = Driver(tiny_layout()).start()
    for t in (125.0, 190.0, 440.0):
        d.at(t).next()
    d.at(510.0).end()
    assert d.flags("skipped") == []
    assert d.flags("rushed") == []
    assert d.flags("over_time") == []


def _two_rounds() -> Layout:
    """Two one-phase rounds with a break (1-2 minutes each) between them."""
    return parse_layout({
        "id": "two", "title": "Two", "description": "", "total": "10m", "phases": [
            {"id": "a", "title": "A", "role": "requirements", "min": "1m", "max": "2m",
             "goal": "g"},
            {"id": "pause", "title": "Pause", "role": "break", "min": "1m", "max": "2m",
             "goal": "g"},
            {"id": "b", "title": "B", "role": "requirements", "min": "1m", "max": "2m",
             "goal": "g"},
        ]})


def test_break_phases_are_not_skipped_or_rushed() -> None:
    layout = _two_rounds()
    d = Driver(layout).start().at(70.0).next().at(75.0).next().at(140.0).end()
    assert d.flags("rushed") == []
    d = Driver(layout).start().at(70.0).jump("b").at(140.0).end()
    assert d.flags("skipped") == []


def _verdicts(d: Driver) -> dict[str, tuple[object, ...]]:
    """Each phase as every output shows it: the phase bar (the tracker), the flags, the
    debrief's table and JSON row, the timeline's lane and the export without a coach replay."""
    from tui.core.debrief.export import render_markdown
    from tui.core.debrief.render import phase_result
    from tui.core.debrief.report import build_report

    state = d.session.state
    report = build_report(d.events)
    assert report.timeline is not None
    lanes = {lane.phase: lane.result for lane in report.timeline.lanes}
    fallback = render_markdown(state, transcript=False)
    out: dict[str, tuple[object, ...]] = {}
    for row in report.phases:
        flagged = tuple(sorted(code for code, phase in d.flags() if phase == row.id
                               and code in ("rushed", "skipped")))
        bar = (state.phases.skipped(row.id), state.phases.rushed(row.id, state.last_t))
        table = phase_result(row)
        assert f"| {row.title} |" in fallback and f"| {table} |" in fallback
        out[row.id] = (bar, (row.skipped, row.rushed), flagged, table, lanes[row.id])
    return out


def test_a_break_phase_reads_the_same_everywhere() -> None:
    layout = _two_rounds()
    # Passed by: the break is never "skipped" (not on the bar, not flagged, not in any table);
    # a non-exempt phase passed by is skipped everywhere.
    d = Driver(layout).start().at(70.0).jump("b").at(140.0).end()
    verdicts = _verdicts(d)
    assert verdicts["pause"] == ((False, False), (False, False), (), "not reached",
                                 "not reached")
    d = Driver(layout).start().at(70.0).jump("pause").at(140.0).end()
    assert _verdicts(d)["b"] == ((True, False), (True, False), ("skipped",), "skipped",
                                 "skipped")
    # Cut short: the break is never "rushed"; a non-exempt phase cut short is rushed everywhere.
    d = Driver(layout).start().at(70.0).next().at(75.0).next().at(80.0).end()
    verdicts = _verdicts(d)
    assert verdicts["pause"] == ((False, False), (False, False), (), "under the minimum",
                                 "short")
    assert verdicts["b"] == ((False, True), (False, True), ("rushed",),
                             "under the minimum, rushed", "rushed")


def test_a_layouts_own_exempt_roles_hold_for_the_flags_and_the_table() -> None:
    # The tiny layout says requirements may be cut short and framing passed by: neither is
    # flagged, and neither reads rushed or skipped anywhere; walkthrough still is.
    layout = tiny_layout({"rushed": {"exempt_roles": ["requirements", "walkthrough"]},
                          "skipped": {"exempt_roles": ["framing"]}})
    d = Driver(layout).start().at(30.0).jump("walkthrough").at(40.0).end()
    assert d.flags("rushed") == [] and d.flags("skipped") == [("skipped", "resilience")]
    verdicts = _verdicts(d)
    assert verdicts["requirements"][:4] == ((False, False), (False, False), (),
                                            "under the minimum")
    assert verdicts["framing"][:4] == ((False, False), (False, False), (), "not reached")
    assert verdicts["resilience"][:4] == ((True, False), (True, False), ("skipped",), "skipped")
