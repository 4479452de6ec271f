"""The employer's notification pages in Debian's headless chromium (JavaScript off) against
`rightsmark init --demo` + `rightsmark serve`, whose own delivery worker sends (issue 18):
the demo employer signs in, makes a webhook to a real receiver for its demo watchlist, sees
the secret once, the secretariat changes the watched certificate, and the webhook's delivery
log shows the delivery; at desktop and phone size, with no sideways scroll.

Screenshots go to var/test-artifacts/screenshots/notifications-*.png.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import Browser, Page, ViewportSize, expect
from standardwebhooks.webhooks import Webhook

from tests.e2e.browser.browser import screenshot
from tests.support.server import RegistryServer, registry_server
from tests.support.webhooks import Receiver, receiver

pytestmark = pytest.mark.e2e

SIZES: dict[str, ViewportSize] = {
    "desktop": {"width": 1200, "height": 900},
    "phone": {"width": 390, "height": 844},
}
# The change each size makes to the watched certificate (desktop first, as collected).
CHANGE = {"desktop": ("suspend", "certificate.suspended"),
          "phone": ("reinstate", "certificate.reinstated")}  # fmt: skip


@pytest.fixture(scope="module")
def hooks() -> Iterator[Receiver]:
    with receiver() as found:
        yield found


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RegistryServer]:
    with registry_server(
        tmp_path_factory.mktemp("notifications-e2e"),
        demo=True,
        extra_env={"RIGHTSMARK_WEBHOOK_ALLOW_PRIVATE": "true"},
    ) as running:
        yield running


def _employer_token(demo: RegistryServer) -> str:
    tokens = json.loads((demo.data_dir / "demo-tokens.json").read_text())
    return str(next(t for name, t in tokens.items() if name.startswith("employer:")))


def _watched(demo: RegistryServer, token: str) -> str:
    """The certificate id on the demo employer's watchlist."""
    headers = {"Authorization": f"Bearer {token}"}
    (listed,) = httpx.get(f"{demo.url}/api/v1/watchlists", headers=headers).json()["items"]
    read = httpx.get(f"{demo.url}/api/v1/watchlists/{listed['id']}", headers=headers).json()
    return str(read["items"][0]["certificate_id"])


def _narrow(page: Page, width: int) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= width


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_an_employer_makes_a_webhook_and_sees_its_delivery_log(
    demo: RegistryServer, hooks: Receiver, browser: Browser, size: str
) -> None:
    viewport = SIZES[size]
    context = browser.new_context(
        java_script_enabled=False, viewport=viewport, is_mobile=size == "phone"
    )
    page = context.new_page()
    token = _employer_token(demo)
    page.goto(demo.url + "/portal/sign-in")
    page.get_by_label("API token").fill(token)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Your watchlists")).to_be_visible()
    page.get_by_role("main").get_by_role("link", name="notifications", exact=True).click()
    expect(page.get_by_role("heading", name="Notifications", exact=True)).to_be_visible()
    # The demo's e-mail alerts already follow the demo watchlist.
    expect(page.locator("#alerts")).to_contain_text("Demo suppliers")

    endpoint = f"{hooks.url}/{size}"
    page.get_by_label("Endpoint URL (HTTPS)").fill(endpoint)
    page.locator("#webhook-watchlist").select_option(label="Watchlist: Demo suppliers")
    _narrow(page, viewport["width"])
    screenshot(page, f"notifications-home-{size}")
    page.get_by_role("button", name="Create webhook").click()
    expect(page.get_by_role("heading", name="Webhook created")).to_be_visible()
    secret = page.locator("#secret").inner_text()
    assert secret.startswith("whsec_")
    _narrow(page, viewport["width"])
    screenshot(page, f"notifications-secret-{size}")

    page.get_by_role("link", name="Its delivery log").click()
    expect(page.get_by_text("Nothing delivered yet")).to_be_visible()
    action, kind = CHANGE[size]
    changed = httpx.post(
        f"{demo.url}/api/v1/certificates/{_watched(demo, token)}/{action}",
        json={"reason": "a browser test"},
        headers={"Authorization": f"Bearer {demo.secretariat_token}"},
    )
    assert changed.status_code == 200, changed.text

    delivered = page.locator('tr[data-status="delivered"]')
    deadline = time.monotonic() + 60
    while delivered.count() == 0 and time.monotonic() < deadline:
        time.sleep(0.5)  # `serve`'s own worker delivers; the page has no script to refresh
        page.reload()
    expect(delivered).to_have_count(1)
    expect(delivered).to_contain_text(kind)
    expect(delivered).to_contain_text("delivered (HTTP 204)")
    expect(page.get_by_role("button", name="Re-deliver")).to_be_visible()
    _narrow(page, viewport["width"])
    screenshot(page, f"notifications-log-{size}")

    (got,) = [r for r in hooks.requests if r.path == f"/hooks/{size}"]
    event = Webhook(secret).verify(got.body, got.headers)
    assert event["type"] == kind
    assert got.headers["webhook-id"] in delivered.inner_text()
    context.close()
