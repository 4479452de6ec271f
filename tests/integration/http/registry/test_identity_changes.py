"""Who a provider is changes only as the secretariat approves (issue 16, finding 1).

A certified or applying provider asking to change its legal name, country, registration
numbers or licences makes a request; nothing public changes until the secretariat approves
it; an approved change is logged and leaves the old name public ("formerly"). Two providers
share a normalised legal name in one country only with the secretariat's reason."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from registry.accounts import Role
from registry.transparency.tables import LogEntryRow
from tests.support.http import assert_problem, bearer, make_account
from tests.support.providers import (
    Headers,
    apply,
    provider_body,
    publish_library,
    register_provider,
)

Client = httpx.AsyncClient
CHANGES = "/api/v1/identity-changes"


@pytest.fixture
async def applied(client: Client, secretariat: Headers) -> tuple[str, Headers]:
    """A provider that has applied for certification."""
    await publish_library()
    provider_id, headers = await register_provider(client, secretariat)
    assert (await apply(client, headers)).status_code == 201
    return provider_id, headers


@pytest.fixture
async def rival(client: Client, secretariat: Headers) -> str:
    provider_id, _ = await register_provider(
        client, secretariat, legal_name="Bravo Global Recruitment Inc.", country="PH"
    )
    return provider_id


def _takeover(**extra: Any) -> dict[str, Any]:
    """Finding 1: another provider's name, another country, a new self-declared licence."""
    licence = {
        "country": "PH",
        "number": "DMW-999",
        "issuing_authority": "Department of Migrant Workers",
        "expires_on": "2031-01-31",
    }
    return {
        "legal_name": "Bravo Global Recruitment Inc.",
        "licences": [*provider_body()["licences"], licence],
        "explanation": "we merged with Bravo",
        **extra,
    }


async def test_an_applying_provider_cannot_take_another_name_at_once(
    client: Client, applied: tuple[str, Headers], rival: str
) -> None:
    provider_id, headers = applied
    answer = await client.patch(
        f"/api/v1/providers/{provider_id}", json=_takeover(), headers=headers
    )
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["identity_change"]["state"] == "pending"
    assert body["identity_change"]["changed"] == ["legal_name", "licences"]
    assert body["legal_name"].startswith("Agência")  # unchanged until approved
    public = (await client.get(f"/api/v1/providers/{provider_id}")).json()
    assert public["legal_name"].startswith("Agência")
    assert len(public["licences"]) == 1
    found = (await client.get("/api/v1/providers", params={"q": "Bravo Global"})).json()
    assert [item["id"] for item in found["items"]] == [rival]


async def test_a_request_needs_an_explanation_and_one_at_a_time(
    client: Client, applied: tuple[str, Headers]
) -> None:
    provider_id, headers = applied
    url = f"/api/v1/providers/{provider_id}"
    assert_problem(
        await client.patch(url, json={"legal_name": "Nunez Global"}, headers=headers),
        422,
        "explanation",
    )
    first = await client.patch(
        url, json={"legal_name": "Nunez Global", "explanation": "rebranded"}, headers=headers
    )
    assert first.json()["identity_change"]["state"] == "pending"
    second = await client.patch(
        url, json={"legal_name": "Nunez Worldwide", "explanation": "again"}, headers=headers
    )
    assert_problem(second, 409, "legal_name")
    # Fields that are not identity still change at once, even with a request pending.
    other = await client.patch(url, json={"corridors": ["PH-SA"]}, headers=headers)
    assert other.status_code == 200
    assert other.json()["corridors"] == ["PH-SA"]
    assert other.json()["identity_change"] is None
    # The provider cannot excuse a shared name itself.
    assert_problem(
        await client.patch(
            url,
            json={"country": "NP", "explanation": "moved", "name_reason": "trust me"},
            headers=headers,
        ),
        403,
    )


