"""What the public pages say about who a provider is (issue 16, finding 1): a certified
provider's request to rename itself changes nothing public until approved; after approval the
provider page lists the former name and the certificate page the name it was issued to."""

from __future__ import annotations

import re

from registry.accounts import Role
from tests.integration.web.demo import Demo
from tests.support.http import bearer, make_account

CHANGES = "/api/v1/identity-changes"


async def _text(seeded: Demo, path: str) -> str:
    response = await seeded.client.get(path)
    assert response.status_code == 200, response.text
    return response.text


async def test_a_rename_shows_only_once_approved_and_keeps_the_issued_name(seeded: Demo) -> None:
    valid = seeded.one("valid", "gold")
    provider_id, issued_to = valid["provider"]["id"], valid["provider"]["legal_name"]
    own = bearer(await make_account(Role.PROVIDER, provider_id=provider_id))
    secretariat = bearer(await make_account(Role.SECRETARIAT))
    page = f"/certificates/{valid['code']}"
    asked = await seeded.client.patch(
        f"/api/v1/providers/{provider_id}",
        json={"legal_name": "Renamed Manpower Ltd", "explanation": "new owners"},
        headers=own,
    )
    assert asked.json()["identity_change"]["state"] == "pending"
    before = await _text(seeded, page)
    assert "Renamed Manpower" not in before
    assert "Issued to" not in before

    change = asked.json()["identity_change"]["id"]
    approved = await seeded.client.post(f"{CHANGES}/{change}/approve", json={}, headers=secretariat)
    assert approved.status_code == 200, approved.text
    after = await _text(seeded, page)
    assert "<bdi>Renamed Manpower Ltd</bdi>" in after
    issued = re.search(r"Issued to <strong><bdi>(.*?)</bdi></strong>", after)
    assert issued is not None
    assert issued.group(1) == issued_to.replace("&", "&amp;")
    provider_page = await _text(seeded, f"/providers/{provider_id}")
    assert "Formerly" in provider_page
    assert f"<bdi>{issued_to}</bdi>".replace("&", "&amp;") in provider_page


async def test_licences_say_how_far_they_were_checked(seeded: Demo) -> None:
    valid = seeded.one("valid", "gold")
    provider_id = valid["provider"]["id"]
    record = (await seeded.client.get(f"/api/v1/providers/{provider_id}")).json()
    licence = record["licences"][0]
    assert "Self-declared, not checked" in await _text(seeded, f"/providers/{provider_id}")
    secretariat = bearer(await make_account(Role.SECRETARIAT))
    checked = await seeded.client.post(
        f"/api/v1/providers/{provider_id}/licence-checks",
        json={
            "country": licence["country"],
            "number": licence["number"],
            "state": "checked_against_register",
            "source": "national register, online",
        },
        headers=secretariat,
    )
    assert checked.status_code == 200, checked.text
    page = await _text(seeded, f"/providers/{provider_id}")
    assert "Checked against the national register on" in page
    assert "national register, online" in page
