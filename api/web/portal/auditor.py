"""The auditor's portal: assigned applications, and an assessment form generated from the
application's standard version (`audits.template.findings_template`).

Each indicator gets the input its measure calls for (yes/no radios, a 0-4 select, a number
with the measure's bounds) and its requirement and guidance. The work is kept as a draft in
the session until it is filed through `registry.assessments.service.file_assessment`, whose
validation (the API's) puts each problem next to its field.

The form is multipart: a file chosen on it is uploaded as evidence for the application
(`api.web.portal.evidence`) whichever button is pressed, after the answers are kept as the
draft, and each indicator lists the application's evidence to attach to its finding.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Final

import msgspec
from litestar import Request, Response, get, post
from litestar.params import PathParameter

from api.i18n import gettext as _
from api.web.portal import evidence as portal_evidence
from api.web.portal import self_view
from api.web.portal.base import LIST_LIMIT, flash, portal_page, posted, see_other, signed_in
from audits.errors import InvalidSubmission
from audits.model import AuditType
from audits.template import findings_template
from registry import applications
from registry.accounts import Actor, Role
from registry.applications import Application, ApplicationState
from registry.assessments import evidence, queue
from registry.assessments import service as assessments
from registry.assessments.records import AssessmentSummary
from registry.complaints import special_audits
from registry.complaints import statistics as complaint_statistics
from registry.db import names
from registry.db.names import provider_names
from registry.errors import ConflictError, ForbiddenError, NotFoundError, RegistryError
from registry.schedule import calendar
from registry.self_assessments import service as self_assessments
from registry.settings import get_settings
from registry.standards.service import get_ruleset
from standards.model import NumericMeasure, ProviderType, RuleSet, ScaleMeasure

AppId = Annotated[str, PathParameter(max_length=64)]
Req = Request[Any, Any, Any]

SCALE: Final = ("0 absent", "1 weak", "2 partial", "3 good", "4 complete")
MAX_FIELD: Final = 4000
# A problem's JSON path -> the form field it belongs to.
_FINDING: Final = re.compile(r"^\$\.findings\[(\d+)\](?:\.(\w+))?")
_SITE: Final = re.compile(r"^\$\.sites\[0\]\.(name|country|address)")
_TOP: Final = ("audit_type", "started_on", "ended_on", "workers_interviewed")


@get("/auditor", name="portal:auditor")
async def auditor(request: Req) -> Response[str]:
    actor = await signed_in(request, Role.AUDITOR)
    mine = await applications.list_for(actor, state=None, limit=LIST_LIMIT, offset=0)
    drafts = request.session.get("drafts") or {}
    to_assess = [a for a in mine if a.state == ApplicationState.AUDITOR_ASSIGNED]
    others = [a for a in mine if a.state != ApplicationState.AUDITOR_ASSIGNED]
    # What the engine made of each filed assessment, with a link to its report.
    filed = await queue.with_facts(others)
    # Surveillance the registry scheduled to it (unannounced ones marked: the provider is
    # never told), to file from here.
    scheduled = await calendar.assigned_to(actor)
    return portal_page(
        "portal_auditor.html",
        request,
        actor,
        special=await special_audits.assigned_to(actor),
        scheduled=scheduled,
        to_assess=to_assess,
        filed=filed,
        states={a.id: a.state for a in others},
        others=[a for a in others if a.id not in {f.application_id for f in filed}],
        provider_names=await provider_names(
            [*(a.provider_id for a in mine), *(p.provider_id for p in scheduled)]
        ),
        drafts=drafts,
    )


async def assigned(application_id: str, actor: Actor) -> tuple[Application, RuleSet]:
    application = await applications.visible_application(application_id, actor)
    slug, _at, version = application.standard.partition("@")
    return application, await get_ruleset(slug, version)


def indicators(application: Application, ruleset: RuleSet) -> list[dict[str, Any]]:
    """Each indicator in the application's scope, with its help and the input it calls for."""
    return indicators_for(application.provider_types, ruleset)