async def test_approval_applies_logs_and_keeps_the_former_name(
    client: Client, applied: tuple[str, Headers], secretariat: Headers
) -> None:
    provider_id, headers = applied
    asked = await client.patch(
        f"/api/v1/providers/{provider_id}",
        json={
            "legal_name": "Nunez Global Recruitment",
            "registration_numbers": [{"country": "PH", "number": "CS2019-12345"}],
            "explanation": "renamed after the merger",
        },
        headers=headers,
    )
    change_id = asked.json()["identity_change"]["id"]
    queue = (await client.get(CHANGES, params={"state": "pending"}, headers=secretariat)).json()
    assert [c["id"] for c in queue["items"]] == [change_id]
    assert queue["items"][0]["provider_name"].startswith("Agência")
    assert queue["items"][0]["after"]["legal_name"] == "Nunez Global Recruitment"
    size_before = await LogEntryRow.count()

    approved = await client.post(
        f"{CHANGES}/{change_id}/approve", json={"reason": "papers checked"}, headers=secretariat
    )
    assert approved.status_code == 200, approved.text
    assert approved.json()["state"] == "approved"
    assert approved.json()["log_index"] == size_before
    entry = await LogEntryRow.select().where(LogEntryRow.position == size_before).first()
    assert entry is not None
    logged = json.loads(entry["entry"])
    assert logged["type"] == "provider.identity_changed"
    assert logged["subject"] == {
        "provider": provider_id,
        "change": change_id,
        "fields": "legal_name+registration_numbers",
    }
    assert "Nunez" not in entry["entry"]  # ids and a digest, never the names

    public = (await client.get(f"/api/v1/providers/{provider_id}")).json()
    assert public["legal_name"] == "Nunez Global Recruitment"
    assert public["registration_numbers"] == [{"country": "PH", "number": "CS2019-12345"}]
    assert [n["legal_name"] for n in public["former_names"]] == ["Agência Núñez & Filhos, Ltd."]
    assert public["licences"][0]["verification"]["state"] == "self_declared"
    # Decided once.
    assert_problem(
        await client.post(
            f"{CHANGES}/{change_id}/refuse", json={"reason": "x"}, headers=secretariat
        ),
        409,
    )


async def test_a_shared_name_needs_the_secretariats_reason(
    client: Client, applied: tuple[str, Headers], rival: str, secretariat: Headers
) -> None:
    provider_id, headers = applied
    asked = await client.patch(
        f"/api/v1/providers/{provider_id}", json=_takeover(), headers=headers
    )
    change_id = asked.json()["identity_change"]["id"]
    change = (await client.get(f"{CHANGES}/{change_id}", headers=secretariat)).json()
    assert change["shares_name_with"] == [rival]
    refused = await client.post(f"{CHANGES}/{change_id}/approve", json={}, headers=secretariat)
    assert_problem(refused, 409, "legal_name")
    assert rival in refused.json()["detail"]
    assert (await client.get(f"{CHANGES}/{change_id}", headers=secretariat)).json()[
        "state"
    ] == "pending"
    approved = await client.post(
        f"{CHANGES}/{change_id}/approve",
        json={"name_reason": "two companies: different SEC numbers"},
        headers=secretariat,
    )
    assert approved.status_code == 200, approved.text
    public = (await client.get(f"/api/v1/providers/{provider_id}")).json()
    assert public["name_reason"] == "two companies: different SEC numbers"


async def test_registration_under_a_taken_name(
    client: Client, secretariat: Headers, rival: str
) -> None:
    body = provider_body(legal_name="BRAVO global recruitment, inc", country="PH")
    assert_problem(
        await client.post("/api/v1/providers", json=body, headers=secretariat), 409, "legal_name"
    )
    # Another country is another register: allowed.
    other = provider_body(legal_name="Bravo Global Recruitment Inc.", country="NP")
    assert (
        await client.post("/api/v1/providers", json=other, headers=secretariat)
    ).status_code == 201
    own = bearer(await make_account(Role.PROVIDER))
    assert_problem(
        await client.post("/api/v1/providers", json=body, headers=own), 409, "legal_name"
    )
    assert_problem(
        await client.post("/api/v1/providers", json={**body, "name_reason": "mine"}, headers=own),
        403,
    )
    allowed = await client.post(
        "/api/v1/providers",
        json={**body, "name_reason": "a branch registered apart"},
        headers=secretariat,
    )
    assert allowed.status_code == 201, allowed.text


async def test_before_applying_a_provider_edits_freely_but_not_into_a_taken_name(
    client: Client, secretariat: Headers, rival: str
) -> None:
    provider_id, headers = await register_provider(client, secretariat)
    url = f"/api/v1/providers/{provider_id}"
    fixed = await client.patch(
        url, json={"legal_name": "Agencia Nunez e Filhos Ltd"}, headers=headers
    )
    assert fixed.status_code == 200
    assert fixed.json()["identity_change"] is None
    assert fixed.json()["legal_name"] == "Agencia Nunez e Filhos Ltd"
    taken = await client.patch(
        url, json={"legal_name": "Bravo Global Recruitment Inc."}, headers=headers
    )
    assert_problem(taken, 409, "legal_name")


