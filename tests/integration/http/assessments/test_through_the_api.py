"""The whole certification path through the HTTP API alone, as the issue's walkthrough:
publish a standard, create accounts, register a provider, apply, accredit and assign an
auditor, upload evidence, file an assessment citing it, read the report, decide."""

from __future__ import annotations

from typing import Any

import httpx

from audits.model import AuditType
from audits.template import findings_template, passing_value
from registry import keys as signing
from registry.accounts import Role
from standards.loader import load_document
from standards.model import ProviderType
from tests.support.assessments import PDF
from tests.support.http import bearer, make_account
from tests.support.paths import LIBRARY


async def _ok(response: httpx.Response, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json()


async def test_apply_assign_file_with_evidence_and_decide(client: httpx.AsyncClient) -> None:
    sec = bearer(await make_account(Role.SECRETARIAT))  # what `rightsmark init` prints
    await signing.generate_key("test")  # and the signing key it creates
    yaml_text = (LIBRARY / "core-rights" / "1.0.0.yaml").read_bytes()
    await _ok(
        await client.post(
            "/api/v1/standards",
            content=yaml_text,
            headers={**sec, "Content-Type": "application/yaml"},
        ),
        201,
    )
    await _ok(
        await client.post("/api/v1/standards/core-rights/versions/1.0.0/publish", headers=sec)
    )
    rule_set = (await _ok(await client.get("/api/v1/standards/core-rights/versions/1.0.0")))[
        "rule_set"
    ]

    provider = await _ok(
        await client.post(
            "/api/v1/providers",
            json={
                "legal_name": "Agencia Uno, Inc.",
                "country": "PH",
                "provider_types": ["recruiter"],
                "corridors": ["PH-AE"],
                "contact": {"email": "o@example.org", "phone": "+63 2 555", "address": "Manila"},
            },
            headers=sec,
        ),
        201,
    )
    provider_id = provider["id"]
    prov = bearer(
        (
            await _ok(
                await client.post(
                    "/api/v1/accounts",
                    json={"name": "Uno", "role": "provider", "provider_id": provider_id},
                    headers=sec,
                ),
                201,
            )
        )["token"]
    )
    auditor = await _ok(
        await client.post("/api/v1/accounts", json={"name": "Ana", "role": "auditor"}, headers=sec),
        201,
    )
    aud, auditor_id = bearer(auditor["token"]), auditor["account"]["id"]

    application = await _ok(
        await client.post(
            "/api/v1/applications",
            json={
                "standard": "core-rights@1.0.0",
                "provider_types": ["recruiter"],
                "corridors": ["PH-AE"],
            },
            headers=prov,
        ),
        201,
    )
    app_id = application["id"]
    await _ok(
        await client.post(
            f"/api/v1/auditors/{auditor_id}/accreditations",
            json={
                "provider_types": ["recruiter"],
                "countries": ["PH", "AE"],
                "valid_from": "2026-01-01",
                "valid_until": "2028-12-31",
            },
            headers=sec,
        ),
        201,
    )
    assigned = await _ok(
        await client.post(
            f"/api/v1/applications/{app_id}/assign",
            json={"auditor_id": auditor_id},
            headers=sec,
        )
    )
    assert assigned["state"] == "auditor_assigned"

    evidence = await _ok(
        await client.post(
            "/api/v1/evidence",
            data={"application_id": app_id},
            files={"file": ("contract.pdf", PDF, "application/pdf")},
            headers=aud,
        ),
        201,
    )
    ruleset = load_document(rule_set)
    doc = findings_template(ruleset, [ProviderType.RECRUITER], audit_type=AuditType.INITIAL)
    measures = {ind.id: ind.measure for _, ind in ruleset.indicators()}
    for finding in doc["findings"]:
        finding["value"] = passing_value(measures[finding["indicator"]])
    doc["findings"][0]["evidence"] = [evidence["ref"]]
    doc.update(
        started_on="2026-10-01",
        ended_on="2026-10-02",
        sites=[{"name": "Head office", "country": "PH"}],
        workers_interviewed=12,
    )  # the template's `indicators_help` stays in: the API ignores it
    filed = await _ok(
        await client.post(
            f"/api/v1/applications/{app_id}/assessments",
            json=doc,
            headers={**aud, "Idempotency-Key": "walkthrough-1"},
        ),
        201,
    )
    report = (await _ok(await client.get(f"/api/v1/assessments/{filed['id']}", headers=prov)))[
        "report"
    ]
    assert report["floor_holds"] is True
    assert report["report_digest"] == filed["report_digest"]
    decision = await _ok(
        await client.post(f"/api/v1/applications/{app_id}/decision", headers=sec), 201
    )
    assert decision["outcome"] == "certified"
    assert decision["grade"] == report["grade"]
    final = await _ok(await client.get(f"/api/v1/applications/{app_id}", headers=prov))
    assert final["state"] == "certified"
    mine = await _ok(await client.get("/api/v1/me/reports", headers=prov))
    assert mine["items"][0]["decision"] == decision
