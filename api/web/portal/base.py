"""The signed-in portals: sign in with an API token, then the secretariat's queues and
certificate actions (a provider's own pages: `provider_organisation`). Everything goes
through the same services as the API.

The handlers are mounted by `api.web.portal.router`.
"""

from __future__ import annotations

import secrets
from typing import Annotated, Any, Final

import structlog
from litestar import Request, Response, get, post
from litestar.exceptions import HTTPException, PermissionDeniedException
from litestar.params import PathParameter
from litestar.response import Redirect

from api.i18n import gettext as _
from api.web.portal.session import (
    NONCE_COOKIE,
    SESSION,
    actor_for,
    csrf_ok,
    csrf_token,
    nonce_to_set,
    rotate,
)
from api.web.render.html import PAGE_HEADERS, page
from registry import accounts
from registry.accounts import Actor, Role
from registry.certificates import service as certificates
from registry.errors import ForbiddenError, InvalidRequestError

_log = structlog.get_logger("rightsmark.portal")
FORMS: Final = ("application/x-www-form-urlencoded", "multipart/form-data")
ACTIONS: Final = ("suspend", "reinstate", "revoke")
# What each status may become, in the order the forms are shown.
ALLOWED: Final = {
    "valid": ("suspend", "revoke"),
    "suspended": ("reinstate", "revoke"),
    "expired": ("revoke",),
    "revoked": (),
}
LIST_LIMIT: Final = 200
SIGN_IN: Final = "/portal/sign-in"

Ref = Annotated[str, PathParameter(max_length=64)]
AppId = Annotated[str, PathParameter(max_length=64)]

Req = Request[Any, Any, Any]


class NotSignedIn(Exception):
    """No valid session: answered with a redirect to the sign-in form, saying why."""

    def __init__(self, why: str = "") -> None:
        super().__init__(why)
        self.why = why


def to_sign_in(request: Req, exc: NotSignedIn) -> Response[Any]:
    return Redirect(SIGN_IN + (f"?{exc.why}=1" if exc.why else ""), status_code=303)


def see_other(path: str) -> Response[Any]:
    return Redirect(path, status_code=303, headers=PAGE_HEADERS)


async def signed_in(request: Req, *roles: Role) -> Actor:
    """The session's actor, re-checked against the database on every page; a role outside
    `roles` is refused (403)."""
    session = request.session
    if not session.get("token_id"):
        raise NotSignedIn()
    actor = await actor_for(session.get("account_id"), session.get("token_id"))
    if actor is None:  # revoked or expired since sign-in: the session ends here
        request.clear_session()
        raise NotSignedIn("ended")
    if roles and actor.role not in roles:
        raise ForbiddenError(
            f"this page is for the {' or '.join(r.value for r in roles)} role; you are signed "
            f"in as {actor.role.value}"
        )
    return actor


async def posted(request: Req) -> dict[str, str]:
    """A portal form's fields, after checking it carries this session's CSRF token."""
    if request.headers.get("content-type", "").split(";")[0].strip() not in FORMS:
        raise HTTPException(status_code=415, detail="send the form from this page")
    form = await request.form()
    fields = {key: value for key, value in form.items() if isinstance(value, str)}
    if not csrf_ok(request, fields.get("csrf")):
        raise PermissionDeniedException(
            detail="this form has expired or did not come from this site; "
            "open the page again and resend it"
        )
    return fields


def flash(request: Req, message: str) -> None:
    """A message for the next page this session sees (after a redirect), then gone."""
    request.session["flash"] = message


def portal_page(
    template: str, request: Req, actor: Actor | None, *, status: int = 200, **context: Any
) -> Response[str]:
    message = request.session.pop("flash", None)
    answer = page(
        template,
        status=status,
        section="portal",
        actor=actor,
        flash=message if isinstance(message, str) else None,
        csrf=csrf_token(request),
        **context,
    )
    # A signed-in page (and its CSRF token) is for this browser only, never kept by anyone:
    # no entity tag, unlike the public pages (docs/freshness.md).
    answer.headers["Cache-Control"] = "private, no-store"
    if nonce := nonce_to_set(request):
        answer.set_cookie(
            NONCE_COOKIE,
            nonce,
            path="/portal",
            httponly=True,
            samesite="strict",
            secure=SESSION.secure,
            max_age=SESSION.max_age,
        )
    return answer


