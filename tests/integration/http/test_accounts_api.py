"""Accounts and tokens over HTTP: shown once, stored hashed, expiring, revocable, guarded."""

from __future__ import annotations

import datetime as dt

import httpx
import pytest

from registry import accounts
from registry.accounts import Role, hash_token
from registry.db.tables import AccountRow, ApiTokenRow, ProviderRow
from tests.support.http import assert_problem, bearer, make_account
from tests.support.providers import provider_body

Client = httpx.AsyncClient


async def _counts() -> tuple[int, int]:
    return await AccountRow.count().run(), await ApiTokenRow.count().run()


async def test_create_account_shows_token_once_and_stores_only_its_hash(
    client: Client, secretariat: dict[str, str]
) -> None:
    response = await client.post(
        "/api/v1/accounts",
        json={"name": "Amina Auditor", "role": "auditor", "email": "amina@example.org"},
        headers=secretariat,
    )
    assert response.status_code == 201, response.text
    body = response.json()
    token = body["token"]
    assert token.startswith("rm_")
    assert len(token) >= 40
    assert body["token_details"]["hint"].startswith(token[:8])
    rows = await ApiTokenRow.select().run()
    assert all(token not in str(row.values()) for row in rows)
    assert any(row["token_hash"] == hash_token(token) for row in rows)
    me = await client.get("/api/v1/accounts/me", headers=bearer(token))
    assert me.json()["name"] == "Amina Auditor"
    assert me.json()["role"] == "auditor"
    listed = await client.get(
        "/api/v1/accounts/{}/tokens".format(body["account"]["id"]), headers=secretariat
    )
    assert token not in listed.text
    assert listed.json()["items"][0]["state"] == "active"


async def test_revoked_token_stops_working(client: Client, secretariat: dict[str, str]) -> None:
    created = (
        await client.post(
            "/api/v1/accounts", json={"name": "A", "role": "auditor"}, headers=secretariat
        )
    ).json()
    token, token_id = created["token"], created["token_details"]["id"]
    extra = await client.post(
        f"/api/v1/accounts/{created['account']['id']}/tokens",
        json={"label": "laptop"},
        headers=secretariat,
    )
    assert extra.status_code == 201
    revoked = await client.post(f"/api/v1/tokens/{token_id}/revoke", headers=secretariat)
    assert revoked.json()["state"] == "revoked"
    assert_problem(await client.get("/api/v1/accounts/me", headers=bearer(token)), 401)
    assert (
        await client.get("/api/v1/accounts/me", headers=bearer(extra.json()["token"]))
    ).status_code == 200
    assert_problem(await client.post(f"/api/v1/tokens/{token_id}/revoke", headers=secretariat), 409)


async def test_expired_token_is_refused(client: Client, secretariat: dict[str, str]) -> None:
    token = await make_account(Role.AUDITOR)
    await (
        ApiTokenRow.update(
            {ApiTokenRow.expires_at: dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)}
        )
        .where(ApiTokenRow.token_hash == hash_token(token))
        .run()
    )
    assert_problem(await client.get("/api/v1/accounts/me", headers=bearer(token)), 401)


async def test_revoking_an_account_revokes_its_tokens(
    client: Client, secretariat: dict[str, str]
) -> None:
    created = (
        await client.post(
            "/api/v1/accounts",
            json={"name": "P", "role": "provider"},
            headers=secretariat,
        )
    ).json()
    account_id = created["account"]["id"]
    response = await client.post(f"/api/v1/accounts/{account_id}/revoke", headers=secretariat)
    assert response.json()["active"] is False
    assert_problem(await client.get("/api/v1/accounts/me", headers=bearer(created["token"])), 401)
    assert_problem(
        await client.post(f"/api/v1/accounts/{account_id}/revoke", headers=secretariat), 409
    )
    assert_problem(
        await client.post(f"/api/v1/accounts/{account_id}/tokens", json={}, headers=secretariat),
        409,
    )


