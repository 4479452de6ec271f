"""The register's facts a supplier list needs for matching (`registry.watchlists.matcher`),
in a handful of queries for the whole list: the certificates its codes name, the providers
holding its licence numbers (through the `provider_identifiers` index the search uses), and
the providers of the countries it names (for name matching)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from registry import search_terms as st
from registry.certificates.codes import normalise_code
from registry.certificates.tables import CertificateRow
from registry.db.tables import ProviderRow
from registry.watchlists.matcher import Facts, ProviderFacts, country_of
from registry.watchlists.suppliers import SupplierRow

_COLUMNS = (
    ProviderRow.id,
    ProviderRow.public_id,
    ProviderRow.legal_name,
    ProviderRow.trading_names,
    ProviderRow.country,
    ProviderRow.licences,
)


def _facts(row: dict[str, Any]) -> ProviderFacts:
    licences = json.loads(row["licences"] or "[]")
    return ProviderFacts(
        id=row["public_id"],
        legal_name=row["legal_name"],
        country=row["country"],
        trading_names=tuple(json.loads(row["trading_names"] or "[]")),
        licences=tuple((lic["country"], lic["number"]) for lic in licences),
    )


async def facts_for(rows: Sequence[SupplierRow]) -> Facts:
    codes = sorted(
        {c for r in rows if r.certificate_code and (c := normalise_code(r.certificate_code))}
    )
    keys = sorted({st.identifier_key(r.licence_number) for r in rows if r.licence_number})
    countries = sorted({c for r in rows if (c := country_of(r.country))})
    by_code: dict[str, str] = {}
    if codes:
        found = await CertificateRow.select(CertificateRow.code, CertificateRow.provider_id).where(
            CertificateRow.code.is_in(codes)
        )
        by_code = {r["code"]: r["provider_id"] for r in found}
    serials: set[int] = set()
    if keys:
        marks = ", ".join("{}" for _ in keys)
        # Only placeholders are formatted in; the values are parameters.
        sql = f"SELECT provider_id FROM provider_identifiers WHERE value IN ({marks})"  # noqa: S608
        hits = await ProviderRow.raw(sql, *keys)
        serials = {int(h["provider_id"]) for h in hits}
    providers: dict[str, ProviderFacts] = {}
    if countries:
        for row in await ProviderRow.select(*_COLUMNS).where(ProviderRow.country.is_in(countries)):
            providers[row["public_id"]] = _facts(row)
    wanted = set(by_code.values()) - set(providers)
    if wanted or serials:
        query = ProviderRow.select(*_COLUMNS)
        if wanted and serials:
            query = query.where(
                ProviderRow.public_id.is_in(sorted(wanted)) | ProviderRow.id.is_in(sorted(serials))
            )
        elif wanted:
            query = query.where(ProviderRow.public_id.is_in(sorted(wanted)))
        else:
            query = query.where(ProviderRow.id.is_in(sorted(serials)))
        for row in await query:
            providers[row["public_id"]] = _facts(row)
    return Facts(providers=providers, codes=by_code)
