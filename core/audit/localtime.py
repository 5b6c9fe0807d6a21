"""Times are stored in UTC (naive, see ``db.utcnow``); pages show and filter
them in Beijing time, UTC+8 all year (China keeps no daylight saving time)."""
from __future__ import annotations

import datetime as dt

OFFSET = dt.timedelta(hours=8)


def to_local(value: dt.datetime | None) -> dt.datetime | None:
    return None if value is None else value + OFFSET


def show(value: dt.datetime | None) -> str:
    """``2026-11-22 09:30:05`` in Beijing time, or an empty string."""
    local = to_local(value)
    return "" if local is None else local.strftime("%Y-%m-%d %H:%M:%S")


def show_minutes(value: dt.datetime | None) -> str:
    """``2026-11-22 09:30`` in Beijing time, or an empty string."""
    local = to_local(value)
    return "" if local is None else local.strftime("%Y-%m-%d %H:%M")


def day_start_utc(day: dt.date) -> dt.datetime:
    """The UTC instant at which the Beijing calendar day ``day`` begins."""
    return dt.datetime.combine(day, dt.time()) - OFFSET
