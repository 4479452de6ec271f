"""The statistics over time: month ends, and a certificate's validity replayed from its
dates and its history of suspensions, reinstatements and revocations."""

from __future__ import annotations

import datetime as dt

from api.web.pages.statistics import month_ends, valid_at
from tests.support.certificates import sample_certificate

UTC = dt.UTC
CERT = sample_certificate(valid_from="2026-01-10T00:00:00Z", valid_until="2029-01-10T00:00:00Z")


def _at(month: int, day: int) -> dt.datetime:
    return dt.datetime(2026, month, day, tzinfo=UTC)


def test_month_ends_run_up_to_now_across_a_year_boundary() -> None:
    now = dt.datetime(2026, 2, 15, 12, tzinfo=UTC)
    ends = month_ends(now, months=3)
    assert ends == [
        ("2025-12", dt.datetime(2026, 1, 1, tzinfo=UTC)),
        ("2026-01", dt.datetime(2026, 2, 1, tzinfo=UTC)),
        ("2026-02", now),
    ]


def test_validity_follows_dates_suspensions_and_revocation() -> None:
    events = [
        {"action": "issued", "at": _at(1, 10)},
        {"action": "suspended", "at": _at(3, 5)},
        {"action": "reinstated", "at": _at(4, 20)},
        {"action": "revoked", "at": _at(7, 1)},
    ]
    assert not valid_at(CERT, events, _at(1, 9))  # before it starts
    assert valid_at(CERT, events, _at(2, 1))
    assert not valid_at(CERT, events, _at(4, 1))  # suspended
    assert valid_at(CERT, events, _at(5, 1))  # reinstated
    assert not valid_at(CERT, events, _at(8, 1))  # revoked for good
    assert not valid_at(CERT, [], dt.datetime(2029, 2, 1, tzinfo=UTC))  # expired