async def test_refusal_withdrawal_and_who_sees_requests(
    client: Client, applied: tuple[str, Headers], secretariat: Headers
) -> None:
    provider_id, headers = applied
    url = f"/api/v1/providers/{provider_id}"
    first = (
        await client.patch(url, json={"country": "NP", "explanation": "moved"}, headers=headers)
    ).json()
    change_id = first["identity_change"]["id"]
    assert_problem(
        await client.post(f"{CHANGES}/{change_id}/refuse", json={}, headers=secretariat),
        422,
        "reason",
    )
    refused = await client.post(
        f"{CHANGES}/{change_id}/refuse", json={"reason": "no licence in Nepal"}, headers=secretariat
    )
    assert refused.json()["state"] == "refused"
    mine = (await client.get(CHANGES, headers=headers)).json()["items"]
    assert [(c["id"], c["decision_reason"]) for c in mine] == [(change_id, "no licence in Nepal")]

    second = (
        await client.patch(url, json={"country": "NP", "explanation": "again"}, headers=headers)
    ).json()
    other_id, other_headers = await register_provider(client, secretariat, legal_name="Charlie Ltd")
    hidden = await client.get(f"{CHANGES}/{second['identity_change']['id']}", headers=other_headers)
    assert_problem(hidden, 404)
    assert (await client.get(CHANGES, headers=other_headers)).json()["items"] == []
    assert_problem(
        await client.post(
            f"{CHANGES}/{second['identity_change']['id']}/withdraw", headers=other_headers
        ),
        404,
    )
    withdrawn = await client.post(
        f"{CHANGES}/{second['identity_change']['id']}/withdraw", headers=headers
    )
    assert withdrawn.json()["state"] == "withdrawn"
    assert (await client.get(f"/api/v1/providers/{provider_id}")).json()["country"] == "PH"
    auditor = bearer(await make_account(Role.AUDITOR))
    assert_problem(await client.get(CHANGES, headers=auditor), 403)
    del other_id


async def test_the_secretariats_own_change_needs_a_reason_and_is_logged(
    client: Client, applied: tuple[str, Headers], secretariat: Headers
) -> None:
    provider_id, _ = applied
    url = f"/api/v1/providers/{provider_id}"
    assert_problem(
        await client.patch(url, json={"legal_name": "Nunez Intl"}, headers=secretariat),
        422,
        "explanation",
    )
    done = await client.patch(
        url,
        json={"legal_name": "Nunez Intl", "explanation": "court order 12/2026"},
        headers=secretariat,
    )
    assert done.status_code == 200, done.text
    assert done.json()["legal_name"] == "Nunez Intl"
    assert done.json()["identity_change"]["state"] == "approved"
    public = (await client.get(f"/api/v1/providers/{provider_id}")).json()
    assert public["former_names"][0]["legal_name"].startswith("Agência")


async def test_a_stale_request_is_not_approved(
    client: Client, applied: tuple[str, Headers], secretariat: Headers
) -> None:
    provider_id, headers = applied
    url = f"/api/v1/providers/{provider_id}"
    asked = (
        await client.patch(url, json={"legal_name": "Nunez A", "explanation": "a"}, headers=headers)
    ).json()
    await client.patch(url, json={"legal_name": "Nunez B", "explanation": "b"}, headers=secretariat)
    stale = await client.post(
        f"{CHANGES}/{asked['identity_change']['id']}/approve", json={}, headers=secretariat
    )
    assert_problem(stale, 409)
    assert (await client.get(f"/api/v1/providers/{provider_id}")).json()["legal_name"] == "Nunez B"


async def test_licence_checks_by_the_secretariat(
    client: Client, applied: tuple[str, Headers], secretariat: Headers
) -> None:
    provider_id, headers = applied
    checks = f"/api/v1/providers/{provider_id}/licence-checks"
    check = {
        "country": "PH",
        "number": "DMW-123",
        "state": "checked_against_register",
        "source": "DMW register",
    }
    assert_problem(await client.post(checks, json=check, headers=headers), 403)
    assert_problem(
        await client.post(checks, json={**check, "source": None}, headers=secretariat),
        422,
        "source",
    )
    assert_problem(
        await client.post(checks, json={**check, "number": "X-1"}, headers=secretariat),
        422,
        "number",
    )
    assert_problem(
        await client.post(checks, json={**check, "state": "trusted"}, headers=secretariat),
        422,
        "state",
    )
    done = await client.post(checks, json=check, headers=secretariat)
    assert done.status_code == 200, done.text
    licence = (await client.get(f"/api/v1/providers/{provider_id}")).json()["licences"][0]
    assert licence["verification"]["state"] == "checked_against_register"
    assert licence["verification"]["source"] == "DMW register"
    assert licence["verification"]["checked_at"]
    # Changing the licence (a new expiry) makes it self-declared again once approved.
    renewed = [{**provider_body()["licences"][0], "expires_on": "2032-01-31"}]
    asked = (
        await client.patch(
            f"/api/v1/providers/{provider_id}",
            json={"licences": renewed, "explanation": "renewed"},
            headers=headers,
        )
    ).json()
    await client.post(
        f"{CHANGES}/{asked['identity_change']['id']}/approve", json={}, headers=secretariat
    )
    licence = (await client.get(f"/api/v1/providers/{provider_id}")).json()["licences"][0]
    assert licence["expires_on"] == "2032-01-31"
    assert licence["verification"]["state"] == "self_declared"
