"""A complaint end to end in Debian's headless chromium at phone size (JavaScript off),
against a real `rightsmark init --demo` + `rightsmark serve`: filed anonymously with a photo
from a certificate's page, tracked by reference and key, acknowledged by the secretariat,
the provider asked and answering, the certificate suspended on the complaint, the case
closed substantiated with a refund ordered and confirmed, the provider's appeal refused to
the member who handled the case and decided by another one, the outcome seen by the
complainant.

And a second complaint followed by a special audit: ordered in the secretariat's portal,
filed by the auditor in its portal with a critical finding (passports held), the certificate
suspended by `rightsmark lifecycle run`, and its page, the verify page and the verify API all
saying so.

Screenshots go to var/test-artifacts/screenshots/complaint-*.png.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, BrowserContext, Page, ViewportSize, expect

from tests.e2e.browser.browser import screenshot
from tests.support.server import cli, registry_server

pytestmark = pytest.mark.e2e

PHONE: ViewportSize = {"width": 390, "height": 844}
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@dataclass
class Server:
    url: str
    tokens: dict[str, str]
    certificates: list[dict[str, Any]]
    env: dict[str, str]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with registry_server(tmp_path_factory.mktemp("complaints-e2e"), demo=True) as running:
        tokens = json.loads((running.data_dir / "demo-tokens.json").read_text())
        listed = httpx.get(f"{running.url}/api/v1/certificates", params={"limit": 200}, timeout=30)
        yield Server(running.url, tokens, listed.json()["items"], running.env)


@pytest.fixture
def phone(browser: Browser) -> Iterator[BrowserContext]:
    context = browser.new_context(
        java_script_enabled=False, viewport=PHONE, is_mobile=True, device_scale_factor=2
    )
    yield context
    context.close()


def shot(page: Page, name: str) -> None:
    screenshot(page, f"complaint-{name}")


def own_phone(browser: Browser) -> BrowserContext:
    """Another person's phone: its own cookies, so its own portal session."""
    return browser.new_context(
        java_script_enabled=False, viewport=PHONE, is_mobile=True, device_scale_factor=2
    )


def signed_in(context: BrowserContext, server: Server, token: str) -> Page:
    page = context.new_page()
    page.goto(server.url + "/portal/sign-in")
    page.get_by_label("API token").fill(token)
    page.get_by_role("button", name="Sign in").click()
    return page


