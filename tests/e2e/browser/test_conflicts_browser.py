"""Conflicts of interest end to end in Debian's headless chromium (JavaScript off), at phone
width, against a real `rightsmark init --demo` + `rightsmark serve` (issue 16, finding 4):
the demo provider declares a conflict with an auditor in its portal and sees it pending; the
secretariat's review screen names the provider and the
auditor, says what accepting it would exclude, refuses a decision without a reason and
accepts one with it; the provider then sees it accepted.

Screenshots go to var/test-artifacts/screenshots/conflicts-*.png.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest
from playwright.sync_api import Browser, BrowserContext, Page, ViewportSize, expect

from tests.e2e.browser.browser import screenshot
from tests.support.server import registry_server

pytestmark = pytest.mark.e2e

PHONE: ViewportSize = {"width": 390, "height": 844}


@dataclass
class Server:
    url: str
    tokens: dict[str, str]  # "role: name" -> token, as `init --demo` writes them

    def token(self, role: str) -> str:
        return next(token for name, token in self.tokens.items() if name.startswith(f"{role}:"))

    def api(self, role: str, method: str, path: str, **kwargs: object) -> httpx.Response:
        answer = httpx.request(
            method,
            f"{self.url}/api/v1{path}",
            headers={"Authorization": f"Bearer {self.token(role)}"},
            timeout=30,
            **kwargs,  # type: ignore[arg-type]
        )
        assert answer.status_code < 300, answer.text
        return answer


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with registry_server(tmp_path_factory.mktemp("conflicts-e2e"), demo=True) as running:
        yield Server(running.url, json.loads((running.data_dir / "demo-tokens.json").read_text()))


def phone(browser: Browser) -> BrowserContext:
    """A person's own phone: its own cookies, so its own portal session."""
    return browser.new_context(
        java_script_enabled=False, viewport=PHONE, is_mobile=True, device_scale_factor=2
    )


def signed_in(context: BrowserContext, server: Server, token: str) -> Page:
    page = context.new_page()
    page.goto(server.url + "/portal/sign-in")
    page.get_by_label("API token").fill(token)
    page.get_by_role("button", name="Sign in").click()
    return page


def fits(page: Page) -> None:
    """Nothing wider than the phone: no sideways scrolling of the page itself."""
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width}px wide"


def test_provider_declares_and_secretariat_reviews_at_phone_width(
    server: Server, browser: Browser
) -> None:
    accounts = server.api("secretariat", "GET", "/accounts", params={"role": "provider"})
    provider_id = accounts.json()["items"][0]["provider_id"]
    provider = server.api("secretariat", "GET", f"/providers/{provider_id}").json()
    # a second auditor accredited for the provider's scope, so that it keeps one
    created = server.api(
        "secretariat", "POST", "/accounts", json={"name": "Ravi Shrestha", "role": "auditor"}
    ).json()
    ravi = created["account"]["id"]
    countries = {provider["country"]} | {
        end for corridor in provider["corridors"] for end in corridor.split("-")
    }
    server.api(
        "secretariat", "POST", f"/auditors/{ravi}/accreditations",
        json={"provider_types": provider["provider_types"], "countries": sorted(countries),
              "valid_from": "2020-01-01", "valid_until": "2099-12-31"},
    )  # fmt: skip
    demo_auditor = server.api("secretariat", "GET", "/accounts", params={"role": "auditor"}).json()[
        "items"
    ][0]

    own = phone(browser)
    try:
        page = signed_in(own, server, server.token("provider"))
        page.get_by_role("link", name="Conflicts of interest").click()
        expect(page.get_by_role("heading", name="Conflicts of interest")).to_be_visible()
        page.get_by_label("Auditor").select_option(demo_auditor["id"])
        page.get_by_label("Reason", exact=True).fill("Our director is the auditor's cousin")
        page.get_by_role("button", name="Declare").click()
        expect(page.get_by_role("status")).to_contain_text("waits for the secretariat's review")
        expect(page.locator(".badge-pending")).to_have_text("pending")
        fits(page)
        screenshot(page, "conflicts-provider-declared-phone")
    finally:
        own.close()
    (conflict,) = server.api("secretariat", "GET", "/conflicts?state=pending").json()["items"]

    desk = phone(browser)
    try:
        page = signed_in(desk, server, server.token("secretariat"))
        page.get_by_role("link", name="Conflicts of interest").click()
        card = page.locator(f"article#{conflict['id']}")
        expect(card).to_contain_text(provider["legal_name"])
        expect(card).to_contain_text(demo_auditor["name"])
        expect(card).to_contain_text("the provider")
        expect(card).to_contain_text("Our director is the auditor's cousin")
        expect(card.locator(".exclusion")).to_contain_text("would remain")
        fits(page)
        screenshot(page, "conflicts-review-phone")
        card.get_by_role("button", name=f"Accept conflict {conflict['id']}").click()  # no reason
        expect(page.locator(f"#{conflict['id']}-error")).to_contain_text("give a reason")
        card = page.locator(f"article#{conflict['id']}")
        card.get_by_label("Why (kept with the decision)").fill("Confirmed with both sides")
        card.get_by_role("button", name=f"Accept conflict {conflict['id']}").click()
        expect(page.get_by_role("status")).to_have_text(f"Conflict {conflict['id']} accepted.")
        history = page.locator(f"li#{conflict['id']}")
        expect(history).to_contain_text("Confirmed with both sides")
        expect(history.locator(".badge-accepted")).to_be_visible()
        fits(page)
        screenshot(page, "conflicts-reviewed-phone")
    finally:
        desk.close()
    reviewed = server.api("secretariat", "GET", "/conflicts?state=accepted").json()["items"]
    assert [c["id"] for c in reviewed] == [conflict["id"]]