@pytest.mark.parametrize(
    ("payload", "fields"),
    [
        ({"name": "x", "role": "wizard"}, ["role"]),
        ({"role": "auditor"}, ["name"]),
        ({"name": "x", "role": "auditor", "email": "not-an-email"}, ["email"]),
        ({"name": "", "role": "auditor", "token_ttl_days": 0}, ["name", "token_ttl_days"]),
        ({"name": "x", "role": "auditor", "admin": True}, ["admin"]),
        ({"name": "x", "role": "provider", "provider_id": "null"}, ["provider_id"]),
        ({"name": "x", "role": "provider", "provider_id": "prv_1"}, ["provider_id"]),
        ({"name": "x", "role": "provider", "provider_id": "rmp-a1j671rk"}, ["provider_id"]),
        ({"name": "x", "role": "provider", "provider_id": "RMP-A1J671RK"}, ["provider_id"]),
        ({"name": "x", "role": "provider", "provider_id": ""}, ["provider_id"]),
        ({"name": "x", "role": "auditor", "provider_id": "prv_1"}, ["provider_id"]),
    ],
)
async def test_invalid_accounts_are_refused_with_fields(
    client: Client, secretariat: dict[str, str], payload: dict[str, object], fields: list[str]
) -> None:
    before = await _counts()
    response = await client.post("/api/v1/accounts", json=payload, headers=secretariat)
    assert_problem(response, 422, *fields)
    assert await _counts() == before


async def test_malformed_json_is_400(client: Client, secretariat: dict[str, str]) -> None:
    response = await client.post(
        "/api/v1/accounts",
        content=b"{not json",
        headers={**secretariat, "Content-Type": "application/json"},
    )
    assert_problem(response, 400)


@pytest.mark.parametrize("role", [Role.AUDITOR, Role.PROVIDER])
async def test_only_the_secretariat_manages_accounts(client: Client, role: Role) -> None:
    _, token, _ = await accounts.create_account(name="x", role=role, actor="test", ttl_days=1)
    headers = bearer(token)
    before = await _counts()
    assert_problem(
        await client.post(
            "/api/v1/accounts", json={"name": "x", "role": "secretariat"}, headers=headers
        ),
        403,
    )
    assert_problem(await client.get("/api/v1/accounts", headers=headers), 403)
    assert (await client.get("/api/v1/accounts/me", headers=headers)).status_code == 200
    assert await _counts() == before


async def test_anonymous_cannot_manage_accounts(client: Client) -> None:
    assert_problem(await client.get("/api/v1/accounts"), 401)
    assert_problem(await client.get("/api/v1/accounts/me"), 401)


async def test_list_accounts_filters_and_pages(client: Client, secretariat: dict[str, str]) -> None:
    for _ in range(3):
        await make_account(Role.AUDITOR)
    page = (await client.get("/api/v1/accounts?role=auditor&limit=2", headers=secretariat)).json()
    assert len(page["items"]) == 2
    assert all(a["role"] == "auditor" for a in page["items"])
    rest = (
        await client.get("/api/v1/accounts?role=auditor&limit=2&offset=2", headers=secretariat)
    ).json()
    assert len(rest["items"]) == 1
    assert_problem(await client.get("/api/v1/accounts?limit=0", headers=secretariat), 400, "limit")
    assert_problem(await client.get("/api/v1/accounts/acc_nope", headers=secretariat), 404)


async def test_provider_account_names_an_existing_provider_or_none(
    client: Client, secretariat: dict[str, str]
) -> None:
    registered = await client.post("/api/v1/providers", json=provider_body(), headers=secretariat)
    provider_id = registered.json()["id"]
    bound = await client.post(
        "/api/v1/accounts",
        json={"name": "Bound", "role": "provider", "provider_id": provider_id},
        headers=secretariat,
    )
    assert bound.status_code == 201, bound.text
    assert bound.json()["account"]["provider_id"] == provider_id
    me = await client.get("/api/v1/accounts/me", headers=bearer(bound.json()["token"]))
    assert me.json()["provider_id"] == provider_id
    pending = await client.post(
        "/api/v1/accounts", json={"name": "Pending", "role": "provider"}, headers=secretariat
    )
    assert pending.status_code == 201, pending.text
    assert pending.json()["account"]["provider_id"] is None
    # the stored placeholder can never name an organisation
    row = await AccountRow.select().where(AccountRow.name == "Pending").first().run()
    assert row is not None
    assert row["provider_id"] == f"pending:{pending.json()['account']['id']}"
    before = await _counts()
    missing = "RMP-" + ("0" if provider_id[4] != "0" else "1") + provider_id[5:]
    body = assert_problem(
        await client.post(
            "/api/v1/accounts",
            json={"name": "Typo", "role": "provider", "provider_id": missing},
            headers=secretariat,
        ),
        422,
        "provider_id",
    )
    assert f"provider {missing} does not exist" in body["detail"]
    body = assert_problem(
        await client.post(
            "/api/v1/accounts",
            json={"name": "Null", "role": "provider", "provider_id": "null"},
            headers=secretariat,
        ),
        422,
        "provider_id",
    )
    assert "is not a registry id" in body["detail"]
    assert await _counts() == before
    assert await ProviderRow.count().run() == 1
