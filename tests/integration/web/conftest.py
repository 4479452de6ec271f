"""The public pages' cast: the demo data set (`rightsmark init --demo`), seeded in-process
through the registry's own services, with its certificates in every state."""

from __future__ import annotations

import httpx
import pytest

from api.cli import demo
from registry import keys as signing
from registry.db.database import write_transaction
from registry.settings import get_settings
from registry.standards import service as standards
from tests.integration.web.demo import Demo


@pytest.fixture
async def published(client: httpx.AsyncClient) -> Demo:
    """Only the standards library published: enough for pages that read no certificate."""
    await standards.publish_library(get_settings().standards_library, actor="test")
    return Demo(client, [])


@pytest.fixture
async def seeded(published: Demo, client: httpx.AsyncClient) -> Demo:
    await signing.generate_key("test")
    async with write_transaction():
        await demo.seed()
    listed = await client.get("/api/v1/certificates", params={"limit": 200})
    return Demo(client, listed.json()["items"])
