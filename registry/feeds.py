"""The public status feeds: certificate status changes read from the transparency log.

The log already records every public change of a certificate's state (`certificate.issued`,
`.suspended`, `.reinstated`, `.revoked`, `.expired`) with the certificate's id and code, in
the same transaction as the change, and an entry's index is its log index. So the feeds are
the log's certificate entries, newest first, joined to the certificates and providers they
name; there is no second store of events to drift from the log.

Pages are cut by log index, a cursor that never moves: `before=N` gives the entries below
index N, so a page read today holds the same entries tomorrow, whatever was appended since
(an offset would shift by one with every new change).

An entry carries the certificate's code, the provider's registry id and the name as
certified, the standard and grade, and the reason the certificate page's history shows for
that change; never anything the public pages do not show.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any, Final

import msgspec

from registry import countries, providers
from registry.certificates.tables import CertificateEventRow
from registry.clock import iso_utc
from registry.errors import NotFoundError
from registry.settings import get_settings
from registry.transparency.tables import LogEntryRow

# The log kinds a status feed shows, and the certificate history action each records.
KINDS: Final = {
    "certificate.issued": "issued",
    "certificate.suspended": "suspended",
    "certificate.reinstated": "reinstated",
    "certificate.revoked": "revoked",
    "certificate.expired": "expired",
}
PAGE_SIZE: Final = 50
MAX_CURSOR: Final = 2**40  # the log leaves room for 2**40 entries (registry.transparency.log)


class Scope(msgspec.Struct, frozen=True):
    """Which changes a feed shows: all of them, one provider's, or one country's (the
    country a provider is registered in)."""

    kind: str  # all | provider | country
    value: str = ""


EVERYTHING: Final = Scope("all")


class FeedEntry(msgspec.Struct, frozen=True, kw_only=True):
    log_index: int
    event: str  # issued | suspended | reinstated | revoked | expired
    at: str  # the change's time as the log entry records it (ISO 8601, UTC)
    certificate_id: str
    code: str
    provider_id: str
    provider_name: str  # the legal name as certified
    country: str  # the provider's country of registration
    standard: str
    grade: str
    reason: str | None  # as the certificate page's status history shows it


class FeedPage(msgspec.Struct, frozen=True, kw_only=True):
    scope: Scope
    title: str  # what the feed is about, e.g. the provider's name
    entries: tuple[FeedEntry, ...]
    before: int | None  # the cursor this page was read with
    next_before: int | None  # the cursor of the next (older) page; None on the last


async def resolve(scope: Scope) -> tuple[Scope, str]:
    """The scope with its value normalised, and its title; NotFoundError for a provider or
    country the registry does not know (answered 404)."""
    if scope.kind == "provider":
        if not countries.is_provider_id(scope.value):
            raise NotFoundError(f"provider {scope.value} does not exist")
        row = await providers.provider_row(scope.value)
        return scope, f"{row['legal_name']} ({row['public_id']})"
    if scope.kind == "country":
        try:
            code = countries.country(scope.value, field="country")
        except Exception as exc:  # not an assigned ISO 3166-1 code: no such feed
            raise NotFoundError(f"{scope.value!r} is not a country the registry knows") from exc
        return Scope("country", code), f"providers registered in {code}"
    return EVERYTHING, "every certificate"


def _certificate_of_entry() -> str:
    """SQL for the certificate id an entry names (`subject.certificate`), per engine."""
    if get_settings().is_postgres:
        return "(e.entry::jsonb -> 'subject' ->> 'certificate')"
    return "json_extract(e.entry, '$.subject.certificate')"


async def _rows(scope: Scope, before: int | None, limit: int) -> list[dict[str, Any]]:
    kinds = ", ".join(f"'{kind}'" for kind in KINDS)  # constants, not input
    where = [f"e.kind IN ({kinds})"]
    args: list[Any] = []
    if before is not None:
        where.append("e.position < {}")
        args.append(before)
    if scope.kind == "provider":
        where.append("c.provider_id = {}")
        args.append(scope.value)
    elif scope.kind == "country":
        where.append("p.country = {}")
        args.append(scope.value)
    # Newest first by index: the log's unique position index walks backwards and stops at
    # `limit` matches.
    # Constants and placeholders only: every value is a bound argument.
    sql = (
        "SELECT e.position AS position, e.kind AS kind, e.entry AS entry, "  # noqa: S608
        "c.public_id AS certificate_id, c.code AS code, c.provider_id AS provider_id, "
        "c.legal_name AS legal_name, c.standard AS standard, c.grade AS grade, "
        "p.country AS country "
        "FROM log_entries e "
        f"JOIN certificates c ON c.public_id = {_certificate_of_entry()} "
        "JOIN providers p ON p.public_id = c.provider_id "
        f"WHERE {' AND '.join(where)} "
        f"ORDER BY e.position DESC LIMIT {int(limit)}"
    )
    rows: list[dict[str, Any]] = await LogEntryRow.raw(sql, *args).run()
    return rows


def _when(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


async def _reasons(rows: list[dict[str, Any]]) -> dict[int, str | None]:
    """The history reason of each entry's change: the certificate's event of the same
    action nearest in time (an entry and its history row are written in one transaction,
    moments apart; the same action twice on one certificate is far apart)."""
    if not rows:
        return {}
    events = await (
        CertificateEventRow.select(
            CertificateEventRow.certificate_id,
            CertificateEventRow.action,
            CertificateEventRow.reason,
            CertificateEventRow.at,
        )
        .where(
            CertificateEventRow.certificate_id.is_in(sorted({r["certificate_id"] for r in rows}))
        )
        .where(CertificateEventRow.action.is_in(list(KINDS.values())))
        .run()
    )
    reasons: dict[int, str | None] = {}
    for row in rows:
        at = _when(json.loads(row["entry"])["at"])
        candidates = [
            e
            for e in events
            if e["certificate_id"] == row["certificate_id"] and e["action"] == KINDS[row["kind"]]
        ]
        if not candidates:
            reasons[row["position"]] = None
            continue
        nearest = min(candidates, key=lambda e: abs((e["at"] - at).total_seconds()))
        reasons[row["position"]] = nearest["reason"]
    return reasons


async def page(scope: Scope, before: int | None = None, size: int = PAGE_SIZE) -> FeedPage:
    """One page of a feed, newest first: the entries below log index `before` (all when
    None). NotFoundError for an unknown provider or country."""
    scope, title = await resolve(scope)
    rows = await _rows(scope, before, size + 1)
    more = len(rows) > size
    rows = rows[:size]
    reasons = await _reasons(rows)
    entries = tuple(
        FeedEntry(
            log_index=int(row["position"]),
            event=KINDS[row["kind"]],
            at=iso_utc(_when(json.loads(row["entry"])["at"])),
            certificate_id=row["certificate_id"],
            code=row["code"],
            provider_id=row["provider_id"],
            provider_name=row["legal_name"],
            country=row["country"],
            standard=row["standard"],
            grade=row["grade"],
            reason=reasons.get(row["position"]),
        )
        for row in rows
    )
    return FeedPage(
        scope=scope,
        title=title,
        entries=entries,
        before=before,
        next_before=entries[-1].log_index if more and entries else None,
    )
