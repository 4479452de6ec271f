"""A provider's self-assessment in Debian's headless chromium (JavaScript off) on a phone,
against `rightsmark init --demo` + `rightsmark serve` (issue 17): it opens the form from its
portal, a missing answer is shown at its field, it scores its answers, reads the gap list
marked self-assessed, and attaches the result to its application.

Screenshots go to var/test-artifacts/screenshots/self-assessment-*.png.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import Browser, BrowserContext, Page, ViewportSize, expect

from api.cli.rulesets import resolve
from audits.template import failing_value, passing_value
from standards.model import NumericMeasure, ScaleMeasure
from tests.e2e.browser.browser import screenshot
from tests.support.server import registry_server

pytestmark = pytest.mark.e2e

PHONE: ViewportSize = {"width": 390, "height": 844}
STANDARD = "core-rights@1.1.0"


@pytest.fixture(scope="module")
def provider(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str, str]]:
    """(server URL, a new provider's token, its application), made over the API."""
    with registry_server(tmp_path_factory.mktemp("self-e2e"), demo=True) as running:
        tokens = json.loads((running.data_dir / "demo-tokens.json").read_text())
        sec = next(t for name, t in tokens.items() if name.startswith("secretariat:"))
        api = httpx.Client(base_url=running.url, headers={"Authorization": f"Bearer {sec}"})
        org = api.post(
            "/api/v1/providers",
            json={
                "legal_name": "Agencia Movil",
                "country": "PH",
                "provider_types": ["recruiter"],
                "corridors": ["PH-AE"],
                "contact": {
                    "email": "movil@example.org",
                    "phone": "+63 2 8123 4567",
                    "address": "Cebu",
                },
            },
        )
        assert org.status_code == 201, org.text
        account = api.post(
            "/api/v1/accounts",
            json={"name": "Movil", "role": "provider", "provider_id": org.json()["id"]},
        )
        token = account.json()["token"]
        applied = httpx.post(
            f"{running.url}/api/v1/applications",
            json={"standard": STANDARD, "provider_types": ["recruiter"], "corridors": ["PH-AE"]},
            headers={"Authorization": f"Bearer {token}"},
        )
        assert applied.status_code == 201, applied.text
        yield running.url, token, applied.json()["id"]


@pytest.fixture
def phone(browser: Browser) -> Iterator[BrowserContext]:
    context = browser.new_context(
        java_script_enabled=False, viewport=PHONE, is_mobile=True, device_scale_factor=2
    )
    yield context
    context.close()


def _answer(page: Page, indicator_id: str, value: bool | int | float, kind: str) -> None:
    if kind == "yes_no":
        page.locator(
            f'input[name="value-{indicator_id}"][value="{"yes" if value else "no"}"]'
        ).check()
    elif kind == "scale":
        page.locator(f"#value-{indicator_id}").select_option(str(value))
    else:
        page.locator(f"#value-{indicator_id}").fill(str(value))


def _narrow(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], width


def test_a_provider_assesses_itself_on_a_phone(
    provider: tuple[str, str, str], phone: BrowserContext
) -> None:
    url, token, application = provider
    ruleset = resolve(STANDARD)
    page = phone.new_page()
    page.goto(url + "/portal/sign-in")
    page.get_by_label("API token").fill(token)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="your self-assessments").click()
    page.get_by_label("Standard").select_option(STANDARD)
    page.get_by_role("button", name="Open the form").click()
    expect(page.get_by_role("heading", name=f"Assess yourself against {STANDARD}")).to_be_visible()
    _narrow(page)

    page.get_by_label("Started on").fill("2026-11-02")
    page.get_by_label("Ended on").fill("2026-11-03")
    page.get_by_label("Workers consulted").fill("12")
    page.get_by_label("Site name").fill("Cebu office")
    page.get_by_label("Site country (two letters)").fill("PH")
    in_scope = [i for _, i in ruleset.indicators() if "recruiter" in i.applies_to]
    core = next(i for i in in_scope if i.core)
    kinds: dict[str, str] = {}
    for indicator in in_scope:
        measure = indicator.measure
        kind = "number" if isinstance(measure, NumericMeasure) else "yes_no"
        kind = "scale" if isinstance(measure, ScaleMeasure) else kind
        kinds[indicator.id] = kind
        value = failing_value(measure) if indicator is core else passing_value(measure)
        if indicator is not in_scope[-1]:  # the last one left unanswered, at first
            _answer(page, indicator.id, value, kind)
    page.get_by_role("button", name="Score my answers").click()
    expect(page.get_by_role("alert")).to_contain_text("Not scored")
    expect(page.locator(f"#value-{in_scope[-1].id}-error")).to_contain_text("is not answered")
    expect(page.get_by_label("Site name")).to_have_value("Cebu office")  # answers kept
    screenshot(page, "self-assessment-missing-phone")

    last = in_scope[-1]
    _answer(page, last.id, passing_value(last.measure), kinds[last.id])
    page.get_by_role("button", name="Score my answers").click()
    expect(page.get_by_role("status")).to_contain_text("scored: score")
    card = page.locator("section.self-assessment")
    expect(card.locator(".badge-self")).to_have_text("self-assessed")
    expect(card.get_by_text("fails")).to_be_visible()  # the core floor
    gap = card.locator("li.gap", has_text=core.id)
    expect(gap).to_contain_text("critical")
    expect(gap).to_contain_text(core.requirement)
    _narrow(page)
    screenshot(page, "self-assessment-result-phone")

    page.get_by_label("Application", exact=True).select_option(application)
    page.get_by_role("button", name="Attach").click()
    expect(page.get_by_role("status")).to_contain_text(f"attached to application {application}")
    expect(page.locator("#attach-heading + p")).to_contain_text(
        f"Attached to application {application}"
    )
    _narrow(page)
    screenshot(page, "self-assessment-attached-phone")
    record = httpx.get(
        f"{url}/api/v1/applications/{application}",
        headers={"Authorization": f"Bearer {token}"},
    ).json()
    assert record["self_assessment"]["self_assessed"] is True
