"""Matching a supplier list to the register's providers (pure: the caller hands in the
facts; `registry.watchlists.lookup` gathers them from the database).

Each row is tried in order of how much a match can be trusted, and the first rule that
names anything decides:

1. **certificate code** (read as `registry.certificates.codes` reads codes): the provider
   holding that certificate. If the row's country contradicts the provider's, the match is
   doubtful: a code copied onto the wrong line is a common slip.
2. **licence number + country** (numbers compared in the compact form of
   `registry.search_terms.identifier_key`): one provider -> matched; several -> doubtful.
3. **name + country** (names in the search form of `registry.countries.normalise_name`,
   common legal-form words such as `inc`, `ltd` or `pvt` set aside): one provider whose
   legal or trading name is equal -> matched; names one small typo apart, or a name found
   inside another, -> doubtful, with the candidates to choose from.

Anything else is `not_found`: not in the registry (or not recognisably so).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Final

from registry import countries as cc
from registry import search_terms as st
from registry.certificates.codes import normalise_code
from registry.watchlists.suppliers import SupplierRow

MAX_CANDIDATES: Final = 5
# Legal-form words that say nothing about which company it is ("Acme Inc" is "Acme Ltd.").
LEGAL_FORMS: Final = frozenset(
    [
        "inc",
        "incorporated",
        "ltd",
        "limited",
        "llc",
        "plc",
        "pvt",
        "private",
        "co",
        "company",
        "corp",
        "corporation",
        "sa",
        "sas",
        "sarl",
        "gmbh",
        "ag",
        "bv",
        "nv",
        "srl",
        "spa",
        "pte",
        "pty",
        "the",
        "and",
        "of",
    ]
)


class Outcome(StrEnum):
    MATCHED = "matched"
    DOUBTFUL = "doubtful"
    NOT_FOUND = "not_found"


@dataclass(frozen=True, slots=True)
class ProviderFacts:
    """What matching needs of one provider: public facts only."""

    id: str  # RMP-...
    legal_name: str
    country: str  # alpha-2
    trading_names: tuple[str, ...] = ()
    licences: tuple[tuple[str, str], ...] = ()  # (country, number) as registered


@dataclass(frozen=True, slots=True)
class Facts:
    """The register as far as one list needs it."""

    providers: Mapping[str, ProviderFacts]  # by registry id
    codes: Mapping[str, str]  # certificate code -> provider id


@dataclass(frozen=True, slots=True)
class Match:
    row: SupplierRow
    outcome: Outcome
    provider_id: str | None  # matched: the provider; doubtful: the best candidate
    rule: str  # "certificate code", "licence number", "name", or "" when not found
    candidates: tuple[str, ...] = ()  # doubtful: the providers to choose from, best first
    note: str = ""  # why it is doubtful, or what the row's own values did not find
    certificate_code: str | None = None  # the row's code, normalised, when it names one


def name_key(name: str) -> str:
    """A name as compared: search form, legal-form words left out (unless that is all)."""
    words = cc.normalise_name(name).split()
    kept = [w for w in words if w not in LEGAL_FORMS]
    return " ".join(kept or words)


def country_of(text: str) -> str | None:
    """The alpha-2 code a row's country names (a code or a name), or None."""
    if not text:
        return None
    return cc.country_names().get(cc.normalise_name(text))


@dataclass(slots=True)
class _Index:
    by_licence: dict[tuple[str, str], list[str]] = field(default_factory=dict)
    by_name: dict[tuple[str, str], list[str]] = field(default_factory=dict)
    names_in: dict[str, list[tuple[str, str]]] = field(default_factory=dict)  # country ->


def _index(providers: Iterable[ProviderFacts]) -> _Index:
    index = _Index()
    for p in providers:
        for country, number in p.licences:
            key = (country, st.identifier_key(number))
            index.by_licence.setdefault(key, []).append(p.id)
        for name in {name_key(n) for n in (p.legal_name, *p.trading_names) if n.strip()}:
            index.by_name.setdefault((p.country, name), []).append(p.id)
            index.names_in.setdefault(p.country, []).append((name, p.id))
    return index


