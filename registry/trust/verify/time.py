"""XML Schema dateTime values as the verification engine reads and prints them."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Final

from registry.trust.proofs import is_xsd_datetime

_FRACTION: Final = re.compile(r"(\.[0-9]+)")


def parse_datetime(value: object) -> datetime | None:
    """An aware datetime from an XML Schema dateTime string, or None if unusable.

    A value without a time zone is read as UTC (VC 2.0 recommends always giving one). Fractions
    beyond microseconds are truncated; years outside Python's range are unusable.
    """
    if not is_xsd_datetime(value):
        return None
    assert isinstance(value, str)
    text = value
    if "." in text:  # Python takes at most 6 fractional digits
        text = _FRACTION.sub(lambda m: m.group(1)[:7], text, count=1)
    try:
        if "T24:00:00" in text:
            return None  # legal XSD, never produced by the registry; refuse rather than guess
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=UTC)
    return parsed


def format_utc(when: datetime) -> str:
    """`2026-11-30T08:00:00Z`: how details print a time."""
    return when.astimezone(UTC).isoformat().replace("+00:00", "Z")
