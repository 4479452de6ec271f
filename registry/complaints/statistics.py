"""The public complaint figures of a provider, for the provider, certificate and statistics
pages: no personal data and no free text. `from_log` recomputes the counts from the public
transparency log alone, so anybody can check that no complaint was quietly buried."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from dataclasses import asdict, dataclass
from typing import Any

from registry import applications
from registry.accounts import Actor, Role
from registry.clock import iso_utc, utc_now
from registry.complaints import rules
from registry.complaints.records import (
    CategoryCount,
    PastComplaint,
    ProviderStatistics,
    RegistryStatistics,
)
from registry.complaints.tables import AppealRow, ComplaintRow, SpecialAuditRow, WorkforceRow
from registry.errors import NotFoundError
from registry.transparency.tables import LogEntryRow
from registry.trust.tlog_entries import parse_entry

_SUBSTANTIATED = frozenset(
    {rules.Outcome.SUBSTANTIATED.value, rules.Outcome.PARTLY_SUBSTANTIATED.value}
)
_CERTIFICATE_APPEALS = [rules.AppealSubject.SUSPENSION.value, rules.AppealSubject.REVOCATION.value]
_OPEN = frozenset(s.value for s in rules.OPEN_STATES)
_FIGURES = (
    ComplaintRow.state,
    ComplaintRow.outcome,
    ComplaintRow.categories,
    ComplaintRow.received_at,
    ComplaintRow.acknowledged_at,
    ComplaintRow.closed_at,
)


@dataclass(frozen=True)
class _Figures:
    received: int
    open: int
    substantiated_24_months: int
    median_days_to_acknowledge: float | None
    median_days_to_resolve: float | None


def _substantiated_since(row: dict[str, Any], since: dt.datetime) -> bool:
    return (
        row["outcome"] in _SUBSTANTIATED
        and row["closed_at"] is not None
        and row["closed_at"] >= since
    )


def _figures(rows: list[dict[str, Any]], now: dt.datetime) -> _Figures:
    since = now - dt.timedelta(days=rules.SUBSTANTIATED_WINDOW_DAYS)
    return _Figures(
        received=len(rows),
        open=sum(1 for r in rows if r["state"] in _OPEN),
        substantiated_24_months=sum(1 for r in rows if _substantiated_since(r, since)),
        median_days_to_acknowledge=rules.median_days(
            (r["received_at"], r["acknowledged_at"]) for r in rows if r["acknowledged_at"]
        ),
        median_days_to_resolve=rules.median_days(
            (r["received_at"], r["closed_at"]) for r in rows if r["closed_at"] is not None
        ),
    )


async def provider_statistics(
    provider_id: str, *, now: dt.datetime | None = None
) -> ProviderStatistics:
    rows = await ComplaintRow.select(*_FIGURES).where(ComplaintRow.provider_id == provider_id)
    figures = _figures(rows, now or utc_now())
    workforce = (
        await WorkforceRow.select(WorkforceRow.workers_deployed)
        .where(WorkforceRow.provider_id == provider_id)
        .first()
    )
    workers = None if workforce is None else int(workforce["workers_deployed"])
    per_worker = None if not workers else round(figures.open / workers, 6)
    return ProviderStatistics(
        provider_id=provider_id,
        **asdict(figures),
        workers_deployed=workers,
        complainants_in_pending_cases_per_worker=per_worker,
        appeals_pending=await pending_certificate_appeals(provider_id),
    )


async def registry_statistics(*, now: dt.datetime | None = None) -> RegistryStatistics:
    """Every complaint in the registry, registered provider or not, counted alike."""
    now = now or utc_now()
    rows = await ComplaintRow.select(*_FIGURES)
    since = now - dt.timedelta(days=rules.SUBSTANTIATED_WINDOW_DAYS)
    received: Counter[str] = Counter()
    substantiated: Counter[str] = Counter()
    for row in rows:
        for category in json.loads(row["categories"]):
            received[category] += 1
            substantiated[category] += _substantiated_since(row, since)
    pending = await AppealRow.count().where(AppealRow.state == rules.AppealState.PENDING.value)
    return RegistryStatistics(
        **asdict(_figures(rows, now)),
        appeals_pending=pending,
        by_category=tuple(
            CategoryCount(category=rules.Category(c), received=n, substantiated=substantiated[c])
            for c, n in sorted(received.items(), key=lambda item: (-item[1], item[0]))
        ),
    )


async def provider_history(provider_id: str) -> tuple[PastComplaint, ...]:
    """Every complaint about the provider, newest first, for the auditor who assesses it:
    the allegations and outcomes only (no contact, no description, no reference)."""
    rows = (
        await ComplaintRow.select(
            ComplaintRow.received_at,
            ComplaintRow.categories,
            ComplaintRow.country,
            ComplaintRow.corridor,
            ComplaintRow.workers_affected,
            ComplaintRow.state,
            ComplaintRow.outcome,
            ComplaintRow.closed_at,
        )
        .where(ComplaintRow.provider_id == provider_id)
        .order_by(ComplaintRow.received_at, ascending=False)
    )
    return tuple(
        PastComplaint(
            received_at=iso_utc(r["received_at"]),
            categories=tuple(rules.Category(c) for c in json.loads(r["categories"])),
            country=r["country"],
            corridor=r["corridor"],
            workers_affected=r["workers_affected"],
            state=rules.CaseState(r["state"]),
            outcome=None if r["outcome"] is None else rules.Outcome(r["outcome"]),
            closed_at=iso_utc(r["closed_at"]),
        )
        for r in rows
    )


async def history_for_application(
    application_id: str, actor: Actor
) -> tuple[str, tuple[PastComplaint, ...]]:
    """The provider's id and complaint history, for the secretariat, the auditor assigned to
    the application, or an auditor ordered to audit it specially; to anyone else the
    application does not exist."""
    application = await applications.get_application(application_id)
    allowed = await applications.visible_to(application, actor) or (
        actor.role is Role.AUDITOR
        and await SpecialAuditRow.exists().where(
            (SpecialAuditRow.application_id == application_id)
            & (SpecialAuditRow.auditor_id == actor.account_id)
        )
    )
    if not allowed:
        raise NotFoundError(f"application {application_id} does not exist")
    return application.provider_id, await provider_history(application.provider_id)


async def pending_certificate_appeals(provider_id: str) -> tuple[str, ...]:
    """Certificate ids of the provider with a suspension or revocation appeal pending."""
    rows = await AppealRow.select(AppealRow.target).where(
        (AppealRow.provider_id == provider_id)
        & AppealRow.subject.is_in(_CERTIFICATE_APPEALS)
        & (AppealRow.state == rules.AppealState.PENDING.value)
    )
    return tuple(sorted({r["target"] for r in rows}))


async def from_log(*, now: dt.datetime | None = None) -> dict[str, tuple[int, int, int]]:
    """Per provider subject, recomputed from the log entries alone: (received, open,
    substantiated in the last 24 months). Equal to `provider_statistics` for every provider
    by construction; a test holds it so."""
    now = now or utc_now()
    rows = (
        await LogEntryRow.select(LogEntryRow.entry)
        .where(LogEntryRow.kind.like("complaint.%"))
        .order_by(LogEntryRow.position)
    )
    counts = rules.tally(parse_entry(r["entry"]) for r in rows)
    since = now - dt.timedelta(days=rules.SUBSTANTIATED_WINDOW_DAYS)
    return {
        provider: (c.received, len(c.open), rules.substantiated_since(c, since))
        for provider, c in counts.items()
    }
