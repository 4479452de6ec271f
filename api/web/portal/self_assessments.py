"""Self-assessment in the portal (issue 17): a provider fills the auditor's form for itself,
sees the engine's score and gap list, and may attach it to one of its applications.

- `/portal/provider/self-assessments`: its self-assessments, and a start form (a published
  standard and some of its provider types);
- `/portal/provider/self-assessments/new?standard=...&provider_types=...`: the form, the
  auditor's indicators (`portal_indicator_fields.html`), its draft kept in the session;
- `/portal/self-assessments/{id}`: the result, for whoever may read it over the API (the
  provider, the secretariat, the attached application's auditor; anybody else 404), with
  the attach form for the provider.

Filing goes through `registry.self_assessments.service.file_self_assessment`, the API's use
case; its problems are put at their fields as on the auditor's form.
"""

from __future__ import annotations

from typing import Annotated, Any, Final

import msgspec
from litestar import Request, Response, get, post
from litestar.params import PathParameter

from api.i18n import gettext as _
from api.web.portal import auditor as form
from api.web.portal.base import flash, portal_page, posted, see_other, signed_in
from api.web.portal.provider_organisation import published_standards
from audits.errors import InvalidSubmission
from registry import applications, providers
from registry.accounts import Actor, Role, bound_provider
from registry.applications import Application
from registry.errors import ConflictError, ForbiddenError, NotFoundError, RegistryError
from registry.self_assessments import service
from registry.self_assessments.records import SelfAssessment
from registry.standards.service import get_ruleset
from standards.model import ProviderType

Id = Annotated[str, PathParameter(max_length=64)]
Req = Request[Any, Any, Any]
LIST: Final = "/portal/provider/self-assessments"
NEW: Final = f"{LIST}/new"
MAX_FIELD: Final = 4000


def result_path(self_assessment_id: str) -> str:
    return f"/portal/self-assessments/{self_assessment_id}"


def _status(exc: RegistryError) -> int:
    if isinstance(exc, NotFoundError):
        return 404
    if isinstance(exc, ForbiddenError):
        return 403
    if isinstance(exc, ConflictError):
        return 409
    return 422


async def _organisation(actor: Actor) -> dict[str, Any] | None:
    provider_id = bound_provider(actor.provider_id)
    return None if provider_id is None else await providers.get_full(provider_id, actor)


@get("/provider/self-assessments", name="portal:self-assessments")
async def listing(request: Req) -> Response[str]:
    """The provider's self-assessments, newest first, and where to start a new one."""
    actor = await signed_in(request, Role.PROVIDER)
    organisation = await _organisation(actor)
    mine = await service.list_self_assessments(actor, limit=200, offset=0)
    return portal_page(
        "portal_self_assessments.html",
        request,
        actor,
        organisation=organisation,
        items=mine.items,
        standards=await published_standards(),
        types=organisation["provider_types"] if organisation else [],
    )


async def _scope(actor: Actor, fields: dict[str, str]) -> tuple[str, list[str]]:
    """The standard and provider types the form is for: a published version, and types the
    organisation is registered for (a page saying what is wrong otherwise)."""
    organisation = await _organisation(actor)
    if organisation is None:
        raise ConflictError(_("register your organisation first"))
    standard = fields.get("standard", "")[:100]
    if standard not in await published_standards():
        raise NotFoundError(
            _("no published standard %(standard)s") % {"standard": standard or _("(none chosen)")}
        )
    raw = fields.get("provider_types", "")
    types = sorted({t for t in raw.split(",") if t})
    allowed = set(organisation["provider_types"])
    known = {t.value for t in ProviderType}
    if not types or not set(types) <= allowed or not set(types) <= known:
        raise ConflictError(
            "choose one or more of the services your organisation is registered for"
        )
    return standard, types


def _draft_key(standard: str, types: list[str]) -> str:
    return f"self:{standard}:{','.join(types)}"


async def _form_page(
    request: Req,
    actor: Actor,
    standard: str,
    types: list[str],
    fields: dict[str, str],
    *,
    status: int = 200,
    **context: Any,
) -> Response[str]:
    slug, _at, version = standard.partition("@")
    items = form.indicators_for(types, await get_ruleset(slug, version))
    context.setdefault("errors", {})
    context.setdefault("general", [])
    return portal_page(
        "portal_self_assessment_form.html",
        request,
        actor,
        status=status,
        standard=standard,
        provider_types=types,
        items=items,
        fields=fields,
        scale=form.SCALE,
        evidence=[],
        **context,
    )


def _query(request: Req) -> dict[str, str]:
    params = request.query_params
    types = params.getall("provider_types", []) if hasattr(params, "getall") else []
    return {"standard": str(params.get("standard") or ""), "provider_types": ",".join(types)}


