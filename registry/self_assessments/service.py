"""Self-assessment before applying (issue 17): a provider scores itself, privately.

A provider files the same findings document an auditor files (`rightsmark audits template`
filled in, or the portal's form) and gets the engine's report and a gap list
(`audits.gaps`). The engine call is the filing's own (`registry.assessments.filing.run_engine`:
the stored rule set of the version the document names, `parse_and_score` of the bytes as
sent), so the same answers give the same score, grade, floor and non-conformities.

Nothing here touches the register: no certificate, no log entry, no public page or search
or statistics reads this table. Who may read one: the provider it belongs to, the
secretariat, and, once it is attached to an application, that application's assigned
auditor. Anyone else is told it does not exist (404).
"""

from __future__ import annotations

import json
import secrets
from typing import Any, Final

import msgspec

from audits.errors import InvalidSubmission
from audits.gaps import Gap, gaps
from audits.model import FindingProblem, SubmissionDocument
from audits.published import published_score
from audits.scoring import canonical_report
from audits.validation import peek_standard
from registry import urls
from registry.accounts import Actor, Role, bound_provider
from registry.applications import (
    Application,
    ApplicationState,
    lock_application,
    record_note,
    visible_application,
)
from registry.assessments.filing import evidence_references, run_engine
from registry.clock import iso_utc as iso
from registry.clock import utc_now as now
from registry.db.database import changes, write_transaction
from registry.db.races import unique_violation_raises
from registry.db.tables import ApplicationRow
from registry.errors import ConflictError, ForbiddenError, InvalidRequestError, NotFoundError
from registry.self_assessments.records import (
    SelfAssessment,
    SelfAssessmentList,
    SelfAssessmentSummary,
)
from registry.self_assessments.tables import SelfAssessmentRow
from registry.standards import service as standards
from standards.canonical import canonical_json
from standards.errors import StandardNotFound

# An application takes a self-assessment until its auditor has filed: after that, the
# auditor's own assessment is what counts, and the one it saw beside its form stays.
ATTACHABLE: Final = frozenset({ApplicationState.SUBMITTED, ApplicationState.AUDITOR_ASSIGNED})
TOPIC: Final = "self-assessments"  # nothing cached depends on these rows


def _provider_of(actor: Actor) -> str:
    """The organisation a provider account files for: only providers self-assess."""
    if actor.role is not Role.PROVIDER:
        raise ForbiddenError("only a provider assesses itself")
    provider_id = bound_provider(actor.provider_id)
    if provider_id is None:
        raise ConflictError("register your organisation first")
    return provider_id


async def _standard_problems(ref: str | None) -> list[FindingProblem]:
    """The document must name a published version (what a provider can apply against)."""
    if not ref:
        return [FindingProblem("$.standard", "missing_field", "Required: slug@version")]
    slug, _, version = ref.partition("@")
    try:
        body = await standards.get_version(slug, version)
    except StandardNotFound:
        return [FindingProblem("$.standard", "unknown_standard", f"No standard {ref}")]
    if body.get("status") != "published":
        return [
            FindingProblem(
                "$.standard", "not_published", f"{ref} is {body.get('status')}, not published"
            )
        ]
    return []


def _evidence_problems(data: bytes) -> list[FindingProblem]:
    """Evidence is uploaded to an application, for its auditor; a self-assessment has none."""
    try:
        doc = msgspec.json.decode(data)
    except msgspec.MsgspecError:
        return []  # the engine says what is wrong with it
    return [
        FindingProblem(path, "evidence_not_accepted", "A self-assessment cites no evidence")
        for path, _ in evidence_references(doc)
    ]


