"""What a search box's text means (registry.search_terms): pure, no database."""

from __future__ import annotations

import pytest

from registry import search_terms as st


@pytest.mark.parametrize(
    ("a", "b", "near"),
    [
        ("manpwer", "manpower", True),  # dropped
        ("manpoweer", "manpower", True),  # added
        ("dhoka", "dhaka", True),  # changed
        ("dhaak", "dhaka", True),  # neighbours swapped
        ("mnpwer", "manpower", False),  # two edits
        ("kathmandoo", "kathmandu", False),
        ("lahore", "lahore", True),
    ],
)
def test_one_edit_apart(a: str, b: str, near: bool) -> None:
    assert st.one_edit_apart(a, b) is near
    assert st.one_edit_apart(b, a) is near
    if near:  # the symmetric-deletion index would offer it
        assert st.deletion_variants(a) & st.deletion_variants(b)


def test_identifiers_compare_in_one_compact_form() -> None:
    assert st.identifier_key(" poea-123/lb.0312 ") == "POEA123LB0312"
    assert st.identifier_key("CPR 2019#42") == "CPR201942"
    assert st.provider_id_in("rmp-3rqd0z10") == "RMP-3RQD0Z10"
    assert st.provider_id_in("RMP 3RQD OZ1O") == "RMP-3RQD0Z10"  # O read as 0
    assert st.provider_id_in("RMP-3RQD0Z1") is None
    assert st.provider_id_in("manpower") is None


def test_countries_are_found_among_words() -> None:
    terms = st.terms("Manpower United Arab Emirates nepal NP")
    assert terms == [
        st.Term(("manpower",)),
        st.Term(("united", "arab", "emirates"), "AE"),
        st.Term(("nepal",), "NP"),
        st.Term(("np",), "NP"),
    ]
    assert st.country_by_typo("pakistn") == "PK"
    assert st.country_by_typo("nepl") is None  # four letters: typed right or not at all
