"""Upload evidence, file, read the report, decide: the whole path over HTTP."""

from __future__ import annotations

from tests.support.assessments import PDF, World


async def test_file_assessment_with_evidence_then_decide(world: World) -> None:
    client = world.client
    uploaded = await world.upload(PDF)
    assert uploaded.status_code == 201, uploaded.text
    ref = uploaded.json()["ref"]
    doc = world.submission()
    doc["findings"][0]["evidence"] = [ref]
    filed = await world.file(doc)
    assert filed.status_code == 201, filed.text
    assessment = filed.json()
    assert assessment["current"]
    assert assessment["sequence"] == 1
    assert assessment["report"]["standard"] == "core-rights@1.0.0"
    assert assessment["report_digest"] == assessment["report"]["report_digest"]

    for who in (world.secretariat, world.auditor, world.provider):
        read = await client.get(f"/api/v1/assessments/{assessment['id']}", headers=who.headers)
        assert read.status_code == 200, read.text
        assert read.json()["report"] == assessment["report"]
    got = await client.get(f"/api/v1/evidence/{ref}", headers=world.provider.headers)
    assert got.status_code == 200
    assert got.content == PDF
    assert got.headers["content-type"].startswith("application/pdf")

    decided = await client.post(
        f"/api/v1/applications/{world.application}/decision", headers=world.secretariat.headers
    )
    assert decided.status_code == 201, decided.text
    decision = decided.json()
    assert decision["outcome"] == "certified"
    assert decision["grade"] == assessment["report"]["grade"]
    assert decision["report_digest"] == assessment["report_digest"]
    assert decision["reasons"]
    again = await client.get(
        f"/api/v1/applications/{world.application}/decision", headers=world.provider.headers
    )
    assert again.json() == decision
    reports = await client.get("/api/v1/me/reports", headers=world.provider.headers)
    assert reports.status_code == 200, reports.text
    [item] = reports.json()["items"]
    assert item["assessment_id"] == assessment["id"]
    assert item["decision"] == decision
