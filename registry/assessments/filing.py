"""Turning a submitted document into a filed assessment: validate against the application,
score, check evidence references, and build the immutable row. Every problem at once."""

from __future__ import annotations

import secrets
from typing import Any

import msgspec

from audits.errors import InvalidSubmission
from audits.model import FindingProblem, Report, SubmissionDocument, evidence_ok
from audits.scoring import canonical_report, parse_and_score
from registry.accounts import Actor
from registry.applications import Application
from registry.assessments.evidence import reference_problems
from registry.assessments.tables import AssessmentRow
from registry.clock import utc_now as now
from registry.corrective.opening import on_filed
from registry.standards.service import get_ruleset
from standards.canonical import canonical_json
from standards.model import RuleSet


def _loose(data: bytes) -> Any:
    try:
        return msgspec.json.decode(data)
    except msgspec.MsgspecError:
        return None


def scope_problems(application: Application, doc: Any) -> list[FindingProblem]:
    """The document's provider types must be the application's scope, no more, no less."""
    types = doc.get("provider_types") if isinstance(doc, dict) else None
    if not isinstance(types, list) or not all(isinstance(t, str) for t in types):
        return []  # unreadable: the submission check reports it
    wanted = sorted(application.provider_types)
    if sorted(set(types)) == wanted:
        return []
    return [
        FindingProblem(
            "$.provider_types",
            "scope_mismatch",
            f"application {application.id} is for provider types {', '.join(wanted)}; "
            f"the document names {', '.join(sorted(set(types))) or 'none'}",
        )
    ]


def evidence_references(doc: Any) -> list[tuple[str, str]]:
    """(JSON path, reference) of every well-formed evidence reference in the document."""
    found: list[tuple[str, str]] = []
    findings = doc.get("findings") if isinstance(doc, dict) else None
    for i, finding in enumerate(findings if isinstance(findings, list) else []):
        evidence = finding.get("evidence") if isinstance(finding, dict) else None
        for j, ref in enumerate(evidence if isinstance(evidence, list) else []):
            if isinstance(ref, str) and evidence_ok([ref]):
                found.append((f"$.findings[{i}].evidence[{j}]", ref))
    return found


async def run_engine(standard: str, data: bytes) -> tuple[RuleSet, Report | list[FindingProblem]]:
    """The one engine call of a filing and of a provider's self-assessment
    (`registry.self_assessments`): the stored rule set of `standard` (slug@version) and
    `parse_and_score` of the bytes as sent, so the same answers score the same either way."""
    slug, _, version = standard.partition("@")
    ruleset = await get_ruleset(slug, version)
    return ruleset, parse_and_score(ruleset, data)


async def score_for(application: Application, data: bytes) -> tuple[Report, bytes]:
    """The report and the canonical submission; raises InvalidSubmission with every problem.

    The rule set is the application's: a document naming another standard is refused at
    `$.standard` by the same check that validates it.
    """
    _, result = await run_engine(application.standard, data)
    doc = _loose(data)
    problems = list(result) if isinstance(result, list) else []
    problems += scope_problems(application, doc)
    problems += await reference_problems(application.id, evidence_references(doc))
    if problems or isinstance(result, list):
        raise InvalidSubmission(problems)
    submission = msgspec.json.decode(data, type=SubmissionDocument).submission()
    return result, canonical_json(msgspec.to_builtins(submission))


async def insert_assessment(
    application: Application,
    data: bytes,
    actor: Actor,
    *,
    sequence: int,
    amends: str | None,
) -> dict[str, Any]:
    report, submission = await score_for(application, data)
    public_id = f"asm_{secrets.token_hex(8)}"
    await AssessmentRow.insert(
        AssessmentRow(
            public_id=public_id,
            application_id=application.id,
            provider_id=application.provider_id,
            sequence=sequence,
            chain_position=f"{application.id}#{sequence}",
            amends=amends,
            standard=report.standard,
            audit_type=report.audit_type.value,
            submission=submission.decode(),
            report=canonical_report(report).decode(),
            inputs_digest=report.inputs_digest,
            report_digest=report.report_digest,
            score=float(report.score),
            grade=report.grade,
            floor_holds=report.floor_holds,
            non_conformities=len(report.non_conformities),
            auditor_id=actor.account_id,
            filed_by=actor.label,
            filed_at=now(),
        )
    ).run()
    row = await AssessmentRow.select().where(AssessmentRow.public_id == public_id).first()
    assert row is not None
    # Its non-conformities become corrective actions in the same transaction: every path
    # of filing (first filing, amendment, later audits, special audits) goes through here.
    await on_filed(row, report, submission)
    return row
