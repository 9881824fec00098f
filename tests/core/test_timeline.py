"""The round's timeline: lanes in round time, windows, flags and silences at their moments."""

from __future__ import annotations

from tui.core.debrief.report import build_report, report_markdown
from tui.core.debrief.rows import FlagRow
from tui.core.debrief.timeline import LABEL, Lane, Timeline, draw, plain
from tui.core.session.clock import FakeClock
from tui.core.session.eventlog import read_log
from tui.core.session.session import Session


def test_lanes_show_each_phase_in_round_time_with_its_result(session: Session,
                                                             clock: FakeClock) -> None:
    tracker = session.state.phases
    clock.advance(30)  # before the round: not on the axis
    session.emit_all(tracker.start_or_resume())
    clock.advance(60)
    session.emit_all(tracker.next())  # Requirements rushed after 1 min
    clock.advance(120)
    session.emit_all(tracker.toggle())
    clock.advance(600)  # a 10 min break: not on the axis either
    session.emit_all(tracker.toggle())
    clock.advance(180)  # Framing: 5 min in all, in its 3-5 min window
    session.emit_all(tracker.next())
    clock.advance(60)
    session.emit_all(tracker.end("user"))
    session.close()
    report = build_report(read_log(session.log_path).events)
    timeline = report.timeline
    assert timeline is not None
    lanes = {lane.phase: lane for lane in timeline.lanes}
    assert lanes["requirements"].spans == ((0.0, 60.0),)
    assert lanes["framing"].spans == ((60.0, 360.0),)  # the pause is cut out, not drawn
    assert lanes["walkthrough"].spans == ((360.0, 420.0),)
    assert [lanes[p].result for p in ("requirements", "framing", "walkthrough", "deep_dive")] \
        == ["rushed", "ok", "rushed", "skipped"]  # as the phase tracker decides
    assert timeline.used_s == 420.0 and timeline.length_s == 3600.0
    text = "\n".join(report_markdown(report))
    assert "### Timeline" in text and "```text" in text


def test_drawing_places_bars_windows_flags_and_silences_by_time() -> None:
    lane = Lane("a", "Requirements", min_s=600, max_s=900, spent_s=300, spans=((0, 300),),
                result="rushed")
    over = Lane("b", "A very long phase title", min_s=60, max_s=120, spent_s=600,
                spans=((300, 900),), result="over")
    timeline = Timeline(length_s=1200, used_s=900, lanes=(lane, over),
                        flags=(FlagRow(300, "rushed", "a", "warn", "Rushed"),
                               FlagRow(305, "x", None, "serious", "X"),
                               FlagRow(900, "y", "b", "info", "Y")),
                        silences=((600, 720),), thinking_pause_s=8)
    lines = plain(draw(timeline, 80))
    cells = 80 - LABEL - 14 - 1  # 50 cells of 24 s each
    assert all(len(line) <= 80 for line in lines)
    axis, first, second, flags, silences = lines
    assert axis[LABEL:].startswith("0") and axis.rstrip().endswith("20m")
    bars = first[LABEL:LABEL + cells]
    assert bars[:13] == "█" * 13 and bars[13:25] == " " * 12  # ran 0-5 min, idle to 10 min
    assert bars[25:38] == "·" * 13  # its window, 10-15 min after it began
    assert first.endswith("5:00 rushed")
    assert second.startswith("A very long p…")
    row = second[LABEL:LABEL + cells]
    assert row[12:38].replace("│", "█") == "█" * 26 and row[17] == "│"  # max passed at 7 min
    marks = flags[LABEL:LABEL + cells]
    assert marks[12] == "✖"  # the serious one wins its cell over the warning
    assert marks[37] == "●" and flags.endswith("3 flags")
    shade = silences[LABEL:LABEL + cells]
    assert shade[25:30] == "░" * 5 and shade.count("░") == 5


def test_drawing_fits_narrow_and_wide_widths() -> None:
    lane = Lane("a", "Req", 60, 120, 90, ((0, 90),), "ok")
    timeline = Timeline(300, 90, (lane,), (), (), 8)
    for width in (40, 60, 100, 160):
        lines = plain(draw(timeline, width))
        assert max(len(line) for line in lines) <= max(width, LABEL + 20 + 15)