@get("/provider/self-assessments/new", name="portal:self-assessment-new")
async def new(request: Req) -> Response[str]:
    """The form for a standard and scope, with the draft kept for them, if any."""
    actor = await signed_in(request, Role.PROVIDER)
    standard, types = await _scope(actor, _query(request))
    drafts = request.session.get("drafts") or {}
    return await _form_page(
        request,
        actor,
        standard,
        types,
        drafts.get(_draft_key(standard, types)) or {},
        saved=bool(request.query_params.get("saved")),
    )


@post("/provider/self-assessments/new", name="portal:self-assessment-file")
async def file(request: Req) -> Response[Any]:
    """`do=save` keeps the draft; `do=file` scores it and shows the result, or puts each
    problem at its field (the answers kept)."""
    actor = await signed_in(request, Role.PROVIDER)
    posted_fields = await posted(request)
    standard, types = await _scope(actor, posted_fields)
    key = _draft_key(standard, types)
    fields = {
        name: value[:MAX_FIELD]
        for name, value in posted_fields.items()
        if name not in ("csrf", "do", "standard", "provider_types") and value.strip()
    }
    drafts = dict(request.session.get("drafts") or {})
    drafts[key] = fields
    request.set_session({**request.session, "drafts": drafts})
    if posted_fields.get("do") != "file":
        query = "&".join([f"standard={standard}", *(f"provider_types={t}" for t in types)])
        return see_other(f"{NEW}?{query}&saved=1")
    slug, _at, version = standard.partition("@")
    items = form.indicators_for(types, await get_ruleset(slug, version))
    data = msgspec.json.encode(form.document_for(standard, types, items, fields))
    try:
        made = await service.file_self_assessment(data, actor)
    except InvalidSubmission as exc:
        errors, general = form.field_errors(exc.problems, items)
        return await _form_page(
            request, actor, standard, types, fields, status=422, errors=errors, general=general
        )
    drafts.pop(key, None)
    request.set_session({**request.session, "drafts": drafts})
    flash(request, f"Self-assessment {made.id} scored: {_said(made)}.")
    return see_other(result_path(made.id))


def _said(made: SelfAssessment) -> str:
    grade = f"grade {made.grade}" if made.grade else "no grade"
    floor = "" if made.floor_holds else ", the core floor fails"
    count = made.non_conformities
    return f"score {made.score}, {grade}{floor}, {count} gap{'' if count == 1 else 's'}"


async def _attachable(actor: Actor, found: SelfAssessment) -> list[Application]:
    """The provider's applications this one may be attached to: open, not yet assessed, for
    the same standard version and scope."""
    if actor.role is not Role.PROVIDER:
        return []
    mine = await applications.list_for(actor, state=None, limit=200, offset=0)
    return [
        a
        for a in mine
        if a.state in service.ATTACHABLE
        and a.standard == found.standard
        and sorted(a.provider_types) == sorted(found.provider_types)
        and a.id != found.application_id
    ]


async def _result_page(
    request: Req, actor: Actor, found: SelfAssessment, *, status: int = 200, error: str = ""
) -> Response[str]:
    return portal_page(
        "portal_self_assessment.html",
        request,
        actor,
        status=status,
        self_assessment=found,
        card_title=_("Self-assessment %(id)s") % {"id": found.id},
        attachable=await _attachable(actor, found),
        error=error,
    )


@get("/self-assessments/{self_assessment_id:str}", name="portal:self-assessment")
async def result(request: Req, self_assessment_id: Id) -> Response[str]:
    actor = await signed_in(request)
    found = await service.get_self_assessment(self_assessment_id, actor)
    return await _result_page(request, actor, found)


@post(
    "/provider/self-assessments/{self_assessment_id:str}/attach",
    name="portal:self-assessment-attach",
)
async def attach(request: Req, self_assessment_id: Id) -> Response[Any]:
    actor = await signed_in(request, Role.PROVIDER)
    fields = await posted(request)
    found = await service.get_self_assessment(self_assessment_id, actor)  # 404 first
    application_id = fields.get("application_id", "")[:64]
    try:
        if not application_id:
            raise ConflictError(_("choose the application to attach it to"))
        await service.attach(application_id, self_assessment_id, actor)
    except RegistryError as exc:
        return await _result_page(request, actor, found, status=_status(exc), error=str(exc))
    flash(
        request,
        f"Self-assessment {self_assessment_id} attached to application {application_id}; "
        "its auditor sees it beside the assessment form.",
    )
    return see_other(result_path(self_assessment_id))


HANDLERS: Final = [listing, new, file, result, attach]
