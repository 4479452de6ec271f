"""A certified provider's change of name end to end in Debian's headless chromium
(JavaScript off) against `rightsmark init --demo` + `rightsmark serve` (issue 16, finding 1):
the provider asks on a phone (a missing reason is shown at its field), nothing public
changes, the secretariat approves in its queue on a desktop, and the certificate page then
names both the name it was issued to and the current one.

Screenshots go to var/test-artifacts/screenshots/identity-*.png.
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


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with registry_server(tmp_path_factory.mktemp("identity-e2e"), demo=True) as running:
        tokens = json.loads((running.data_dir / "demo-tokens.json").read_text())
        yield Server(running.url, tokens)


@pytest.fixture
def phone(browser: Browser) -> Iterator[BrowserContext]:
    context = browser.new_context(
        java_script_enabled=False, viewport=PHONE, is_mobile=True, device_scale_factor=2
    )
    yield context
    context.close()


def _sign_in(page: Page, server: Server, token: str) -> None:
    page.goto(server.url + "/portal/sign-in")
    page.get_by_label("API token").fill(token)
    page.get_by_role("button", name="Sign in").click()


def test_a_rename_is_asked_on_a_phone_and_approved_by_the_secretariat(
    server: Server, phone: BrowserContext, page: Page, browser: Browser
) -> None:
    mine = httpx.get(
        f"{server.url}/api/v1/accounts/me",
        headers={"Authorization": f"Bearer {server.token('provider')}"},
        timeout=30,
    ).json()
    provider_id = mine["provider_id"]
    before = httpx.get(f"{server.url}/api/v1/providers/{provider_id}", timeout=30).json()
    code = httpx.get(
        f"{server.url}/api/v1/certificates", params={"provider": provider_id}, timeout=30
    ).json()["items"][0]["code"]

    provider = phone.new_page()
    _sign_in(provider, server, server.token("provider"))
    provider.get_by_role("link", name="Edit your organisation").click()
    provider.get_by_label("Legal name, as registered").fill("Harbour Light Recruitment Ltd")
    provider.get_by_role("button", name="Save").click()
    expect(provider.locator("#explanation-error")).to_contain_text("say why")
    expect(provider.get_by_label("Legal name, as registered")).to_have_value(
        "Harbour Light Recruitment Ltd"
    )
    screenshot(provider, "identity-reason-missing-phone")
    provider.get_by_label("why, for the secretariat").fill("New owners since November")
    provider.get_by_role("button", name="Save").click()
    expect(provider.get_by_text("went to the secretariat")).to_be_visible()
    expect(provider.get_by_text("is waiting for the secretariat")).to_be_visible()
    screenshot(provider, "identity-requested-phone")

    provider.goto(f"{server.url}/certificates/{code}")
    expect(provider.get_by_role("heading", name=before["legal_name"])).to_be_visible()
    assert "Harbour Light" not in provider.content()

    _sign_in(page, server, server.token("secretariat"))
    page.get_by_role("link", name="Identity changes").click()
    card = page.locator("article.card", has_text=before["legal_name"])
    expect(card.get_by_text("Harbour Light Recruitment Ltd")).to_be_visible()
    screenshot(page, "identity-queue")
    # The same queue on the secretariat's own phone (its own cookies): no sideways scroll.
    secretariat_phone = browser.new_context(
        java_script_enabled=False, viewport=PHONE, is_mobile=True, device_scale_factor=2
    )
    on_phone = secretariat_phone.new_page()
    _sign_in(on_phone, server, server.token("secretariat"))
    on_phone.goto(f"{server.url}/portal/secretariat/identity-changes")
    expect(on_phone.get_by_role("button", name="Approve")).to_be_visible()
    screenshot(on_phone, "identity-queue-phone")
    width = on_phone.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], width
    secretariat_phone.close()
    card.get_by_role("button", name="Approve").click()
    expect(page.get_by_role("status")).to_contain_text("Approved: the change of")

    provider.goto(f"{server.url}/certificates/{code}")
    expect(provider.get_by_role("heading", name="Harbour Light Recruitment Ltd")).to_be_visible()
    expect(provider.get_by_text("Issued to")).to_contain_text(before["legal_name"])
    screenshot(provider, "identity-certificate-phone")
    provider.goto(f"{server.url}/providers/{provider_id}")
    expect(provider.get_by_text("Formerly")).to_be_visible()
    # The page is laid out for the phone: nothing wider than the screen.
    width = provider.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], width
