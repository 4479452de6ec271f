"""POST /api/v1/verify[/batch] is rate limited per client; other endpoints are not."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import httpx
import pytest

from registry.settings import get_settings
from tests.support.certified import Certified
from tests.support.database import app_client
from tests.support.http import assert_problem

LIMIT = 3
WINDOW = 60


@pytest.fixture
async def limited(
    certified: Certified, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[httpx.AsyncClient]:
    """An app created while RIGHTSMARK_VERIFY_RATE_PER_MINUTE is tiny; settings restored."""
    monkeypatch.setenv("RIGHTSMARK_VERIFY_RATE_PER_MINUTE", str(LIMIT))
    get_settings.cache_clear()
    try:
        assert get_settings().verify_rate_per_minute == LIMIT
        client = app_client()
    finally:
        monkeypatch.delenv("RIGHTSMARK_VERIFY_RATE_PER_MINUTE")
        get_settings.cache_clear()
    assert get_settings().verify_rate_per_minute != LIMIT
    # The limit counts per fixed one-minute window (api.http.middleware.ratelimit): start well
    # inside one,
    # so a window boundary cannot reset the count half-way through a test.
    left = WINDOW - time.time() % WINDOW
    if left < 20:
        await asyncio.sleep(left + 0.1)
    async with client:
        yield client


@pytest.mark.parametrize("path", ["/api/v1/verify", "/api/v1/verify/batch"])
async def test_over_the_limit_is_429(
    certified: Certified, limited: httpx.AsyncClient, path: str
) -> None:
    body = certified.credential if path.endswith("verify") else {"credentials": ["x"]}
    for _ in range(LIMIT):
        response = await limited.post(path, json=body)
        assert response.status_code == 200, response.text
    refused = await limited.post(path, json=body)
    problem = assert_problem(refused, 429)
    assert problem["type"]
    assert int(refused.headers["retry-after"]) >= 1
    # Other endpoints are not limited, and the default app is not affected.
    for _ in range(LIMIT + 1):
        assert (await limited.get(f"/api/v1/certificates/{certified.id}")).status_code == 200
    assert (await certified.client.post("/api/v1/verify", json=certified.credential)).is_success


async def test_both_verify_endpoints_share_one_budget(
    certified: Certified, limited: httpx.AsyncClient
) -> None:
    for _ in range(LIMIT):
        assert (await limited.post("/api/v1/verify", json=certified.credential)).is_success
    refused = await limited.post("/api/v1/verify/batch", json={"credentials": ["x"]})
    assert_problem(refused, 429)