def indicators_for(provider_types: list[str], ruleset: RuleSet) -> list[dict[str, Any]]:
    """Each indicator in scope, with its help and the input its measure calls for (also the
    provider's self-assessment form: the same standard, filled the same way)."""
    types = [ProviderType(t) for t in provider_types]
    template = findings_template(ruleset, types, audit_type=AuditType.INITIAL)
    helps: dict[str, dict[str, Any]] = template["indicators_help"]
    items = []
    for finding in template["findings"]:
        indicator = ruleset.indicator(finding["indicator"])
        assert indicator is not None
        measure = indicator.measure
        kind = (
            "scale"
            if isinstance(measure, ScaleMeasure)
            else "number"
            if isinstance(measure, NumericMeasure)
            else "yes_no"
        )
        items.append(
            {
                "id": indicator.id,
                "kind": kind,
                "minimum": getattr(measure, "minimum", None),
                "maximum": getattr(measure, "maximum", None),
                "unit": getattr(measure, "unit", ""),
                **helps[indicator.id],
            }
        )
    return items


def _number(raw: str) -> Any:
    try:
        number = float(raw)
    except ValueError:
        return raw  # the validator says what is wrong with it
    return int(number) if number.is_integer() and abs(number) < 2**53 else number


def _value(kind: str, raw: str) -> Any:
    raw = raw.strip()
    if not raw:
        return None
    if kind == "yes_no":
        return {"yes": True, "no": False}.get(raw, raw)
    return _number(raw)


def document(
    application: Application, items: list[dict[str, Any]], fields: dict[str, str]
) -> dict[str, Any]:
    """The submission document the form stands for, exactly as the API would receive it."""
    return document_for(application.standard, application.provider_types, items, fields)


def document_for(
    standard: str, provider_types: list[str], items: list[dict[str, Any]], fields: dict[str, str]
) -> dict[str, Any]:
    """The submission document a form of `standard` for `provider_types` stands for."""
    workers = fields.get("workers_interviewed", "").strip()
    return {
        "standard": standard,
        "provider_types": sorted(provider_types),
        "audit_type": fields.get("audit_type") or AuditType.INITIAL.value,
        "started_on": fields.get("started_on") or None,
        "ended_on": fields.get("ended_on") or None,
        "sites": [
            {
                "name": fields.get("site_name", "").strip() or None,
                "country": fields.get("site_country", "").strip().upper() or None,
                "address": fields.get("site_address", "").strip(),
            }
        ],
        "workers_interviewed": _number(workers) if workers else None,
        "findings": [
            {
                "indicator": item["id"],
                "value": _value(item["kind"], fields.get(f"value-{item['id']}", "")),
                "notes": fields.get(f"notes-{item['id']}", "").strip(),
                "evidence": portal_evidence.refs(fields.get(f"evidence-{item['id']}", "")),
            }
            for item in items
        ],
    }


def field_errors(
    problems: list[Any], items: list[dict[str, Any]]
) -> tuple[dict[str, list[str]], list[str]]:
    """Each problem at the form field its path names; the rest for the top of the form."""
    at: dict[str, list[str]] = {}
    general: list[str] = []
    for problem in problems:
        path, name = str(problem.path), None
        if found := _FINDING.match(path):
            index = int(found.group(1))
            if index < len(items):
                part = found.group(2) if found.group(2) in ("notes", "evidence") else "value"
                name = f"{part}-{items[index]['id']}"
        elif found := _SITE.match(path):
            name = f"site_{found.group(1)}"
        else:
            name = next((top for top in _TOP if path.startswith(f"$.{top}")), None)
        if name is None:
            general.append(problem.message)
        else:
            at.setdefault(name, []).append(problem.message)
    return at, general


