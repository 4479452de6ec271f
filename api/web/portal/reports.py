"""Assessment reports in the portals, and amendments by the auditor who filed.

`/portal/assessments/{id}` is the report of one filed assessment (score, grade, the core
floor, category scores, non-conformities with their deadlines, the indicators that failed,
and its place in the chain of amendments), for whoever may read it over the API
(`registry.assessments.service.get_assessment`: the secretariat, the auditor who filed it,
the provider it is about; anybody else 404).

`/portal/auditor/assessments/{id}/amend` is the assessment form prefilled with the filed
submission and a required reason; filing it goes through the API's use case
(`amend_assessment`, the same checks: only the current assessment of an application not yet
decided, by its auditor), and the reason goes into the application's history.
"""

from __future__ import annotations

import json
from typing import Annotated, Any, Final

import msgspec
from litestar import Request, Response, get, post
from litestar.params import PathParameter

from api.i18n import gettext as _
from api.web.portal import auditor as portal_auditor
from api.web.portal import evidence as portal_evidence
from api.web.portal.base import flash, portal_page, posted, see_other, signed_in
from audits.errors import InvalidSubmission
from registry.accounts import Actor, Role
from registry.applications import ApplicationState, get_application
from registry.assessments import service as assessments
from registry.assessments.records import Assessment
from registry.db.names import account_names, provider_names
from registry.errors import ConflictError, InvalidRequestError, NotFoundError

AsmId = Annotated[str, PathParameter(max_length=64)]
Req = Request[Any, Any, Any]

MAX_REASON: Final = assessments.MAX_REASON


def report_path(assessment_id: str) -> str:
    return f"/portal/assessments/{assessment_id}"


def amend_path(assessment_id: str) -> str:
    return f"/portal/auditor/assessments/{assessment_id}/amend"


async def _amendable(found: Assessment, actor: Actor) -> bool:
    """Whether `actor` may amend it now: its auditor, the current one, not yet decided."""
    if actor.role is not Role.AUDITOR or found.auditor_id != actor.account_id:
        return False
    if not found.current:
        return False
    application = await get_application(found.application_id)
    return application.state == ApplicationState.ASSESSED and (
        application.auditor_id == actor.account_id
    )


@get("/assessments/{assessment_id:str}", name="portal:assessment-report")
async def report(request: Req, assessment_id: AsmId) -> Response[str]:
    actor = await signed_in(request)
    found = await assessments.get_assessment(assessment_id, actor)
    body = json.loads(bytes(found.report))
    failed = [
        i for i in body.get("indicators", []) if i.get("applicable") and i.get("passed") is False
    ]
    return portal_page(
        "portal_report.html",
        request,
        actor,
        assessment=found,
        report=body,
        failed=failed,
        provider_name=(await provider_names([found.provider_id])).get(found.provider_id),
        auditor_name=(await account_names([found.auditor_id])).get(found.auditor_id),
        amendable=await _amendable(found, actor),
        amend_path=amend_path(assessment_id),
    )


def _fields(submission: dict[str, Any]) -> dict[str, str]:
    """The filed submission as the assessment form's fields (what a draft keeps)."""
    fields: dict[str, str] = {}
    for name in ("audit_type", "started_on", "ended_on"):
        if submission.get(name) is not None:
            fields[name] = str(submission[name])
    if submission.get("workers_interviewed") is not None:
        fields["workers_interviewed"] = str(submission["workers_interviewed"])
    sites = submission.get("sites") or []
    if sites:
        fields["site_name"] = str(sites[0].get("name") or "")
        fields["site_country"] = str(sites[0].get("country") or "")
        fields["site_address"] = str(sites[0].get("address") or "")
    for finding in submission.get("findings") or []:
        indicator, value = finding.get("indicator"), finding.get("value")
        if value is True or value is False:
            fields[f"value-{indicator}"] = "yes" if value else "no"
        elif value is not None:
            fields[f"value-{indicator}"] = str(value)
        if finding.get("notes"):
            fields[f"notes-{indicator}"] = str(finding["notes"])
        if finding.get("evidence"):
            fields[f"evidence-{indicator}"] = ",".join(finding["evidence"])
    return fields


