"""Self-assessment before applying (issue 17), over the API: a provider files the auditor's
findings document, gets the engine's score and a gap list, attaches it to an application;
nobody else reads it, and nothing of it reaches the public register."""

from __future__ import annotations

from typing import Any

import httpx
import msgspec

from audits.template import failing_value
from registry.assessments.tables import AssessmentRow
from registry.certificates.tables import CertificateRow
from registry.self_assessments.tables import SelfAssessmentRow
from registry.standards import service as standards
from registry.transparency.tables import LogEntryRow
from standards.model import NonConformityClass, RuleSet
from tests.support.assessments import Party, World, submission
from tests.support.http import assert_problem

URL = "/api/v1/self-assessments"


def with_gaps(world: World) -> dict[str, Any]:
    """A passing document with one core (critical), one major and one minor indicator
    failed: the answers both the provider and the auditor give."""
    doc = world.submission()
    failing = _one_of_each_class(world.ruleset)
    for finding in doc["findings"]:
        if finding["indicator"] in failing:
            finding["value"] = failing[finding["indicator"]]
    return doc


def _one_of_each_class(ruleset: RuleSet) -> dict[str, Any]:
    chosen: dict[NonConformityClass, tuple[str, Any]] = {}
    for _, indicator in ruleset.indicators():
        if "recruiter" in indicator.applies_to and indicator.failure_class not in chosen:
            chosen[indicator.failure_class] = (indicator.id, failing_value(indicator.measure))
    assert len(chosen) == 3, chosen
    return dict(chosen.values())


async def self_assess(world: World, doc: Any, who: Party | None = None) -> httpx.Response:
    return await world.client.post(
        URL,
        content=msgspec.json.encode(doc),
        headers={**(who or world.provider).headers, "Content-Type": "application/json"},
    )


async def filed(world: World, doc: Any, who: Party | None = None) -> dict[str, Any]:
    response = await self_assess(world, doc, who)
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


async def attach(
    world: World, sas: str, *, application: str | None = None, who: Party | None = None
) -> httpx.Response:
    return await world.client.post(
        f"/api/v1/applications/{application or world.application}/self-assessment",
        json={"self_assessment_id": sas},
        headers=(who or world.provider).headers,
    )


async def test_scores_exactly_as_an_auditors_filing_of_the_same_answers(world: World) -> None:
    doc = with_gaps(world)
    mine = await filed(world, doc)
    theirs = await world.file(doc)
    assert theirs.status_code == 201, theirs.text
    audited = theirs.json()
    for field in ("standard", "score", "grade", "floor_holds", "non_conformities"):
        assert mine[field] == audited[field], field
    assert mine["floor_holds"] is False
    assert mine["grade"] is None
    assert mine["report"]["non_conformities"] == audited["report"]["non_conformities"]
    # Not just alike: the same engine call on the same rule set version, the same report.
    assert mine["report"] == audited["report"]
    assert (mine["inputs_digest"], mine["report_digest"]) == (
        audited["inputs_digest"],
        audited["report_digest"],
    )
    assert mine["self_assessed"] is True
    assert mine["id"].startswith("sas_")


async def test_the_gap_list_names_each_indicator_not_met(world: World) -> None:
    doc = with_gaps(world)
    body = await filed(world, doc)
    failing = _one_of_each_class(world.ruleset)
    assert [g["class"] for g in body["gaps"]] == ["critical", "major", "minor"]
    assert {g["indicator"] for g in body["gaps"]} == set(failing)
    for gap in body["gaps"]:
        indicator = world.ruleset.indicator(gap["indicator"])
        assert indicator is not None
        assert gap["requirement"] == indicator.requirement  # what the standard asks
        assert gap["core"] is indicator.core
        assert gap["value"] == failing[gap["indicator"]]
        assert gap["answer"]
        assert gap["category"]
    assert body["non_conformities"] == 3
    assert body["submission"]["findings"]
    assert body["application_id"] is None
    clean = await filed(world, world.submission())
    assert clean["gaps"] == []
    assert clean["grade"]
    assert clean["floor_holds"] is True


async def test_only_a_provider_files_one(world: World) -> None:
    for party in (world.auditor, world.secretariat):
        assert_problem(await self_assess(world, world.submission(), party), 403)
    assert_problem(await world.client.post(URL, json=world.submission()), 401)
    assert await SelfAssessmentRow.count().run() == 0


async def test_refusals_name_the_field_and_store_nothing(world: World) -> None:
    unknown = await self_assess(world, world.submission(standard="core-rights@9.9.9"))
    assert assert_problem(unknown, 422, "$.standard")["errors"][0]["code"] == "unknown_standard"
    doc = world.submission()
    doc["findings"][0]["value"] = None
    doc["findings"][1]["evidence"] = ["sha256:" + "ab" * 32]
    body = assert_problem(
        await self_assess(world, doc), 422, "$.findings[0].value", "$.findings[1].evidence[0]"
    )
    codes = {e["field"]: e["code"] for e in body["errors"]}
    assert codes["$.findings[1].evidence[0]"] == "evidence_not_accepted"
    assert_problem(await self_assess(world, {"findings": []}), 422, "$.standard")
    bad_json = await world.client.post(
        URL, content=b"{", headers={**world.provider.headers, "Content-Type": "application/json"}
    )
    assert_problem(bad_json, 422)
    assert await SelfAssessmentRow.count().run() == 0


