"""The surveillance cycle in the portals (docs/assurance.md, "The surveillance cycle").

`/portal/secretariat/surveillance` is the secretariat's calendar
(`registry.schedule.calendar.calendar`): every surveillance audit and recertification
`rightsmark lifecycle run` planned and nobody has filed yet, soonest first, unannounced ones
marked and unassigned ones with the reason, then the certificates whose surveillance is
overdue, with the date it was due.

`/portal/auditor/scheduled-audits/{id}` is the auditor portal's assessment form
(`api.web.portal.auditor.assessment_form`, the same form and template as an application's
assessment) for a surveillance audit the registry scheduled to the signed-in auditor, the
audit type fixed to `surveillance`; filing goes through `registry.schedule.calendar.file`.
The scheduled audit exists for that auditor only: anybody else, the provider it is about
included (it may be unannounced), gets the 404 page.
"""

from __future__ import annotations

from typing import Annotated, Any, Final

import msgspec
from litestar import Request, Response, get, post
from litestar.params import PathParameter

from api.web.portal import auditor as portal_auditor
from api.web.portal.base import flash, portal_page, posted, see_other, signed_in
from audits.errors import InvalidSubmission
from audits.model import AuditType
from registry import applications
from registry.accounts import Actor, Role
from registry.applications import Application
from registry.clock import utc_now
from registry.db.names import account_names, provider_names
from registry.errors import ConflictError, ForbiddenError
from registry.schedule import calendar
from registry.schedule.calendar import Planned
from registry.standards.service import get_ruleset
from standards.model import RuleSet

AuditId = Annotated[str, PathParameter(max_length=64)]
Req = Request[Any, Any, Any]
SURVEILLANCE: Final = AuditType.SURVEILLANCE.value


def form_path(audit_id: str) -> str:
    return f"/portal/auditor/scheduled-audits/{audit_id}"


@get("/secretariat/surveillance", name="portal:secretariat-surveillance")
async def surveillance_calendar(request: Req) -> Response[str]:
    """What is due, soonest first; overdue surveillance below, longest overdue first."""
    actor = await signed_in(request, Role.SECRETARIAT)
    planned, overdue = await calendar.calendar(actor)
    today = utc_now().date()
    return portal_page(
        "portal_surveillance.html",
        request,
        actor,
        planned=planned,
        overdue=overdue,
        today=today,
        late={p.id for p in planned if p.when < today},
        unassigned=sum(1 for p in planned if p.state == "unassigned"),
        provider_names=await provider_names(
            [*(p.provider_id for p in planned), *(o.provider_id for o in overdue)]
        ),
        auditor_names=await account_names(p.auditor_id for p in planned),
    )


async def _scheduled(audit_id: str, actor: Actor) -> tuple[Planned, Application, RuleSet]:
    planned = await calendar.scheduled_to(audit_id, actor)  # 404 for anybody else
    assert planned.application_id is not None  # a surveillance audit's certified application
    application = await applications.get_application(planned.application_id)
    slug, _, version = application.standard.partition("@")
    return planned, application, await get_ruleset(slug, version)


@get("/auditor/scheduled-audits/{audit_id:str}", name="portal:scheduled-audit")
async def scheduled_audit(request: Req, audit_id: AuditId) -> Response[Any]:
    """The assessment form for a scheduled surveillance audit (its draft kept in the
    session as the application form's is); once filed, its report."""
    actor = await signed_in(request)
    planned, application, ruleset = await _scheduled(audit_id, actor)
    if planned.assessment_id:
        return see_other(f"/portal/assessments/{planned.assessment_id}")
    drafts = request.session.get("drafts") or {}
    return await portal_auditor.assessment_form(
        request,
        actor,
        application,
        portal_auditor.indicators(application, ruleset),
        drafts.get(audit_id) or {"audit_type": SURVEILLANCE},
        saved=bool(request.query_params.get("saved")),
        scheduled=planned,
        form_action=form_path(audit_id),
    )


@post("/auditor/scheduled-audits/{audit_id:str}", name="portal:scheduled-audit-submit")
async def scheduled_audit_submit(request: Req, audit_id: AuditId) -> Response[Any]:
    """`do=save` keeps the draft; `do=file` files the surveillance audit and shows its
    report, or shows each problem at its field with the answers kept."""
    actor = await signed_in(request)
    planned, application, ruleset = await _scheduled(audit_id, actor)
    items = portal_auditor.indicators(application, ruleset)
    posted_fields = await posted(request)
    fields = await portal_auditor.kept_as_draft(request, audit_id, items, audit_type=SURVEILLANCE)
    path = form_path(audit_id)
    if posted_fields.get("do") != "file":
        return see_other(f"{path}?saved=1")
    data = msgspec.json.encode(portal_auditor.document(application, items, fields))
    refused: dict[str, Any]
    try:
        filed = await calendar.file(audit_id, data, actor)
    except InvalidSubmission as exc:
        errors, general = portal_auditor.field_errors(exc.problems, items)
        refused = {"status": 422, "errors": errors, "general": general}
    except (ConflictError, ForbiddenError) as exc:
        status = 403 if isinstance(exc, ForbiddenError) else 409
        refused = {"status": status, "general": [str(exc)]}
    else:
        portal_auditor.drop_draft(request, audit_id)
        flash(
            request,
            f"Surveillance audit {audit_id} filed as {filed.id}: "
            f"{portal_auditor.engine_said(filed)}.",
        )
        return see_other(f"/portal/assessments/{filed.id}")
    return await portal_auditor.assessment_form(
        request,
        actor,
        application,
        items,
        fields,
        scheduled=planned,
        form_action=path,
        **refused,
    )


HANDLERS: Final = [surveillance_calendar, scheduled_audit, scheduled_audit_submit]
