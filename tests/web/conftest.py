"""The public pages' cast: the demo data set (`rightsmark init --demo`), seeded in-process
through the registry's own services, with its certificates in every state."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from registry import demo
from registry.database import write_transaction
from registry.settings import get_settings
from registry.signing import service as signing
from standards import service as standards


@dataclass
class Demo:
    client: httpx.AsyncClient
    certificates: list[dict[str, Any]]  # summaries, as GET /api/v1/certificates lists them

    def code(self, status: str, grade: str | None = None) -> str:
        return str(self.one(status, grade)["code"])

    def one(self, status: str, grade: str | None = None) -> dict[str, Any]:
        return next(
            c
            for c in self.certificates
            if c["status"] == status and (grade is None or c["grade"] == grade)
        )

    async def credential(self, status: str) -> bytes:
        found = self.one(status)
        response = await self.client.get(found["url"].removeprefix(get_settings().public_url))
        assert response.status_code == 200, response.text
        return response.content


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
