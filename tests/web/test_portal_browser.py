"""The portals end to end in Debian's headless chromium (JavaScript off) against a real
`rightsmark init --demo` + `rightsmark serve`: the secretariat signs in with the demo token
and revokes a certificate, correcting a missing reason on the way.

Screenshots go to var/test-artifacts/screenshots/portal-*.png.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.cli.server import registry_server
from tests.web.browser import screenshot

pytestmark = pytest.mark.e2e


@dataclass
class PortalServer:
    url: str
    tokens: dict[str, str]  # "role: name" -> token, as `init --demo` writes them

    def token(self, role: str) -> str:
        return next(token for name, token in self.tokens.items() if name.startswith(f"{role}:"))


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PortalServer]:
    with registry_server(tmp_path_factory.mktemp("portal-e2e"), demo=True) as running:
        tokens = json.loads((running.data_dir / "demo-tokens.json").read_text())
        yield PortalServer(running.url, tokens)


def shot(page: Page, name: str) -> None:
    screenshot(page, f"portal-{name}")


def test_secretariat_signs_in_and_revokes_a_certificate(server: PortalServer, page: Page) -> None:
    page.goto(server.url + "/portal/secretariat")  # not signed in: sent to the form
    assert page.url == f"{server.url}/portal/sign-in"
    page.get_by_label("API token").fill("rm_not-a-real-token")
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("#token-error")).to_have_text(
        "this token is not valid: unknown, expired or revoked"
    )
    shot(page, "sign-in-error")
    page.get_by_label("API token").fill(server.token("secretariat"))
    page.get_by_role("button", name="Sign in").click()
    assert page.url == f"{server.url}/portal/secretariat"
    expect(page.get_by_role("heading", name="Applications to assign (1)")).to_be_visible()
    expect(page.get_by_role("heading", name="Applications to decide (1)")).to_be_visible()
    shot(page, "secretariat")

    valid = httpx.get(
        f"{server.url}/api/v1/certificates", params={"status": "valid", "limit": 1}, timeout=30
    ).json()["items"][0]
    code = valid["code"]
    page.get_by_role("link", name=f"Manage certificate {code}").click()
    expect(page.get_by_role("heading", name=f"Certificate {code}")).to_be_visible()
    page.get_by_role("button", name=f"Revoke {code}").click()  # no reason given yet
    expect(page.locator("#reason-revoke-error")).to_have_text("reason must be 1 to 2000 characters")
    shot(page, "revoke-error")
    page.get_by_label("Reason to revoke").fill("Fees charged to workers, confirmed on site")
    page.get_by_role("button", name=f"Revoke {code}").click()
    expect(page.get_by_role("status")).to_have_text("Done: revoke.")
    expect(page.get_by_text("nothing more can be done to it")).to_be_visible()
    shot(page, "revoked")

    page.goto(f"{server.url}/certificates/{code}")  # the public page says so at once
    expect(page.locator(".banner-word")).to_have_text("REVOKED")
    expect(page.get_by_text("Fees charged to workers, confirmed on site").first).to_be_visible()
    shot(page, "revoked-public")

    page.goto(server.url + "/portal/secretariat")
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("status")).to_have_text("You are signed out.")
    page.goto(server.url + "/portal/secretariat")
    assert page.url == f"{server.url}/portal/sign-in"


def test_auditor_fills_and_files_an_assessment_fixing_an_error(
    server: PortalServer, page: Page
) -> None:
    # the secretariat assigns the demo's submitted application (to the demo auditor)
    page.goto(server.url + "/portal/sign-in")
    page.get_by_label("API token").fill(server.token("secretariat"))
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("button", name="Assign an auditor to").click()
    expect(page.get_by_role("status")).to_contain_text("assigned to acc_")
    page.get_by_role("button", name="Sign out").click()

    page.get_by_label("API token").fill(server.token("auditor"))
    page.get_by_role("button", name="Sign in").click()
    assert page.url == f"{server.url}/portal/auditor"
    shot(page, "auditor")
    page.get_by_role("link", name="Assess").first.click()
    expect(page.get_by_text("Guidance:").first).to_be_visible()
    shot(page, "assessment-form")
    page.get_by_label("Started on").fill("2026-11-02")
    page.get_by_label("Ended on").fill("2026-11-03")
    page.get_by_label("Workers interviewed").fill("14")
    page.get_by_label("Site name").fill("Head office")
    page.get_by_label("Site country (two letters)").fill("ZZ")  # not a country: refused
    indicators = page.locator("fieldset.indicator")
    for index in range(indicators.count()):
        indicator = indicators.nth(index)
        if indicator.locator("input[type=radio]").count():
            indicator.get_by_label("Yes").check()
        elif indicator.locator("select").count():
            indicator.locator("select").select_option("4")
        else:
            number = indicator.locator("input[type=number]")
            number.fill(number.get_attribute("min") or "0")
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_role("status")).to_contain_text("Draft saved")
    page.get_by_role("button", name="File the assessment").click()
    expect(page.locator("#site_country-error")).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text("Not filed")
    shot(page, "assessment-error")
    page.get_by_label("Site country (two letters)").fill("NP")
    page.get_by_role("button", name="File the assessment").click()
    expect(page.get_by_role("status")).to_contain_text("filed")
    shot(page, "assessment-filed")