def test_a_complaint_from_filing_to_the_appeal(
    server: Server, phone: BrowserContext, browser: Browser
) -> None:
    staff = next(name for name in server.tokens if name.startswith("provider:"))
    legal_name = staff.removeprefix("provider: ").removesuffix(" (staff)")
    certificate = next(
        c
        for c in server.certificates
        if c["status"] == "valid" and c["provider"]["legal_name"] == legal_name
    )
    code = certificate["code"]
    secretariat = next(t for n, t in server.tokens.items() if n.startswith("secretariat:"))
    created = httpx.post(
        f"{server.url}/api/v1/accounts",
        json={"name": "Second secretariat member", "role": "secretariat"},
        headers={"Authorization": f"Bearer {secretariat}"},
        timeout=30,
    )
    assert created.status_code == 201, created.text
    colleague = created.json()["token"]

    # a worker files anonymously from the certificate's page, with a photo
    worker = phone.new_page()
    worker.goto(f"{server.url}/certificates/{code}")
    worker.get_by_role("link", name="Report a problem with this recruiter").click()
    expect(worker.get_by_label("Registry id or certificate code")).to_have_value(code)
    worker.get_by_label("What happened, in your own words").fill(
        "The agent took 900 USD from each of us and kept our passports at the office."
    )
    worker.get_by_label("Where did it happen?").select_option(label="Qatar")
    worker.get_by_role("button", name="Send the complaint").click()  # no category ticked
    expect(worker.locator("#categories-error")).to_have_text("tick at least one box: what happened")
    shot(worker, "form-error-phone")
    worker.get_by_label("I was charged recruitment fees or costs").check()
    worker.get_by_label("My passport or other documents were kept from me").check()
    worker.get_by_label("Workers went from (optional)").select_option(label="Nepal")
    worker.get_by_label("to (optional)").select_option(label="Qatar")
    worker.get_by_label("How many workers are affected?").fill("12")
    worker.get_by_label("A photo or document (optional)").set_input_files(
        {"name": "receipt.png", "mimeType": "image/png", "buffer": PNG}
    )
    expect(
        worker.get_by_label("The recruiter may learn who I am and read my own words")
    ).not_to_be_checked()
    shot(worker, "form-phone")
    worker.get_by_role("button", name="Send the complaint").click()
    expect(worker.get_by_role("heading", name="Write these down now")).to_be_visible()
    reference = worker.locator("#reference").inner_text()
    key = worker.locator("#access-key").inner_text()
    assert re.fullmatch(r"RMC-[0-9A-Z]{10}", reference)
    expect(worker.get_by_text("Your file was received with the complaint.")).to_be_visible()
    shot(worker, "filed-phone")

    worker.get_by_role("link", name="Follow your complaint").first.click()
    worker.get_by_label("Reference").fill(reference)
    worker.get_by_label("Access key").fill(key)
    worker.get_by_role("button", name="Show my complaint").click()
    expect(worker.get_by_text("Received: waiting to be acknowledged")).to_be_visible()
    assert key not in worker.url
    shot(worker, "track-phone")

    # the secretariat acknowledges, asks the provider, suspends at once
    office = signed_in(phone, server, secretariat)
    office.goto(server.url + "/portal/secretariat/complaints")
    shot(office, "queue-phone")
    office.get_by_role("link", name=reference).click()
    office.get_by_label("Note to the complainant (optional)").fill("We have your complaint.")
    office.get_by_role("button", name=f"Acknowledge {reference}").click()
    expect(office.get_by_role("status")).to_have_text(f"Complaint {reference} acknowledged.")
    office.get_by_label("To", exact=True).select_option("provider")
    due = (dt.date.today() + dt.timedelta(days=14)).isoformat()
    office.get_by_label("Response due (provider only, optional)").fill(due)
    office.get_by_label("Question").fill("Fees and kept passports are alleged. Please respond.")
    office.get_by_role("button", name="Send the question").click()
    expect(office.get_by_role("status")).to_contain_text("response due by")
    hint = office.get_by_text("Core indicators alleged:").inner_text()
    indicator = re.search(r"alleged: ([A-Z]+-\d+)", hint)
    assert indicator
    office.get_by_label("Core indicator").fill(indicator.group(1))
    office.get_by_role("button", name="Suspend").click()
    expect(office.get_by_role("status")).to_contain_text("Certificate suspended")
    shot(office, "case-phone")

    # the provider answers
    provider = signed_in(own_phone(browser), server, server.tokens[staff])
    provider.goto(f"{server.url}/portal/provider/complaints/{reference}")
    expect(provider.get_by_text("not disclosed (the complainant did not agree)")).to_be_visible()
    expect(provider.get_by_text("kept our passports at the office")).to_have_count(0)
    provider.get_by_label("Your response to the registry").fill("We deny charging any fee.")
    provider.get_by_role("button", name="Send the response").click()
    expect(provider.get_by_role("status")).to_have_text("Your response was sent to the registry.")

    # closed substantiated, a refund ordered and confirmed
    office.reload()
    expect(office.get_by_text("We deny charging any fee.")).to_be_visible()
    office.get_by_label("Outcome").select_option("substantiated")
    office.get_by_label("Reasons (the complainant and the provider are told)").fill(
        "Receipts show 900 USD taken from each worker."
    )
    office.get_by_role("button", name=f"Close {reference}").click()
    office.get_by_label("Amount (refund)").fill("900.00")
    office.get_by_label("Currency (ISO 4217)").fill("USD")
    office.get_by_label("Workers", exact=True).fill("12")
    office.get_by_label("Deadline").fill((dt.date.today() + dt.timedelta(days=30)).isoformat())
    office.get_by_role("button", name="Order remedy").click()
    expect(office.get_by_role("status")).to_contain_text("Remedy")
    office.get_by_role("button", name=re.compile("Confirm remedy")).click()
    expect(office.get_by_role("status")).to_contain_text("confirmed done")
    shot(office, "closed-phone")

    # the provider appeals; the handling member is refused, a colleague decides
    provider.goto(f"{server.url}/portal/provider/complaints/{reference}")
    provider.get_by_role("link", name="lodge an appeal").click()
    provider.get_by_label("Your reasons").fill("The receipts are not ours.")
    provider.get_by_role("button", name="Lodge the appeal").click()
    expect(provider.get_by_role("status")).to_contain_text("lodged")
    office.goto(server.url + "/portal/secretariat/appeals")
    office.locator("a[href^='/portal/secretariat/appeals/apc_']").first.click()
    office.get_by_label("Reasons").fill("The appeal has no merit.")
    office.get_by_role("button", name=re.compile("^Decide ")).click()
    expect(office.get_by_role("alert")).to_contain_text("You may not decide this appeal")
    shot(office, "appeal-refused-phone")
    other = signed_in(own_phone(browser), server, colleague)
    other.goto(office.url.removesuffix("/decide"))
    other.get_by_label("Reasons").fill("The receipts match the workers' accounts.")
    other.get_by_role("button", name=re.compile("^Decide ")).click()
    expect(other.get_by_role("status")).to_contain_text("upheld")

    # the worker sees the outcome and the remedy done
    worker.goto(server.url + "/complaints/track")
    worker.get_by_label("Reference").fill(reference)
    worker.get_by_label("Access key").fill(key)
    worker.get_by_role("button", name="Show my complaint").click()
    expect(worker.get_by_text("Outcome: substantiated.", exact=False).first).to_be_visible()
    expect(worker.get_by_text("done", exact=True)).to_be_visible()
    shot(worker, "outcome-phone")
    provider.context.close()
    other.context.close()


