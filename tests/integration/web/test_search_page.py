"""The search page finds what employers type and, for a filter that names nothing, answers
the page itself with what to type instead beside the field (issue 16), not a bare error."""

from __future__ import annotations

import html
import re

import pytest

from tests.integration.web.demo import Demo


def _names(body: str) -> list[str]:
    found = re.findall(r'<h3><a href="/providers/[^"]+"><bdi>([^<]+)</bdi></a></h3>', body)
    return [html.unescape(name) for name in found]


@pytest.mark.parametrize(
    ("params", "field", "says"),
    [
        (
            {"country": "Narnia"},
            "country",
            "No country called 'Narnia'. Try a name such as Nepal or a two-letter code such as NP",
        ),
        ({"country": "ZZ"}, "country", "No country called 'ZZ'"),
        ({"country": "Phillipines"}, "country", "Did you mean Philippines (PH)?"),
        ({"corridor": "Nepal-Narnia"}, "corridor", "e.g. PH-AE or Nepal-Qatar"),
        ({"corridor": "PH-PH"}, "corridor", "the same origin and destination"),
        ({"type": "pirate"}, "type", "'pirate' is not a provider type"),
        ({"status": "certified"}, "status", "'certified' is not one of"),
        ({"grade": "platinum"}, "grade", "'platinum' is not a grade"),
    ],
)
async def test_a_wrong_filter_is_explained_on_the_search_page(
    seeded: Demo, params: dict[str, str], field: str, says: str
) -> None:
    response = await seeded.client.get("/", params={"q": "manila", **params})
    assert response.status_code == 400
    body = response.text
    assert "<h1>Search the registry</h1>" in body  # the page itself, not the error page
    assert "Bad request" not in body
    assert says in html.unescape(body)
    assert f'aria-invalid="true" aria-describedby="{field}-error"' in body
    assert f'<p class="field-error" id="{field}-error">' in body
    assert 'value="manila"' in body  # what was typed stays in the form
    assert _names(body) == []


async def test_several_wrong_filters_are_all_explained(seeded: Demo) -> None:
    response = await seeded.client.get("/", params={"country": "Narnia", "type": "pirate"})
    assert response.status_code == 400
    assert 'id="country-error"' in response.text
    assert 'id="type-error"' in response.text


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"country": "Nepal"}, ["Kathmandu Fair Recruitment Pvt. Ltd."]),
        ({"country": "philippines"}, ["Manila Ethical Placement Corp."]),
        ({"corridor": "Nepal-Qatar"}, ["Kathmandu Fair Recruitment Pvt. Ltd."]),
        ({"q": "nepal"}, ["Kathmandu Fair Recruitment Pvt. Ltd."]),
        ({"q": "manpower pakistan"}, ["Lahore Manpower Agency"]),
    ],
)
async def test_countries_by_name_and_numbers_find(
    seeded: Demo, params: dict[str, str], expected: list[str]
) -> None:
    response = await seeded.client.get("/", params=params)
    assert response.status_code == 200, response.text
    assert _names(response.text) == expected


async def test_a_certificate_code_is_named_and_linked_first(seeded: Demo) -> None:
    code = seeded.code("valid", "gold")
    for typed in (code, code.lower().replace("-", " ")):
        response = await seeded.client.get("/", params={"q": typed})
        assert response.status_code == 200
        body = response.text
        assert _names(body) == ["Kathmandu Fair Recruitment Pvt. Ltd."]
        assert 'id="exact-match"' in body
        assert f'<a href="/certificates/{code}">Open certificate {code}</a>' in body


async def test_a_typo_finds_and_says_so(seeded: Demo) -> None:
    response = await seeded.client.get("/", params={"q": "Manpwer"})
    assert response.status_code == 200
    assert _names(response.text) == ["Lahore Manpower Agency"]
    assert 'id="typo-note"' in response.text
    assert "manpower" in response.text
    exact = await seeded.client.get("/", params={"q": "Manpower"})
    assert 'id="typo-note"' not in exact.text
