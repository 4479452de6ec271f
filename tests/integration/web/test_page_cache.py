"""Public pages and the certificate API kept rendered (issue 14): an `ETag` and a 304 on
`If-None-Match`, `Cache-Control: no-cache`, and a change seen by the next request in the
process that made it; private pages are never kept and carry no entity tag."""

from __future__ import annotations

import httpx

from registry.accounts import Role
from registry.certificates import service as certificates
from tests.integration.web.demo import Demo
from tests.support.http import bearer, make_account


async def _twice(client: httpx.AsyncClient, path: str) -> httpx.Response:
    first = await client.get(path)
    assert first.status_code == 200, first.text[:500]
    assert first.headers["cache-control"] == "no-cache"
    etag = first.headers["etag"]
    again = await client.get(path, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"] == etag
    weak = await client.get(path, headers={"If-None-Match": f'"other", W/{etag}'})
    assert weak.status_code == 304
    return first


async def test_certificate_page_and_api_answer_304_until_the_state_changes(seeded: Demo) -> None:
    code = seeded.code("valid", "gold")
    page = await _twice(seeded.client, f"/certificates/{code}")
    api = await _twice(seeded.client, f"/api/v1/certificates/{code}")
    assert api.json()["status"] == "valid"
    assert api.headers["content-type"].startswith("application/json")
    assert "content-security-policy" in page.headers
    await certificates.change_state(code, "suspend", "complaint under review", "secretariat")
    for path, before in ((f"/certificates/{code}", page), (f"/api/v1/certificates/{code}", api)):
        after = await seeded.client.get(path, headers={"If-None-Match": before.headers["etag"]})
        assert after.status_code == 200, path
        assert after.headers["etag"] != before.headers["etag"]
        assert "complaint under review" in after.text
    detail = (await seeded.client.get(f"/api/v1/certificates/{code}")).json()
    assert detail["status"] == "suspended"
    assert detail["history"][-1]["action"] == "suspended"


async def test_the_api_answer_is_the_record_as_before(seeded: Demo) -> None:
    found = seeded.one("revoked")
    by_id = (await seeded.client.get(f"/api/v1/certificates/{found['id']}")).json()
    by_code = (await seeded.client.get(f"/api/v1/certificates/{found['code'].lower()}")).json()
    assert by_id == by_code
    assert by_id["id"] == found["id"]
    assert by_id["status"] == "revoked"
    assert [e["action"] for e in by_id["history"]][-1] == "revoked"
    missing = await seeded.client.get("/api/v1/certificates/crt_doesnotexist")
    assert missing.status_code == 404
    assert "etag" not in missing.headers


async def test_a_provider_update_shows_at_once_on_its_page_and_in_search(seeded: Demo) -> None:
    found = seeded.one("valid", "gold")
    provider = found["provider"]["id"]
    word = found["provider"]["legal_name"].split()[0]
    search = await _twice(seeded.client, f"/?q={word}")
    page = await _twice(seeded.client, f"/providers/{provider}")
    home = await _twice(seeded.client, "/")
    secretariat = bearer(await make_account(Role.SECRETARIAT))
    changed = await seeded.client.patch(
        f"/api/v1/providers/{provider}",
        json={"legal_name": "Renamed Zanzibar Placement"},
        headers=secretariat,
    )
    assert changed.status_code == 200, changed.text
    for path, before in ((f"/providers/{provider}", page), ("/", home)):
        after = await seeded.client.get(path, headers={"If-None-Match": before.headers["etag"]})
        assert after.status_code == 200, path
        assert "Renamed Zanzibar Placement" in after.text
    gone = await seeded.client.get(f"/?q={word}", headers={"If-None-Match": search.headers["etag"]})
    assert gone.status_code == 200
    assert "Renamed Zanzibar Placement" not in gone.text
    found_again = await seeded.client.get("/?q=placement zanzibar")
    assert "Renamed Zanzibar Placement" in found_again.text


async def test_private_pages_are_never_kept(seeded: Demo) -> None:
    response = await seeded.client.get("/portal/sign-in")
    assert response.status_code == 200
    assert "etag" not in response.headers
    assert response.headers["cache-control"] == "private, no-store"