async def file_self_assessment(data: bytes, actor: Actor) -> SelfAssessment:
    """Score a provider's answers and keep them, privately; every problem at once."""
    provider_id = _provider_of(actor)
    ref = peek_standard(data)
    problems = await _standard_problems(ref)
    if problems:
        raise InvalidSubmission(problems)
    assert ref is not None
    ruleset, result = await run_engine(ref, data)
    problems = (list(result) if isinstance(result, list) else []) + _evidence_problems(data)
    if problems or isinstance(result, list):
        raise InvalidSubmission(problems)
    report = result
    submission = msgspec.json.decode(data, type=SubmissionDocument).submission()
    found = gaps(ruleset, report)
    public_id = f"sas_{secrets.token_hex(8)}"
    async with write_transaction():
        changes(TOPIC)
        await SelfAssessmentRow.insert(
            SelfAssessmentRow(
                public_id=public_id,
                provider_id=provider_id,
                standard=report.standard,
                provider_types=json.dumps(list(report.provider_types)),
                submission=canonical_json(msgspec.to_builtins(submission)).decode(),
                report=canonical_report(report).decode(),
                gaps=msgspec.json.encode(found).decode(),
                inputs_digest=report.inputs_digest,
                report_digest=report.report_digest,
                score=float(report.score),
                grade=report.grade,
                floor_holds=report.floor_holds,
                non_conformities=len(report.non_conformities),
                created_by=actor.account_id,
                created_at=now(),
            )
        ).run()
    return full_view(await _by_id(public_id))


def _summary_fields(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": row["public_id"],
        "provider_id": row["provider_id"],
        "standard": row["standard"],
        "provider_types": json.loads(row["provider_types"]),
        "score": published_score(row["score"]),
        "grade": row["grade"],
        "floor_holds": row["floor_holds"],
        "non_conformities": row["non_conformities"],
        "inputs_digest": row["inputs_digest"],
        "report_digest": row["report_digest"],
        "created_by": row["created_by"],
        "created_at": iso(row["created_at"]),
        "application_id": row["application_id"],
        "attached_at": iso(row["attached_at"]) if row["attached_at"] else None,
        "url": urls.self_assessment_path(row["public_id"]),
    }


def summary_view(row: dict[str, Any]) -> SelfAssessmentSummary:
    return SelfAssessmentSummary(**_summary_fields(row))


def summary_of(full: SelfAssessment) -> SelfAssessmentSummary:
    """The summary of a full record (what an application's record shows)."""
    names = SelfAssessmentSummary.__struct_fields__
    return SelfAssessmentSummary(**{name: getattr(full, name) for name in names})


def full_view(row: dict[str, Any]) -> SelfAssessment:
    return SelfAssessment(
        **_summary_fields(row),
        gaps=msgspec.json.decode(row["gaps"], type=list[Gap]),
        submission=json.loads(row["submission"]),
        report=json.loads(row["report"]),
    )


async def _by_id(self_assessment_id: str) -> dict[str, Any]:
    row = (
        await SelfAssessmentRow.select()
        .where(SelfAssessmentRow.public_id == self_assessment_id)
        .first()
        .run()
    )
    if row is None:
        raise NotFoundError(f"self-assessment {self_assessment_id} does not exist")
    return row


async def _may_read(row: dict[str, Any], actor: Actor) -> bool:
    if actor.role is Role.SECRETARIAT:
        return True
    if actor.role is Role.PROVIDER:
        return bool(bound_provider(actor.provider_id) == row["provider_id"])
    if row["application_id"] is None:
        return False
    assigned = (
        await ApplicationRow.select(ApplicationRow.auditor_id)
        .where(ApplicationRow.public_id == row["application_id"])
        .first()
        .run()
    )
    return assigned is not None and assigned["auditor_id"] == actor.account_id


async def _visible_row(self_assessment_id: str, actor: Actor) -> dict[str, Any]:
    row = await _by_id(self_assessment_id)
    if not await _may_read(row, actor):
        raise NotFoundError(f"self-assessment {self_assessment_id} does not exist")
    return row


async def get_self_assessment(self_assessment_id: str, actor: Actor) -> SelfAssessment:
    return full_view(await _visible_row(self_assessment_id, actor))


