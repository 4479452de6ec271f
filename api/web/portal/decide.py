"""The secretariat's decision on an assessed application, in two steps.

The queue (`api.web.portal.assign`) shows each assessed application's facts and links here.
This page shows the facts again with the engine's outcome and its reasons, and what a
certificate would say (provider, standard, grade, validity). Certifying needs the explicit
*Sign the certificate* button of this page, which names the assessment shown: a form posted
without it signs nothing, and if the assessment was amended meanwhile the decision is
refused (`registry.assessments.decisions.decide_application`, `expect_assessment`).
Refusing certification needs a reason. A decision that fails (a race lost, a state that
changed) is shown on this page, with nothing stored.
"""

from __future__ import annotations

from typing import Annotated, Any, Final

from litestar import Request, Response, get, post
from litestar.params import PathParameter

from api.i18n import gettext as _
from api.web.portal.base import flash, portal_page, posted, see_other, signed_in
from registry.accounts import Actor, Role
from registry.assessments import decisions, queue
from registry.assessments.decisions import MAX_REFUSAL
from registry.errors import ConflictError, InvalidRequestError

AppId = Annotated[str, PathParameter(max_length=64)]
Req = Request[Any, Any, Any]

SIGN: Final = "sign"
REFUSE: Final = "refuse"


async def _page(
    request: Req,
    actor: Actor,
    application_id: str,
    *,
    status: int = 200,
    failed: str | None = None,
    errors: dict[str, str] | None = None,
    reason: str = "",
) -> Response[str]:
    try:
        preview = await queue.preview(application_id, actor)
    except ConflictError as exc:  # decided (by someone else, say) or never assessed
        return portal_page(
            "portal_decide.html",
            request,
            actor,
            status=409 if status == 200 else status,
            preview=None,
            application_id=application_id,
            failed=failed or str(exc),
            errors={},
            reason="",
            max_reason=MAX_REFUSAL,
        )
    return portal_page(
        "portal_decide.html",
        request,
        actor,
        status=status,
        preview=preview,
        application_id=application_id,
        failed=failed,
        errors=errors or {},
        reason=reason[:MAX_REFUSAL],
        max_reason=MAX_REFUSAL,
    )


@get("/secretariat/applications/{application_id:str}/decide", name="portal:decision")
async def decision(request: Req, application_id: AppId) -> Response[str]:
    """The facts, the engine's outcome, and the confirmation of what would be signed."""
    actor = await signed_in(request, Role.SECRETARIAT)
    return await _page(request, actor, application_id)


@post("/secretariat/applications/{application_id:str}/decide", name="portal:decide")
async def decide(request: Req, application_id: AppId) -> Response[Any]:
    """`do=sign` with the reviewed `assessment_id` certifies and signs; `do=refuse` with a
    `reason` refuses. Anything else signs nothing and shows the confirmation again."""
    actor = await signed_in(request, Role.SECRETARIAT)
    fields = await posted(request)
    action = fields.get("do", "")
    reviewed = fields.get("assessment_id", "").strip()[:64]
    reason = fields.get("reason", "")
    if action == SIGN and reviewed:
        options: dict[str, Any] = {"expect_assessment": reviewed, "expect_certified": True}
    elif action == REFUSE:
        options = {"expect_assessment": reviewed or None, "refusal": reason}
    else:
        return await _page(
            request,
            actor,
            application_id,
            status=400,
            failed=_(
                "Nothing was signed: confirm what the certificate will say with "
                "“Sign the certificate” below, or refuse certification with a reason."
            ),
        )
    try:
        decided = await decisions.decide_application(application_id, actor, **options)
    except InvalidRequestError as exc:
        return await _page(
            request, actor, application_id, status=400, errors={"reason": str(exc)}, reason=reason
        )
    except ConflictError as exc:
        return await _page(
            request,
            actor,
            application_id,
            status=409,
            failed=_("Not decided, nothing stored: %(error)s") % {"error": exc},
            reason=reason,
        )
    if decided.certificate is not None:
        flash(
            request,
            _(
                "Application %(id)s certified: certificate %(code)s signed, grade %(grade)s, "
                "valid until %(until)s."
            )
            % {
                "id": application_id,
                "code": decided.certificate.code,
                "grade": decided.grade,
                "until": decided.certificate.valid_until[:10],
            },
        )
    else:
        flash(request, _("Application %(id)s not certified.") % {"id": application_id})
    return see_other("/portal/secretariat")


HANDLERS: Final = [decision, decide]
