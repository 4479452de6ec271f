"""The surveillance cycle in the portals (issue 17): the secretariat's calendar (soonest
first, unannounced marked, unassigned work with its reason, overdue surveillance with its
due date), linked from its portal; the auditor the registry scheduled files the audit from
its portal with the application form, and nobody else, the provider least of all, learns
the audit exists. `rightsmark lifecycle run` plans with an injected clock. Real database,
real HTTP, no mocks."""

from __future__ import annotations

import datetime as dt
import re

import httpx
import pytest

from registry import conflicts
from registry import surveillance as lifecycle
from registry.certificates import service as certificates
from registry.clock import add_months, utc_now
from registry.db.database import write_transaction
from registry.schedule import calendar
from registry.schedule.tables import ScheduledAuditRow
from tests.integration.http.authz.world import assessment_form
from tests.integration.http.schedule.conftest import accredit, certified_under
from tests.support.assessments import Party
from tests.support.certified import Certified
from tests.support.portal import csrf, page, sign_in, submit

DAY = dt.timedelta(days=1)
CALENDAR = "/portal/secretariat/surveillance"


@pytest.fixture
async def certified(client: httpx.AsyncClient) -> Certified:
    """Certified under core-rights 3.0.0: unannounced surveillance, a grace when overdue."""
    return await certified_under(client, "core-rights@3.0.0")


async def _due(certified: Certified) -> dt.datetime:
    return add_months((await certificates.find(certified.id))["valid_from"], 12)


async def _browser(certified: Certified, who: Party) -> httpx.AsyncClient:
    """A browser of its own (its own cookies) on the same app, signed in as `who`."""
    client = certified.client
    browser = httpx.AsyncClient(transport=client._transport, base_url=client.base_url)
    await sign_in(browser, who.headers["Authorization"].split()[1])
    return browser


async def _scheduled(certified: Certified) -> str:
    """Surveillance planned 30 days before it is due, rotated to the other auditor."""
    world = certified.world
    await accredit(world, world.other_auditor.account_id)
    await lifecycle.run(await _due(certified) - 30 * DAY)
    [planned] = await calendar.assigned_to(world.other_auditor.actor)
    return planned.id


async def _recertification_row(certified: Certified, due_on: dt.date) -> str:
    """Planned work no auditor could take, due later: written as the planner writes it."""
    now = utc_now()
    async with write_transaction():
        await ScheduledAuditRow.insert(
            ScheduledAuditRow(
                public_id="sch_recertlater01", kind="recertification",
                slot=f"{certified.id}|recertification", certificate_id=certified.id,
                application_id=None, provider_id=certified.world.provider_id, auditor_id=None,
                due_on=due_on, audit_date=None, unannounced=False, state="unassigned",
                note="cannot open an application: a test reason", created_at=now, updated_at=now,
            )
        ).run()  # fmt: skip
    return "sch_recertlater01"


async def test_the_calendar_soonest_first_with_unannounced_and_unassigned(
    certified: Certified,
) -> None:
    world = certified.world
    audit = await _scheduled(certified)
    later = await _recertification_row(certified, (await _due(certified)).date() + 400 * DAY)
    secretariat = await _browser(certified, world.secretariat)
    home = await page(secretariat, "/portal/secretariat")
    assert f'href="{CALENDAR}"' in home  # the portal bar and the home page's summary
    assert "2 planned" in home
    assert "1 unassigned" in home

    shown = await page(secretariat, CALENDAR)
    code = certified.certificate["code"]
    rows = re.findall(r'<tr id="(sch_[^"]+)"', shown)
    assert rows == [audit, later]  # soonest first
    surveillance = shown[shown.index(f'<tr id="{audit}"') : shown.index(f'<tr id="{later}"')]
    assert "Surveillance" in surveillance
    assert 'class="unannounced">unannounced' in surveillance
    assert world.other_auditor.account_id in surveillance  # the rotated auditor, named
    assert f"/portal/secretariat/certificates/{code}" in surveillance
    recertification = shown[shown.index(f'<tr id="{later}"') :]
    assert f'<tr id="{later}" class="unassigned">' in shown
    assert "Unassigned" in recertification
    assert "a test reason" in recertification  # why, for the secretariat
    assert "No surveillance audit is overdue." in shown

    # Nobody else reads the calendar.
    for who in (world.provider, world.auditor):
        other = await _browser(certified, who)
        await page(other, CALENDAR, expect=403)


