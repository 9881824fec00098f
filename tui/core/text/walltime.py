"""Wall-clock stamps from the log (UTC ISO) as a person reads them: local time, to the minute."""

from __future__ import annotations

from datetime import datetime, timezone, tzinfo

from tui.core.text.safe_text import clip, visible_line

#: How a start time reads on screen: "2026-11-30 07:25".
LOCAL_FORMAT = "%Y-%m-%d %H:%M"


def parse_wall(wall: str) -> datetime | None:
    """The aware datetime of an ISO stamp such as "2026-11-30T05:25:43.389Z" (naive stamps are
    taken as UTC); None for an empty or unreadable stamp."""
    text = wall.strip()
    if not text:
        return None
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    try:
        stamp = datetime.fromisoformat(text)
    except ValueError:
        return None
    return stamp if stamp.tzinfo else stamp.replace(tzinfo=timezone.utc)


def format_local_time(wall: str, tz: tzinfo | None = None) -> str:
    """`wall` (UTC ISO from the log) in local time (or `tz`), e.g. "2026-11-30 07:25".

    An empty stamp gives "unknown"; an unreadable one is returned as it is (inert, cut)."""
    stamp = parse_wall(wall)
    if stamp is None:
        return clip(visible_line(wall.strip()), 40) or "unknown"
    return stamp.astimezone(tz).strftime(LOCAL_FORMAT)
