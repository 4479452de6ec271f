"""A major finding not closed in time, with `rightsmark lifecycle run --now` as a real
process on a real registry's SQLite file (issue 17's "Done when", from the shell): the
action escalates past its closure deadline, suspends the certificate after the standard's
grace (`rightsmark verify` says NOT VALID), and the closure the auditor verifies over the
API reinstates it (VALID again). The API and the lifecycle's library calls are tested in
tests/integration/http/corrective/test_cycle.py; this is the same cycle end to end."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from standards.loader import load_document
from standards.model import NonConformityClass, YesNoMeasure
from tests.support.server import (
    RegistryServer,
    accreditation_body,
    ok,
    passing_filing,
    registry_server,
)

pytestmark = pytest.mark.e2e
STANDARD = ("core-rights", "2.0.0")  # sets the majors' grace (30 days) before suspension


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RegistryServer]:
    with registry_server(tmp_path_factory.mktemp("corrective-registry")) as running:
        yield running


def _with_a_major(rule_set: dict[str, Any], doc: dict[str, Any]) -> str:
    """Fail one yes/no indicator whose failure is a major non-conformity; its id."""
    ruleset = load_document(rule_set)
    majors = {
        ind.id: ind.measure
        for _, ind in ruleset.indicators()
        if ind.failure_class is NonConformityClass.MAJOR and isinstance(ind.measure, YesNoMeasure)
    }
    for finding in doc["findings"]:
        measure = majors.get(finding["indicator"])
        if isinstance(measure, YesNoMeasure):
            finding["value"] = not measure.expected
            finding["notes"] = "No grievance log kept"
            return str(finding["indicator"])
    raise AssertionError("no yes/no major indicator in scope")


def _at(date: str, days: int) -> str:
    when = datetime.fromisoformat(date).replace(hour=12, tzinfo=UTC) + timedelta(days=days)
    return when.isoformat().replace("+00:00", "Z")


def _run(server: RegistryServer, now: str) -> list[str]:
    result = server.cli("lifecycle", "run", "--now", now, "--json")
    assert result.returncode == 0, result.stdout + result.stderr
    return [a["action"] for a in json.loads(result.stdout)["actions"]]


def _verify(server: RegistryServer, url: str) -> tuple[int, str]:
    result = server.cli("verify", url, "--registry", server.url)
    return result.returncode, result.stdout + result.stderr


def test_an_overdue_major_suspends_and_verified_closure_reinstates(
    server: RegistryServer,
) -> None:
    sec = {"Authorization": f"Bearer {server.secretariat_token}"}
    with httpx.Client(base_url=server.url, timeout=30) as http:
        provider = ok(http.post("/api/v1/providers", headers=sec, json={
            "legal_name": "Agencia Tardia", "country": "PH", "provider_types": ["recruiter"],
            "corridors": ["PH-AE"],
            "contact": {"email": "t@example.org", "phone": "+63 2 555", "address": "Manila"},
        }), 201)  # fmt: skip
        account = {"name": "Staff", "role": "provider", "provider_id": provider["id"]}
        staff = {"Authorization": "Bearer " + ok(
            http.post("/api/v1/accounts", json=account, headers=sec), 201)["token"]}  # fmt: skip
        made = ok(http.post("/api/v1/accounts", json={"name": "Ana", "role": "auditor"},
                            headers=sec), 201)  # fmt: skip
        auditor = {"Authorization": f"Bearer {made['token']}"}
        today = datetime.now(UTC).date()
        ok(http.post(f"/api/v1/auditors/{made['account']['id']}/accreditations",
                     json=accreditation_body(today), headers=sec), 201)  # fmt: skip
        application = ok(http.post("/api/v1/applications", headers=staff, json={
            "standard": "@".join(STANDARD), "provider_types": ["recruiter"],
            "corridors": ["PH-AE"],
        }), 201)["id"]  # fmt: skip
        app_url = f"/api/v1/applications/{application}"
        ok(http.post(f"{app_url}/assign", json={"auditor_id": made["account"]["id"]},
                     headers=sec))  # fmt: skip
        rule_set = ok(http.get("/api/v1/standards/{}/versions/{}".format(*STANDARD)))["rule_set"]
        doc = passing_filing(rule_set, today)
        indicator = _with_a_major(rule_set, doc)
        ok(http.post(f"{app_url}/assessments", json=doc, headers=auditor), 201)
        decision = ok(http.post(f"{app_url}/decision", headers=sec), 201)
        assert decision["outcome"] == "certified", decision
        credential_url = decision["certificate"]["url"]
        [action] = ok(http.get("/api/v1/corrective-actions", headers=staff))["items"]
        assert (action["indicator"], action["class"]) == (indicator, "major")
        cap = f"/api/v1/corrective-actions/{action['id']}"
        ok(http.post(f"{cap}/plan", headers=staff,
                     json={"root_cause": "Nobody owned it", "plan": "Name an owner"}))  # fmt: skip
        ok(http.post(f"{cap}/plan-review", headers=auditor, json={"accept": True}))

        # Not closed by its deadline: escalated, then suspended once the grace has run out.
        close_by = action["close_by"]
        assert "corrective_escalated" in _run(server, _at(close_by, 1))
        assert _verify(server, credential_url)[0] == 0  # still valid within the grace
        assert "suspended" in _run(server, _at(close_by, 31))
        assert _run(server, _at(close_by, 32)) == []  # once
        code, said = _verify(server, credential_url)
        assert code == 1, said
        assert "NOT VALID (suspended)" in said
        certificate = ok(http.get(f"/api/v1/certificates/{decision['certificate']['id']}"))
        assert action["id"] in certificate["status_reason"]

        # Evidence, closure verified by the auditor: reinstated, valid again.
        ok(http.post(f"{cap}/evidence", headers=staff, json={"note": "Owner named, log kept"}))
        closed = ok(http.post(f"{cap}/closure-review", headers=auditor, json={"accept": True}))
        assert closed["state"] == "closed"
        code, said = _verify(server, credential_url)
        assert code == 0, said
        assert _run(server, _at(close_by, 33)) == []