async def assessment_form(
    request: Req,
    actor: Actor,
    application: Application,
    items: list[dict[str, Any]],
    fields: dict[str, str],
    *,
    status: int = 200,
    **context: Any,
) -> Response[str]:
    context.setdefault("errors", {})
    context.setdefault("general", [])
    context.setdefault("form_action", f"/portal/auditor/applications/{application.id}")
    context.setdefault("special", None)
    context.setdefault("scheduled", None)  # a surveillance audit the registry scheduled
    context.setdefault("amending", None)  # the assessment an amendment corrects
    try:
        uploaded = await evidence.list_for_application(application.id, actor)
    except NotFoundError:  # a special audit's auditor need not be the application's
        uploaded = []
    # The provider's self-assessment, beside the first filing only, and only for the
    # application's own auditor (a special audit's auditor may be another).
    attached = None
    first_filing = not (context["special"] or context["scheduled"] or context["amending"])
    if first_filing and application.auditor_id == actor.account_id:
        attached = await self_assessments.attached_to(application)
    return portal_page(
        "portal_assessment.html",
        request,
        actor,
        status=status,
        application=application,
        provider_name=(await names.provider_names([application.provider_id])).get(
            application.provider_id, ""
        ),
        items=items,
        fields=fields,
        scale=SCALE,
        audit_types=[AuditType.SPECIAL.value]
        if context["special"]
        else [AuditType.SURVEILLANCE.value]
        if context["scheduled"]
        else [t.value for t in AuditType],
        evidence=uploaded,
        evidence_field=portal_evidence.FIELD,
        max_mib=round(get_settings().evidence_max_bytes / 1024 / 1024, 1),
        complaint_history=await complaint_statistics.provider_history(application.provider_id),
        self_assessment=attached,
        self_answers=self_view.answers(attached, items) if attached else {},
        **context,
    )


@get("/auditor/applications/{application_id:str}", name="portal:assessment")
async def assessment(request: Req, application_id: AppId) -> Response[str]:
    actor = await signed_in(request, Role.AUDITOR)
    application, ruleset = await assigned(application_id, actor)
    drafts = request.session.get("drafts") or {}
    fields = drafts.get(application_id) or {}
    return await assessment_form(
        request,
        actor,
        application,
        indicators(application, ruleset),
        fields,
        saved=bool(request.query_params.get("saved")),
    )


async def kept_as_draft(
    request: Req, draft: str, items: list[dict[str, Any]], **fixed: str
) -> dict[str, str]:
    """The form's answers (the evidence ticked for each indicator joined), kept in the
    session as the draft `draft` whatever happens next; `fixed` overrides fields."""
    posted_fields = await posted(request)
    form = await request.form()
    fields = {
        key: value[:MAX_FIELD]
        for key, value in posted_fields.items()
        if key not in ("csrf", "do") and not key.startswith("evidence-") and value.strip()
    }
    for item in items:
        if refs := portal_evidence.chosen_refs(form.getall(f"evidence-{item['id']}", [])):
            fields[f"evidence-{item['id']}"] = refs
    fields.update(fixed)
    drafts = dict(request.session.get("drafts") or {})
    drafts[draft] = fields
    request.set_session({**request.session, "drafts": drafts})
    return fields


def drop_draft(request: Req, draft: str) -> None:
    drafts = {k: v for k, v in (request.session.get("drafts") or {}).items() if k != draft}
    request.set_session({**request.session, "drafts": drafts})


@post(
    "/auditor/applications/{application_id:str}",
    name="portal:assessment-submit",
    request_max_body_size=portal_evidence.MAX_BODY,
)
async def submit(request: Req, application_id: AppId) -> Response[Any]:
    """`do=save` keeps the draft; `do=file` files it, or shows each problem at its field;
    a chosen evidence file is uploaded first (`do=upload` only uploads)."""
    actor = await signed_in(request, Role.AUDITOR)
    application, ruleset = await assigned(application_id, actor)
    items = indicators(application, ruleset)
    posted_fields = await posted(request)
    form = await request.form()
    fields = await kept_as_draft(request, application_id, items)
    path = f"/portal/auditor/applications/{application_id}"
    if upload := portal_evidence.chosen_file(form.get(portal_evidence.FIELD)):
        try:
            stored, created = await portal_evidence.store(application_id, actor, upload)
        except RegistryError as exc:
            refused = portal_evidence.refusal(exc)
            if refused is None:
                raise
            status, message = refused
            return await assessment_form(
                request,
                actor,
                application,
                items,
                fields,
                status=status,
                errors={portal_evidence.FIELD: [message]},
            )
        flash(
            request,
            (
                _("Evidence %(name)s uploaded (%(ref)s...); attach it to findings below.")
                if created
                else _(
                    "Evidence %(name)s was already uploaded (%(ref)s...); "
                    "attach it to findings below."
                )
            )
            % {"name": stored.filename, "ref": stored.ref[:19]},
        )
        if posted_fields.get("do") != "file":
            return see_other(path)
    if posted_fields.get("do") != "file":
        return see_other(f"{path}?saved=1")
    data = msgspec.json.encode(document(application, items, fields))
    try:
        filed = await assessments.file_assessment(application_id, data, actor)
    except InvalidSubmission as exc:
        errors, general = field_errors(exc.problems, items)
        return await assessment_form(
            request,
            actor,
            application,
            items,
            fields,
            status=422,
            errors=errors,
            general=general,
        )
    drop_draft(request, application_id)
    flash(
        request,
        _("Assessment of %(application)s filed as %(id)s: %(said)s.")
        % {"application": application_id, "id": filed.id, "said": engine_said(filed)},
    )
    # The report the engine made of it: score, grade, non-conformities and their deadlines.
    return see_other(f"/portal/assessments/{filed.id}")