def _account_of(server: Server, token: str) -> str:
    me = httpx.get(
        f"{server.url}/api/v1/accounts/me", headers={"Authorization": f"Bearer {token}"}, timeout=30
    )
    assert me.status_code == 200, me.text
    return str(me.json()["id"])


def test_a_special_audit_on_a_complaint_suspends_the_certificate(
    server: Server, phone: BrowserContext, browser: Browser
) -> None:
    staff = next(name for name in server.tokens if name.startswith("provider:"))
    legal_name = staff.removeprefix("provider: ").removesuffix(" (staff)")
    certificate = next(  # another provider's than the first test's (suspended there)
        c
        for c in server.certificates
        if c["status"] == "valid" and c["provider"]["legal_name"] != legal_name
    )
    code = certificate["code"]
    filed = httpx.post(
        f"{server.url}/api/v1/complaints",
        json={
            "provider": code,
            "categories": ["documents"],
            "description": "Our passports are in the office safe and they will not return them.",
            "country": "AE",
            "workers_affected": 30,
        },
        timeout=30,
    )
    assert filed.status_code == 201, filed.text
    reference = filed.json()["reference"]

    # the secretariat orders an unannounced special audit, the auditor picked by the rules
    secretariat = next(t for n, t in server.tokens.items() if n.startswith("secretariat:"))
    office = signed_in(phone, server, secretariat)
    office.goto(f"{server.url}/portal/secretariat/complaints/{reference}")
    office.get_by_role("button", name=f"Acknowledge {reference}").click()
    office.get_by_label("Unannounced").check()
    office.get_by_role("button", name="Order the special audit").click()
    ordered = office.get_by_role("status")
    expect(ordered).to_contain_text("Special audit spa_")
    found = re.search(r"(spa_\S+) ordered: (acc_\S+) on", ordered.inner_text())
    assert found, ordered.inner_text()
    audit_id, auditor_id = found.groups()
    shot(office, "special-audit-ordered-phone")

    # the auditor files it in the portal: passports found held (DOC-1, critical)
    token = next(
        t
        for n, t in server.tokens.items()
        if n.startswith("auditor:") and _account_of(server, t) == auditor_id
    )
    auditor = signed_in(own_phone(browser), server, token)
    auditor.get_by_role("link", name=f"File special audit {audit_id}").click()
    expect(auditor.get_by_role("heading", name=f"Special audit {audit_id}")).to_be_visible()
    expect(auditor.get_by_text("Complaints about this provider (1)")).to_be_visible()
    expect(auditor.get_by_text("office safe")).to_have_count(0)
    today = dt.date.today().isoformat()
    auditor.get_by_label("Started on").fill(today)
    auditor.get_by_label("Ended on").fill(today)
    auditor.get_by_label("Workers interviewed").fill("12")
    auditor.get_by_label("Site name").fill("Head office")
    auditor.get_by_label("Site country (two letters)").fill("AE")
    for radio in auditor.locator("input[type=radio][value=yes]").all():
        radio.check()
    for select in auditor.locator("select[id^='value-']").all():
        select.select_option("4")
    for number in auditor.locator("input[type=number][id^='value-']").all():
        number.fill(number.get_attribute("min") or "0")
    auditor.locator("#value-DOC-1").fill("3")
    auditor.get_by_label("Notes on DOC-1").fill("Three passports in the office safe.")
    shot(auditor, "special-audit-form-phone")
    auditor.get_by_role("button", name="File the assessment").click()
    expect(auditor.get_by_role("status")).to_contain_text(f"Special audit {audit_id} filed")

    # the lifecycle acts on the critical finding; every way of checking says suspended
    ran = cli("lifecycle", "run", "--json", env=server.env)
    assert ran.returncode == 0, ran.stderr
    assert certificate["id"] in ran.stdout
    worker = phone.new_page()
    worker.goto(f"{server.url}/certificates/{code}")
    expect(worker.locator(".banner-word")).to_have_text("SUSPENDED")
    shot(worker, "special-audit-suspended-phone")
    worker.goto(f"{server.url}/verify?code={code}")
    expect(worker.get_by_text("suspended", exact=False).first).to_be_visible()
    credential = httpx.get(
        f"{server.url}/credentials/{certificate['id']}",
        headers={"Accept": "application/json"},
        timeout=30,
    ).json()
    verdict = httpx.post(f"{server.url}/api/v1/verify", json=credential, timeout=30).json()
    assert verdict["status"] == "suspended", verdict
    auditor.context.close()
