"""Assessment use cases: file, amend, read, list. They return typed records (`records`) and
raise the registry's errors; the entry points choose status codes and encode.

Each write is one transaction together with the application's state transition, the
application's row locked first. An entry point that writes more in the same transaction
(the HTTP API's idempotency record) opens `filing_transaction` or `amending_transaction`
around the call: the use case then joins that transaction instead of opening its own.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Any

import msgspec

from audits.published import published_score
from registry import urls
from registry.accounts import Actor, Role
from registry.applications import (
    Application,
    ApplicationState,
    lock_application,
    record_note,
    record_transition,
)
from registry.assessments.access import (
    assigned_application,
    can_see,
    race_is_conflict,
    visible_application,
)
from registry.assessments.filing import insert_assessment
from registry.assessments.records import Assessment, AssessmentSummary
from registry.assessments.tables import AssessmentRow
from registry.clock import iso_utc as iso
from registry.db.database import write_transaction
from registry.errors import ConflictError, InvalidRequestError, NotFoundError

MAX_REASON = 2000
# The audits that count as surveillance of a certificate (`rightsmark lifecycle run`).
SURVEILLANCE_TYPES = frozenset({"surveillance", "special"})
# What an auditor may file on an application that is already certified: surveillance, and
# a follow-up visit that verifies corrective actions closed (registry.corrective.opening).
LATER_TYPES = SURVEILLANCE_TYPES | {"follow_up"}

_SUMMARY = [
    "public_id",
    "application_id",
    "provider_id",
    "sequence",
    "amends",
    "standard",
    "audit_type",
    "inputs_digest",
    "report_digest",
    "score",
    "grade",
    "floor_holds",
    "non_conformities",
    "auditor_id",
    "filed_at",
]


def _fields(row: dict[str, Any], *, amended_by: str | None) -> dict[str, Any]:
    fields = {name: row[name] for name in _SUMMARY}
    fields["id"] = fields.pop("public_id")
    fields["filed_at"] = iso(row["filed_at"])
    fields["score"] = published_score(row["score"])
    fields["amended_by"] = amended_by
    fields["current"] = amended_by is None
    return fields


def summary_view(row: dict[str, Any], *, amended_by: str | None) -> AssessmentSummary:
    return AssessmentSummary(**_fields(row, amended_by=amended_by))


def full_view(row: dict[str, Any], *, amended_by: str | None) -> Assessment:
    """The assessment with its report spliced in as the stored canonical bytes."""
    return Assessment(
        **_fields(row, amended_by=amended_by), report=msgspec.Raw(row["report"].encode())
    )


async def _chain(application_id: str) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = (
        await AssessmentRow.select()
        .where(AssessmentRow.application_id == application_id)
        .order_by(AssessmentRow.sequence)
    )
    return rows


async def latest(application_id: str) -> dict[str, Any] | None:
    rows = await _chain(application_id)
    return rows[-1] if rows else None


@contextlib.asynccontextmanager
async def filing_transaction(application_id: str) -> AsyncIterator[None]:
    """The write transaction of a filing, the application's row locked first (so a second
    filing, or a replay of this one, waits for it and reads what it committed); a race lost
    to a unique row answers 409."""
    async with race_is_conflict(f"application {application_id}"), write_transaction():
        await lock_application(application_id)
        yield


async def file_assessment(application_id: str, data: bytes, actor: Actor) -> Assessment:
    """The first filing for an application in state auditor_assigned, by its auditor; or,
    once certified, a surveillance or special audit of the certificate it earned."""
    async with filing_transaction(application_id):
        application = await assigned_application(application_id, actor)
        state = application.state
        if state == ApplicationState.CERTIFIED:
            return await _file_surveillance(application, data, actor)
        if state == ApplicationState.ASSESSED:
            current = await latest(application_id)
            where = urls.amendments_path(current["public_id"]) if current else ""
            raise ConflictError(
                f"application {application_id} is already assessed; correct it with an "
                f"amendment {where}".rstrip()
            )
        if state != ApplicationState.AUDITOR_ASSIGNED:
            raise ConflictError(f"application {application_id} is {state}, not auditor_assigned")
        row = await insert_assessment(application, data, actor, sequence=1, amends=None)
        await record_transition(
            application_id,
            ApplicationState.ASSESSED,
            actor=actor.label,
            reason=f"assessment {row['public_id']} filed",
        )
        return full_view(row, amended_by=None)


async def _file_surveillance(application: Application, data: bytes, actor: Actor) -> Assessment:
    """A later audit of a certified provider: kept in the chain after the decision's
    assessment, it changes no decision; `rightsmark lifecycle run` acts on what it finds."""
    audit_type = _loose_audit_type(data)
    if audit_type not in LATER_TYPES:
        raise ConflictError(
            f"application {application.id} is certified: only a surveillance, special or "
            f"follow_up audit can be filed now, not {audit_type or 'this document'}"
        )
    current = await latest(application.id)
    sequence = 1 if current is None else current["sequence"] + 1
    row = await insert_assessment(application, data, actor, sequence=sequence, amends=None)
    return full_view(row, amended_by=None)


def _loose_audit_type(data: bytes) -> str | None:
    try:
        value = msgspec.json.decode(data, type=dict[str, Any]).get("audit_type")
    except msgspec.MsgspecError:
        return None
    return value if isinstance(value, str) else None


@contextlib.asynccontextmanager
async def amending_transaction(assessment_id: str) -> AsyncIterator[None]:
    """The write transaction of an amendment, the application's row locked first, so that
    it is not amended while decided (an unknown assessment locks nothing: the use case
    answers 404)."""
    async with race_is_conflict(f"assessment {assessment_id}"), write_transaction():
        base = (
            await AssessmentRow.select(AssessmentRow.application_id)
            .where(AssessmentRow.public_id == assessment_id)
            .first()
        )
        if base is not None:
            await lock_application(base["application_id"])
        yield


async def amend_assessment(
    assessment_id: str, data: bytes, actor: Actor, *, reason: str | None = None
) -> Assessment:
    """A corrected assessment referencing the current one; both are kept. A `reason` (the
    portal requires one) is written to the application's history with the two ids."""
    if reason is not None:
        reason = amendment_reason(reason)
    async with amending_transaction(assessment_id):
        base = await _row(assessment_id, actor)
        application = await assigned_application(base["application_id"], actor)
        if application.state != ApplicationState.ASSESSED:
            raise ConflictError(
                f"application {application.id} is {application.state}; only an "
                "assessed application, not yet decided, can be amended"
            )
        current = await latest(application.id)
        assert current is not None
        if current["public_id"] != assessment_id:
            raise ConflictError(
                f"assessment {assessment_id} was already amended; amend the current one, "
                f"{current['public_id']}"
            )
        row = await insert_assessment(
            application, data, actor, sequence=current["sequence"] + 1, amends=assessment_id
        )
        if reason is not None:
            await record_note(
                application.id,
                actor=actor.label,
                reason=f"assessment {assessment_id} amended by {row['public_id']}: {reason}",
            )
        return full_view(row, amended_by=None)


