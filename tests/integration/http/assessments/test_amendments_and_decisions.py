"""Amendments keep every filing; the decision uses the latest one and moves the application."""

from __future__ import annotations

from typing import Any

from registry import applications
from registry.assessments.tables import AssessmentRow, DecisionRow
from standards.model import ScaleMeasure, YesNoMeasure
from tests.support.assessments import World
from tests.support.http import assert_problem


def _failing_core(world: World, doc: dict[str, Any]) -> str:
    """Make one core indicator fail; returns its id."""
    core = {ind.id: ind.measure for _, ind in world.ruleset.indicators() if ind.core}
    for finding in doc["findings"]:
        measure = core.get(finding["indicator"])
        if isinstance(measure, YesNoMeasure):
            finding["value"] = not measure.expected
            return str(finding["indicator"])
        if isinstance(measure, ScaleMeasure):
            finding["value"] = 0
            return str(finding["indicator"])
    raise AssertionError("no core indicator to fail")


async def test_amendment_keeps_both_and_the_decision_uses_the_latest(world: World) -> None:
    client = world.client
    first = (await world.file(world.submission())).json()
    corrected = world.submission()
    failed = _failing_core(world, corrected)
    response = await client.post(
        f"/api/v1/assessments/{first['id']}/amendments",
        json=corrected,
        headers=world.auditor.headers,
    )
    assert response.status_code == 201, response.text
    amendment = response.json()
    assert amendment["amends"] == first["id"]
    assert amendment["sequence"] == 2
    assert amendment["report"]["floor_holds"] is False
    assert await AssessmentRow.count().run() == 2

    old = await client.get(f"/api/v1/assessments/{first['id']}", headers=world.provider.headers)
    assert old.json()["amended_by"] == amendment["id"]
    assert old.json()["current"] is False
    assert old.json()["report"] == first["report"]  # immutable
    listed = await client.get(
        f"/api/v1/applications/{world.application}/assessments", headers=world.secretariat.headers
    )
    assert [a["id"] for a in listed.json()["items"]] == [first["id"], amendment["id"]]
    assert [a["current"] for a in listed.json()["items"]] == [False, True]

    stale = await client.post(
        f"/api/v1/assessments/{first['id']}/amendments",
        json=world.submission(),
        headers=world.auditor.headers,
    )
    assert_problem(stale, 409)

    decided = await client.post(
        f"/api/v1/applications/{world.application}/decision", headers=world.secretariat.headers
    )
    assert decided.status_code == 201, decided.text
    decision = decided.json()
    assert decision["outcome"] == "not_certified"
    assert decision["assessment_id"] == amendment["id"]
    assert any(failed in reason for reason in decision["reasons"])
    state = (await applications.get_application(world.application)).state
    assert state == "not_certified"
    late = await client.post(
        f"/api/v1/assessments/{amendment['id']}/amendments",
        json=world.submission(),
        headers=world.auditor.headers,
    )
    assert_problem(late, 409)


async def test_amendment_is_validated_like_a_filing(world: World) -> None:
    first = (await world.file(world.submission())).json()
    doc = world.submission()
    doc["findings"][0]["value"] = None
    response = await world.client.post(
        f"/api/v1/assessments/{first['id']}/amendments", json=doc, headers=world.auditor.headers
    )
    assert_problem(response, 422, "$.findings[0].value")
    other = await world.client.post(
        f"/api/v1/assessments/{first['id']}/amendments",
        json=world.submission(),
        headers=world.other_auditor.headers,
    )
    assert_problem(other, 404)
    assert await AssessmentRow.count().run() == 1


async def test_decision_without_assessment_is_a_conflict(world: World) -> None:
    response = await world.client.post(
        f"/api/v1/applications/{world.application}/decision", headers=world.secretariat.headers
    )
    assert_problem(response, 409)
    assert await DecisionRow.count().run() == 0
    assert_problem(
        await world.client.get(
            f"/api/v1/applications/{world.application}/decision",
            headers=world.secretariat.headers,
        ),
        404,
    )


async def test_only_the_secretariat_decides_and_only_once(world: World) -> None:
    await world.file(world.submission())
    url = f"/api/v1/applications/{world.application}/decision"
    for party in (world.auditor, world.provider):
        assert_problem(await world.client.post(url, headers=party.headers), 403)
    assert (await world.client.post(url, headers=world.secretariat.headers)).status_code == 201
    assert_problem(await world.client.post(url, headers=world.secretariat.headers), 409)
    assert await DecisionRow.count().run() == 1
    assert_problem(
        await world.client.post(
            "/api/v1/applications/apl_nothing/decision", headers=world.secretariat.headers
        ),
        404,
    )
