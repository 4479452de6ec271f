"""Read-only lookups the public pages need beyond the services' own answers: certificates of
several providers at once, a certificate's scores by category, the grade names in use.

Certificates are always the records `registry.certificates.service.summary` makes, so a
page shows exactly what `GET /api/v1/certificates/...` answers. Scores by category come from
the filed assessment whose report digest the certificate carries, and only those: findings,
notes and non-conformities stay private, as they are in the API.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Final

from api.web.render.pdf import CategoryLine, Scope
from registry import providers
from registry.certificates import service as certificates
from registry.certificates.records import CertificateDetail, CertificateSummary
from registry.certificates.tables import CertificateEventRow, CertificateRow
from registry.db.cache import Region, read_cache
from registry.errors import NotFoundError
from registry.standards import service as standards

STATUS_ORDER: Final = ("valid", "suspended", "expired", "revoked")


async def all_certificates() -> list[CertificateSummary]:
    """Every certificate's summary, newest first (the register is small enough to hold)."""
    rows = await CertificateRow.select().order_by(CertificateRow.issued_at, ascending=False)
    return [certificates.summary(row) for row in rows]


async def certificates_of(provider_ids: Iterable[str]) -> dict[str, list[CertificateSummary]]:
    """Summaries per provider, newest first, in one query for a whole page of results."""
    ids = sorted(set(provider_ids))
    found: dict[str, list[CertificateSummary]] = {pid: [] for pid in ids}
    if not ids:
        return found
    rows = (
        await CertificateRow.select()
        .where(CertificateRow.provider_id.is_in(ids))
        .order_by(CertificateRow.issued_at, ascending=False)
    )
    for row in rows:
        found[row["provider_id"]].append(certificates.summary(row))
    return found


async def certificates_in_detail(provider_id: str, limit: int = 200) -> list[CertificateDetail]:
    """A provider's certificates, newest first, with their histories: two queries."""
    rows = (
        await CertificateRow.select()
        .where(CertificateRow.provider_id == provider_id)
        .order_by(CertificateRow.issued_at, CertificateRow.id, ascending=False)
        .limit(limit)
    )
    return await certificates.details(rows)


def standing(items: Sequence[CertificateSummary]) -> CertificateSummary | None:
    """The certificate that best describes a provider today: a valid one (the best score
    first), else the most telling other state, else None (never certified)."""
    if not items:
        return None
    return min(
        items,
        key=lambda c: (STATUS_ORDER.index(c.status), -float(c.score), c.issued_at),
    )


@dataclass(frozen=True, slots=True)
class CertificateShown:
    """Everything a certificate's public page and its PDF show."""

    certificate: CertificateDetail
    provider: dict[str, Any]  # `registry.providers.public_view`
    categories: list[CategoryLine]  # scores by category, from the report it was issued on
    scope: Scope  # what it covers, as signed


# The certificate with its provider and the report it was issued on, in one query (the
# history is the second). Raw SQL: Piccolo joins only along foreign keys, and these tables
# are linked by public ids. Column names are fixed here; the one value is a parameter.
_SHOWN_SQL: Final = (
    "SELECT c.*, p.public_id AS p_public_id, p.legal_name AS p_legal_name,"
    " p.trading_names AS p_trading_names, p.country AS p_country,"
    " p.provider_types AS p_provider_types, p.corridors AS p_corridors,"
    " p.licences AS p_licences, p.registration_numbers AS p_registration_numbers,"
    " p.name_reason AS p_name_reason, p.created_at AS p_created_at,"
    " p.updated_at AS p_updated_at,"
    " a.report AS a_report"
    " FROM certificates c JOIN providers p ON p.public_id = c.provider_id"
    " LEFT JOIN assessments a ON a.application_id = c.application_id"
    " AND a.report_digest = c.report_digest"
    " WHERE c.{column} = {{}}"
)


async def certificate_shown(ref: str) -> CertificateShown:
    """The certificate named by `ref` (id or code) as its page shows it: two queries."""
    column, value = certificates.reference(ref)
    rows = await CertificateRow.raw(_SHOWN_SQL.format(column=column), value).run()
    if not rows:
        if column == "code":
            raise NotFoundError(f"no certificate has the code {value}")
        raise NotFoundError(f"certificate {value} does not exist")
    row = rows[0]
    provider = {k.removeprefix("p_"): v for k, v in row.items() if k.startswith("p_")}
    report = json.loads(row["a_report"]) if row["a_report"] else {}
    subject = json.loads(row["credential"]).get("credentialSubject", {})
    signed_scope = subject.get("scope", {})
    return CertificateShown(
        certificate=(await certificates.details([row]))[0],
        provider=providers.public_view(provider),
        categories=[
            CategoryLine(f"{c['category']} {c['name']}", c["score"])
            for c in report.get("categories", [])
        ],
        scope=Scope(
            tuple(signed_scope.get("providerType", [])), tuple(signed_scope.get("corridor", []))
        ),
    )


async def all_events() -> list[dict[str, Any]]:
    """Every certificate event, oldest first: the statistics over time replay them."""
    rows = await CertificateEventRow.select().order_by(CertificateEventRow.id)
    return list(rows)


# Read by every search page and filter check; changes only when a standard is published.
_grade_names: Region[None, list[str]] = read_cache.region("web.grade_names", size=1, volatile=True)


async def grade_names() -> list[str]:
    """The grade names of every published or retired version, highest first."""

    async def read() -> list[str]:
        names: dict[str, float] = {}
        for summary in await standards.list_versions():
            body = await standards.get_version(summary.slug, summary.version)
            for grade in body["rule_set"].get("grades", []):
                names[grade["name"]] = max(names.get(grade["name"], 0), grade["min_score"])
        return sorted(names, key=lambda name: -names[name])

    # No narrow topic: only standards change it, and their writes invalidate everything.
    return await read_cache.remembered(_grade_names, None, read, depends_on=lambda _: frozenset())


async def certificates_of_all() -> dict[str, list[CertificateSummary]]:
    """Every provider's certificates, newest first: for filtering by standing."""
    found: dict[str, list[CertificateSummary]] = {}
    for summary in await all_certificates():
        found.setdefault(summary.provider.id, []).append(summary)
    return found
