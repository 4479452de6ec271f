"""The surveillance cycle in Debian's headless chromium (JavaScript off), against
`rightsmark init --demo` + `rightsmark serve` (issue 17), at desktop and phone size: the
secretariat opens its calendar from the portal bar (soonest first, the unannounced audit
marked), and the auditor the registry scheduled files a surveillance audit from its portal
with the assessment form, then reads the engine's report. The surveillance is planned by
`rightsmark lifecycle run --now` eleven months on, as the schedule would run it then.

Screenshots go to var/test-artifacts/screenshots/surveillance-*.png.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest
from playwright.sync_api import Browser, BrowserContext, Page, ViewportSize, expect

from tests.e2e.browser.browser import screenshot
from tests.support.server import passing_filing, registry_server

pytestmark = pytest.mark.e2e

PHONE: ViewportSize = {"width": 390, "height": 844}
DESKTOP: ViewportSize = {"width": 1200, "height": 900}
STANDARD = "core-rights@3.0.0"  # asks for unannounced surveillance


@dataclass
class Cycle:
    url: str
    tokens: dict[str, str]  # "role: name" -> token, as `init --demo` writes them
    code: str  # the certificate under core-rights 3.0.0: its surveillance is unannounced

    def token(self, role: str) -> str:
        return next(token for name, token in self.tokens.items() if name.startswith(f"{role}:"))


def _ok(response: httpx.Response, status: int = 200) -> dict[str, object]:
    assert response.status_code == status, response.text
    body: dict[str, object] = response.json()
    return body


@pytest.fixture(scope="module")
def cycle(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cycle]:
    """The demo, one more provider certified under core-rights 3.0.0 by the demo auditor
    (over the API), and the lifecycle run eleven months on: surveillance is planned for
    every valid certificate, the demo auditor the only one eligible."""
    with registry_server(tmp_path_factory.mktemp("surveillance-e2e"), demo=True) as running:
        tokens = json.loads((running.data_dir / "demo-tokens.json").read_text())
        cycle = Cycle(running.url, tokens, "")
        sec = {"Authorization": f"Bearer {cycle.token('secretariat')}"}
        aud = {"Authorization": f"Bearer {cycle.token('auditor')}"}
        with httpx.Client(base_url=running.url, timeout=30) as http:
            org = _ok(http.post("/api/v1/providers", headers=sec, json={
                "legal_name": "Agencia Sorpresa", "country": "PH",
                "provider_types": ["recruiter"], "corridors": ["PH-AE"],
                "contact": {"email": "s@example.org", "phone": "+63 2 555", "address": "Cebu"},
            }), 201)  # fmt: skip
            application = _ok(http.post("/api/v1/applications", headers=sec, json={
                "standard": STANDARD, "provider_id": org["id"],
                "provider_types": ["recruiter"], "corridors": ["PH-AE"],
            }), 201)["id"]  # fmt: skip
            _ok(http.post(f"/api/v1/applications/{application}/assign", headers=sec, json={}))
            slug, _, version = STANDARD.partition("@")
            rules = _ok(http.get(f"/api/v1/standards/{slug}/versions/{version}"))["rule_set"]
            today = dt.datetime.now(dt.UTC).date()
            filing = passing_filing(rules, today)  # type: ignore[arg-type]
            _ok(http.post(f"/api/v1/applications/{application}/assessments", headers=aud,
                          json=filing), 201)  # fmt: skip
            decided = _ok(http.post(f"/api/v1/applications/{application}/decision", headers=sec),
                          201)  # fmt: skip
            certificate = decided["certificate"]
            assert isinstance(certificate, dict), decided
        later = (today + dt.timedelta(days=330)).isoformat() + "T00:00:00Z"
        planned = running.cli("lifecycle", "run", "--now", later, "--json")
        assert planned.returncode == 0, planned.stderr
        kinds = [a["action"] for a in json.loads(planned.stdout)["actions"]]
        assert "surveillance_scheduled" in kinds, planned.stdout
        yield Cycle(running.url, tokens, str(certificate["code"]))


@pytest.fixture
def phone(browser: Browser) -> Iterator[BrowserContext]:
    context = browser.new_context(
        java_script_enabled=False, viewport=PHONE, is_mobile=True, device_scale_factor=2
    )
    yield context
    context.close()


@pytest.fixture
def desktop(browser: Browser) -> Iterator[BrowserContext]:
    context = browser.new_context(java_script_enabled=False, viewport=DESKTOP)
    yield context
    context.close()


def _no_sideways_scroll(page: Page, size: ViewportSize) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= size["width"], width


def _sign_in(page: Page, cycle: Cycle, role: str) -> None:
    page.goto(cycle.url + "/portal/sign-in")
    page.get_by_label("API token").fill(cycle.token(role))
    page.get_by_role("button", name="Sign in").click()


def _fill(page: Page) -> None:
    """The assessment form: the audit, and a plausible answer to every indicator."""
    page.get_by_label("Started on").fill(dt.date.today().isoformat())
    page.get_by_label("Ended on").fill(dt.date.today().isoformat())
    page.get_by_label("Workers interviewed").fill("9")
    page.get_by_label("Site name").fill("Head office")
    page.get_by_label("Site country (two letters)").fill("PH")
    indicators = page.locator("fieldset.indicator")
    for index in range(indicators.count()):
        indicator = indicators.nth(index)
        if indicator.locator("input[type=radio]").count():
            indicator.get_by_label("Yes", exact=True).check()
        elif indicator.locator("select").count():
            indicator.locator("select").select_option("4")
        else:
            number = indicator.locator("input[type=number]")
            number.fill(number.get_attribute("min") or "0")


@pytest.mark.parametrize(("size", "name"), [(DESKTOP, "desktop"), (PHONE, "phone")])
def test_the_secretariat_reads_its_calendar(
    cycle: Cycle, browser: Browser, size: ViewportSize, name: str
) -> None:
    context = browser.new_context(
        java_script_enabled=False, viewport=size, is_mobile=name == "phone"
    )
    page = context.new_page()
    _sign_in(page, cycle, "secretariat")
    expect(page.locator("p.surveillance-summary")).to_contain_text("planned")
    page.get_by_role("navigation", name="Portal").get_by_role(
        "link", name="Surveillance calendar"
    ).click()
    expect(page.get_by_role("heading", name="Surveillance calendar", exact=True)).to_be_visible()
    rows = page.locator("table.calendar tbody tr")
    assert rows.count() >= 2  # every valid demo certificate, and the new one
    ours = page.locator("table.calendar tbody tr", has_text=cycle.code)
    expect(ours.locator(".unannounced")).to_have_text("unannounced")
    expect(ours).to_contain_text("Demo auditor (Asha Rai)")
    dates = [rows.nth(i).locator("td").first.locator("strong").first.inner_text()
             for i in range(rows.count())]  # fmt: skip
    assert dates == sorted(dates)  # soonest first
    expect(page.get_by_role("heading", name="Surveillance overdue (0)")).to_be_visible()
    _no_sideways_scroll(page, size)
    screenshot(page, f"surveillance-calendar-{name}")
    context.close()


@pytest.mark.parametrize(("size", "name"), [(DESKTOP, "desktop"), (PHONE, "phone")])
def test_the_scheduled_auditor_files_a_surveillance_audit(
    cycle: Cycle, browser: Browser, size: ViewportSize, name: str
) -> None:
    context = browser.new_context(
        java_script_enabled=False, viewport=size, is_mobile=name == "phone"
    )
    page = context.new_page()
    _sign_in(page, cycle, "auditor")
    section = page.locator("section", has=page.get_by_role("heading", name="Surveillance audits"))
    expect(section).to_be_visible()
    # Desktop files the unannounced one; the phone, another demo certificate's.
    item = section.locator("li", has_text=cycle.code)
    if name == "phone":
        item = section.locator("li").filter(has_not_text=cycle.code).first
    else:
        expect(item.locator(".unannounced")).to_have_text("unannounced")
    _no_sideways_scroll(page, size)
    screenshot(page, f"surveillance-assignments-{name}")
    link = item.get_by_role("link")
    audit = link.inner_text().rsplit(" ", 1)[1]
    link.click()
    expect(page.get_by_role("heading", name=f"Surveillance audit {audit}")).to_be_visible()
    expect(page.get_by_label("Audit type")).to_have_value("surveillance")
    if name == "desktop":
        expect(page.locator("p.lead")).to_contain_text("do not tell the provider beforehand")
    _no_sideways_scroll(page, size)
    screenshot(page, f"surveillance-form-{name}")

    _fill(page)
    page.get_by_role("button", name="File the assessment").click()
    expect(page.get_by_role("status")).to_contain_text(f"Surveillance audit {audit} filed as")
    expect(page.get_by_role("heading", level=1)).to_contain_text("asm_")
    _no_sideways_scroll(page, size)
    screenshot(page, f"surveillance-filed-{name}")
    page.goto(cycle.url + "/portal/auditor")
    expect(page.get_by_role("link", name=f"File surveillance audit {audit}")).to_have_count(0)
    context.close()
