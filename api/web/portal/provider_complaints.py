"""A provider's complaints in its portal: the cases about its own organisation, as
`registry.complaints.provider_side` shows them (the complainant's identity and words only
with the complainant's consent), its response with an optional file by the deadline, and
the outcome and any remedy ordered; an outcome can be appealed from the case.
"""

from __future__ import annotations

from typing import Annotated, Any, Final

from litestar import Request, Response, get, post
from litestar.params import PathParameter

from api.i18n import gettext as _
from api.web.pages import complaint_form as forms
from api.web.portal.base import LIST_LIMIT, flash, portal_page, posted, see_other, signed_in
from api.web.portal.complaints import MAX_FIELD, status_of
from registry.accounts import Actor, Role
from registry.complaints import provider_side, rules
from registry.complaints.records import ProviderCase
from registry.errors import ConflictError, ForbiddenError, InvalidRequestError
from registry.settings import get_settings

Ref = Annotated[str, PathParameter(max_length=32)]
Req = Request[Any, Any, Any]
MAX_BODY: Final = get_settings().evidence_max_bytes + 1024 * 1024


@get("/provider/complaints", name="portal:provider-complaints")
async def own_complaints(request: Req) -> Response[str]:
    actor = await signed_in(request, Role.PROVIDER)
    listed: list[ProviderCase] = []
    total = 0
    if actor.provider_id is not None:
        listed, total = await provider_side.list_own(actor, limit=LIST_LIMIT, offset=0)
    return portal_page("portal_provider_complaints.html", request, actor, cases=listed, total=total)


async def _case_page(
    request: Req,
    actor: Actor,
    reference: str,
    *,
    status: int = 200,
    errors: dict[str, str] | None = None,
    entered: dict[str, str] | None = None,
) -> Response[str]:
    case = await provider_side.get_own(reference, actor)
    return portal_page(
        "portal_provider_complaint.html",
        request,
        actor,
        status=status,
        case=case,
        categories=forms.CATEGORY_LABELS,
        is_open=case.state in rules.OPEN_STATES,
        errors=errors or {},
        entered=entered or {},
    )


@get("/provider/complaints/{reference:str}", name="portal:provider-complaint")
async def own_complaint(request: Req, reference: Ref) -> Response[str]:
    actor = await signed_in(request, Role.PROVIDER)
    return await _case_page(request, actor, reference)


@post(
    "/provider/complaints/{reference:str}/respond",
    name="portal:provider-respond",
    request_max_body_size=MAX_BODY,
)
async def respond(request: Req, reference: Ref) -> Response[Any]:
    """The response (or an answer) with an optional file; the file is checked before the
    text is stored, so a refused file stores neither."""
    actor = await signed_in(request, Role.PROVIDER)
    fields = await posted(request)
    form = await request.form()
    body = fields.get("body", "")[:MAX_FIELD]
    upload = forms.chosen_file(form.get("attachment"))
    try:
        if not body.strip() and upload is None:
            raise InvalidRequestError(_("write your response or choose a file"), field="body")
        checked = (
            None
            if upload is None
            else await forms.checked_file(upload, get_settings().evidence_max_bytes)
        )
        if body.strip():
            await provider_side.respond(reference, body, actor)
        if checked is not None:
            await provider_side.attach(
                reference,
                actor,
                checked.chunks(),
                declared_type=checked.content_type,
                filename=checked.filename,
            )
    except (InvalidRequestError, ConflictError, ForbiddenError) as exc:
        field = exc.field if isinstance(exc, InvalidRequestError) and exc.field else "body"
        return await _case_page(
            request,
            actor,
            reference,
            status=status_of(exc),
            errors={forms.form_field(field): str(exc)},
            entered={"body": body},
        )
    flash(request, "Your response was sent to the registry.")
    return see_other(f"/portal/provider/complaints/{reference}")


HANDLERS: Final = [own_complaints, own_complaint, respond]
