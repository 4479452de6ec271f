"""The numbers behind the statistics page, computed from the register as the search sees it.

A provider counts as *certified* when its standing certificate (`data.standing`) is valid.
Over time, the state of each certificate at the end of each month is replayed from its
validity dates and its history of suspensions, reinstatements and revocations, so a past
month shows what a verifier would have concluded then.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Final

from api.web.pages import data
from registry import provider_search
from registry.certificates.records import CertificateSummary
from registry.clock import utc_now

MONTHS: Final = 24
_STATE_AFTER: Final = {"suspended": "suspended", "reinstated": "active", "revoked": "revoked"}


@dataclass(frozen=True)
class Statistics:
    providers: int
    certified: int
    by_country: list[tuple[str, int]]
    by_corridor: list[tuple[str, int]]
    by_type: list[tuple[str, int]]
    by_grade: list[tuple[str, int]]
    by_status: list[tuple[str, int]]
    certified_by_month: list[tuple[str, int]]
    issued_by_month: list[tuple[str, int]]


def _ranked(counter: Counter[str]) -> list[tuple[str, int]]:
    return sorted(counter.items(), key=lambda item: (-item[1], item[0]))


async def _all_providers() -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    while True:
        chunk, total = await provider_search.search(limit=500, offset=len(found))
        found.extend(chunk)
        if not chunk or len(found) >= total:
            return found


def month_ends(now: dt.datetime, months: int = MONTHS) -> list[tuple[str, dt.datetime]]:
    """(label "2026-11", the instant the month ends, or `now` for the running month)."""
    out: list[tuple[str, dt.datetime]] = []
    year, month = now.year, now.month
    for _ in range(months):
        following = dt.datetime(year + month // 12, month % 12 + 1, 1, tzinfo=dt.UTC)
        out.append((f"{year:04d}-{month:02d}", min(following, now)))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return out[::-1]


def valid_at(
    certificate: CertificateSummary, events: Iterable[dict[str, Any]], at: dt.datetime
) -> bool:
    """Whether the certificate was valid at `at`: in its dates and active then."""
    start = dt.datetime.fromisoformat(certificate.valid_from)
    end = dt.datetime.fromisoformat(certificate.valid_until)
    if not start <= at < end:
        return False
    state = "active"
    for event in events:  # oldest first
        if event["at"] > at:
            break
        state = _STATE_AFTER.get(event["action"], state)
    return state == "active"


async def compute(now: dt.datetime | None = None) -> Statistics:
    now = now or utc_now()
    everyone = await _all_providers()
    owned = await data.certificates_of_all()
    history: dict[str, list[dict[str, Any]]] = {}
    for event in await data.all_events():
        history.setdefault(event["certificate_id"], []).append(event)
    country: Counter[str] = Counter()
    corridor: Counter[str] = Counter()
    kind: Counter[str] = Counter()
    grade: Counter[str] = Counter()
    status: Counter[str] = Counter()
    for provider in everyone:
        standing = data.standing(owned.get(provider["id"], []))
        status[standing.status if standing else "never certified"] += 1
        if standing is None or standing.status != "valid":
            continue
        country[provider["country"]] += 1
        corridor.update(provider["corridors"])
        kind.update(provider["provider_types"])
        grade[standing.grade] += 1
    certified_by_month: list[tuple[str, int]] = []
    issued_by_month: list[tuple[str, int]] = []
    for label, end in month_ends(now):
        holders = {
            pid
            for pid, items in owned.items()
            if any(valid_at(c, history.get(c.id, []), end) for c in items)
        }
        certified_by_month.append((label, len(holders)))
        issued = sum(1 for items in owned.values() for c in items if c.issued_at[:7] == label)
        issued_by_month.append((label, issued))
    return Statistics(
        providers=len(everyone),
        certified=status["valid"],
        by_country=_ranked(country),
        by_corridor=_ranked(corridor),
        by_type=_ranked(kind),
        by_grade=_ranked(grade),
        by_status=[(s, status[s]) for s in (*data.STATUS_ORDER, "never certified")],
        certified_by_month=certified_by_month,
        issued_by_month=issued_by_month,
    )
