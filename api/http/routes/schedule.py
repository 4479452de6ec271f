"""The surveillance cycle (docs/assurance.md): the secretariat's calendar of planned work,
and the surveillance audits the registry scheduled to an auditor, which it files here.

A scheduled audit may be unannounced: its provider is never told of it. To anyone but the
auditor it is scheduled to, a scheduled audit does not exist (404), whatever their role."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.di import Provide
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import PathParameter

from api.http.auth import ActorDep, authenticated, provide_actor, requires, secretariat_only
from api.http.schemas.assessments import AssessmentOut
from api.http.schemas.schedule import (
    OverdueSurveillanceOut,
    ScheduledAuditListOut,
    ScheduledAuditOut,
    SurveillanceCalendarOut,
)
from registry.accounts import Role
from registry.schedule import calendar

AuditId = Annotated[str, PathParameter(max_length=40, description="sch_...")]
_auditors = requires(Role.AUDITOR)


class ScheduleController(Controller):
    path = "/api/v1"
    tags = ["surveillance"]
    dependencies = {"actor": Provide(provide_actor)}

    @get(
        "/surveillance-calendar",
        operation_id="getSurveillanceCalendar",
        summary="What is due: planned surveillance and recertification, overdue surveillance",
        guards=[secretariat_only],
    )
    async def read_calendar(self, actor: ActorDep) -> SurveillanceCalendarOut:
        """The secretariat's calendar, as `rightsmark lifecycle run` planned it. `planned`:
        every surveillance audit and recertification not yet filed, soonest first (by audit
        date, or due date when none is set), unannounced ones marked, unassigned ones with
        the reason no auditor could be assigned. `overdue`: the certificates whose
        surveillance audit is past due, with the date it was due and the certificate's
        state (suspended once the standard's grace has run out)."""
        planned, overdue = await calendar.calendar(actor)
        return SurveillanceCalendarOut(
            planned=tuple(ScheduledAuditOut.of(p) for p in planned),
            overdue=tuple(OverdueSurveillanceOut.of(o) for o in overdue),
        )

    @get(
        "/scheduled-audits",
        operation_id="listScheduledAudits",
        summary="The surveillance audits scheduled to the calling auditor, soonest first",
        guards=[_auditors],
    )
    async def list_scheduled(self, actor: ActorDep) -> ScheduledAuditListOut:
        """Only those still to file. A recertification is not listed here: it is an
        ordinary application assigned to the auditor (`GET /api/v1/applications`)."""
        return ScheduledAuditListOut(
            items=tuple(
                ScheduledAuditOut.of(p, note=False) for p in await calendar.assigned_to(actor)
            )
        )

    @get(
        "/scheduled-audits/{audit_id:str}",
        operation_id="getScheduledAudit",
        summary="One scheduled surveillance audit (its auditor only)",
        guards=[authenticated],
    )
    async def read_scheduled(self, audit_id: AuditId, actor: ActorDep) -> ScheduledAuditOut:
        """For the auditor it is scheduled to; 404 for anybody else, the provider and the
        secretariat included (the secretariat reads the calendar)."""
        return ScheduledAuditOut.of(await calendar.scheduled_to(audit_id, actor), note=False)

    @post(
        "/scheduled-audits/{audit_id:str}/assessment",
        operation_id="fileScheduledAudit",
        summary="File a scheduled surveillance audit (the auditor it is scheduled to)",
        guards=[authenticated],
        responses={201: ResponseSpec(data_container=AssessmentOut, description="Filed")},
        opt={"json_body": True},
        status_code=201,
    )
    async def file_scheduled(
        self, request: Request[Any, Any, Any], audit_id: AuditId, actor: ActorDep
    ) -> Response[bytes]:
        """The findings document, as `POST /api/v1/applications/{application_id}/assessments`
        takes it, with `audit_type: surveillance`; filed against the certified application
        and scored like any assessment. The auditor's accreditation must cover the scope on
        the filing day (403); a scheduled audit filed already, or a certificate revoked since,
        is a 409. A critical finding suspends the certificate at the next
        `rightsmark lifecycle run`, and the next surveillance is due a year on. 404 for
        anybody but the auditor it is scheduled to."""
        filed = await calendar.file(audit_id, await request.body(), actor)
        return Response(msgspec.json.encode(filed), status_code=201, media_type="application/json")
