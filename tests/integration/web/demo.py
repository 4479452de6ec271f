"""The demo data set as the page tests see it: the app's client and the certificates listed."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx

from registry.settings import get_settings


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
