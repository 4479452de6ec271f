"""A special audit ordered on a complaint: the existing assignment rules (accreditation
scope, conflicts of interest, rotation) pick or check the auditor against the certified
application, and the audit may be unannounced. The chosen auditor files the audit (type
`special`) here; `rightsmark lifecycle run` then acts on a critical finding as on any
surveillance audit (it suspends the certificate)."""

from __future__ import annotations

import datetime as dt

import msgspec

from registry import applications, assignment
from registry.accounts import Actor, Role
from registry.applications import ApplicationState
from registry.assessments.filing import insert_assessment
from registry.assessments.records import Assessment
from registry.assessments.service import filing_transaction, full_view, latest
from registry.certificates import service as certificates
from registry.clock import utc_now
from registry.complaints import cases
from registry.complaints.handling import certificate_of, require_secretariat, to_investigating
from registry.complaints.records import SpecialAudit
from registry.complaints.tables import SpecialAuditRow
from registry.db.database import write_transaction
from registry.errors import ConflictError, ForbiddenError, InvalidRequestError, NotFoundError


async def order(
    reference: str,
    actor: Actor,
    *,
    auditor_id: str | None,
    audit_date: dt.date,
    unannounced: bool,
    certificate: str | None = None,
) -> SpecialAudit:
    require_secretariat(actor)
    if audit_date < utc_now().date():
        raise InvalidRequestError("the audit date is in the past", field="audit_date")
    async with write_transaction():
        row = await cases.locked(reference)
        if row["provider_id"] is None:
            raise ConflictError(f"complaint {reference} names no registered provider to audit")
        cert = await certificate_of(row, certificate)
        application = await applications.get_application(cert["application_id"])
        if auditor_id is None:
            chosen = await assignment.automatic_auditor(application, audit_date)
        else:
            refused = await assignment.refusal(auditor_id, application, audit_date)
            if refused is not None:
                raise InvalidRequestError(refused, field="auditor_id")
            chosen = auditor_id
        await to_investigating(row)
        audit_id = cases.public_id("spa")
        await SpecialAuditRow.insert(
            SpecialAuditRow(
                public_id=audit_id,
                complaint=reference,
                certificate_id=cert["public_id"],
                application_id=application.id,
                auditor_id=chosen,
                audit_date=audit_date,
                unannounced=unannounced,
                ordered_by=actor.label,
                ordered_at=utc_now(),
            )
        ).run()
        await cases.record(reference, "special_audit_ordered", actor.label, f"{audit_id} {chosen}")
        saved = await SpecialAuditRow.select().where(SpecialAuditRow.public_id == audit_id).first()
        assert saved is not None
        return cases.special_audit_view(saved)


async def _order_row(audit_id: str) -> dict[str, object]:
    if len(audit_id) > 40 or "\x00" in audit_id:
        raise NotFoundError(f"special audit {audit_id} does not exist")
    row = await SpecialAuditRow.select().where(SpecialAuditRow.public_id == audit_id).first()
    if row is None:
        raise NotFoundError(f"special audit {audit_id} does not exist")
    return dict(row)


async def ordered_to(audit_id: str, actor: Actor) -> SpecialAudit:
    """The special audit, for the auditor it was ordered from; to anyone else it does not
    exist."""
    found = await _order_row(audit_id)
    if actor.role is not Role.AUDITOR or found["auditor_id"] != actor.account_id:
        raise NotFoundError(f"special audit {audit_id} does not exist")
    return cases.special_audit_view(found)


async def assigned_to(actor: Actor) -> list[SpecialAudit]:
    """An auditor's special audits (the secretariat sees all)."""
    query = SpecialAuditRow.select().order_by(SpecialAuditRow.id)
    if actor.role is Role.AUDITOR:
        query = query.where(SpecialAuditRow.auditor_id == actor.account_id)
    elif actor.role is not Role.SECRETARIAT:
        return []
    return [cases.special_audit_view(r) for r in await query]


async def file(audit_id: str, data: bytes, actor: Actor) -> Assessment:
    """The ordered auditor files the special audit against the certified application; the
    document's `audit_type` must be `special`. Scored and stored like any assessment."""
    ordered = await ordered_to(audit_id, actor)
    application_id = ordered.application_id
    async with filing_transaction(application_id):
        await cases.locked(ordered.complaint)
        found = await _order_row(audit_id)
        if found["assessment_id"] is not None:
            raise ConflictError(f"special audit {audit_id} was filed as {found['assessment_id']}")
        application = await applications.get_application(application_id)
        if application.state != ApplicationState.CERTIFIED:
            raise ConflictError(f"application {application_id} is {application.state}")
        cert = await certificates.certificate_row(str(found["certificate_id"]))
        if cert["state"] == "revoked":
            raise ConflictError(f"certificate {cert['public_id']} is revoked")
        refused = await assignment.accreditation_refusal(
            actor.account_id, application, utc_now().date()
        )
        if refused is not None:
            raise ForbiddenError(refused)
        audit_type = _audit_type(data)
        if audit_type != "special":
            raise InvalidRequestError(
                f"a special audit is filed with audit_type special, not {audit_type}",
                field="audit_type",
            )
        current = await latest(application_id)
        sequence = 1 if current is None else current["sequence"] + 1
        row = await insert_assessment(application, data, actor, sequence=sequence, amends=None)
        await (
            SpecialAuditRow.update({SpecialAuditRow.assessment_id: row["public_id"]})
            .where(SpecialAuditRow.public_id == audit_id)
            .run()
        )
        await cases.record(
            str(found["complaint"]), "special_audit_filed", actor.label, row["public_id"]
        )
        return full_view(row, amended_by=None)


def _audit_type(data: bytes) -> str | None:
    try:
        value = msgspec.json.decode(data, type=dict[str, object]).get("audit_type")
    except msgspec.MsgspecError:
        return None
    return value if isinstance(value, str) else None
