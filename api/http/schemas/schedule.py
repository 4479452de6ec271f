"""Response schemas of the surveillance cycle's routes: the secretariat's calendar and an
auditor's scheduled surveillance audits (`registry.schedule.calendar`). Named for OpenAPI
here, with a description on every field, rather than the use cases' records themselves:
`Planned` and `Overdue` are too generic as component names."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import msgspec

from registry.schedule.calendar import Overdue, Planned


def _d(text: str) -> msgspec.Meta:
    return msgspec.Meta(description=text)


class ScheduledAuditOut(msgspec.Struct, frozen=True, kw_only=True):
    id: Annotated[str, _d("sch_...: the planned work's id")]
    kind: Annotated[str, _d("surveillance | recertification")]
    certificate_id: Annotated[str, _d("crt_...: the certificate the work is for")]
    code: Annotated[str, _d("The certificate's public code")]
    application_id: Annotated[
        str | None,
        _d(
            "Surveillance: the certified application the audit is filed against; "
            "recertification: the next cycle's application (null while it could not be opened)"
        ),
    ]
    provider_id: Annotated[str, _d("RMP-...: the certified provider")]
    auditor_id: Annotated[str | None, _d("The auditor the registry assigned; null: unassigned")]
    due_on: Annotated[
        dt.date, _d("Surveillance: the day the audit is due; recertification: expiry")
    ]
    audit_date: Annotated[dt.date | None, _d("The day the audit is planned for")]
    when: Annotated[dt.date, _d("audit_date, or due_on when none is planned: the sort key")]
    unannounced: Annotated[
        bool, _d("The standard asks for unannounced surveillance: the provider is never told")
    ]
    state: Annotated[str, _d("scheduled | unassigned | filed")]
    note: Annotated[
        str | None, _d("Why no auditor could be assigned (the refusals); secretariat only")
    ]
    assessment_id: Annotated[str | None, _d("asm_...: the assessment it was filed as")]

    @classmethod
    def of(cls, planned: Planned, *, note: bool = True) -> ScheduledAuditOut:
        fields = msgspec.structs.asdict(planned)
        if not note:
            fields["note"] = None  # the refusals name other auditors: the secretariat's
        return cls(**fields, when=planned.when)


class OverdueSurveillanceOut(msgspec.Struct, frozen=True, kw_only=True):
    certificate_id: Annotated[str, _d("crt_...")]
    code: Annotated[str, _d("The certificate's public code")]
    provider_id: Annotated[str, _d("RMP-...")]
    due: Annotated[dt.datetime, _d("When the surveillance audit was due")]
    state: Annotated[str, _d("The certificate's state: valid, or suspended after the grace")]

    @classmethod
    def of(cls, overdue: Overdue) -> OverdueSurveillanceOut:
        return cls(**msgspec.structs.asdict(overdue))


class SurveillanceCalendarOut(msgspec.Struct, frozen=True, kw_only=True):
    planned: Annotated[
        tuple[ScheduledAuditOut, ...],
        _d("Surveillance audits and recertifications not yet filed, soonest first"),
    ]
    overdue: Annotated[
        tuple[OverdueSurveillanceOut, ...],
        _d("Certificates whose surveillance audit is overdue, longest overdue first"),
    ]


class ScheduledAuditListOut(msgspec.Struct, frozen=True, kw_only=True):
    items: Annotated[
        tuple[ScheduledAuditOut, ...], _d("The caller's scheduled audits, soonest first")
    ]
