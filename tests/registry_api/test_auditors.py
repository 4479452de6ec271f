"""Accreditation and conflicts of interest over HTTP."""

from __future__ import annotations

import httpx
import pytest

from registry.accounts import Role
from registry.tables import AccreditationRow, ConflictRow
from tests.api.helpers import assert_problem, bearer, make_account
from tests.registry_api.helpers import Headers, days, make_auditor, register_provider

Client = httpx.AsyncClient


@pytest.fixture
async def secretariat(db: None) -> Headers:
    return bearer(await make_account(Role.SECRETARIAT))


def _grant(**overrides: object) -> dict[str, object]:
    body: dict[str, object] = {
        "provider_types": ["recruiter"],
        "countries": ["PH", "ae"],
        "valid_from": days(-10),
        "valid_until": days(365),
    }
    body.update(overrides)
    return body


async def test_accredit_list_and_suspend_keeps_history(
    client: Client, secretariat: Headers
) -> None:
    auditor_id, auditor = await make_auditor()
    url = f"/api/v1/auditors/{auditor_id}/accreditations"
    created = await client.post(url, json=_grant(), headers=secretariat)
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["countries"] == ["AE", "PH"]
    assert body["state"] == "active"
    suspended = await client.post(
        f"{url}/{body['id']}/suspend", json={"reason": "complaint"}, headers=secretariat
    )
    assert suspended.status_code == 200, suspended.text
    assert suspended.json()["state"] == "suspended"
    own = (await client.get(url, headers=auditor)).json()["items"]
    assert [(e["action"], e["reason"]) for e in own[0]["history"]] == [
        ("granted", None),
        ("suspended", "complaint"),
    ]
    again = await client.post(
        f"{url}/{body['id']}/suspend", json={"reason": "x"}, headers=secretariat
    )
    assert_problem(again, 409)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"countries": ["PH", "XX"]}, "countries[1]"),
        ({"provider_types": ["smuggler"]}, "provider_types"),
        ({"valid_until": days(-20)}, "valid_until"),
        ({"countries": []}, "countries"),
    ],
)
async def test_invalid_accreditation_is_refused(
    client: Client, secretariat: Headers, overrides: dict[str, object], field: str
) -> None:
    auditor_id, _ = await make_auditor()
    url = f"/api/v1/auditors/{auditor_id}/accreditations"
    assert_problem(
        await client.post(url, json=_grant(**overrides), headers=secretariat), 422, field
    )
    assert await AccreditationRow.count().run() == 0


async def test_only_auditor_accounts_are_accredited(client: Client, secretariat: Headers) -> None:
    provider_id, _ = await register_provider(client, secretariat)
    other = await client.get("/api/v1/accounts?role=secretariat", headers=secretariat)
    account_id = other.json()["items"][0]["id"]
    url = f"/api/v1/auditors/{account_id}/accreditations"
    assert_problem(await client.post(url, json=_grant(), headers=secretariat), 422, "account_id")
    missing = "/api/v1/auditors/acc_missing/accreditations"
    assert_problem(await client.post(missing, json=_grant(), headers=secretariat), 404)
    assert provider_id


async def test_wrong_roles_cannot_accredit_or_read_others(
    client: Client, secretariat: Headers
) -> None:
    auditor_id, auditor = await make_auditor()
    _, other_auditor = await make_auditor("Other")
    _, provider = await register_provider(client, secretariat)
    url = f"/api/v1/auditors/{auditor_id}/accreditations"
    assert_problem(await client.post(url, json=_grant(), headers=auditor), 403)
    assert_problem(await client.post(url, json=_grant(), headers=provider), 403)
    assert_problem(await client.get(url, headers=other_auditor), 403)
    assert_problem(await client.get(url, headers=provider), 403)
    assert_problem(await client.get(url), 401)


async def test_conflicts_declared_by_either_side_listed_for_secretariat(
    client: Client, secretariat: Headers
) -> None:
    auditor_id, auditor = await make_auditor()
    provider_id, provider = await register_provider(client, secretariat)
    by_auditor = await client.post(
        "/api/v1/conflicts",
        json={"provider_id": provider_id, "reason": "former employer"},
        headers=auditor,
    )
    assert by_auditor.status_code == 201, by_auditor.text
    assert by_auditor.json()["declared_by_role"] == "auditor"
    by_provider = await client.post(
        "/api/v1/conflicts",
        json={"auditor_id": auditor_id, "reason": "family ties"},
        headers=provider,
    )
    assert by_provider.status_code == 201, by_provider.text
    assert by_provider.json()["provider_id"] == provider_id
    listed = await client.get(f"/api/v1/conflicts?provider_id={provider_id}", headers=secretariat)
    assert [c["declared_by_role"] for c in listed.json()["items"]] == ["auditor", "provider"]
    assert_problem(await client.get("/api/v1/conflicts", headers=auditor), 403)
    assert_problem(await client.get("/api/v1/conflicts", headers=provider), 403)


async def test_bad_conflict_declarations_are_refused(client: Client, secretariat: Headers) -> None:
    auditor_id, auditor = await make_auditor()
    _, provider = await register_provider(client, secretariat)
    cases = [
        (auditor, {"reason": "x"}, 422, "provider_id"),
        (auditor, {"provider_id": "RMP-00000000", "reason": "x"}, 422, "provider_id"),
        (provider, {"reason": "x"}, 422, "auditor_id"),
        (provider, {"auditor_id": "acc_nobody", "reason": "x"}, 422, "auditor_id"),
        (secretariat, {"auditor_id": auditor_id, "reason": "x"}, 403, None),
    ]
    for headers, body, status, field in cases:
        response = await client.post("/api/v1/conflicts", json=body, headers=headers)
        assert_problem(response, status, *([field] if field else []))
    assert await ConflictRow.count().run() == 0