async def test_who_reads_one(world: World) -> None:
    sas = (await filed(world, with_gaps(world)))["id"]

    async def read(who: Party) -> int:
        return (await world.client.get(f"{URL}/{sas}", headers=who.headers)).status_code

    assert await read(world.provider) == 200
    assert await read(world.secretariat) == 200
    for stranger in (world.other_provider, world.auditor, world.other_auditor):
        assert await read(stranger) == 404  # the auditor too, until it is attached
    assert (await world.client.get(f"{URL}/{sas}")).status_code == 401
    assert (await attach(world, sas)).status_code == 200
    assert await read(world.auditor) == 200  # assigned to the application it is attached to
    assert await read(world.other_auditor) == 404
    assert await read(world.other_provider) == 404


async def test_lists_show_only_what_the_caller_may_read(world: World) -> None:
    mine = (await filed(world, world.submission()))["id"]
    theirs = (await filed(world, world.submission(), world.other_provider))["id"]

    async def listed(who: Party) -> list[str]:
        response = await world.client.get(URL, headers=who.headers)
        assert response.status_code == 200, response.text
        return [item["id"] for item in response.json()["items"]]

    assert await listed(world.provider) == [mine]
    assert await listed(world.other_provider) == [theirs]
    assert await listed(world.secretariat) == [theirs, mine]  # newest first
    assert await listed(world.auditor) == []
    assert (await attach(world, theirs, application=world.other_application,
                         who=world.other_provider)).status_code == 200  # fmt: skip
    assert await listed(world.auditor) == [theirs]
    assert await listed(world.other_auditor) == []


async def test_attached_to_an_application_its_record_shows_it(world: World) -> None:
    sas = await filed(world, with_gaps(world))
    attached = await attach(world, sas["id"])
    assert attached.status_code == 200, attached.text
    assert attached.json()["application_id"] == world.application
    for who in (world.provider, world.auditor, world.secretariat):
        record = await world.client.get(
            f"/api/v1/applications/{world.application}", headers=who.headers
        )
        shown = record.json()["self_assessment"]
        assert shown["id"] == sas["id"]
        assert shown["self_assessed"] is True
        assert (shown["score"], shown["non_conformities"]) == (sas["score"], 3)
        assert "gaps" not in shown
        assert shown["url"] == f"{URL}/{sas['id']}"
    events = record.json()["events"]
    assert f"self-assessment {sas['id']} attached" in events[-1]["reason"]
    other = await world.client.get(
        f"/api/v1/applications/{world.other_application}", headers=world.secretariat.headers
    )
    assert other.json()["self_assessment"] is None
    # Attaching another one replaces it; the first is free again.
    second = await filed(world, world.submission())
    assert (await attach(world, second["id"])).status_code == 200
    first = await world.client.get(f"{URL}/{sas['id']}", headers=world.provider.headers)
    assert first.json()["application_id"] is None
    # The same one again changes nothing.
    assert (await attach(world, second["id"])).json()["application_id"] == world.application


async def test_attach_refusals(world: World) -> None:
    sas = (await filed(world, world.submission()))["id"]
    theirs = (await filed(world, world.submission(), world.other_provider))["id"]
    # Another provider's application or self-assessment does not exist for the caller.
    assert_problem(await attach(world, sas, application=world.other_application), 404)
    assert_problem(await attach(world, theirs), 404)
    assert_problem(await attach(world, "sas_missing"), 404)
    for party in (world.auditor, world.secretariat):
        assert_problem(await attach(world, sas, who=party), 403)
    assert_problem(await attach(world, "x" * 41), 422, "self_assessment_id")
    # Another standard version does not fit the application.
    newer_rules = await standards.get_ruleset("core-rights", "1.1.0")
    newer = (await filed(world, submission(newer_rules)))["id"]
    assert_problem(await attach(world, newer), 422, "self_assessment_id")
    # Once the auditor has filed, the application takes no self-assessment any more.
    assert (await world.file(world.submission())).status_code == 201
    assert_problem(await attach(world, sas), 409)
    assert (
        await SelfAssessmentRow.count().where(SelfAssessmentRow.application_id.is_not_null()).run()
        == 0
    )


async def test_nothing_reaches_the_public_register(world: World) -> None:
    public = ("/statistics", f"/providers/{world.provider_id}", "/api/v1/certificates",
              f"/api/v1/providers/{world.provider_id}", "/api/v1/providers")  # fmt: skip
    before = {path: (await world.client.get(path)).text for path in public}
    log_before = await LogEntryRow.count().run()
    sas = await filed(world, with_gaps(world))
    assert (await attach(world, sas["id"])).status_code == 200
    assert await LogEntryRow.count().run() == log_before
    assert await AssessmentRow.count().run() == 0
    assert await CertificateRow.count().run() == 0
    for path in public:
        text = (await world.client.get(path)).text
        assert sas["id"] not in text, path
        assert text == before[path], path
    search = await world.client.get("/api/v1/providers", params={"q": sas["id"]})
    assert search.json()["items"] == []
