"""Small helpers for API tests: accounts with real tokens, auth headers, problem checks."""

from __future__ import annotations

from typing import Any

import httpx

from registry import accounts
from registry.accounts import Role


async def make_account(role: Role, *, provider_id: str | None = None, ttl_days: int = 30) -> str:
    """A real account created through the service; returns its bearer token."""
    _, token, _ = await accounts.create_account(
        name=f"Test {role.value}",
        role=role,
        actor="test",
        ttl_days=ttl_days,
        provider_id=provider_id,
    )
    return token


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def assert_problem(response: httpx.Response, status: int, *fields: str) -> dict[str, Any]:
    """The response is RFC 9457 problem details with `status`, naming each of `fields`."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    assert body["title"]
    assert body["detail"]
    named = {e.get("field") for e in body.get("errors", [])}
    for field in fields:
        assert any(field == n or (n and field in n) for n in named), (field, body)
    return body