async def _form(
    request: Req,
    actor: Actor,
    assessment_id: str,
    fields: dict[str, str],
    *,
    status: int = 200,
    **context: Any,
) -> Response[str]:
    found = await assessments.get_assessment(assessment_id, actor)
    application, ruleset = await portal_auditor.assigned(found.application_id, actor)
    return await portal_auditor.assessment_form(
        request,
        actor,
        application,
        portal_auditor.indicators(application, ruleset),
        fields,
        status=status,
        amending=found,
        form_action=amend_path(assessment_id),
        max_reason=MAX_REASON,
        **context,
    )


async def _own(assessment_id: str, actor: Actor) -> Assessment:
    """The assessment if `actor` filed it (404 for anyone else, as for the API)."""
    found = await assessments.get_assessment(assessment_id, actor)
    if found.auditor_id != actor.account_id:
        raise NotFoundError(_("assessment %(id)s does not exist") % {"id": assessment_id})
    return found


@get("/auditor/assessments/{assessment_id:str}/amend", name="portal:amend")
async def amend_form(request: Req, assessment_id: AsmId) -> Response[Any]:
    """The filed submission, ready to correct; a reason is asked for."""
    actor = await signed_in(request, Role.AUDITOR)
    found = await _own(assessment_id, actor)
    if not await _amendable(found, actor):
        return _refused(request, actor, found)
    submission = await assessments.submission_of(assessment_id, actor)
    return await _form(request, actor, assessment_id, _fields(submission))


def _refused(request: Req, actor: Actor, found: Assessment) -> Response[Any]:
    why = (
        f"assessment {found.id} was already amended by {found.amended_by}; amend that one"
        if found.amended_by
        else f"application {found.application_id} is no longer awaiting a decision"
    )
    flash(request, f"Not amended: {why}.")
    return see_other(report_path(found.amended_by or found.id))


@post("/auditor/assessments/{assessment_id:str}/amend", name="portal:amend-submit")
async def amend(request: Req, assessment_id: AsmId) -> Response[Any]:
    """File the corrected submission as an amendment of `assessment_id`, with its reason;
    each problem is shown at its field and nothing is stored."""
    actor = await signed_in(request, Role.AUDITOR)
    found = await _own(assessment_id, actor)
    application, ruleset = await portal_auditor.assigned(found.application_id, actor)
    items = portal_auditor.indicators(application, ruleset)
    posted_fields = await posted(request)
    form = await request.form()
    fields = {
        key: value[: portal_auditor.MAX_FIELD]
        for key, value in posted_fields.items()
        if key not in ("csrf", "do") and not key.startswith("evidence-") and value.strip()
    }
    for item in items:
        chosen = form.getall(f"evidence-{item['id']}", [])
        if refs := portal_evidence.chosen_refs(chosen):
            fields[f"evidence-{item['id']}"] = refs
    reason = fields.get("reason", "")
    try:
        assessments.amendment_reason(reason)
    except InvalidRequestError as exc:
        return await _form(
            request, actor, assessment_id, fields, status=400, errors={"reason": [str(exc)]}
        )
    document = portal_auditor.document(application, items, fields)
    # The form edits one site; the others an API filing may name are kept as filed.
    filed_sites = (await assessments.submission_of(assessment_id, actor)).get("sites") or []
    document["sites"] += filed_sites[1:]
    try:
        amended = await assessments.amend_assessment(
            assessment_id, msgspec.json.encode(document), actor, reason=reason
        )
    except InvalidSubmission as exc:
        errors, general = portal_auditor.field_errors(exc.problems, items)
        return await _form(
            request, actor, assessment_id, fields, status=422, errors=errors, general=general
        )
    except ConflictError as exc:
        return await _form(request, actor, assessment_id, fields, status=409, general=[str(exc)])
    flash(
        request,
        f"Assessment {assessment_id} amended by {amended.id}: "
        f"{portal_auditor.engine_said(amended)}.",
    )
    return see_other(report_path(amended.id))


HANDLERS: Final = [report, amend_form, amend]
