"""The portals end to end in Debian's headless chromium (JavaScript off) against a real
`rightsmark init --demo` + `rightsmark serve`: the secretariat signs in with the demo token
and revokes a certificate, correcting a missing reason on the way; an auditor fills and
files an assessment; the secretariat accredits a new auditor, is refused a conflicted one
when assigning (nothing stored) and assigns the new one, who uploads evidence, attaches it
to a finding and files; the secretariat uploads, fixes and publishes a standard version.

Screenshots go to var/test-artifacts/screenshots/portal-*.png.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.e2e.browser.browser import SHOTS, screenshot
from tests.support.paths import PROJECT_ROOT
from tests.support.server import registry_server

pytestmark = pytest.mark.e2e

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


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


def shot_top(page: Page, name: str) -> None:
    """Only what the window shows, for pages too long to keep whole (the assessment form)."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"portal-{name}.png"))


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


def api(
    server: PortalServer, role: str, method: str, path: str, **kwargs: object
) -> httpx.Response:
    answer = httpx.request(
        method,
        f"{server.url}/api/v1{path}",
        headers={"Authorization": f"Bearer {server.token(role)}"},
        timeout=30,
        **kwargs,  # type: ignore[arg-type]
    )
    assert answer.status_code < 300, answer.text
    return answer


def sign_in(page: Page, server: PortalServer, token: str) -> None:
    page.goto(server.url + "/portal/sign-in")
    page.get_by_label("API token").fill(token)
    page.get_by_role("button", name="Sign in").click()


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").click()


def test_secretariat_accredits_and_assigns_a_chosen_auditor_who_uploads_evidence(
    server: PortalServer, page: Page, tmp_path: Path
) -> None:
    # an applicant of its own, so that the other tests' queue is untouched
    provider = api(
        server, "secretariat", "POST", "/providers",
        json={
            "legal_name": "Pokhara Safe Migration Services",
            "country": "NP",
            "provider_types": ["recruiter"],
            "corridors": ["NP-AE"],
            "contact": {"email": "desk@example.org", "phone": "+977 1 555 0101",
                        "address": "Lakeside 4, Pokhara"},
        },
    ).json()  # fmt: skip
    application = api(
        server, "secretariat", "POST", "/applications",
        json={"provider_id": provider["id"], "standard": "core-rights@1.0.0",
              "provider_types": ["recruiter"], "corridors": ["NP-AE"]},
    ).json()  # fmt: skip
    app_id = application["id"]
    created = api(
        server, "secretariat", "POST", "/accounts",
        json={"name": "Ravi Shrestha", "role": "auditor"},
    ).json()  # fmt: skip
    ravi, ravi_token = created["account"]["id"], created["token"]
    # the demo auditor declares a conflict with the applicant; the secretariat accepts it
    declared = api(
        server, "auditor", "POST", "/conflicts",
        json={"provider_id": application["provider_id"], "reason": "Former employee"},
    ).json()  # fmt: skip
    api(
        server, "secretariat", "POST", f"/conflicts/{declared['id']}/review",
        json={"decision": "accept", "reason": "confirmed"},
    )  # fmt: skip

    sign_in(page, server, server.token("secretariat"))
    page.get_by_role("link", name="Auditors and accreditations").click()
    expect(page.get_by_role("heading", name="Auditors and accreditations")).to_be_visible()
    page.get_by_label("Auditor", exact=True).select_option(ravi)
    page.get_by_label("Countries").fill(" ".join(application["countries"]))
    page.get_by_role("button", name="Accredit").click()  # no provider type ticked
    expect(page.locator("#provider_types-error")).to_have_text("name at least one provider type")
    page.get_by_label("recruiter", exact=True).check()
    page.get_by_role("button", name="Accredit").click()
    expect(page.get_by_role("status")).to_contain_text(f"granted to {ravi}")
    expect(page.locator(f"#auditor-{ravi}")).to_be_visible()
    shot(page, "accreditations")

    page.get_by_role("link", name="Queues and certificates").click()
    chooser = page.get_by_label(f"Auditor for {app_id}")
    demo_auditor = api(
        server, "secretariat", "GET", "/accounts", params={"role": "auditor"}
    ).json()["items"][0]["id"]
    chooser.select_option(demo_auditor)
    audit_date = (dt.date.today() + dt.timedelta(days=14)).isoformat()
    page.get_by_label(f"Audit date for {app_id}").fill(audit_date)
    page.get_by_role("button", name=f"Assign an auditor to {app_id}").click()
    refusal = page.locator(f"#refusal-{app_id}")
    expect(refusal).to_contain_text("has a conflict of interest with provider")
    expect(refusal).to_contain_text("nothing stored")
    shot(page, "assign-refused")
    page.get_by_label(f"Auditor for {app_id}").select_option(ravi)
    page.get_by_role("button", name=f"Assign an auditor to {app_id}").click()
    expect(page.get_by_role("status")).to_have_text(
        f"Application {app_id} assigned to {ravi} (Ravi Shrestha), audit date {audit_date}."
    )
    shot(page, "secretariat-assigned")
    sign_out(page)

    sign_in(page, server, ravi_token)
    page.get_by_role("link", name=f"Assess {app_id}").click()
    fake = tmp_path / "bank-statement.pdf"
    fake.write_bytes(b"just text pretending to be a PDF")
    page.get_by_label("Evidence file").set_input_files(str(fake))
    page.get_by_role("button", name="Upload evidence").click()
    expect(page.locator("#evidence_file-error")).to_contain_text("application/pdf")
    shot(page, "evidence-refused")
    real = tmp_path / "payslips-october.pdf"
    real.write_bytes(PDF)
    page.get_by_label("Evidence file").set_input_files(str(real))
    page.get_by_role("button", name="Upload evidence").click()
    expect(page.get_by_role("status")).to_contain_text("Evidence payslips-october.pdf uploaded")
    expect(page.get_by_role("link", name="payslips-october.pdf")).to_be_visible()
    shot(page, "evidence-uploaded")
    shot_top(page, "evidence-uploaded-top")

    page.get_by_label("Started on").fill(dt.date.today().isoformat())
    page.get_by_label("Ended on").fill(dt.date.today().isoformat())
    page.get_by_label("Workers interviewed").fill("11")
    page.get_by_label("Site name").fill("Head office")
    page.get_by_label("Site country (two letters)").fill(application["countries"][0])
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
    first = indicators.first
    first.locator("summary").click()  # <details> opens without JavaScript
    first.get_by_label("Attach payslips-october.pdf").check()
    page.get_by_role("button", name="File the assessment").click()
    expect(page.get_by_role("status")).to_contain_text(f"Assessment of {app_id} filed")
    state = api(server, "secretariat", "GET", f"/applications/{app_id}").json()["state"]
    assert state == "assessed"


