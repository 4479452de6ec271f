"""Who sees the planned work, and the assigned auditor filing it.

The secretariat sees every planned audit and recertification (the calendar); an auditor
sees only the surveillance audits scheduled to it; a provider sees none of them, so an
unannounced audit stays unannounced. To anyone else a scheduled audit does not exist (404).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import msgspec

from registry import applications, assignment
from registry.accounts import Actor, Role
from registry.applications import ApplicationState
from registry.assessments.filing import insert_assessment
from registry.assessments.records import Assessment
from registry.assessments.service import filing_transaction, full_view, latest
from registry.certificates.tables import CertificateRow
from registry.clock import utc_now
from registry.db.tables import ApplicationRow
from registry.errors import ConflictError, ForbiddenError, InvalidRequestError, NotFoundError
from registry.schedule.tables import ScheduledAuditRow


class Planned(msgspec.Struct, frozen=True, kw_only=True):
    """One line of the calendar."""

    id: str
    kind: str  # surveillance | recertification
    certificate_id: str
    code: str
    application_id: str | None
    provider_id: str
    auditor_id: str | None
    due_on: dt.date
    audit_date: dt.date | None
    unannounced: bool
    state: str  # scheduled | unassigned | filed
    note: str | None
    assessment_id: str | None

    @property
    def when(self) -> dt.date:
        return self.audit_date or self.due_on


class Overdue(msgspec.Struct, frozen=True, kw_only=True):
    certificate_id: str
    code: str
    provider_id: str
    due: dt.datetime
    state: str


def _view(row: dict[str, Any], codes: dict[str, str]) -> Planned:
    return Planned(
        id=row["public_id"],
        kind=row["kind"],
        certificate_id=row["certificate_id"],
        code=codes.get(row["certificate_id"], ""),
        application_id=row["application_id"],
        provider_id=row["provider_id"],
        auditor_id=row["auditor_id"],
        due_on=row["due_on"],
        audit_date=row["audit_date"],
        unannounced=row["unannounced"],
        state=row["state"],
        note=row["note"],
        assessment_id=row["assessment_id"],
    )


async def _codes(ids: list[str]) -> dict[str, str]:
    if not ids:
        return {}
    rows = await CertificateRow.select(CertificateRow.public_id, CertificateRow.code).where(
        CertificateRow.public_id.is_in(sorted(set(ids)))
    )
    return {r["public_id"]: r["code"] for r in rows}


async def _views(rows: list[dict[str, Any]]) -> list[Planned]:
    codes = await _codes([r["certificate_id"] for r in rows])
    return sorted((_view(r, codes) for r in rows), key=lambda p: (p.when, p.id))


def _require_secretariat(actor: Actor) -> None:
    if actor.role is not Role.SECRETARIAT:
        raise ForbiddenError("only the secretariat sees the surveillance calendar")


# A recertification is filed as its application's assessment, not through `file`: once the
# application is past the audit, the planned work is done.
_RECERTIFIED = (
    ApplicationState.ASSESSED.value,
    ApplicationState.CERTIFIED.value,
    ApplicationState.NOT_CERTIFIED.value,
)


async def _still_due(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Leave off the work nobody will do any more: anything for a revoked certificate, and
    a recertification whose application has been assessed (or decided since)."""
    certificates = sorted({r["certificate_id"] for r in rows})
    revoked = {
        r["public_id"]
        for r in (
            await CertificateRow.select(CertificateRow.public_id).where(
                CertificateRow.public_id.is_in(certificates) & (CertificateRow.state == "revoked")
            )
            if certificates
            else []
        )
    }
    recertifications = sorted(
        {
            r["application_id"]
            for r in rows
            if r["kind"] == "recertification" and r["application_id"]
        }
    )
    done = {
        r["public_id"]
        for r in (
            await ApplicationRow.select(ApplicationRow.public_id).where(
                ApplicationRow.public_id.is_in(recertifications)
                & ApplicationRow.state.is_in(list(_RECERTIFIED))
            )
            if recertifications
            else []
        )
    }
    return [
        r
        for r in rows
        if r["certificate_id"] not in revoked
        and not (r["kind"] == "recertification" and r["application_id"] in done)
    ]


