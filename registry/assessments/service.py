"""Assessment use cases: file, amend, read, list. Each write is one transaction, together
with its idempotency record and the application's state transition."""

from __future__ import annotations

from typing import Any

import msgspec

from registry.accounts import Actor, Role
from registry.applications import ApplicationState, lock_application, record_transition
from registry.assessments.access import (
    assigned_application,
    can_see,
    race_is_conflict,
    visible_application,
)
from registry.assessments.filing import insert_assessment
from registry.assessments.idempotency import Answer, run_once
from registry.assessments.tables import AssessmentRow
from registry.clock import iso_utc as iso
from registry.db.database import write_transaction
from registry.errors import ConflictError, NotFoundError

# What an auditor may file on an application that is already certified.
SURVEILLANCE_TYPES = frozenset({"surveillance", "special"})

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


def summary_view(row: dict[str, Any], *, amended_by: str | None) -> dict[str, Any]:
    view = {name: row[name] for name in _SUMMARY}
    view["id"] = view.pop("public_id")
    view["filed_at"] = iso(row["filed_at"])
    view["score"] = int(row["score"]) if float(row["score"]).is_integer() else row["score"]
    view["amended_by"] = amended_by
    view["current"] = amended_by is None
    return view


def full_view(row: dict[str, Any], *, amended_by: str | None) -> bytes:
    """The assessment with its report spliced in as the stored canonical bytes."""
    view: dict[str, Any] = summary_view(row, amended_by=amended_by)
    view["report"] = msgspec.Raw(row["report"].encode())
    return msgspec.json.encode(view)


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


async def file_assessment(
    application_id: str, data: bytes, actor: Actor, *, key: str | None, fingerprint: str
) -> Answer:
    """The first filing for an application in state auditor_assigned, by its auditor; or,
    once certified, a surveillance or special audit of the certificate it earned."""

    async def operation() -> Answer:
        application = await assigned_application(application_id, actor)
        state = application["state"]
        if state == ApplicationState.CERTIFIED:
            return await _file_surveillance(application, data, actor)
        if state == ApplicationState.ASSESSED:
            current = await latest(application_id)
            where = f"/api/v1/assessments/{current['public_id']}/amendments" if current else ""
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
        return Answer(201, full_view(row, amended_by=None))

    async with race_is_conflict(f"application {application_id}"), write_transaction():
        # First: a concurrent request with the same key then finds its answer and replays it.
        await lock_application(application_id)
        return await run_once(
            key, account_id=actor.account_id, request_fingerprint=fingerprint, operation=operation
        )


async def _file_surveillance(application: dict[str, Any], data: bytes, actor: Actor) -> Answer:
    """A later audit of a certified provider: kept in the chain after the decision's
    assessment, it changes no decision; `rightsmark lifecycle run` acts on what it finds."""
    audit_type = _loose_audit_type(data)
    if audit_type not in SURVEILLANCE_TYPES:
        raise ConflictError(
            f"application {application['id']} is certified: only a surveillance or special "
            f"audit can be filed now, not {audit_type or 'this document'}"
        )
    current = await latest(application["id"])
    sequence = 1 if current is None else current["sequence"] + 1
    row = await insert_assessment(application, data, actor, sequence=sequence, amends=None)
    return Answer(201, full_view(row, amended_by=None))


def _loose_audit_type(data: bytes) -> str | None:
    try:
        value = msgspec.json.decode(data, type=dict[str, Any]).get("audit_type")
    except msgspec.MsgspecError:
        return None
    return value if isinstance(value, str) else None


async def amend_assessment(
    assessment_id: str, data: bytes, actor: Actor, *, key: str | None, fingerprint: str
) -> Answer:
    """A corrected assessment referencing the current one; both are kept."""

    async def operation() -> Answer:
        base = await _row(assessment_id, actor)
        application = await assigned_application(base["application_id"], actor)
        if application["state"] != ApplicationState.ASSESSED:
            raise ConflictError(
                f"application {application['id']} is {application['state']}; only an "
                "assessed application, not yet decided, can be amended"
            )
        current = await latest(application["id"])
        assert current is not None
        if current["public_id"] != assessment_id:
            raise ConflictError(
                f"assessment {assessment_id} was already amended; amend the current one, "
                f"{current['public_id']}"
            )
        row = await insert_assessment(
            application, data, actor, sequence=current["sequence"] + 1, amends=assessment_id
        )
        return Answer(201, full_view(row, amended_by=None))

    async with race_is_conflict(f"assessment {assessment_id}"), write_transaction():
        base = (
            await AssessmentRow.select(AssessmentRow.application_id)
            .where(AssessmentRow.public_id == assessment_id)
            .first()
        )
        if base is not None:  # else `operation` answers 404
            await lock_application(base["application_id"])  # not amended while decided
        return await run_once(
            key, account_id=actor.account_id, request_fingerprint=fingerprint, operation=operation
        )


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


async def get_assessment(assessment_id: str, actor: Actor) -> bytes:
    row = await _row(assessment_id, actor)
    return full_view(row, amended_by=await _amended_by(row))


async def list_assessments(application_id: str, actor: Actor) -> list[dict[str, Any]]:
    await visible_application(application_id, actor)
    rows = await _chain(application_id)
    amended = {r["amends"]: r["public_id"] for r in rows if r["amends"]}
    return [summary_view(r, amended_by=amended.get(r["public_id"])) for r in rows]
