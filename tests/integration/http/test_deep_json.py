"""JSON nested deeper than the decoder can go is a 400 problem on every JSON endpoint."""

from __future__ import annotations

import httpx
import pytest

from registry.accounts import Role
from tests.support.http import bearer, make_account

DEEP = b"[" * 100_000 + b"]" * 100_000


@pytest.mark.parametrize(
    "path",
    ["/api/v1/providers", "/api/v1/accounts", "/api/v1/verify", "/api/v1/verify/batch"],
)
async def test_deeply_nested_json_is_a_400_problem(client: httpx.AsyncClient, path: str) -> None:
    headers = {**bearer(await make_account(Role.SECRETARIAT)), "Content-Type": "application/json"}
    response = await client.post(path, content=DEEP, headers=headers)
    assert response.status_code == 400, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert "nested too deeply" in response.json()["detail"]
