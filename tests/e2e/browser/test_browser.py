"""End to end in a real browser: Debian's chromium (headless, JavaScript off, nothing
downloaded) against a real `rightsmark serve` seeded by `rightsmark init --demo`.

Every page visited is saved as a screenshot under var/test-artifacts/screenshots/.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pypdfium2  # type: ignore[import-untyped]  # no type information shipped
import pytest
import zxingcpp  # type: ignore[import-not-found]  # a compiled module without stubs
from playwright.sync_api import Browser, Page, ViewportSize, expect

from tests.e2e.browser.browser import SHOTS, screenshot
from tests.support.server import registry_server

pytestmark = pytest.mark.e2e

PHONE: ViewportSize = {"width": 390, "height": 844}


@dataclass
class DemoServer:
    url: str
    certificates: list[dict[str, Any]]

    def one(self, status: str, grade: str | None = None) -> dict[str, Any]:
        return next(
            c
            for c in self.certificates
            if c["status"] == status and (grade is None or c["grade"] == grade)
        )

    def credential(self, status: str) -> bytes:
        path = self.one(status)["url"].removeprefix(self.url)
        response = httpx.get(f"{self.url}{path}", timeout=30)
        assert response.status_code == 200, response.text
        return response.content


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoServer]:
    """`rightsmark init --demo` then `rightsmark serve` on a free port, own SQLite file."""
    with registry_server(tmp_path_factory.mktemp("web-e2e"), demo=True) as running:
        listed = httpx.get(f"{running.url}/api/v1/certificates", params={"limit": 200}, timeout=30)
        yield DemoServer(running.url, listed.json()["items"])


def shot(page: Page, name: str) -> Path:
    return screenshot(page, name)


def test_search_and_open_a_certificate(server: DemoServer, page: Page) -> None:
    page.goto(server.url + "/")
    shot(page, "home")
    page.keyboard.press("Tab")  # the first stop is the skip link, then the main navigation
    expect(page.locator("a.skip")).to_be_focused()
    page.get_by_label("Name").fill("kathmandu")
    page.get_by_label("Certification status").select_option("valid")
    page.get_by_role("button", name="Search").click()
    assert page.url == f"{server.url}/?q=kathmandu&country=&corridor=&type=&status=valid&grade="
    expect(page.get_by_role("heading", name="1 provider found")).to_be_visible()
    shot(page, "search-results")
    page.get_by_role("link", name="Kathmandu Fair Recruitment Pvt. Ltd.").click()
    expect(page.get_by_role("heading", name="Certificates")).to_be_visible()
    shot(page, "provider")
    gold = server.one("valid", "gold")
    page.get_by_role("link", name=f"Certificate {gold['code']}").click()
    assert page.url == f"{server.url}/certificates/{gold['code']}"
    expect(page.locator(".banner-word")).to_have_text("VALID")
    expect(
        page.get_by_role("img", name=f"Scores by category of certificate {gold['code']}")
    ).to_be_visible()
    shot(page, "certificate-valid")


def test_qr_code_of_the_printed_certificate_opens_its_page_on_a_phone(
    server: DemoServer, browser: Browser
) -> None:
    suspended = server.one("suspended")
    pdf = httpx.get(f"{server.url}/certificates/{suspended['code']}/certificate.pdf", timeout=30)
    assert pdf.status_code == 200
    assert pdf.headers["content-type"] == "application/pdf"
    image = pypdfium2.PdfDocument(pdf.content)[0].render(scale=2).to_pil()
    SHOTS.mkdir(parents=True, exist_ok=True)
    image.save(SHOTS / "certificate-pdf.png")
    scanned = [found.text for found in zxingcpp.read_barcodes(image)]
    assert scanned == [f"{server.url}/certificates/{suspended['code']}"]
    phone = browser.new_context(
        java_script_enabled=False, viewport=PHONE, is_mobile=True, device_scale_factor=2
    )
    try:
        tab = phone.new_page()
        tab.goto(scanned[0])  # what a phone camera does with the code
        banner = tab.locator(".banner-word")
        expect(banner).to_have_text("SUSPENDED")
        box = banner.bounding_box()
        assert box is not None
        assert box["y"] < PHONE["height"] / 3
        expect(tab.get_by_text("Reason:")).to_be_visible()
        shot(tab, "certificate-suspended-phone")
        for status in ("revoked", "expired"):
            tab.goto(f"{server.url}/certificates/{server.one(status)['code']}")
            expect(tab.locator(".banner-word")).to_have_text(status.upper())
            shot(tab, f"certificate-{status}-phone")
    finally:
        phone.close()


def test_search_a_code_a_typo_and_a_wrong_country_on_a_phone(
    server: DemoServer, browser: Browser
) -> None:
    """What an employer types into the one box at phone width (issue 16): a certificate code
    as read out (lower case, spaces), a name with a typo, and a country that does not exist."""
    gold = server.one("valid", "gold")
    phone = browser.new_context(
        java_script_enabled=False, viewport=PHONE, is_mobile=True, device_scale_factor=2
    )
    try:
        tab = phone.new_page()
        tab.goto(server.url + "/")
        box = tab.get_by_role("searchbox")
        box.fill(gold["code"].lower().replace("-", " "))
        tab.get_by_role("button", name="Search").click()
        notice = tab.locator("#exact-match")
        expect(notice).to_contain_text(f"Certificate {gold['code']} was issued to")
        expect(tab.locator(".results h3")).to_have_text(["Kathmandu Fair Recruitment Pvt. Ltd."])
        found = notice.bounding_box()
        assert found is not None
        assert found["x"] >= 0
        assert found["x"] + found["width"] <= PHONE["width"]
        shot(tab, "search-code-phone")
        tab.get_by_role("link", name=f"Open certificate {gold['code']}").click()
        assert tab.url == f"{server.url}/certificates/{gold['code']}"
        expect(tab.locator(".banner-word")).to_have_text("VALID")

        tab.goto(server.url + "/")
        tab.get_by_role("searchbox").fill("Manpwer")
        tab.get_by_role("button", name="Search").click()
        expect(tab.locator(".results h3")).to_have_text(["Lahore Manpower Agency"])
        expect(tab.locator("#typo-note")).to_contain_text("manpower")
        shot(tab, "search-typo-phone")

        tab.get_by_label("Country").fill("Narnia")
        tab.get_by_role("button", name="Search").click()
        message = tab.locator("#country-error")
        expect(message).to_have_text(
            "No country called 'Narnia'. Try a name such as Nepal or a two-letter code such as NP."
        )
        expect(tab.get_by_label("Country")).to_have_attribute("aria-invalid", "true")
        expect(tab.get_by_role("heading", name="Search the registry")).to_be_visible()
        shot(tab, "search-wrong-country-phone")
        tab.get_by_label("Country").fill("Nepal")
        tab.get_by_role("searchbox").fill("")
        tab.get_by_role("button", name="Search").click()
        expect(tab.locator(".results h3")).to_have_text(["Kathmandu Fair Recruitment Pvt. Ltd."])
    finally:
        phone.close()


@pytest.mark.parametrize(
    ("kind", "verdict", "headline"),
    [
        ("valid", "valid", "Valid certificate"),
        ("tampered", "invalid", "Not a valid certificate"),
        ("suspended", "suspended", "Suspended certificate"),
        ("revoked", "revoked", "Revoked certificate"),
    ],
)
def test_verify_an_uploaded_credential(
    server: DemoServer, page: Page, tmp_path: Path, kind: str, verdict: str, headline: str
) -> None:
    credential = json.loads(server.credential("valid" if kind == "tampered" else kind))
    if kind == "tampered":
        credential["validUntil"] = "2099-12-31T00:00:00Z"
    upload = tmp_path / f"{kind}.json"
    upload.write_text(json.dumps(credential))
    page.goto(server.url + "/verify")
    if kind == "valid":
        shot(page, "verify-form")
    page.get_by_label("Upload the certificate file (JSON)").set_input_files(str(upload))
    page.get_by_role("button", name="Verify").click()
    expect(page.locator(f"section.banner-{verdict} .banner-word")).to_have_text(headline)
    engine = httpx.post(f"{server.url}/api/v1/verify", json=credential, timeout=30).json()
    assert engine["status"] == verdict
    expect(page.locator("ol.checks > li")).to_have_count(len(engine["checks"]))
    signature = page.locator("li.check", has_text="Is it exactly as the registry signed it")
    expect(signature.locator(".answer")).to_have_text("No" if kind == "tampered" else "Yes")
    shot(page, f"verify-{kind}")


def test_standards_statistics_and_a_bad_request(server: DemoServer, page: Page) -> None:
    page.goto(server.url + "/standards")
    shot(page, "standards")
    page.get_by_role("link", name="1.1.0").click()
    expect(page.get_by_role("heading", name="Grades")).to_be_visible()
    shot(page, "standard")
    page.goto(server.url + "/standards/core-rights/compare")
    page.get_by_label("From version").select_option("1.0.0")
    page.get_by_label("To version").select_option("1.1.0")
    page.get_by_role("button", name="Compare").click()
    expect(page.get_by_text("non-core indicator WAG-4 added")).to_be_visible()
    shot(page, "compare")
    page.goto(server.url + "/statistics")
    expect(page.get_by_role("img", name="Certified providers by grade")).to_be_visible()
    shot(page, "statistics")
    # A filter that names nothing answers the search page itself, saying what to type (the
    # search tests); a malformed page number is still the error page.
    response = page.goto(server.url + "/?page=abc")
    assert response is not None
    assert response.status == 400
    expect(page.get_by_role("heading", name="Bad request")).to_be_visible()
    shot(page, "error-bad-request")
