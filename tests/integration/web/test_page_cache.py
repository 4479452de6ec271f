"""Public pages and the certificate API kept rendered (issue 14): an `ETag` and a 304 on
`If-None-Match`, `Cache-Control: no-cache`, and a change seen by the next request in the
process that made it; private pages are never kept and carry no entity tag."""

from __future__ import annotations

import hashlib

import httpx

from registry.accounts import Role
from registry.certificates import service as certificates
from registry.db.cache import read_cache
from registry.settings import get_settings
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
        json={"legal_name": "Renamed Zanzibar Placement", "explanation": "court order"},
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


async def test_a_suspension_drops_only_what_shows_that_certificate(seeded: Demo) -> None:
    """Pages are kept by what they depend on: a suspension drops the certificate's own page
    and answer, its provider's page, the searches that list that provider and those filtered
    by status; another provider's pages stay as rendered (the same object)."""
    found = seeded.one("valid", "gold")
    other = next(c for c in seeded.certificates if c["provider"]["id"] != found["provider"]["id"])
    word = found["provider"]["legal_name"].split()[0]
    paths = {
        "page": f"/certificates/{found['code']}",
        "api": f"/api/v1/certificates/{found['code']}",
        "provider": f"/providers/{found['provider']['id']}",
        "search": f"/?q={word}",
        "filtered": "/?status=valid",
        "other page": f"/certificates/{other['code']}",
        "other api": f"/api/v1/certificates/{other['code']}",
        "other provider": f"/providers/{other['provider']['id']}",
    }
    before = {name: await seeded.client.get(path) for name, path in paths.items()}
    kept = {  # rendered answers are kept per language (api.i18n): English here
        "web.certificate_pages": ("en", other["code"]),
        "web.provider_pages": ("en", other["provider"]["id"]),
        "http.certificate_details": ("en", other["code"]),
    }
    rendered = {region: read_cache.regions[region].get(key) for region, key in kept.items()}
    assert None not in rendered.values()
    await certificates.change_state(found["code"], "suspend", "fees charged", "secretariat")
    for region, key in kept.items():  # not rebuilt: still the very same objects
        assert read_cache.regions[region].get(key) is rendered[region], region
    after = {
        name: await seeded.client.get(path, headers={"If-None-Match": before[name].headers["etag"]})
        for name, path in paths.items()
    }
    changed = {name for name, response in after.items() if response.status_code == 200}
    assert changed == {"page", "api", "provider", "search", "filtered"}
    assert {after[name].status_code for name in paths.keys() - changed} == {304}
    assert "fees charged" in after["page"].text
    assert after["api"].json()["status"] == "suspended"


async def test_a_suspension_keeps_the_verdicts_on_other_certificates(seeded: Demo) -> None:
    """A verdict depends on its own certificate's state: suspending one certificate drops
    its remembered verdicts and no other."""
    valid = [c for c in seeded.certificates if c["status"] == "valid"][:2]
    bodies = []
    for found in valid:
        response = await seeded.client.get(found["url"].removeprefix(get_settings().public_url))
        bodies.append(response.content)
    verdicts = read_cache.regions["verify.verdicts"]
    for body in bodies:
        answer = await seeded.client.post("/api/v1/verify", content=body)
        assert answer.json()["status"] == "valid"
    kept = verdicts.get(hashlib.sha256(bodies[1]).digest())
    assert kept is not None
    await certificates.change_state(valid[0]["code"], "suspend", "passports kept", "secretariat")
    assert verdicts.get(hashlib.sha256(bodies[0]).digest()) is None
    assert verdicts.get(hashlib.sha256(bodies[1]).digest()) is kept
    suspended = (await seeded.client.post("/api/v1/verify", content=bodies[0])).json()
    assert suspended["status"] == "suspended"
    assert "passports kept" in suspended["reason"]
    assert (await seeded.client.post("/api/v1/verify", content=bodies[1])).json()["valid"]