@get("/sign-in", name="portal:sign-in")
async def sign_in_form(request: Req) -> Response[Any]:
    if request.session.get("token_id") and await actor_for(
        request.session.get("account_id"), request.session.get("token_id")
    ):
        return see_other("/portal")
    notice = None
    if request.query_params.get("ended"):
        notice = _("You were signed out: the token of this session was revoked or has expired.")
    elif request.query_params.get("out"):
        notice = _("You are signed out.")
    return portal_page("portal_sign_in.html", request, None, notice=notice)


@post("/sign-in", name="portal:sign-in-submit", status_code=303)
async def sign_in(request: Req) -> Response[Any]:
    fields = await posted(request)
    token = fields.get("token", "").strip()
    actor = await accounts.authenticate(token) if token else None
    if actor is None:
        error = (
            "paste your API token (rm_...)"
            if not token
            else "this token is not valid: unknown, expired or revoked"
        )
        # Who tried, never with what: the token (even a wrong one) stays out of the log.
        _log.warning(
            "portal sign-in refused",
            client=request.client.host if request.client else None,
            why="no token" if not token else "unknown, expired or revoked token",
        )
        return portal_page("portal_sign_in.html", request, None, status=400, error=error)
    await rotate(request)  # a new session id at sign-in: no fixation
    request.set_session(
        {
            "account_id": actor.account_id,
            "token_id": actor.token_id,
            "csrf": secrets.token_urlsafe(32),
        }
    )
    return see_other("/portal")


@post("/sign-out", name="portal:sign-out", status_code=303)
async def sign_out(request: Req) -> Response[Any]:
    await posted(request)
    request.clear_session()
    return see_other(SIGN_IN + "?out=1")


@get("/", name="portal:home")
async def home(request: Req) -> Response[Any]:
    actor = await signed_in(request)
    return see_other(f"/portal/{actor.role.value}")


# --- secretariat -------------------------------------------------------------------------


async def _certificate_page(
    request: Req, actor: Actor, ref: str, *, status: int = 200, **context: Any
) -> Response[str]:
    found = await certificates.get(ref)
    context.setdefault("errors", {})
    context.setdefault("reasons", {})
    return portal_page(
        "portal_certificate.html",
        request,
        actor,
        status=status,
        certificate=found,
        actions=ALLOWED.get(found.status, ()),
        **context,
    )


@get("/secretariat/certificates/{ref:str}", name="portal:certificate")
async def certificate(request: Req, ref: Ref) -> Response[str]:
    actor = await signed_in(request, Role.SECRETARIAT)
    return await _certificate_page(request, actor, ref)


@post("/secretariat/certificates/{ref:str}/{action:str}", name="portal:certificate-action")
async def change_certificate(
    request: Req, ref: Ref, action: Annotated[str, PathParameter(max_length=16)]
) -> Response[Any]:
    """Suspend, reinstate or revoke, with a reason; a bad reason is shown at its field."""
    actor = await signed_in(request, Role.SECRETARIAT)
    fields = await posted(request)
    if action not in ACTIONS:
        raise HTTPException(status_code=404, detail=f"no action {action!r}: {', '.join(ACTIONS)}")
    reason = fields.get("reason", "")
    try:
        changed = await certificates.change_state(ref, action, reason, actor.label)
    except InvalidRequestError as exc:
        return await _certificate_page(
            request,
            actor,
            ref,
            status=400,
            errors={action: str(exc)},
            reasons={action: reason[:2000]},
        )
    flash(request, _("Done: %(action)s.") % {"action": action})
    return see_other(f"/portal/secretariat/certificates/{changed.code}")


HANDLERS: Final = [
    sign_in_form,
    sign_in,
    sign_out,
    home,
    certificate,
    change_certificate,
]
