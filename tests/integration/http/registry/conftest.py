from __future__ import annotations

import httpx
import pytest

from tests.support.providers import Headers, register_provider


@pytest.fixture
async def provider(client: httpx.AsyncClient, secretariat: Headers) -> tuple[str, Headers]:
    return await register_provider(client, secretariat)
