"""`registry.surveillance.run` on real certificates, checked through the API."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from registry import surveillance as lifecycle
from registry.assessments.tables import AssessmentRow
from registry.certificates.tables import CertificateEventRow
from registry.clock import add_months, utc_now
from tests.support.certified import Certified, Clock, failing_core
from tests.support.http import assert_problem

DAY = dt.timedelta(days=1)
PLANNING = {
    "surveillance_scheduled",
    "surveillance_unassigned",
    "recertification_opened",
    "recertification_unassigned",
}


async def _run(now: dt.datetime | None = None) -> list[lifecycle.Action]:
    """What the lifecycle does to certificates themselves: a critical finding's corrective
    action is also escalated once past its deadline (tests/integration/http/corrective), and
    surveillance and recertification are planned (tests/integration/http/schedule)."""
    return [
        a
        for a in await lifecycle.run(now)
        if not a.action.startswith("corrective_") and a.action not in PLANNING
    ]


def _when(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


async def _surveillance(certified: Certified, *, core_fails: bool) -> tuple[dict[str, Any], str]:
    """File a surveillance audit on the certified application; (assessment, failed indicator)."""
    world = certified.world
    doc = world.submission(audit_type="surveillance")
    failed = failing_core(world, doc) if core_fails else ""
    filed = await world.file(doc)
    assert filed.status_code == 201, filed.text
    assessment = filed.json()
    assert assessment["audit_type"] == "surveillance"
    return assessment, failed


async def _history(certified: Certified) -> list[str]:
    return [event["action"] for event in (await certified.read())["history"]]


async def test_critical_surveillance_finding_suspends_once(certified: Certified) -> None:
    assessment, failed = await _surveillance(certified, core_fails=True)
    [action] = await _run()
    assert (action.certificate, action.action) == (certified.id, "suspended")
    assert assessment["id"] in action.reason
    assert failed in action.reason
    verdict = await certified.verify()
    assert verdict["valid"] is False
    assert verdict["status"] == "suspended"
    assert action.reason in verdict["reason"]
    read = await certified.read()
    assert read["status"] == "suspended"
    assert read["status_reason"] == action.reason
    assert await _run() == []  # idempotent
    assert await _history(certified) == ["issued", "suspended"]

    # Reinstated by the secretariat: the same audit does not suspend it again.
    assert (await certified.change("reinstate", "corrective action verified")).status_code == 200
    assert await _run() == []
    assert (await certified.verify())["valid"] is True
    assert await _history(certified) == ["issued", "suspended", "reinstated"]


async def test_passing_surveillance_changes_nothing(certified: Certified) -> None:
    await _surveillance(certified, core_fails=False)
    assert await _run() == []
    assert (await certified.verify())["valid"] is True
    assert await _history(certified) == ["issued"]


async def test_a_new_critical_audit_suspends_again(certified: Certified) -> None:
    await _surveillance(certified, core_fails=True)
    [first] = await _run()
    assert (await certified.change("reinstate", "fixed")).status_code == 200
    second_audit, _ = await _surveillance(certified, core_fails=True)
    [second] = await _run()
    assert second.action == "suspended"
    assert second_audit["id"] in second.reason
    assert first.reason != second.reason
    assert (await certified.verify())["status"] == "suspended"


@pytest.mark.parametrize(("days", "revoked"), [(89, False), (90, True), (200, True)])
async def test_long_suspension_is_revoked(certified: Certified, days: int, revoked: bool) -> None:
    await _surveillance(certified, core_fails=True)
    start = utc_now()
    [suspended] = await _run(now=start)
    assert suspended.action == "suspended"
    actions = await _run(now=start + days * DAY)
    if not revoked:
        assert actions == []
        assert (await certified.verify())["status"] == "suspended"
        return
    [action] = actions
    assert action.action == "revoked"
    assert "90 days" in action.reason
    verdict = await certified.verify()
    assert (verdict["valid"], verdict["status"]) == (False, "revoked")
    read = await certified.read()
    assert read["status"] == "revoked"
    assert read["status_reason"] == action.reason
    assert await _run(now=start + (days + 1) * DAY) == []
    assert_problem(await certified.change("reinstate", "too late"), 409)


async def test_secretariat_suspension_also_runs_out(certified: Certified) -> None:
    assert (await certified.change("suspend", "complaint")).status_code == 200
    changed = _when((await certified.read())["status_changed_at"])
    assert await _run(now=changed + 89 * DAY) == []
    [action] = await _run(now=changed + 91 * DAY)
    assert action.action == "revoked"


async def test_overdue_surveillance_is_flagged_then_cleared(certified: Certified) -> None:
    issued = _when(certified.certificate["valid_from"])
    due = _when(certified.certificate["surveillance_due"])
    assert due == add_months(issued, 12)
    assert await _run(now=due - DAY) == []
    late = due + 30 * DAY
    [flag] = await _run(now=late)
    assert (flag.certificate, flag.action) == (certified.id, "surveillance_overdue")
    read = await certified.read()
    assert read["surveillance_overdue"] is True
    assert read["status"] == "valid"  # overdue is a flag, not a suspension
    assert (await certified.verify())["valid"] is True
    assert await _run(now=late) == []  # idempotent
    assert await _run(now=late + DAY) == []

    # The audit arrives (filed late, on `arrived`): the flag clears and the due date moves on.
    assessment, _ = await _surveillance(certified, core_fails=False)
    arrived = late - DAY
    await (
        AssessmentRow.update({AssessmentRow.filed_at: arrived})
        .where(AssessmentRow.public_id == assessment["id"])
        .run()
    )
    [cleared] = await _run(now=late)
    assert cleared.action == "surveillance_received"
    read = await certified.read()
    assert read["surveillance_overdue"] is False
    assert _when(read["surveillance_due"]) == add_months(arrived, 12)
    assert await _run(now=late) == []
    assert await _history(certified) == ["issued", "surveillance_overdue", "surveillance_received"]


async def test_expiry(certified: Certified, clock: Clock) -> None:
    valid_until = _when(certified.certificate["valid_until"])
    assert valid_until == add_months(_when(certified.certificate["valid_from"]), 36)
    [expired] = [a for a in await _run(now=valid_until) if a.action == "expired"]
    assert expired.certificate == certified.id
    assert await _run(now=valid_until) == []
    assert await _run(now=valid_until + DAY) == []
    events = await CertificateEventRow.select().where(
        (CertificateEventRow.certificate_id == certified.id)
        & (CertificateEventRow.action == "expired")
    )
    assert len(events) == 1

    clock(valid_until + DAY)
    verdict = await certified.verify()
    assert (verdict["valid"], verdict["status"]) == (False, "expired")
    validity = {c["name"]: c for c in verdict["checks"]}["validity"]
    assert validity["result"] == "failed"
    assert (await certified.read())["status"] == "expired"
    listed = await certified.client.get("/api/v1/certificates", params={"status": "expired"})
    assert [item["id"] for item in listed.json()["items"]] == [certified.id]
    valid = await certified.client.get("/api/v1/certificates", params={"status": "valid"})
    assert valid.json()["items"] == []
    assert_problem(await certified.change("suspend", "too late"), 409)

    clock(valid_until - DAY)
    assert (await certified.verify())["valid"] is True


async def test_expired_certificate_is_not_suspended_for_a_critical_audit(
    certified: Certified,
) -> None:
    await _surveillance(certified, core_fails=True)
    valid_until = _when(certified.certificate["valid_until"])
    actions = await _run(now=valid_until + DAY)
    assert [a.action for a in actions] == ["expired"]


@pytest.mark.parametrize("audit_type", ["initial", "recertification", None])
async def test_only_surveillance_or_special_audits_on_a_certified_application(
    certified: Certified, audit_type: str | None
) -> None:
    world = certified.world
    doc = world.submission(audit_type=audit_type)
    response = await world.file(doc)
    assert_problem(response, 409)
    assert (await certified.verify())["valid"] is True


async def test_special_audit_counts_as_surveillance(certified: Certified) -> None:
    world = certified.world
    doc = world.submission(audit_type="special")
    failing_core(world, doc)
    filed = await world.file(doc)
    assert filed.status_code == 201, filed.text
    [action] = await _run()
    assert action.action == "suspended"


async def test_other_auditor_cannot_file_surveillance(certified: Certified) -> None:
    world = certified.world
    response = await world.file(
        world.submission(audit_type="surveillance"), who=world.other_auditor
    )
    assert_problem(response, 404)  # not assigned: the application is not even visible


async def test_lifecycle_ignores_revoked(certified: Certified) -> None:
    await _surveillance(certified, core_fails=True)
    assert (await certified.change("revoke", "fraud")).status_code == 200
    valid_until = _when(certified.certificate["valid_until"])
    assert await _run(now=valid_until + DAY) == []