def engine_said(filed: AssessmentSummary) -> str:
    """The engine's verdict on a filed assessment, in one line."""
    grade = f"grade {filed.grade}" if filed.grade else "no grade"
    floor = "" if filed.floor_holds else ", the core floor fails"
    count = filed.non_conformities
    return (
        f"score {filed.score}, {grade}{floor}, {count} non-conformit{'y' if count == 1 else 'ies'}"
    )


# --- special audits ordered on complaints (registry.complaints.special_audits) ------------


async def _special(audit_id: str, actor: Actor) -> tuple[Any, Application, RuleSet]:
    ordered = await special_audits.ordered_to(audit_id, actor)
    application = await applications.get_application(ordered.application_id)
    slug, _at, version = application.standard.partition("@")
    return ordered, application, await get_ruleset(slug, version)


@get("/auditor/special-audits/{audit_id:str}", name="portal:special-audit")
async def special_audit(request: Req, audit_id: AppId) -> Response[str]:
    """The assessment form for a special audit: the audit type fixed to `special`."""
    actor = await signed_in(request, Role.AUDITOR)
    ordered, application, ruleset = await _special(audit_id, actor)
    drafts = request.session.get("drafts") or {}
    return await assessment_form(
        request,
        actor,
        application,
        indicators(application, ruleset),
        drafts.get(audit_id) or {"audit_type": AuditType.SPECIAL.value},
        saved=bool(request.query_params.get("saved")),
        special=ordered,
        form_action=f"/portal/auditor/special-audits/{audit_id}",
    )


@post("/auditor/special-audits/{audit_id:str}", name="portal:special-audit-submit")
async def special_audit_submit(request: Req, audit_id: AppId) -> Response[Any]:
    """`do=save` keeps the draft; `do=file` files the special audit, or shows each problem
    at its field. A critical finding suspends the certificate at the next lifecycle run."""
    actor = await signed_in(request, Role.AUDITOR)
    ordered, application, ruleset = await _special(audit_id, actor)
    items = indicators(application, ruleset)
    posted_fields = await posted(request)
    fields = await kept_as_draft(request, audit_id, items, audit_type=AuditType.SPECIAL.value)
    path = f"/portal/auditor/special-audits/{audit_id}"
    if posted_fields.get("do") != "file":
        return see_other(f"{path}?saved=1")
    data = msgspec.json.encode(document(application, items, fields))
    try:
        filed = await special_audits.file(audit_id, data, actor)
    except InvalidSubmission as exc:
        errors, general = field_errors(exc.problems, items)
        return await assessment_form(
            request,
            actor,
            application,
            items,
            fields,
            status=422,
            errors=errors,
            general=general,
            special=ordered,
            form_action=path,
        )
    except (ConflictError, ForbiddenError) as exc:
        return await assessment_form(
            request,
            actor,
            application,
            items,
            fields,
            status=403 if isinstance(exc, ForbiddenError) else 409,
            general=[str(exc)],
            special=ordered,
            form_action=path,
        )
    drop_draft(request, audit_id)
    flash(
        request, _("Special audit %(audit)s filed as %(id)s.") % {"audit": audit_id, "id": filed.id}
    )
    return see_other("/portal/auditor")


HANDLERS: Final = [auditor, assessment, submit, special_audit, special_audit_submit]