async def calendar(actor: Actor) -> tuple[list[Planned], list[Overdue]]:
    """What is due, soonest first: planned work not yet filed (unassigned work included,
    with the reason), and overdue surveillance."""
    _require_secretariat(actor)
    rows = await _still_due(
        await ScheduledAuditRow.select().where(ScheduledAuditRow.state != "filed")
    )
    overdue = await CertificateRow.select(
        CertificateRow.public_id,
        CertificateRow.code,
        CertificateRow.provider_id,
        CertificateRow.surveillance_due,
        CertificateRow.state,
    ).where(CertificateRow.surveillance_overdue.eq(True) & (CertificateRow.state != "revoked"))
    return await _views(rows), sorted(
        (
            Overdue(
                certificate_id=r["public_id"],
                code=r["code"],
                provider_id=r["provider_id"],
                due=r["surveillance_due"],
                state=r["state"],
            )
            for r in overdue
        ),
        key=lambda o: (o.due, o.code),
    )


async def assigned_to(actor: Actor) -> list[Planned]:
    """An auditor's scheduled surveillance audits, to file (recertifications are ordinary
    assigned applications in its list)."""
    if actor.role is not Role.AUDITOR:
        return []
    rows = await ScheduledAuditRow.select().where(
        (ScheduledAuditRow.auditor_id == actor.account_id)
        & (ScheduledAuditRow.kind == "surveillance")
        & (ScheduledAuditRow.state == "scheduled")
    )
    return await _views(await _still_due(rows))


async def _row(audit_id: str) -> dict[str, Any]:
    if len(audit_id) > 40 or "\x00" in audit_id:
        raise NotFoundError(f"scheduled audit {audit_id} does not exist")
    row: dict[str, Any] | None = (
        await ScheduledAuditRow.select().where(ScheduledAuditRow.public_id == audit_id).first()
    )
    if row is None:
        raise NotFoundError(f"scheduled audit {audit_id} does not exist")
    return row


async def scheduled_to(audit_id: str, actor: Actor) -> Planned:
    """The scheduled surveillance audit, for its auditor; to anyone else it does not exist."""
    row = await _row(audit_id)
    if (
        actor.role is not Role.AUDITOR
        or row["auditor_id"] != actor.account_id
        or row["kind"] != "surveillance"
    ):
        raise NotFoundError(f"scheduled audit {audit_id} does not exist")
    return (await _views([row]))[0]


async def file(audit_id: str, data: bytes, actor: Actor) -> Assessment:
    """The scheduled auditor files the surveillance audit against the certified application
    (`audit_type` surveillance), scored and stored like any assessment; the lifecycle acts
    on its findings and moves the next due date on."""
    planned = await scheduled_to(audit_id, actor)
    assert planned.application_id is not None
    async with filing_transaction(planned.application_id):
        row = await _row(audit_id)
        if row["state"] == "filed":
            raise ConflictError(f"scheduled audit {audit_id} was filed as {row['assessment_id']}")
        application = await applications.get_application(planned.application_id)
        if application.state != ApplicationState.CERTIFIED:
            raise ConflictError(f"application {application.id} is {application.state}")
        cert = (
            await CertificateRow.select(CertificateRow.state)
            .where(CertificateRow.public_id == planned.certificate_id)
            .first()
        )
        if cert is None or cert["state"] == "revoked":
            raise ConflictError(f"certificate {planned.certificate_id} is revoked")
        refused = await assignment.accreditation_refusal(
            actor.account_id, application, utc_now().date()
        )
        if refused is not None:
            raise ForbiddenError(refused)
        audit_type = _audit_type(data)
        if audit_type != "surveillance":
            raise InvalidRequestError(
                f"a scheduled surveillance audit is filed with audit_type surveillance, "
                f"not {audit_type}",
                field="audit_type",
            )
        current = await latest(application.id)
        sequence = 1 if current is None else current["sequence"] + 1
        filed = await insert_assessment(application, data, actor, sequence=sequence, amends=None)
        await (
            ScheduledAuditRow.update(
                {
                    ScheduledAuditRow.state: "filed",
                    ScheduledAuditRow.assessment_id: filed["public_id"],
                    ScheduledAuditRow.updated_at: utc_now(),
                }
            )
            .where(ScheduledAuditRow.public_id == audit_id)
            .run()
        )
        return full_view(filed, amended_by=None)


def _audit_type(data: bytes) -> str | None:
    try:
        value = msgspec.json.decode(data, type=dict[str, object]).get("audit_type")
    except msgspec.MsgspecError:
        return None
    return value if isinstance(value, str) else None
