"""The public pages' cast: the demo data set (`rightsmark init --demo`), seeded in-process
through the registry's own services, with its certificates in every state."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from api.cli import demo
from registry import keys as signing
from registry.db.database import write_transaction
from registry.settings import get_settings
from registry.standards import service as standards
from tests.web.browser import CHROMIUM


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


# --- the browser tests: Debian's chromium, headless, JavaScript off, nothing downloaded ---


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail("needs Debian's chromium at /usr/bin/chromium: `make browser` as root")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu"]
        )
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A desktop-sized tab with JavaScript off: every page must work without it."""
    context = browser.new_context(
        java_script_enabled=False, viewport={"width": 1200, "height": 900}
    )
    opened = context.new_page()
    yield opened
    context.close()
