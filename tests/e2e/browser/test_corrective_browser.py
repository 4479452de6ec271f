"""A provider answers a corrective action on a phone, in Debian's headless chromium
(JavaScript off), against `rightsmark init --demo` + `rightsmark serve` (issue 17): from the
portal bar to its actions (one card each), a plan without its root cause refused at the
field, then sent for review, with its history.

Screenshots go to var/test-artifacts/screenshots/corrective-*.png.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, ViewportSize, expect

from tests.e2e.browser.browser import screenshot
from tests.support.server import registry_server

pytestmark = pytest.mark.e2e

PHONE: ViewportSize = {"width": 390, "height": 844}
SILVER = "provider: Manila Ethical Placement Corp. (staff)"  # the demo's open actions


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """(server URL, the silver provider's token)."""
    with registry_server(tmp_path_factory.mktemp("cap-e2e"), demo=True) as running:
        tokens = json.loads((running.data_dir / "demo-tokens.json").read_text())
        yield running.url, tokens[SILVER]


@pytest.fixture
def phone(browser: Browser) -> Iterator[BrowserContext]:
    context = browser.new_context(
        java_script_enabled=False, viewport=PHONE, is_mobile=True, device_scale_factor=2
    )
    yield context
    context.close()


def _narrow(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], width


def test_a_provider_sends_its_plan_on_a_phone(demo: tuple[str, str], phone: BrowserContext) -> None:
    url, token = demo
    page = phone.new_page()
    page.goto(url + "/portal/sign-in")
    page.get_by_label("API token").fill(token)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="Corrective actions").click()
    expect(page.get_by_role("heading", name="Corrective actions", exact=True)).to_be_visible()
    card = page.locator("table.actions tr", has_text="open").first
    expect(card.locator("td").first).to_contain_text("cap_")
    _narrow(page)
    screenshot(page, "corrective-list-phone")

    card.get_by_role("link").click()
    expect(page.get_by_role("heading", name="Corrective action")).to_be_visible()
    expect(page.get_by_text("Demo finding")).to_be_visible()  # the finding, private
    page.get_by_label("Root cause").fill("   ")
    page.get_by_label("Plan: what you will do").fill("Check every contract")
    page.get_by_role("button", name="Send the plan for review").click()
    expect(page.get_by_role("alert")).to_contain_text("Not done, nothing stored")
    expect(page.locator("#root_cause-error")).to_contain_text("root_cause is required")
    expect(page.get_by_label("Plan: what you will do")).to_have_value("Check every contract")
    _narrow(page)
    screenshot(page, "corrective-refused-phone")

    page.get_by_label("Root cause").fill("Nobody checked fees against the schedule")
    page.get_by_role("button", name="Send the plan for review").click()
    expect(page.get_by_role("status")).to_contain_text("Your plan was sent for review.")
    expect(page.locator("dl.facts")).to_contain_text("plan submitted")
    expect(page.locator("ol.cap-history")).to_contain_text("plan submitted")
    _narrow(page)
    screenshot(page, "corrective-sent-phone")
