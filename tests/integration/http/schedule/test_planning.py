"""`rightsmark lifecycle run` plans the surveillance cycle: run with an injected clock."""

from __future__ import annotations

import datetime as dt

import httpx
import msgspec
import pytest

from registry import conflicts
from registry import surveillance as lifecycle
from registry.applications import get_application
from registry.certificates import service as certificates
from registry.clock import add_months
from registry.errors import ForbiddenError
from registry.schedule import calendar
from registry.schedule.tables import ScheduledAuditRow
from tests.integration.http.schedule.conftest import accredit, certified_under
from tests.support.certified import Certified

DAY = dt.timedelta(days=1)


async def _due(certified: Certified) -> dt.datetime:
    row = await certificates.find(certified.id)
    return add_months(row["valid_from"], 12)


async def _expiry(certified: Certified) -> dt.datetime:
    return (await certificates.find(certified.id))["valid_until"]  # type: ignore[no-any-return]


async def _actions(now: dt.datetime, *kinds: str) -> list[lifecycle.Action]:
    return [a for a in await lifecycle.run(now) if a.action in kinds]


async def _conflict(certified: Certified, auditor: str) -> None:
    world = certified.world
    await conflicts.declare(
        world.secretariat.actor,
        provider_id=world.provider_id,
        auditor_id=auditor,
        reason="former employee",
    )


async def test_scheduled_once_within_the_lead_time_with_rotation(scertified: Certified) -> None:
    world = scertified.world
    await accredit(world, world.other_auditor.account_id)
    due = await _due(scertified)
    assert await _actions(due - 61 * DAY, "surveillance_scheduled") == []  # not yet
    [action] = await _actions(due - 59 * DAY, "surveillance_scheduled", "surveillance_unassigned")
    assert action.action == "surveillance_scheduled", action
    # Rotation: the certifying audit was world.auditor's, another auditor is eligible.
    assert world.other_auditor.account_id in action.reason
    assert "unannounced" in action.reason
    rows = await ScheduledAuditRow.select()
    assert len(rows) == 1
    [row] = rows
    assert row["auditor_id"] == world.other_auditor.account_id
    assert row["unannounced"] is True
    assert row["audit_date"] == (due - 14 * DAY).date()
    # Idempotent: nothing new, however often it runs.
    assert await _actions(due - 58 * DAY, "surveillance_scheduled") == []
    assert await _actions(due - 58 * DAY, "surveillance_scheduled") == []
    assert len(await ScheduledAuditRow.select()) == 1


async def test_the_last_auditor_when_no_other_is_eligible(scertified: Certified) -> None:
    world = scertified.world  # other_auditor is accredited nowhere
    [action] = await _actions(await _due(scertified) - 30 * DAY, "surveillance_scheduled")
    assert world.auditor.account_id in action.reason
    assert "the only eligible auditor" in action.reason


async def test_an_accepted_conflict_bars_the_auditor(scertified: Certified) -> None:
    world = scertified.world
    await accredit(world, world.other_auditor.account_id)
    await _conflict(scertified, world.other_auditor.account_id)
    due = await _due(scertified)
    [action] = await _actions(due - 30 * DAY, "surveillance_scheduled")
    assert world.auditor.account_id in action.reason  # rotation yields to the conflict
    assert world.other_auditor.account_id not in action.reason


async def test_nobody_eligible_is_reported_then_assigned_later(scertified: Certified) -> None:
    world = scertified.world
    await _conflict(scertified, world.auditor.account_id)
    due = await _due(scertified)
    [action] = await _actions(due - 30 * DAY, "surveillance_unassigned", "surveillance_scheduled")
    assert action.action == "surveillance_unassigned"
    assert "conflict of interest" in action.reason
    assert await _actions(due - 29 * DAY, "surveillance_unassigned") == []  # reported once
    await accredit(world, world.other_auditor.account_id)
    [later] = await _actions(due - 28 * DAY, "surveillance_scheduled")
    assert world.other_auditor.account_id in later.reason
    assert len(await ScheduledAuditRow.select()) == 1


