"""Time as the whole registry records and prints it: aware UTC, ISO 8601 with a `Z`."""

from __future__ import annotations

import datetime as dt
from typing import overload


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@overload
def iso_utc(value: dt.datetime) -> str: ...
@overload
def iso_utc(value: None) -> None: ...
@overload
def iso_utc(value: dt.datetime | None) -> str | None: ...
def iso_utc(value: dt.datetime | None) -> str | None:
    """`2026-11-28T04:41:48.492231Z`; None stays None (e.g. a record never revoked)."""
    if value is None:
        return None
    return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def add_months(value: dt.datetime, months: int) -> dt.datetime:
    """The same day and time `months` later; the 31st becomes the month's last day."""
    month0 = value.month - 1 + months
    year, month = value.year + month0 // 12, month0 % 12 + 1
    last_day = (dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)).day
    return value.replace(year=year, month=month, day=min(value.day, last_day))


def whole_seconds(value: dt.datetime) -> dt.datetime:
    """`value` without its microseconds: what signed documents carry."""
    return value.replace(microsecond=0)
