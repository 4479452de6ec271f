"""The surveillance cycle over the API (issue 17): the secretariat's calendar, the auditor's
scheduled audits, filing one; to anybody but its auditor a scheduled audit does not exist.
`rightsmark lifecycle run` plans with an injected clock."""

from __future__ import annotations

import datetime as dt

import httpx
import msgspec

from registry import surveillance as lifecycle
from registry.certificates import service as certificates
from registry.clock import add_months
from registry.standards.service import get_ruleset
from tests.integration.http.schedule.conftest import accredit, certified_under
from tests.support.assessments import submission
from tests.support.certified import Certified
from tests.support.http import assert_problem

DAY = dt.timedelta(days=1)
CALENDAR = "/api/v1/surveillance-calendar"
SCHEDULED = "/api/v1/scheduled-audits"


async def _planned(certified: Certified) -> str:
    world = certified.world
    await accredit(world, world.other_auditor.account_id)
    due = add_months((await certificates.find(certified.id))["valid_from"], 12)
    await lifecycle.run(due - 30 * DAY)
    listed = await certified.client.get(SCHEDULED, headers=world.other_auditor.headers)
    assert listed.status_code == 200, listed.text
    [item] = listed.json()["items"]
    return str(item["id"])


async def test_the_calendar_and_the_auditors_list(scertified: Certified) -> None:
    world, client = scertified.world, scertified.client
    audit = await _planned(scertified)
    answer = await client.get(CALENDAR, headers=world.secretariat.headers)
    assert answer.status_code == 200, answer.text
    [planned] = answer.json()["planned"]
    assert planned["id"] == audit
    assert (planned["kind"], planned["state"], planned["unannounced"]) == (
        "surveillance", "scheduled", True
    )  # fmt: skip
    assert planned["auditor_id"] == world.other_auditor.account_id
    assert planned["code"] == scertified.certificate["code"]
    assert planned["when"] == planned["audit_date"]
    assert answer.json()["overdue"] == []
    for who in (world.provider, world.auditor, world.other_auditor):
        assert_problem(await client.get(CALENDAR, headers=who.headers), 403)
    # The provider is never told; the certifying auditor has nothing scheduled.
    assert_problem(await client.get(SCHEDULED, headers=world.provider.headers), 403)
    mine = await client.get(SCHEDULED, headers=world.auditor.headers)
    assert mine.json()["items"] == []
    one = await client.get(f"{SCHEDULED}/{audit}", headers=world.other_auditor.headers)
    assert (one.status_code, one.json()["id"]) == (200, audit)
    for who in (world.provider, world.auditor, world.secretariat):
        assert_problem(await client.get(f"{SCHEDULED}/{audit}", headers=who.headers), 404)
    assert_problem(await client.get(f"{SCHEDULED}/{audit}"), 401)


async def test_filing_a_scheduled_audit(scertified: Certified) -> None:
    world, client = scertified.world, scertified.client
    audit = await _planned(scertified)
    url = f"{SCHEDULED}/{audit}/assessment"
    doc = world.submission(audit_type="surveillance")
    body = msgspec.json.encode(doc)
    json = {"Content-Type": "application/json"}
    for who in (world.provider, world.auditor, world.secretariat):
        assert_problem(await client.post(url, content=body, headers={**who.headers, **json}), 404)
    wrong = msgspec.json.encode({**doc, "audit_type": "initial"})
    refused = await client.post(url, content=wrong, headers={**world.other_auditor.headers, **json})
    assert_problem(refused, 422, "audit_type")
    broken = msgspec.json.encode({**doc, "findings": []})
    assert_problem(
        await client.post(url, content=broken, headers={**world.other_auditor.headers, **json}),
        422,
    )
    filed = await client.post(url, content=body, headers={**world.other_auditor.headers, **json})
    assert filed.status_code == 201, filed.text
    assert filed.json()["audit_type"] == "surveillance"
    assert filed.json()["application_id"] == world.application
    again = await client.post(url, content=body, headers={**world.other_auditor.headers, **json})
    assert_problem(again, 409)
    calendar = await client.get(CALENDAR, headers=world.secretariat.headers)
    assert calendar.json()["planned"] == []
    listed = await client.get(SCHEDULED, headers=world.other_auditor.headers)
    assert listed.json()["items"] == []


async def test_a_revoked_certificate_leaves_the_calendar(scertified: Certified) -> None:
    world, client = scertified.world, scertified.client
    audit = await _planned(scertified)
    assert (await scertified.change("revoke", "fraud confirmed")).status_code == 200
    calendar = await client.get(CALENDAR, headers=world.secretariat.headers)
    assert calendar.json()["planned"] == []
    listed = await client.get(SCHEDULED, headers=world.other_auditor.headers)
    assert listed.json()["items"] == []
    body = msgspec.json.encode(world.submission(audit_type="surveillance"))
    refused = await client.post(
        f"{SCHEDULED}/{audit}/assessment",
        content=body,
        headers={**world.other_auditor.headers, "Content-Type": "application/json"},
    )
    assert_problem(refused, 409)


async def test_an_assessed_recertification_leaves_the_calendar(client: httpx.AsyncClient) -> None:
    certified = await certified_under(client, "core-rights@2.0.0")
    world = certified.world
    expiry = (await certificates.find(certified.id))["valid_until"]
    await lifecycle.run(expiry - 60 * DAY)
    answer = await client.get(CALENDAR, headers=world.secretariat.headers)
    [recertification] = [p for p in answer.json()["planned"] if p["kind"] == "recertification"]
    assert recertification["auditor_id"] == world.auditor.account_id
    application = recertification["application_id"]
    ruleset = await get_ruleset("core-rights", "3.0.0")  # the next cycle's: the latest
    doc = submission(ruleset, audit_type="recertification", standard="core-rights@3.0.0")
    filed = await client.post(
        f"/api/v1/applications/{application}/assessments",
        content=msgspec.json.encode(doc),
        headers={**world.auditor.headers, "Content-Type": "application/json"},
    )
    assert filed.status_code == 201, filed.text
    answer = await client.get(CALENDAR, headers=world.secretariat.headers)
    assert [p for p in answer.json()["planned"] if p["kind"] == "recertification"] == []
