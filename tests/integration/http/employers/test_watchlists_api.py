"""Watchlists over the API: an employer's own, with each entry's standing; another's is 404;
`watchers` and `items` answer what the notification outbox asks."""

from __future__ import annotations

import httpx

from registry import watchlists
from tests.integration.http.employers.conftest import employer_headers
from tests.support.certified import Certified
from tests.support.http import assert_problem
from tests.support.providers import Headers

W = "/api/v1/watchlists"


async def test_a_watchlist_lists_providers_and_certificates_with_their_standing(
    certified: Certified, employer: Headers
) -> None:
    client: httpx.AsyncClient = certified.client
    made = await client.post(W, json={"name": "Philippines"}, headers=employer)
    assert made.status_code == 201, made.text
    wl = made.json()["id"]
    code = certified.certificate["code"]
    by_code = await client.post(f"{W}/{wl}/items", json={"ref": code.lower()}, headers=employer)
    assert by_code.status_code == 201, by_code.text
    assert by_code.json()["certificate_id"] == certified.certificate["id"]
    other = certified.world.other_provider_id
    by_id = await client.post(f"{W}/{wl}/items", json={"ref": other}, headers=employer)
    assert by_id.status_code == 201, by_id.text
    again = await client.post(f"{W}/{wl}/items", json={"ref": other}, headers=employer)
    assert_problem(again, 409, "ref")
    bad = await client.post(f"{W}/{wl}/items", json={"ref": "hello"}, headers=employer)
    assert_problem(bad, 422, "ref")

    listed = (await client.get(f"{W}/{wl}", headers=employer)).json()
    standings = {i["provider_id"]: i["standing"] for i in listed["items"]}
    mine = standings[certified.world.provider_id]
    assert mine["status"] == "valid"
    assert mine["certificate_code"] == code
    assert mine["grade"] == certified.certificate["grade"]
    assert mine["valid_until"] == certified.certificate["valid_until"]
    assert standings[other]["status"] == "not certified"

    # what the outbox asks
    found = await watchlists.watchers(certified.certificate["id"], certified.world.provider_id)
    assert [(w.watchlist_id) for w in found] == [wl]
    assert await watchlists.watchers(None, other) == [
        watchlists.Watcher(account_id=found[0].account_id, watchlist_id=wl)
    ]
    assert await watchlists.items(wl) == ([other], [certified.certificate["id"]])

    # removal
    item = next(i["id"] for i in listed["items"] if i["provider_id"] == other)
    assert (await client.delete(f"{W}/{wl}/items/{item}", headers=employer)).status_code == 204
    assert await watchlists.watchers(None, other) == []


async def test_another_employers_watchlist_does_not_exist(
    certified: Certified, employer: Headers
) -> None:
    client = certified.client
    wl = (await client.post(W, json={"name": "Mine"}, headers=employer)).json()["id"]
    stranger = await employer_headers("Stranger")
    for method, url, body in (
        ("GET", f"{W}/{wl}", None),
        ("DELETE", f"{W}/{wl}", None),
        ("POST", f"{W}/{wl}/items", {"ref": certified.world.provider_id}),
    ):
        answer = await client.request(method, url, json=body, headers=stranger)
        assert_problem(answer, 404)
    assert (await client.get(W, headers=stranger)).json() == {"items": []}
    duplicate = await client.post(W, json={"name": " mine "}, headers=employer)
    assert_problem(duplicate, 409, "name")
    assert (await client.get(W, headers=certified.world.secretariat.headers)).status_code == 403


async def test_secretariat_creates_employer_accounts_with_an_email_only(
    client: httpx.AsyncClient, secretariat: Headers
) -> None:
    missing = await client.post(
        "/api/v1/accounts", json={"name": "B", "role": "employer"}, headers=secretariat
    )
    assert_problem(missing, 422, "email")
    bound = await client.post(
        "/api/v1/accounts",
        json={
            "name": "B",
            "role": "employer",
            "email": "b@example.org",
            "provider_id": "RMP-00000000",
        },
        headers=secretariat,
    )
    assert_problem(bound, 422, "provider_id")
    made = await client.post(
        "/api/v1/accounts",
        json={"name": "B", "role": "employer", "email": "b@example.org"},
        headers=secretariat,
    )
    assert made.status_code == 201, made.text
    assert made.json()["account"]["role"] == "employer"
    assert made.json()["account"]["provider_id"] is None