def _near(key: str, names: Sequence[tuple[str, str]]) -> list[str]:
    """Providers whose name is one small typo from `key`, or contains it as whole words
    (or is contained in it): worth a person's look, never a match on their own."""
    found: list[str] = []
    padded = f" {key} "
    for name, provider_id in names:
        if provider_id in found:
            continue
        typo = len(key) >= st.TYPO_MIN and st.one_edit_apart(key, name)
        inside = (
            len(key) >= 4 and len(name) >= 4 and (f" {name} " in padded or padded in f" {name} ")
        )
        if typo or inside:
            found.append(provider_id)
    return found[:MAX_CANDIDATES]


def _by_code(row: SupplierRow, code: str, facts: Facts, country: str | None) -> Match | None:
    provider_id = facts.codes.get(code)
    if provider_id is None:
        return None
    provider = facts.providers.get(provider_id)
    if country and provider is not None and provider.country != country:
        return Match(
            row, Outcome.DOUBTFUL, provider_id, "certificate code", (provider_id,),
            f"the certificate belongs to a provider of {provider.country}, not {country}", code,
        )  # fmt: skip
    return Match(row, Outcome.MATCHED, provider_id, "certificate code", certificate_code=code)


def match_all(rows: Sequence[SupplierRow], facts: Facts) -> list[Match]:
    """Every row's match, in the rows' order."""
    index = _index(facts.providers.values())
    return [_match(row, facts, index) for row in rows]


def match_one(row: SupplierRow, facts: Facts) -> Match:
    return _match(row, facts, _index(facts.providers.values()))


def _match(row: SupplierRow, facts: Facts, index: _Index) -> Match:
    country = country_of(row.country)
    code = normalise_code(row.certificate_code) if row.certificate_code else None
    notes: list[str] = []
    if code is not None:
        found = _by_code(row, code, facts, country)
        if found is not None:
            return found
        notes.append(f"no certificate has the code {code}")
    elif row.certificate_code:
        notes.append(f"{row.certificate_code!r} is not a certificate code (RM-XXXX-XXXX)")
    if row.country and country is None:
        notes.append(f"{row.country!r} is not a country the registry knows")
    if row.licence_number and country:
        ids = index.by_licence.get((country, st.identifier_key(row.licence_number)), [])
        ids = list(dict.fromkeys(ids))
        if len(ids) == 1:
            return Match(
                row, Outcome.MATCHED, ids[0], "licence number", note="; ".join(notes),
                certificate_code=code,
            )  # fmt: skip
        if ids:
            return Match(
                row, Outcome.DOUBTFUL, ids[0], "licence number", tuple(ids[:MAX_CANDIDATES]),
                "several providers hold this licence number", code,
            )  # fmt: skip
        notes.append("no provider holds this licence number in this country")
    if row.name and country:
        key = name_key(row.name)
        ids = list(dict.fromkeys(index.by_name.get((country, key), [])))
        if len(ids) == 1:
            return Match(row, Outcome.MATCHED, ids[0], "name", note="; ".join(notes),
                         certificate_code=code)  # fmt: skip
        if len(ids) > 1:
            return Match(
                row, Outcome.DOUBTFUL, ids[0], "name", tuple(ids[:MAX_CANDIDATES]),
                "several providers of this country have this name", code,
            )  # fmt: skip
        near = _near(key, index.names_in.get(country, []))
        if near:
            return Match(
                row, Outcome.DOUBTFUL, near[0], "name", tuple(near),
                "no provider has exactly this name; similar names found", code,
            )  # fmt: skip
    elif row.name and not country:
        notes.append("names are matched within a country: the row names none")
    return Match(row, Outcome.NOT_FOUND, None, "", note="; ".join(notes), certificate_code=code)
