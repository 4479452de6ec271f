"""A provider sees its own reports, non-conformities and decisions, and nobody else's."""

from __future__ import annotations

from tests.integration.http.assessments.test_amendments_and_decisions import _failing_core
from tests.support.assessments import PDF, World
from tests.support.http import assert_problem


async def test_provider_sees_its_reports_with_non_conformity_deadlines(world: World) -> None:
    doc = world.submission()
    failed = _failing_core(world, doc)
    filed = (await world.file(doc)).json()
    reports = await world.client.get(
        f"/api/v1/providers/{world.provider_id}/reports", headers=world.provider.headers
    )
    assert reports.status_code == 200, reports.text
    [item] = reports.json()["items"]
    assert item["assessment_id"] == filed["id"]
    assert item["decision"] is None
    [nc] = [n for n in item["non_conformities"] if n["indicator"] == failed]
    assert nc["class"] == "critical"
    assert nc["close_by"]
    assert (
        await world.client.get("/api/v1/me/reports", headers=world.provider.headers)
    ).json() == (reports.json())


async def test_other_providers_data_is_hidden(world: World) -> None:
    client = world.client
    ref = (await world.upload(PDF)).json()["ref"]
    doc = world.submission()
    doc["findings"][0]["evidence"] = [ref]
    assessment = (await world.file(doc)).json()["id"]
    await client.post(
        f"/api/v1/applications/{world.application}/decision", headers=world.secretariat.headers
    )
    intruder = world.other_provider.headers
    for url in (
        f"/api/v1/assessments/{assessment}",
        f"/api/v1/applications/{world.application}/assessments",
        f"/api/v1/applications/{world.application}/decision",
        f"/api/v1/applications/{world.application}/evidence",
        f"/api/v1/evidence/{ref}",
        f"/api/v1/providers/{world.provider_id}/reports",
    ):
        assert_problem(await client.get(url, headers=intruder), 404)
        assert_problem(await client.get(url), 401)  # the public sees nothing
    mine = await client.get("/api/v1/me/reports", headers=intruder)
    assert mine.json() == {"provider_id": world.other_provider_id, "items": []}
    assert_problem(
        await client.get(
            f"/api/v1/providers/{world.provider_id}/reports", headers=world.auditor.headers
        ),
        403,
    )
    everything = await client.get(
        f"/api/v1/providers/{world.provider_id}/reports", headers=world.secretariat.headers
    )
    assert len(everything.json()["items"]) == 1