async def test_overdue_surveillance_is_listed_with_its_due_date(certified: Certified) -> None:
    world = certified.world
    # The certifying auditor has an accepted conflict and nobody else is accredited.
    await conflicts.declare(
        world.secretariat.actor,
        provider_id=world.provider_id,
        auditor_id=world.auditor.account_id,
        reason="former employee",
    )
    due = await _due(certified)
    await lifecycle.run(due - 30 * DAY)
    await lifecycle.run(due + DAY)  # overdue: flagged, within the grace
    secretariat = await _browser(certified, world.secretariat)
    shown = await page(secretariat, CALENDAR)
    overdue = shown[shown.index('id="overdue-heading"') :]
    assert "Surveillance overdue (1)" in overdue
    assert due.date().isoformat() in overdue
    assert certified.certificate["code"] in overdue
    due_part = shown[: shown.index('id="overdue-heading"')]
    assert "Unassigned" in due_part
    assert "conflict of interest" in due_part  # the planner's reason
    assert "1 overdue" in await page(secretariat, "/portal/secretariat")


async def test_the_scheduled_auditor_files_it_from_its_portal(certified: Certified) -> None:
    world = certified.world
    audit = await _scheduled(certified)
    form_page = f"/portal/auditor/scheduled-audits/{audit}"
    auditor = await _browser(certified, world.other_auditor)
    home = await page(auditor, "/portal/auditor")
    assert f'href="{form_page}"' in home
    listed = home[home.index('id="scheduled-heading"') :]
    assert "unannounced" in listed
    assert certified.certificate["code"] in listed

    shown = await page(auditor, form_page)
    assert f"Surveillance audit {audit}" in shown
    assert "do not tell the provider beforehand" in shown
    assert re.findall(r'<option value="(\w+)"', shown[shown.index('id="audit_type"') :])[0] == (
        "surveillance"
    )
    assert '<option value="initial"' not in shown  # the type is fixed

    fields: dict[str, str | list[str]] = {
        **assessment_form(world.ruleset),
        "audit_type": "initial",
        "do": "file",
    }
    missing = next(k for k in fields if k.startswith("value-"))
    refused = await submit(auditor, form_page, form_page, {**fields, missing: ""}, expect=422)
    assert f'id="{missing}-error"' in refused.text  # at its field, the answers kept
    assert 'value="Head office"' in refused.text
    assert await calendar.assigned_to(world.other_auditor.actor) != []  # nothing filed

    filed = await submit(auditor, form_page, form_page, fields)
    report = filed.headers["location"]
    assert report.startswith("/portal/assessments/asm_")
    assert "filed as asm_" in await page(auditor, report)
    assessment = (await certified.client.get(
        f"/api/v1/assessments/{report.rsplit('/', 1)[1]}", headers=world.other_auditor.headers
    )).json()  # fmt: skip
    assert assessment["audit_type"] == "surveillance"  # whatever the form said
    assert f'href="{form_page}"' not in await page(auditor, "/portal/auditor")
    again = await auditor.get(form_page)
    assert (again.status_code, again.headers["location"]) == (303, report)
    planned, _ = await calendar.calendar(world.secretariat.actor)
    assert planned == []


async def test_a_draft_is_kept_and_nobody_else_sees_the_audit(certified: Certified) -> None:
    world = certified.world
    audit = await _scheduled(certified)
    form_page = f"/portal/auditor/scheduled-audits/{audit}"
    auditor = await _browser(certified, world.other_auditor)
    saved = await submit(auditor, form_page, form_page, {"do": "save", "site_name": "Depot 4"})
    assert saved.headers["location"] == f"{form_page}?saved=1"
    assert 'value="Depot 4"' in await page(auditor, f"{form_page}?saved=1")
    assert "draft saved" in await page(auditor, "/portal/auditor")

    # The provider (whose audit may be unannounced), its usual auditor, the secretariat:
    # the audit does not exist for them, on the page or the form.
    for who in (world.provider, world.auditor, world.secretariat):
        other = await _browser(certified, who)
        await page(other, form_page, expect=404)
        home = await page(other, f"/portal/{who.actor.role.value}")
        posted = await other.post(form_page, data={"do": "file", "csrf": csrf(home)})
        assert posted.status_code == 404
        assert audit not in home
    await page(auditor, "/portal/auditor/scheduled-audits/sch_nosuchaudit", expect=404)
