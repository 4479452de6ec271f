"""What an employer wants to know of a provider today, from public records only: the
certificate that best describes it, that certificate's status, grade and expiry, its open
corrective actions, and the provider's public complaint counts.

The same figures the provider's public page shows (`registry.complaints.statistics`,
`registry.corrective.queries.open_by_class`, `registry.certificates.service.summary`), so
a watchlist or a supplier-check report never says something the register does not.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Final

from msgspec import Struct

from registry.certificates import service as certificates
from registry.certificates.records import CertificateSummary
from registry.certificates.tables import CertificateRow
from registry.complaints import statistics
from registry.corrective import queries as corrective
from registry.db.tables import ProviderRow

STATUS_ORDER: Final = ("valid", "suspended", "expired", "revoked")
NOT_CERTIFIED: Final = "not certified"


class Standing(Struct, frozen=True, kw_only=True):
    provider_id: str
    provider_name: str
    country: str
    certificate_id: str | None
    certificate_code: str | None
    status: str  # valid | suspended | expired | revoked | not certified
    grade: str | None
    valid_until: str | None
    open_corrective_actions: int
    complaints_received: int
    complaints_open: int
    complaints_substantiated_24_months: int


def best(items: Sequence[CertificateSummary]) -> CertificateSummary | None:
    """The certificate that best describes a provider today: a valid one (the best score
    first), else the most telling other state (as `api.web.pages.data.standing`)."""
    if not items:
        return None
    return min(items, key=lambda c: (STATUS_ORDER.index(c.status), -float(c.score), c.issued_at))


async def _certificates(provider_ids: Sequence[str]) -> dict[str, list[CertificateSummary]]:
    found: dict[str, list[CertificateSummary]] = {pid: [] for pid in provider_ids}
    if provider_ids:
        rows = await CertificateRow.select().where(
            CertificateRow.provider_id.is_in(list(provider_ids))
        )
        for row in rows:
            found[row["provider_id"]].append(certificates.summary(row))
    return found


async def _names(provider_ids: Sequence[str]) -> dict[str, tuple[str, str]]:
    if not provider_ids:
        return {}
    rows = await ProviderRow.select(
        ProviderRow.public_id, ProviderRow.legal_name, ProviderRow.country
    ).where(ProviderRow.public_id.is_in(list(provider_ids)))
    return {r["public_id"]: (r["legal_name"], r["country"]) for r in rows}


async def _standing(
    provider_id: str, name: str, country: str, chosen: CertificateSummary | None
) -> Standing:
    complaints = await statistics.provider_statistics(provider_id)
    open_actions = (
        sum(c.open for c in await corrective.open_by_class(chosen.application_id))
        if chosen is not None
        else 0
    )
    return Standing(
        provider_id=provider_id,
        provider_name=name,
        country=country,
        certificate_id=chosen.id if chosen else None,
        certificate_code=chosen.code if chosen else None,
        status=chosen.status if chosen else NOT_CERTIFIED,
        grade=chosen.grade if chosen else None,
        valid_until=chosen.valid_until if chosen else None,
        open_corrective_actions=open_actions,
        complaints_received=complaints.received,
        complaints_open=complaints.open,
        complaints_substantiated_24_months=complaints.substantiated_24_months,
    )


async def of_providers(provider_ids: Iterable[str]) -> dict[str, Standing]:
    """Each existing provider's standing (unknown ids are left out)."""
    ids = sorted(set(provider_ids))
    names = await _names(ids)
    held = await _certificates(list(names))
    return {pid: await _standing(pid, *names[pid], best(held[pid])) for pid in ids if pid in names}


async def of_certificates(certificate_ids: Iterable[str]) -> dict[str, Standing]:
    """The standing of exactly these certificates (a watchlist entry for one certificate)."""
    ids = sorted(set(certificate_ids))
    if not ids:
        return {}
    rows = await CertificateRow.select().where(CertificateRow.public_id.is_in(ids))
    summaries = [certificates.summary(row) for row in rows]
    names = await _names([s.provider.id for s in summaries])
    return {
        s.id: await _standing(
            s.provider.id, *names.get(s.provider.id, (s.provider.legal_name, "")), s
        )
        for s in summaries
    }
