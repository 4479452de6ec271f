"""Matching supplier rows to providers: code, then licence + country, then name + country."""

from __future__ import annotations

from registry.watchlists.matcher import Facts, Outcome, ProviderFacts, match_all, name_key
from registry.watchlists.suppliers import SupplierRow

A = ProviderFacts(
    id="RMP-AAAAAAAA",
    legal_name="Agência Núñez Manpower Inc.",
    country="PH",
    trading_names=("Nunez Jobs",),
    licences=(("PH", "POEA-123/LB"),),
)
B = ProviderFacts(id="RMP-BBBBBBBB", legal_name="Himalaya Recruiters Pvt Ltd", country="NP")
C = ProviderFacts(
    id="RMP-CCCCCCCC", legal_name="Himalaya Recruiters", country="NP", licences=(("NP", "77"),)
)
D = ProviderFacts(id="RMP-DDDDDDDD", legal_name="Other Co", country="NP", licences=(("NP", "77"),))
FACTS = Facts(
    providers={p.id: p for p in (A, B, C, D)},
    codes={"RM-7K3Q-9XPD": A.id},
)


def row(name: str = "", country: str = "", licence: str = "", code: str = "") -> SupplierRow:
    return SupplierRow(
        line=1, name=name, country=country, licence_number=licence, certificate_code=code
    )


def one(r: SupplierRow) -> tuple[Outcome, str | None, str]:
    (m,) = match_all([r], FACTS)
    return m.outcome, m.provider_id, m.rule


def test_code_first_typed_loosely() -> None:
    assert one(row(code="rm 7k3q-9xpd")) == (Outcome.MATCHED, A.id, "certificate code")


def test_code_with_a_contradicting_country_is_doubtful() -> None:
    assert one(row(code="RM-7K3Q-9XPD", country="NP"))[0] is Outcome.DOUBTFUL


def test_unknown_code_falls_back_to_the_licence() -> None:
    (m,) = match_all(
        [row(code="RM-0000-0000", licence="poea 123 lb", country="Philippines")], FACTS
    )
    assert (m.outcome, m.provider_id, m.rule) == (Outcome.MATCHED, A.id, "licence number")
    assert "no certificate has the code RM-0000-0000" in m.note


def test_a_shared_licence_is_doubtful_with_both_candidates() -> None:
    (m,) = match_all([row(licence="77", country="NP")], FACTS)
    assert m.outcome is Outcome.DOUBTFUL
    assert set(m.candidates) == {C.id, D.id}


def test_name_and_country_with_accents_and_legal_forms() -> None:
    assert one(row(name="AGENCIA NUNEZ MANPOWER, LTD", country="ph")) == (
        Outcome.MATCHED,
        A.id,
        "name",
    )
    assert one(row(name="Nunez Jobs", country="PH")) == (Outcome.MATCHED, A.id, "name")


def test_two_providers_with_one_name_are_doubtful() -> None:
    # "Himalaya Recruiters Pvt Ltd" and "Himalaya Recruiters" are one name once legal forms go
    assert one(row(name="Himalaya Recruiters", country="NP"))[0] is Outcome.DOUBTFUL


def test_a_typo_or_a_partial_name_is_doubtful_never_matched() -> None:
    assert one(row(name="Agencia Nunez Manpowr", country="PH"))[:2] == (Outcome.DOUBTFUL, A.id)
    assert one(row(name="Nunez Manpower", country="PH"))[:2] == (Outcome.DOUBTFUL, A.id)


def test_a_name_in_the_wrong_country_or_no_country_is_not_found() -> None:
    assert one(row(name="Agencia Nunez Manpower", country="NP"))[0] is Outcome.NOT_FOUND
    (m,) = match_all([row(name="Agencia Nunez Manpower")], FACTS)
    assert m.outcome is Outcome.NOT_FOUND
    assert "within a country" in m.note


def test_unknown_country_and_bad_code_are_explained() -> None:
    (m,) = match_all([row(name="X", country="Atlantis", code="hello")], FACTS)
    assert m.outcome is Outcome.NOT_FOUND
    assert "not a certificate code" in m.note
    assert "Atlantis" in m.note


def test_name_key() -> None:
    assert name_key("The Acme Co., Ltd.") == "acme"
    assert name_key("Limited") == "limited"  # all legal forms: kept rather than emptied
