"""Filing an assessment: who may, and every way a document is refused (with its JSON path)."""

from __future__ import annotations

import asyncio
import hashlib
from typing import Any

import httpx

from registry import applications
from registry.assessments.tables import AssessmentRow
from tests.support.assessments import PDF, World
from tests.support.http import assert_problem


async def _refused(world: World, response: httpx.Response, *paths: str) -> dict[str, Any]:
    body = assert_problem(response, 422, *paths)
    assert await AssessmentRow.count().run() == 0
    state = (await applications.get_application(world.application)).state
    assert state == "auditor_assigned"
    return body


def _codes(body: dict[str, Any]) -> dict[str, str]:
    return {e["field"]: e["code"] for e in body["errors"]}


async def test_not_assigned_auditor_is_refused(world: World) -> None:
    assert_problem(await world.file(world.submission(), who=world.other_auditor), 404)
    assert await AssessmentRow.count().run() == 0


async def test_wrong_role_is_refused(world: World) -> None:
    for party in (world.provider, world.secretariat):
        assert_problem(await world.file(world.submission(), who=party), 403)
    assert_problem(
        await world.client.post(
            f"/api/v1/applications/{world.application}/assessments", json=world.submission()
        ),
        401,
    )
    assert await AssessmentRow.count().run() == 0


async def test_unknown_indicator(world: World) -> None:
    doc = world.submission()
    doc["findings"].append({"indicator": "ZZ-99", "value": True})
    body = await _refused(world, await world.file(doc), "$.findings[")
    assert "unknown_indicator" in _codes(body).values()


async def test_wrong_type(world: World) -> None:
    doc = world.submission()
    doc["findings"][0]["value"] = "yes"
    body = await _refused(world, await world.file(doc), "$.findings[0].value")
    assert _codes(body)["$.findings[0].value"] == "wrong_type"


async def test_duplicate_finding(world: World) -> None:
    doc = world.submission()
    doc["findings"].append(dict(doc["findings"][0]))
    last = len(doc["findings"]) - 1
    body = await _refused(world, await world.file(doc), f"$.findings[{last}].indicator")
    assert _codes(body)[f"$.findings[{last}].indicator"] == "duplicate_finding"


async def test_missing_indicator(world: World) -> None:
    doc = world.submission()
    missing = doc["findings"].pop(3)["indicator"]
    body = await _refused(world, await world.file(doc), "$.findings")
    assert any(missing in e["message"] for e in body["errors"])


async def test_wrong_standard(world: World) -> None:
    doc = world.submission(standard="core-rights@1.1.0")
    body = await _refused(world, await world.file(doc), "$.standard")
    assert _codes(body)["$.standard"] == "standard_mismatch"


async def test_scope_must_equal_the_application(world: World) -> None:
    doc = world.submission(provider_types=["recruiter", "lender"])
    body = await _refused(world, await world.file(doc), "$.provider_types")
    assert _codes(body)["$.provider_types"] == "scope_mismatch"


async def test_unknown_evidence(world: World) -> None:
    doc = world.submission()
    doc["findings"][2]["evidence"] = ["sha256:" + "a" * 64]
    body = await _refused(world, await world.file(doc), "$.findings[2].evidence[0]")
    assert _codes(body)["$.findings[2].evidence[0]"] == "unknown_evidence"


async def test_evidence_of_another_application(world: World) -> None:
    uploaded = await world.upload(PDF, application=world.other_application)
    assert uploaded.status_code == 201, uploaded.text
    doc = world.submission()
    doc["findings"][0]["evidence"] = [uploaded.json()["ref"]]
    await _refused(world, await world.file(doc), "$.findings[0].evidence[0]")


async def test_every_problem_is_reported_at_once(world: World) -> None:
    doc = world.submission(provider_types=["lender"])
    doc["findings"][0]["value"] = 17
    doc["findings"][1]["evidence"] = ["sha256:" + hashlib.sha256(b"x").hexdigest()]
    doc["findings"].append({"indicator": "NOPE", "value": True})
    body = await _refused(
        world,
        await world.file(doc),
        "$.provider_types",
        "$.findings[1].evidence[0]",
        f"$.findings[{len(doc['findings']) - 1}].indicator",
    )
    assert len(body["errors"]) >= 3


async def test_malformed_json(world: World) -> None:
    response = await world.client.post(
        f"/api/v1/applications/{world.application}/assessments",
        content=b"{not json",
        headers={**world.auditor.headers, "Content-Type": "application/json"},
    )
    await _refused(world, response, "$")


async def test_first_filing_moves_the_application_and_a_second_is_a_conflict(
    world: World,
) -> None:
    filed = await world.file(world.submission())
    assert filed.status_code == 201, filed.text
    assert (await applications.get_application(world.application)).state == "assessed"
    events = await applications.events(world.application)
    assert events[-1].to_state == "assessed"
    assert events[-1].actor == world.auditor.actor.label
    again = assert_problem(await world.file(world.submission()), 409)
    assert "amendment" in again["detail"]
    assert await AssessmentRow.count().run() == 1


async def test_stored_assessment_is_canonical_and_digested(world: World) -> None:
    filed = (await world.file(world.submission())).json()
    [row] = await AssessmentRow.select().run()
    assert row["report_digest"] == filed["report_digest"]
    assert row["inputs_digest"] == filed["report"]["inputs_digest"]
    assert row["auditor_id"] == world.auditor.account_id
    assert '"indicators_help"' not in row["submission"]
    assert row["submission"].startswith('{"audit_type":"initial"')


async def test_concurrent_filings_store_one(world: World) -> None:
    responses = await asyncio.gather(*(world.file(world.submission()) for _ in range(4)))
    assert sorted(r.status_code for r in responses) == [201, 409, 409, 409]
    assert await AssessmentRow.count().run() == 1