def amendment_reason(reason: str) -> str:
    """Why an assessment is corrected: 1 to MAX_REASON characters, no NUL."""
    reason = reason.strip()
    if not reason or len(reason) > MAX_REASON:
        raise InvalidRequestError(
            f"say why the assessment is amended (1 to {MAX_REASON} characters)", field="reason"
        )
    if "\x00" in reason:  # PostgreSQL refuses NUL in text
        raise InvalidRequestError("reason must not contain NUL characters", field="reason")
    return reason


async def _row(assessment_id: str, actor: Actor) -> dict[str, Any]:
    row = await AssessmentRow.select().where(AssessmentRow.public_id == assessment_id).first()
    missing = NotFoundError(f"assessment {assessment_id} does not exist")
    if row is None:
        raise missing
    try:
        application = await visible_application(row["application_id"], actor)
    except NotFoundError:
        application = None
    filer = actor.role is Role.AUDITOR and row["auditor_id"] == actor.account_id
    if not filer and (application is None or not can_see(application, actor)):
        raise missing
    return row


async def _amended_by(row: dict[str, Any]) -> str | None:
    later = (
        await AssessmentRow.select(AssessmentRow.public_id)
        .where(AssessmentRow.amends == row["public_id"])
        .first()
    )
    return None if later is None else str(later["public_id"])


async def get_assessment(assessment_id: str, actor: Actor) -> Assessment:
    row = await _row(assessment_id, actor)
    return full_view(row, amended_by=await _amended_by(row))


async def list_assessments(application_id: str, actor: Actor) -> list[AssessmentSummary]:
    await visible_application(application_id, actor)
    rows = await _chain(application_id)
    amended = {r["amends"]: r["public_id"] for r in rows if r["amends"]}
    return [summary_view(r, amended_by=amended.get(r["public_id"])) for r in rows]


async def submission_of(assessment_id: str, actor: Actor) -> dict[str, Any]:
    """The submission as filed (the findings document without its help), for whoever may
    read the assessment: what an amendment starts from."""
    row = await _row(assessment_id, actor)
    submission: dict[str, Any] = msgspec.json.decode(row["submission"])
    return submission
