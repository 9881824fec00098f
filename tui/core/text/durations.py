"""Parse and format durations such as "7m", "1h30m", "90s", "5m30s" or plain seconds."""

from __future__ import annotations

import re

_PART = re.compile(r"(\d+(?:\.\d+)?)\s*(h|m|s)")
_WHOLE = re.compile(r"^\s*(?:\d+(?:\.\d+)?\s*[hms]\s*)+$")


def parse_duration(value: object) -> float:
    """Return seconds for `value`: an int/float of seconds or a string like "5m30s".

    Raises ValueError with a short reason for anything else (negative, empty, bad unit, bool).
    """
    if isinstance(value, bool):
        raise ValueError("expected a duration like \"5m\" or a number of seconds, got a boolean")
    if isinstance(value, (int, float)):
        if value < 0:
            raise ValueError(f"duration {value!r} is negative")
        return float(value)
    if not isinstance(value, str):
        raise ValueError(f"expected a duration like \"5m\", got {type(value).__name__}")
    text = value.strip().lower()
    if not _WHOLE.match(text):
        raise ValueError(f"bad duration {value!r}: write it like \"90s\", \"7m\" or \"1h15m\"")
    factor = {"h": 3600.0, "m": 60.0, "s": 1.0}
    return sum(float(n) * factor[unit] for n, unit in _PART.findall(text))


def format_clock(seconds: float) -> str:
    """Format seconds as M:SS (or H:MM:SS past an hour); negatives get a leading minus."""
    sign = "-" if seconds < 0 else ""
    total = int(abs(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{sign}{hours}:{minutes:02d}:{secs:02d}"
    return f"{sign}{minutes}:{secs:02d}"


def format_minutes(seconds: float) -> str:
    """Format a budget compactly: 300 -> "5m", 330 -> "5m30s", 3600 -> "60m"."""
    total = int(round(seconds))
    minutes, secs = divmod(total, 60)
    if secs == 0:
        return f"{minutes}m"
    if minutes == 0:
        return f"{secs}s"
    return f"{minutes}m{secs:02d}s"