async def list_self_assessments(actor: Actor, *, limit: int, offset: int) -> SelfAssessmentList:
    """Newest first. Provider: its own; secretariat: every one; auditor: those attached to
    the applications assigned to it."""
    query = SelfAssessmentRow.select().order_by(SelfAssessmentRow.id, ascending=False)
    if actor.role is Role.PROVIDER:
        own = bound_provider(actor.provider_id) or ""
        query = query.where(SelfAssessmentRow.provider_id == own)
    elif actor.role is Role.AUDITOR:
        assigned = await ApplicationRow.select(ApplicationRow.public_id).where(
            ApplicationRow.auditor_id == actor.account_id
        )
        ids = [a["public_id"] for a in assigned]
        if not ids:
            return SelfAssessmentList(items=[], limit=limit, offset=offset)
        query = query.where(SelfAssessmentRow.application_id.is_in(ids))
    rows = await query.limit(limit).offset(offset).run()
    return SelfAssessmentList(items=[summary_view(r) for r in rows], limit=limit, offset=offset)


async def attached_to(application: Application) -> SelfAssessment | None:
    """The self-assessment attached to `application`, for whoever may see the application
    (its provider, its auditor, the secretariat: the callers check that first)."""
    row = (
        await SelfAssessmentRow.select()
        .where(SelfAssessmentRow.application_id == application.id)
        .first()
        .run()
    )
    return None if row is None else full_view(row)


def _fits(row: dict[str, Any], application: Application) -> None:
    """A self-assessment is attached only to an application for the same standard version
    and the same scope: otherwise its gaps would say nothing about what is audited."""
    if row["standard"] != application.standard:
        raise InvalidRequestError(
            f"self-assessment {row['public_id']} is against {row['standard']}; application "
            f"{application.id} is for {application.standard}",
            field="self_assessment_id",
        )
    types = sorted(json.loads(row["provider_types"]))
    if types != sorted(application.provider_types):
        raise InvalidRequestError(
            f"self-assessment {row['public_id']} covers {', '.join(types)}; application "
            f"{application.id} is for {', '.join(sorted(application.provider_types))}",
            field="self_assessment_id",
        )


async def attach(application_id: str, self_assessment_id: str, actor: Actor) -> SelfAssessment:
    """Attach one of the provider's self-assessments to one of its open applications; one
    attached before is detached. Written to the application's history."""
    provider_id = _provider_of(actor)
    conflict = ConflictError(f"application {application_id} was changed by a concurrent request")
    async with unique_violation_raises(conflict), write_transaction():
        changes(TOPIC)
        await lock_application(application_id)
        application = await visible_application(application_id, actor)
        row = await _by_id(self_assessment_id)
        if row["provider_id"] != provider_id:
            raise NotFoundError(f"self-assessment {self_assessment_id} does not exist")
        if application.state not in ATTACHABLE:
            raise ConflictError(
                f"application {application_id} is {application.state}: a self-assessment is "
                "attached before the auditor files"
            )
        if row["application_id"] == application_id:
            return full_view(row)  # already there: nothing changes
        if row["application_id"] is not None:
            raise ConflictError(
                f"self-assessment {self_assessment_id} is attached to application "
                f"{row['application_id']}"
            )
        _fits(row, application)
        await (
            SelfAssessmentRow.update(
                {
                    SelfAssessmentRow.application_id: None,
                    SelfAssessmentRow.attached_by: None,
                    SelfAssessmentRow.attached_at: None,
                }
            )
            .where(SelfAssessmentRow.application_id == application_id)
            .run()
        )
        await (
            SelfAssessmentRow.update(
                {
                    SelfAssessmentRow.application_id: application_id,
                    SelfAssessmentRow.attached_by: actor.label,
                    SelfAssessmentRow.attached_at: now(),
                }
            )
            .where(SelfAssessmentRow.public_id == self_assessment_id)
            .run()
        )
        grade = f", grade {row['grade']}" if row["grade"] else ", no grade"
        await record_note(
            application_id,
            actor=actor.label,
            reason=f"self-assessment {self_assessment_id} attached (self-assessed: score "
            f"{published_score(row['score'])}{grade}, {row['non_conformities']} gap(s))",
        )
        return full_view(await _by_id(self_assessment_id))
