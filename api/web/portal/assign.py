"""The secretariat's queues: applications to assign (to a chosen auditor or automatically,
on a chosen audit date) and to decide (with the facts of each assessment; the decision
itself is `api.web.portal.decide`), and every certificate.

A conflict of interest still pending review is shown as a warning beside the provider's
application, and refuses nothing. A refused assignment (accepted conflict of interest,
rotation, no accreditation covering the scope, a date in the past, no eligible auditor) is
shown next to that application's form and nothing is stored: `registry.assignment.assign`
checks everything in one transaction.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Final

from litestar import Request, Response, get, post
from litestar.params import PathParameter

from api.i18n import gettext as _
from api.web.portal.base import LIST_LIMIT, flash, portal_page, posted, see_other, signed_in
from registry import accounts, applications, assignment, conflicts
from registry.accounts import Actor, Role
from registry.applications import ApplicationState
from registry.assessments import queue
from registry.certificates import service as certificates
from registry.conflicts import Conflict
from registry.db.names import provider_names
from registry.errors import ConflictError, InvalidRequestError
from registry.schedule import calendar

AppId = Annotated[str, PathParameter(max_length=64)]
Req = Request[Any, Any, Any]

AUTOMATIC: Final = "automatic"


async def _auditor_names() -> dict[str, str]:
    listed = await accounts.list_accounts(role=Role.AUDITOR, limit=LIST_LIMIT, offset=0)
    return {a.id: a.name for a in listed if a.active}


async def _queue(
    request: Req,
    actor: Actor,
    *,
    status: int = 200,
    refused: dict[str, str] | None = None,
    chosen: dict[str, dict[str, str]] | None = None,
) -> Response[str]:
    to_assign = await applications.list_for(
        actor, state=ApplicationState.SUBMITTED, limit=LIST_LIMIT, offset=0
    )
    to_decide = await queue.awaiting_decision(actor)
    listed = await certificates.list_certificates(
        provider=None, status_filter=None, limit=LIST_LIMIT, offset=0
    )
    today = dt.date.today()
    names = await _auditor_names()
    # The select offers the auditors whose accreditation covers the scope today; conflicts
    # and rotation are checked when one is chosen, and a refusal says which applies.
    choices = {
        a.id: [(i, names.get(i, i)) for i in await assignment.accredited_auditors(a, today)]
        for a in to_assign
    }
    # Pending conflicts bar nothing until the secretariat accepts them: shown as a warning
    # next to the provider's application, never as a refusal.
    pending: dict[str, list[tuple[Conflict, str]]] = {}
    for c in await conflicts.conflicts(state="pending"):
        pending.setdefault(c.provider_id, []).append((c, names.get(c.auditor_id, c.auditor_id)))
    refused = refused or {}
    queued = {a.id for a in to_assign}
    planned, overdue = await calendar.calendar(actor)  # its counts, linking to the calendar
    return portal_page(
        "portal_secretariat.html",
        request,
        actor,
        status=status,
        to_assign=to_assign,
        to_decide=to_decide,
        provider_names=await provider_names(a.provider_id for a in to_assign),
        certificates=listed.items,
        choices=choices,
        refused=refused,
        chosen=chosen or {},
        # a refusal for an application no longer in the queue goes at the top of the page
        refused_elsewhere={k: v for k, v in refused.items() if k not in queued},
        today=today.isoformat(),
        automatic=AUTOMATIC,
        pending_conflicts=pending,
        surveillance={
            "planned": len(planned),
            "unassigned": sum(1 for p in planned if p.state == "unassigned"),
            "overdue": len(overdue),
            "next": planned[0] if planned else None,
        },
    )


@get("/secretariat", name="portal:secretariat")
async def secretariat(request: Req) -> Response[str]:
    """Applications to assign and to decide, and every certificate."""
    actor = await signed_in(request, Role.SECRETARIAT)
    return await _queue(request, actor)


def _audit_date(raw: str) -> dt.date | None:
    if not raw.strip():
        return None  # the service takes today
    try:
        return dt.date.fromisoformat(raw.strip())
    except ValueError:
        raise InvalidRequestError(
            f"{raw.strip()[:40]!r} is not a date (YYYY-MM-DD)", field="audit_date"
        ) from None


@post("/secretariat/applications/{application_id:str}/assign", name="portal:assign")
async def assign(request: Req, application_id: AppId) -> Response[Any]:
    """Assign the chosen auditor, or (`automatic`, or none named) the eligible auditor with
    the fewest open assignments, as `POST /api/v1/applications/{id}/assign` does."""
    actor = await signed_in(request, Role.SECRETARIAT)
    fields = await posted(request)
    choice = fields.get("auditor_id", "").strip()[:64]
    raw_date = fields.get("audit_date", "")[:40]
    try:
        assigned = await assignment.assign(
            application_id,
            auditor_id=None if choice in ("", AUTOMATIC) else choice,
            audit_date=_audit_date(raw_date),
            actor=actor,
        )
    except (InvalidRequestError, ConflictError) as exc:
        status = 422 if isinstance(exc, InvalidRequestError) else 409
        return await _queue(
            request,
            actor,
            status=status,
            refused={application_id: str(exc)},
            chosen={application_id: {"auditor_id": choice, "audit_date": raw_date}},
        )
    names = await _auditor_names()
    auditor = assigned.auditor_id or ""
    flash(
        request,
        _("Application %(id)s assigned to %(auditor)s (%(name)s), audit date %(date)s.")
        % {
            "id": application_id,
            "auditor": auditor,
            "name": names.get(auditor, auditor),
            "date": assigned.audit_date,
        },
    )
    return see_other("/portal/secretariat")


HANDLERS: Final = [secretariat, assign]