async def test_scheduled_auditor_files_and_the_cycle_moves_on(scertified: Certified) -> None:
    world = scertified.world
    await accredit(world, world.other_auditor.account_id)
    due = await _due(scertified)
    await lifecycle.run(due - 30 * DAY)
    [planned] = await calendar.assigned_to(world.other_auditor.actor)
    assert await calendar.assigned_to(world.auditor.actor) == []
    doc = world.submission(audit_type="surveillance")
    filed = await calendar.file(planned.id, msgspec.json.encode(doc), world.other_auditor.actor)
    assert filed.audit_type == "surveillance"
    assert await calendar.assigned_to(world.other_auditor.actor) == []
    planned_rows, _ = await calendar.calendar(world.secretariat.actor)
    assert planned_rows == []
    assert await _actions(due - 29 * DAY, "surveillance_scheduled") == []


async def test_overdue_surveillance_suspends_after_the_grace(scertified: Certified) -> None:
    due = await _due(scertified)
    flagged = await _actions(due + 29 * DAY, "surveillance_overdue", "suspended")
    assert [a.action for a in flagged] == ["surveillance_overdue"]
    [suspended] = await _actions(due + 31 * DAY, "suspended")
    assert "30-day grace" in suspended.reason
    assert "core-rights@3.0.0" in suspended.reason
    read = await scertified.read()
    assert read["status"] == "suspended"
    assert read["status_reason"] == suspended.reason
    assert await _actions(due + 32 * DAY, "suspended") == []  # once
    # Reinstated by the secretariat: not suspended again for the same due date.
    assert (await scertified.change("reinstate", "audit arranged")).status_code == 200
    assert await _actions(due + 33 * DAY, "suspended") == []


async def test_without_a_grace_overdue_is_only_flagged(client: httpx.AsyncClient) -> None:
    certified = await certified_under(client, "core-rights@2.0.0")
    due = await _due(certified)
    assert await _actions(due + 200 * DAY, "suspended") == []
    assert (await certified.read())["status"] == "valid"


async def test_recertification_opens_the_next_cycle(client: httpx.AsyncClient) -> None:
    certified = await certified_under(client, "core-rights@2.0.0")  # default lead: 90 days
    world = certified.world
    expiry = await _expiry(certified)
    assert await _actions(expiry - 91 * DAY, "recertification_opened") == []
    [opened] = await _actions(expiry - 89 * DAY, "recertification_opened")
    rows = await ScheduledAuditRow.select().where(ScheduledAuditRow.kind == "recertification")
    [row] = rows
    application = await get_application(row["application_id"])
    assert application.id in opened.reason
    assert application.provider_id == world.provider_id
    assert application.cycle == 2
    assert application.state == "auditor_assigned"
    assert application.auditor_id == world.auditor.account_id
    assert application.standard == "core-rights@3.0.0"  # the latest published version
    assert await _actions(expiry - 88 * DAY, "recertification_opened") == []
    # The provider sees its new application in its list.
    listed = await client.get("/api/v1/applications", headers=world.provider.headers)
    assert application.id in listed.text


async def test_recertification_without_an_auditor_is_reported(client: httpx.AsyncClient) -> None:
    certified = await certified_under(client, "core-rights@2.0.0")
    world = certified.world
    await _conflict(certified, world.auditor.account_id)
    expiry = await _expiry(certified)
    [reported] = await _actions(
        expiry - 60 * DAY, "recertification_unassigned", "recertification_opened"
    )
    assert reported.action == "recertification_unassigned"
    assert "no eligible auditor" in reported.reason
    planned, _ = await calendar.calendar(world.secretariat.actor)
    [recert] = [p for p in planned if p.kind == "recertification"]
    assert recert.state == "unassigned"
    assert recert.note
    assert "conflict of interest" in recert.note
    assert (await get_application(recert.application_id or "")).state == "submitted"
    assert await _actions(expiry - 59 * DAY, "recertification_unassigned") == []


async def test_the_calendar_is_the_secretariats(scertified: Certified) -> None:
    world = scertified.world
    await lifecycle.run(await _due(scertified) - 30 * DAY)
    for actor in (world.provider.actor, world.auditor.actor):
        with pytest.raises(ForbiddenError):
            await calendar.calendar(actor)
    # The provider is never told of its (unannounced) audit; the secretariat sees it marked.
    assert await calendar.assigned_to(world.provider.actor) == []
    [planned], _ = await calendar.calendar(world.secretariat.actor)
    assert planned.unannounced
