"""History helpers: sparklines and trends."""

from __future__ import annotations

from tui.core.debrief.history import BARS, sparkline, trend


def test_sparkline_scales_from_zero_to_the_largest() -> None:
    assert sparkline([]) == ""
    assert sparkline([0, 0]) == BARS[0] * 2
    assert sparkline([10, 5, 0]) == BARS[-1] + BARS[4] + BARS[0]
    assert len(sparkline([1.5] * 7)) == 7


def test_trend_first_latest_mean() -> None:
    t = trend("walkthrough", [1200, 900, 960])
    assert (t.first, t.latest, t.mean) == (1200.0, 960.0, 1020.0)
    assert t.values == (1200.0, 900.0, 960.0) and len(t.spark) == 3
    empty = trend("x", [])
    assert (empty.first, empty.latest, empty.mean, empty.spark) == (0.0, 0.0, 0.0, "")
