"""Start times from the log shown in local time."""

from __future__ import annotations

from datetime import timedelta, timezone

from tui.core.text.walltime import format_local_time, parse_wall

PLUS_TWO = timezone(timedelta(hours=2))


def test_log_stamps_read_in_local_time_to_the_minute() -> None:
    assert format_local_time("2026-11-30T05:25:43.389Z", PLUS_TWO) == "2026-11-30 07:25"
    assert format_local_time("2026-11-30T23:59:00.000Z", PLUS_TWO) == "2026-12-01 01:59"
    assert format_local_time("2026-11-30T05:25:43+01:00", timezone.utc) == "2026-11-30 04:25"
    assert format_local_time("2026-11-30T05:25:43", PLUS_TWO) == "2026-11-30 07:25"  # naive: UTC


def test_missing_or_odd_stamps_never_fail() -> None:
    assert format_local_time("") == "unknown" and format_local_time("  ") == "unknown"
    assert format_local_time("yesterday") == "yesterday"
    assert parse_wall("2026-13-40T00:00:00Z") is None


def test_default_is_the_machine_local_zone() -> None:
    shown = format_local_time("2026-11-30T05:25:43.389Z")
    assert len(shown) == 16 and shown[10] == " " and "T" not in shown and "Z" not in shown
