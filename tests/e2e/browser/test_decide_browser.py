"""Issue 16's decision screens in Debian's headless chromium (JavaScript off) against a real
`rightsmark init --demo` + `rightsmark serve`, at desktop and at phone width: the secretariat
reads the facts in the decide queue, opens the decision, is told a refusal needs a reason,
checks what the certificate will say and signs it with the explicit button; the public
certificate page then shows it. At phone width the same for a second application, assessed
over the API by the demo auditor.

Screenshots go to var/test-artifacts/screenshots/portal-decide-*.png.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest
from playwright.sync_api import Browser, Page, ViewportSize, expect

from audits.model import AuditType
from audits.template import findings_template, passing_value
from standards.model import ProviderType, RuleSet
from tests.e2e.browser.browser import screenshot
from tests.support.server import registry_server

pytestmark = pytest.mark.e2e

PHONE: ViewportSize = {"width": 390, "height": 844}
APPLICANT = "Hanoi Global Workforce JSC"  # the demo's application awaiting a decision


@dataclass
class DemoServer:
    url: str
    tokens: dict[str, str]

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
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoServer]:
    with registry_server(tmp_path_factory.mktemp("decide-e2e"), demo=True) as running:
        tokens = json.loads((running.data_dir / "demo-tokens.json").read_text())
        yield DemoServer(running.url, tokens)


def shot(page: Page, name: str) -> None:
    screenshot(page, f"portal-decide-{name}")


def sign_in(page: Page, server: DemoServer, role: str) -> None:
    page.goto(server.url + "/portal/sign-in")
    page.get_by_label("API token").fill(server.token(role))
    page.get_by_role("button", name="Sign in").click()


def _decide(page: Page, server: DemoServer, application_id: str, provider: str, tag: str) -> None:
    """From the queue to a signed certificate, through the confirmation."""
    sign_in(page, server, "secretariat")
    assert page.url == f"{server.url}/portal/secretariat"
    queue = page.locator("table.decide-queue")
    row = queue.locator("tr", has=page.get_by_text(application_id))
    expect(row).to_contain_text(provider)
    expect(row).to_contain_text("Demo auditor (Asha Rai)")
    expect(row.get_by_role("link", name=f"Report of {application_id}")).to_be_visible()
    shot(page, f"queue-{tag}")
    # the report the row links to
    row.get_by_role("link", name=f"Report of {application_id}").click()
    expect(page.get_by_role("heading", name="Scores by category")).to_be_visible()
    shot(page, f"report-{tag}")
    page.go_back()
    page.get_by_role("link", name=f"Review and decide {application_id}").click()
    expect(
        page.get_by_role("heading", name=re.compile("the certificate that will be signed"))
    ).to_be_visible()
    confirm = page.locator("form.confirm")
    expect(confirm).to_contain_text(provider)
    expect(confirm).to_contain_text("core-rights@")
    expect(confirm).to_contain_text("months")
    shot(page, f"confirm-{tag}")
    # refusing without a reason: told so at the field, nothing decided
    page.get_by_role("button", name="Refuse certification").click()
    expect(page.locator("#reason-error")).to_contain_text("say why certification is refused")
    shot(page, f"refuse-error-{tag}")
    certificates = _count(server)
    page.get_by_role("button", name="Sign the certificate").click()
    assert page.url == f"{server.url}/portal/secretariat"
    flash = page.get_by_role("status")
    expect(flash).to_contain_text(f"Application {application_id} certified: certificate RM-")
    shot(page, f"signed-{tag}")
    assert _count(server) == certificates + 1
    code = re.search(r"certificate (RM-[A-Z0-9-]+) signed", flash.inner_text())
    assert code
    page.goto(f"{server.url}/certificates/{code.group(1)}")
    expect(page.locator(".banner-word")).to_have_text("VALID")
    page.goto(server.url + "/portal/secretariat")
    page.get_by_role("button", name="Sign out").click()


def _count(server: DemoServer) -> int:
    listed = httpx.get(f"{server.url}/api/v1/certificates", params={"limit": 200}, timeout=30)
    return len(listed.json()["items"])


def _assessed(server: DemoServer, role: str, state: str) -> dict[str, object]:
    listed = server.api(role, "GET", "/applications", params={"state": state}).json()["items"]
    assert listed, state
    return dict(listed[0])


def test_the_secretariat_decides_with_a_confirmation_at_desktop_width(
    server: DemoServer, page: Page
) -> None:
    application = _assessed(server, "secretariat", "assessed")
    _decide(page, server, str(application["id"]), APPLICANT, "desktop")


def test_the_secretariat_decides_with_a_confirmation_at_phone_width(
    server: DemoServer, browser: Browser
) -> None:
    """The demo's submitted application, assigned and assessed over the API, decided in a
    phone-sized tab."""
    submitted = _assessed(server, "secretariat", "submitted")
    app_id = str(submitted["id"])
    server.api("secretariat", "POST", f"/applications/{app_id}/assign", json={})
    slug, _, version = str(submitted["standard"]).partition("@")
    body = httpx.get(f"{server.url}/api/v1/standards/{slug}/versions/{version}", timeout=30)
    ruleset = RuleSet.model_validate(body.json()["rule_set"])
    types = [ProviderType(t) for t in submitted["provider_types"]]  # type: ignore[attr-defined]
    doc = findings_template(ruleset, types, audit_type=AuditType.INITIAL)
    del doc["indicators_help"]
    measures = {ind.id: ind.measure for _, ind in ruleset.indicators()}
    for finding in doc["findings"]:
        finding["value"] = passing_value(measures[finding["indicator"]])
    doc.update(
        started_on="2026-10-01",
        ended_on="2026-10-03",
        sites=[{"name": "Head office", "country": "PH", "address": "Manila"}],
        workers_interviewed=25,
    )
    server.api("auditor", "POST", f"/applications/{app_id}/assessments", json=doc)
    provider = server.api("secretariat", "GET", f"/providers/{submitted['provider_id']}").json()
    phone = browser.new_context(java_script_enabled=False, viewport=PHONE)
    try:
        tab = phone.new_page()
        _decide(tab, server, app_id, provider["legal_name"], "phone")
    finally:
        phone.close()
