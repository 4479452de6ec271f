"""Corrective actions end to end with the lifecycle's injected clock: a major finding not
closed in time suspends the certificate; closure verified by the auditor reinstates it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from registry import surveillance as lifecycle
from tests.support.assessments import PDF, Party
from tests.support.certified import Certified
from tests.support.http import assert_problem

DAY = dt.timedelta(days=1)
BASE = "/api/v1/corrective-actions"


def _at(date: str, days: int = 0) -> dt.datetime:
    return dt.datetime.fromisoformat(date).replace(hour=12, tzinfo=dt.UTC) + days * DAY


async def _get(certified: Certified, path: str, who: Party) -> Any:
    response = await certified.client.get(path, headers=who.headers)
    assert response.status_code == 200, response.text
    return response.json()


async def _post(certified: Certified, path: str, who: Party, body: Any) -> Any:
    response = await certified.client.post(path, json=body, headers=who.headers)
    assert response.status_code == 200, response.text
    return response.json()


async def test_overdue_major_suspends_and_verified_closure_reinstates(
    major: tuple[Certified, str],
) -> None:
    certified, indicator = major
    world = certified.world
    [action] = (await _get(certified, BASE, world.provider))["items"]
    assert (action["indicator"], action["class"], action["state"]) == (indicator, "major", "open")
    assert "Grievance log" in action["finding"]
    assert action["plan_due"]
    assert action["close_by"]
    url = f"{BASE}/{action['id']}"

    # Public: counts and dates, never the finding.
    read = await certified.read()
    assert read["open_corrective_actions"] == [
        {"class": "major", "open": 1, "escalated": 0, "next_deadline": action["close_by"],
         "by_next_surveillance": 0}
    ]  # fmt: skip
    verdict = await certified.verify()
    assert verdict["open_corrective_actions"][0]["open"] == 1
    assert "Grievance" not in str(read) + str(verdict)

    # Another provider, another auditor: it does not exist.
    for who in (world.other_provider, world.other_auditor):
        assert_problem(await certified.client.get(url, headers=who.headers), 404)
    other = await certified.client.get(BASE, headers=world.other_provider.headers)
    assert other.json()["items"] == []

    # The plan is late: reported to the secretariat, once.
    late_plan = _at(action["plan_due"], 1)
    [overdue] = await lifecycle.run(now=late_plan)
    assert (overdue.action, overdue.certificate) == ("corrective_plan_overdue", certified.id)
    assert await lifecycle.run(now=late_plan) == []
    listed = await _get(certified, f"{BASE}?state=overdue", world.secretariat)
    assert [a["id"] for a in listed["items"]] == [action["id"]]

    # Plan, returned without a reason (refused), returned with one, resubmitted, accepted.
    plan = {"root_cause": "Nobody owned the log", "plan": "Name an owner; weekly review"}
    assert (await _post(certified, f"{url}/plan", world.provider, plan))[
        "state"
    ] == "plan_submitted"
    no_reason = await certified.client.post(
        f"{url}/plan-review", json={"accept": False}, headers=world.auditor.headers
    )
    assert assert_problem(no_reason, 422)
    returned = await _post(certified, f"{url}/plan-review", world.auditor,
                           {"accept": False, "reason": "Say by when"})  # fmt: skip
    assert returned["state"] == "overdue"
    await _post(certified, f"{url}/plan", world.provider, {**plan, "plan": "Owner by 1 May"})
    assert_problem(  # the provider does not review its own plan
        await certified.client.post(f"{url}/plan-review", json={"accept": True},
                                    headers=world.provider.headers), 403)  # fmt: skip
    accepted = await _post(certified, f"{url}/plan-review", world.auditor, {"accept": True})
    assert accepted["state"] == "plan_accepted"

    # Not closed by its deadline: escalated, then suspended after the 30-day grace.
    close_by = action["close_by"]
    [escalated] = await lifecycle.run(now=_at(close_by, 1))
    assert escalated.action == "corrective_escalated"
    assert (await certified.verify())["valid"] is True
    assert await lifecycle.run(now=_at(close_by, 30)) == []
    [suspended] = await lifecycle.run(now=_at(close_by, 31))
    assert suspended.action == "suspended"
    assert action["id"] in suspended.reason
    assert "30-day grace" in suspended.reason
    verdict = await certified.verify()
    assert (verdict["valid"], verdict["status"]) == (False, "suspended")
    assert (await certified.read())["status_reason"] == suspended.reason
    assert await lifecycle.run(now=_at(close_by, 32)) == []

    # Evidence (uploaded after the decision, allowed while an action is open), verified.
    uploaded = await world.upload(PDF, who=world.provider, filename="log.pdf")
    assert uploaded.status_code == 201, uploaded.text
    ref = uploaded.json()["ref"]
    bad = await certified.client.post(f"{url}/evidence", json={"evidence": ["sha256:" + "0" * 64]},
                                      headers=world.provider.headers)  # fmt: skip
    assert assert_problem(bad, 422)["errors"][0]["field"] == "evidence"
    sent = await _post(certified, f"{url}/evidence", world.provider,
                       {"evidence": [ref], "note": "Log attached"})  # fmt: skip
    assert sent["evidence"] == [ref]
    assert sent["state"] == "escalated"
    closed = await _post(certified, f"{url}/closure-review", world.auditor, {"accept": True})
    assert (closed["state"], closed["closed_how"]) == ("closed", "desk_review")
    events = [e["event"] for e in closed["history"]]
    assert events == ["opened", "plan_overdue", "plan_submitted", "plan_returned",
                      "plan_submitted", "plan_accepted", "escalated", "suspended_certificate",
                      "evidence_submitted", "verified"]  # fmt: skip
    verdict = await certified.verify()
    assert (verdict["valid"], verdict["open_corrective_actions"]) == (True, [])
    history = [e["action"] for e in (await certified.read())["history"]]
    assert history == ["issued", "suspended", "reinstated"]
    assert await lifecycle.run(now=_at(close_by, 33)) == []


async def test_a_secretariat_suspension_is_not_lifted_by_closure(
    major: tuple[Certified, str],
) -> None:
    certified, _ = major
    world = certified.world
    [action] = (await _get(certified, BASE, world.provider))["items"]
    url = f"{BASE}/{action['id']}"
    assert (await certified.change("suspend", "complaint under investigation")).status_code == 200
    await _post(certified, f"{url}/plan", world.provider, {"root_cause": "a", "plan": "b"})
    # core-rights 2.0.0 lets the secretariat review majors on paper.
    await _post(certified, f"{url}/plan-review", world.secretariat, {"accept": True})
    await _post(certified, f"{url}/evidence", world.provider, {"note": "done"})
    await _post(certified, f"{url}/closure-review", world.secretariat, {"accept": True})
    assert (await certified.read())["status"] == "suspended"