def test_secretariat_uploads_and_publishes_a_standard_version(
    server: PortalServer, page: Page, tmp_path: Path
) -> None:
    # The next minor version after the library's newest (3.0.0).
    source = (PROJECT_ROOT / "standards" / "library" / "core-rights" / "3.0.0.yaml").read_text()
    good = source.replace("version: 3.0.0", "version: 3.1.0").replace(
        "supersedes: 2.0.0", "supersedes: 3.0.0"
    )
    broken = tmp_path / "core-rights-3.1.0-broken.yaml"
    broken.write_text(good.replace("weight: 3", "weight: -3", 1))
    draft = tmp_path / "core-rights-3.1.0.yaml"
    draft.write_text(good)

    sign_in(page, server, server.token("secretariat"))
    page.get_by_role("link", name="Standards publishing").click()
    expect(page.get_by_role("link", name="core-rights@1.1.0")).to_be_visible()
    page.get_by_label("Rule-set file (YAML or JSON)").set_input_files(str(broken))
    page.get_by_role("button", name="Upload as draft").click()
    expect(page.locator("#problems")).to_contain_text("line ")
    shot(page, "standards-problems")
    page.get_by_label("Rule-set file (YAML or JSON)").set_input_files(str(draft))
    page.get_by_role("button", name="Upload as draft").click()
    expect(page.get_by_role("status")).to_have_text(
        "Draft core-rights@3.1.0 stored. Publish it below."
    )
    shot(page, "standards-draft")
    page.get_by_role("button", name="Publish core-rights@3.1.0").click()
    expect(page.get_by_role("status")).to_have_text("core-rights@3.1.0 published.")
    expect(page.get_by_role("button", name="Retire core-rights@3.1.0")).to_be_visible()
    shot(page, "standards-published")
    page.goto(server.url + "/standards")
    expect(page.get_by_text("3.1.0").first).to_be_visible()


def test_provider_sees_its_organisation_and_certificates(server: PortalServer, page: Page) -> None:
    sign_in(page, server, server.token("provider"))
    assert page.url == f"{server.url}/portal/provider"
    expect(page.get_by_role("heading", name="Kathmandu Fair Recruitment Pvt. Ltd.")).to_be_visible()
    expect(page.get_by_text("Assessment reports").first).to_be_visible()
    shot(page, "provider")
