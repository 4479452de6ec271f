"""What the browser tests share besides their fixtures (`browser`, `page` in conftest.py):
Debian's chromium, and where they write their screenshots."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page

from tests.support.paths import PROJECT_ROOT

CHROMIUM = Path("/usr/bin/chromium")
SHOTS = PROJECT_ROOT / "var" / "test-artifacts" / "screenshots"


def screenshot(page: Page, name: str) -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
