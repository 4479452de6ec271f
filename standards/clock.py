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
