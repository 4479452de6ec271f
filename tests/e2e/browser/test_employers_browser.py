"""Employers in Debian's headless chromium (JavaScript off) against `rightsmark init --demo`
+ `rightsmark serve` (issue 18): a 300-line supplier list checked with a progress bar, its
report matching the registry row by row, at desktop and phone size; and an employer signing
up with the confirmation e-mail received by a real SMTP server.

Screenshots go to var/test-artifacts/screenshots/supplier-*.png and employer-*.png.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, Page, ViewportSize, expect

from tests.e2e.browser.browser import screenshot
from tests.support.server import RegistryServer, registry_server
from tests.support.smtp import SmtpServer, smtp_server

pytestmark = pytest.mark.e2e

PHONE: ViewportSize = {"width": 390, "height": 844}
DESKTOP: ViewportSize = {"width": 1200, "height": 900}
LINK = re.compile(r"(https?://\S+/employers/confirm\?key=\S+)")


@pytest.fixture(scope="module")
def mail() -> Iterator[SmtpServer]:
    with smtp_server() as server:
        yield server


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory, mail: SmtpServer) -> Iterator[RegistryServer]:
    with registry_server(
        tmp_path_factory.mktemp("employers-e2e"), demo=True, extra_env=mail.env()
    ) as running:
        yield running


def supplier_list(url: str, folder: Path) -> tuple[Path, list[dict[str, Any]]]:
    """300 lines: the demo's providers by name, by certificate code and by licence, and
    suppliers the registry does not know."""
    found = httpx.get(f"{url}/api/v1/providers", params={"limit": 200}).json()["items"]
    codes = [
        c["code"]
        for c in httpx.get(f"{url}/api/v1/certificates", params={"limit": 200}).json()["items"]
    ]
    lines = ["name;country;licence_number;certificate_code"]  # semicolons, as Excel writes
    for i in range(300):
        kind = i % 4
        p = found[i % len(found)]
        if kind == 0:
            lines.append(f"{p['legal_name'].upper()};{p['country']};;")
        elif kind == 1:
            lines.append(f";;;{codes[i % len(codes)].lower()}")
        elif kind == 2 and p["licences"]:
            lic = p["licences"][0]
            lines.append(f"Some name;{lic['country']};{lic['number']};")
        else:
            lines.append(f"Unknown Agency {i};NP;;")
    path = folder / "suppliers.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path, found


def _narrow(page: Page, width: int) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= width


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_a_300_line_supplier_list_matches_the_registry(
    demo: RegistryServer, browser: Browser, tmp_path: Path, size: str
) -> None:
    viewport = DESKTOP if size == "desktop" else PHONE
    context = browser.new_context(
        java_script_enabled=False, viewport=viewport, is_mobile=size == "phone"
    )
    page = context.new_page()
    path, _ = supplier_list(demo.url, tmp_path)
    page.goto(demo.url + "/supplier-check")
    page.get_by_label("Supplier list (CSV)").set_input_files(str(path))
    page.get_by_role("button", name="Check").click()
    progress = page.locator("progress#progress")
    expect(progress).to_be_visible()
    assert progress.get_attribute("max") == "300"
    screenshot(page, f"supplier-progress-{size}")
    expect(page.locator("#summary")).to_contain_text("300 suppliers", timeout=60_000)
    _narrow(page, viewport["width"])
    screenshot(page, f"supplier-report-{size}")

    rows = page.locator("tr[data-outcome]")
    assert rows.count() == 300
    statuses: dict[str, str] = {}
    for i in range(300):
        row = rows.nth(i)
        outcome, code, status = (
            row.get_attribute(a) for a in ("data-outcome", "data-code", "data-status")
        )
        if i % 4 == 3:
            assert outcome == "not_found", i
            continue
        assert outcome == "matched", (i, row.inner_text())
        if code:
            if code not in statuses:
                statuses[code] = httpx.get(f"{demo.url}/api/v1/certificates/{code}").json()[
                    "status"
                ]
            assert status == statuses[code], (i, code)
        else:
            assert status == "not certified", i
    context.close()


def test_an_employer_signs_up_by_email(
    demo: RegistryServer, browser: Browser, mail: SmtpServer
) -> None:
    context = browser.new_context(java_script_enabled=False, viewport=PHONE, is_mobile=True)
    page = context.new_page()
    page.goto(demo.url + "/employers/sign-up")
    page.get_by_label("Your name").fill("Ana Buyer")
    page.get_by_label("Organisation").fill("Gulf Builders")
    page.get_by_label("E-mail address").fill("ana@buyer.example")
    page.get_by_role("button", name="Send me the link").click()
    expect(page.get_by_role("status")).to_contain_text("Check your inbox")
    (message,) = mail.wait_for(1)
    assert message["To"] == "ana@buyer.example"
    link = LINK.search(message.get_body(("plain",)).get_content())  # type: ignore[union-attr]
    assert link
    page.goto(link.group(1))
    page.get_by_role("button", name="Confirm and show my token").click()
    token = page.locator("#token").inner_text()
    assert token.startswith("rm_")
    _narrow(page, PHONE["width"])
    screenshot(page, "employer-token-phone")
    page.goto(demo.url + "/portal/sign-in")
    page.get_by_label("API token").fill(token)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Your watchlists")).to_be_visible()
    page.get_by_label("Name").fill("Gulf suppliers")
    page.get_by_role("button", name="Create").click()
    expect(page.get_by_role("heading", name="Gulf suppliers")).to_be_visible()
    _narrow(page, PHONE["width"])
    screenshot(page, "employer-watchlist-phone")
    context.close()
