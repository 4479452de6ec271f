"""Appeals in the portals: the secretariat's list and the page to decide one (upheld or
overturned, with reasons), and a provider's appeals with the form to lodge one against a
refusal, a suspension, a revocation or a complaint's outcome.

`registry.complaints.appeals` refuses a decider who took part in the decision appealed
against; the page shows that refusal at the decision form, and nothing is stored.
"""

from __future__ import annotations

from typing import Annotated, Any, Final

from litestar import Request, Response, get, post
from litestar.params import PathParameter, QueryParameter

from api.http.downloads import opened_file
from api.i18n import gettext as _
from api.web.pages import complaint_form as forms
from api.web.portal.base import flash, portal_page, posted, see_other, signed_in
from api.web.portal.complaints import MAX_FIELD, status_of
from registry.accounts import Actor, Role
from registry.complaints import appeals, files, rules
from registry.db import names
from registry.errors import ConflictError, ForbiddenError, InvalidRequestError, RegistryError
from registry.settings import get_settings

Id = Annotated[str, PathParameter(max_length=48)]
Req = Request[Any, Any, Any]
# What a provider may appeal, in the order the form offers it.
PROVIDER_SUBJECTS: Final = (
    rules.AppealSubject.REFUSAL,
    rules.AppealSubject.SUSPENSION,
    rules.AppealSubject.REVOCATION,
    rules.AppealSubject.COMPLAINT_OUTCOME,
)
TARGET_HINTS: Final = {
    rules.AppealSubject.REFUSAL: "the application id (app_...)",
    rules.AppealSubject.SUSPENSION: "the certificate code",
    rules.AppealSubject.REVOCATION: "the certificate code",
    rules.AppealSubject.COMPLAINT_OUTCOME: "the complaint reference (RMC-...)",
}
MAX_BODY: Final = get_settings().evidence_max_bytes + 1024 * 1024


# --- secretariat -------------------------------------------------------------------------


@get("/secretariat/appeals", name="portal:appeals")
async def secretariat_appeals(request: Req) -> Response[str]:
    actor = await signed_in(request, Role.SECRETARIAT)
    listed = await appeals.list_appeals(actor)
    return portal_page(
        "portal_appeals.html",
        request,
        actor,
        provider_names=await names.provider_names(a.provider_id for a in listed),
        pending=[a for a in listed if a.state is rules.AppealState.PENDING],
        decided=[a for a in listed if a.state is not rules.AppealState.PENDING],
    )


async def _appeal_page(
    request: Req,
    actor: Actor,
    appeal_id: str,
    *,
    status: int = 200,
    error: str | None = None,
    refused: bool = False,
    entered: dict[str, str] | None = None,
) -> Response[str]:
    return portal_page(
        "portal_appeal.html",
        request,
        actor,
        status=status,
        appeal=await appeals.get(appeal_id, actor),
        error=error,
        refused=refused,
        entered=entered or {},
    )


@get("/secretariat/appeals/{appeal_id:str}", name="portal:appeal")
async def appeal(request: Req, appeal_id: Id) -> Response[str]:
    actor = await signed_in(request, Role.SECRETARIAT)
    return await _appeal_page(request, actor, appeal_id)


@get("/secretariat/appeals/{appeal_id:str}/files/{attachment_id:str}", name="portal:appeal-file")
async def appeal_file(request: Req, appeal_id: Id, attachment_id: Id) -> Response[bytes]:
    actor = await signed_in(request, Role.SECRETARIAT)
    return opened_file(await files.for_account(appeal_id, attachment_id, actor))


@post("/secretariat/appeals/{appeal_id:str}/decide", name="portal:appeal-decide")
async def decide(request: Req, appeal_id: Id) -> Response[Any]:
    actor = await signed_in(request, Role.SECRETARIAT)
    fields = await posted(request)
    decision = fields.get("decision", "")
    reasons = fields.get("reasons", "")[:MAX_FIELD]
    try:
        if decision not in ("uphold", "overturn"):
            raise InvalidRequestError(_("choose uphold or overturn"), field="decision")
        decided = await appeals.decide(appeal_id, decision == "overturn", reasons, actor)
    except (InvalidRequestError, ConflictError, ForbiddenError) as exc:
        return await _appeal_page(
            request,
            actor,
            appeal_id,
            status=status_of(exc),
            error=str(exc),
            refused=isinstance(exc, ForbiddenError),
            entered={"decision": decision, "reasons": reasons},
        )
    flash(request, _("Appeal %(id)s %(state)s.") % {"id": appeal_id, "state": decided.state.value})
    return see_other(f"/portal/secretariat/appeals/{appeal_id}")


# --- provider ----------------------------------------------------------------------------


async def _provider_page(
    request: Req,
    actor: Actor,
    *,
    status: int = 200,
    error: str | None = None,
    field: str | None = None,
    entered: dict[str, str] | None = None,
) -> Response[str]:
    return portal_page(
        "portal_provider_appeals.html",
        request,
        actor,
        status=status,
        appeals=await appeals.list_appeals(actor),
        subjects=PROVIDER_SUBJECTS,
        hints=TARGET_HINTS,
        error=error,
        field=field,
        entered=entered or {},
        window=get_settings().appeal_window_days,
    )


@get("/provider/appeals", name="portal:provider-appeals")
async def provider_appeals(
    request: Req,
    subject: Annotated[str, QueryParameter(name="subject", max_length=32)] = "",
    target: Annotated[str, QueryParameter(name="target", max_length=40)] = "",
) -> Response[str]:
    """The appeals and the form; `?subject=&target=` pre-fill it (from a complaint's page)."""
    actor = await signed_in(request, Role.PROVIDER)
    return await _provider_page(request, actor, entered={"subject": subject, "target": target})


@post("/provider/appeals", name="portal:provider-appeal-lodge", request_max_body_size=MAX_BODY)
async def lodge(request: Req) -> Response[Any]:
    """Lodge an appeal with reasons and an optional file; the file is checked first, so a
    refused file leaves no appeal behind."""
    actor = await signed_in(request, Role.PROVIDER)
    fields = {k: v[:MAX_FIELD] for k, v in (await posted(request)).items() if k != "csrf"}
    form = await request.form()
    upload = forms.chosen_file(form.get("attachment"))
    try:
        try:
            subject = rules.AppealSubject(fields.get("subject", ""))
        except ValueError:
            raise InvalidRequestError(_("choose what you appeal"), field="subject") from None
        if subject not in PROVIDER_SUBJECTS:
            raise InvalidRequestError(_("choose what you appeal"), field="subject")
        checked = (
            None
            if upload is None
            else await forms.checked_file(upload, get_settings().evidence_max_bytes)
        )
        lodged = await appeals.lodge(
            subject, fields.get("target", "").strip(), fields.get("reasons", ""), actor
        )
    except (InvalidRequestError, ConflictError, ForbiddenError) as exc:
        return await _provider_page(
            request,
            actor,
            status=status_of(exc),
            error=str(exc),
            field=exc.field if isinstance(exc, InvalidRequestError) else None,
            entered=fields,
        )
    message = _("Appeal %(id)s lodged.") % {"id": lodged.id}
    if checked is not None:
        try:
            await appeals.attach(
                lodged.id,
                actor,
                checked.chunks(),
                declared_type=checked.content_type,
                filename=checked.filename,
            )
        except RegistryError as exc:
            message += " " + _("Its file was not kept (%(error)s).") % {"error": exc}
    flash(request, message)
    return see_other("/portal/provider/appeals")


HANDLERS: Final = [secretariat_appeals, appeal, appeal_file, decide, provider_appeals, lodge]
