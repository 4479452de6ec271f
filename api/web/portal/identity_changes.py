"""The secretariat's queue of identity changes: what each provider asks to change, whether
the new name is already another provider's, and the approve / refuse forms."""

from __future__ import annotations

from typing import Annotated, Any, Final

from litestar import Request, Response, get, post
from litestar.params import PathParameter

from api.i18n import gettext as _
from api.web.portal.base import flash, portal_page, posted, see_other, signed_in
from registry import identity
from registry.accounts import Actor, Role
from registry.errors import ConflictError, InvalidRequestError
from registry.identity import ChangeState

Req = Request[Any, Any, Any]
Id = Annotated[str, PathParameter(max_length=40)]
QUEUE: Final = "/portal/secretariat/identity-changes"
MAX_FIELD: Final = 2000
RECENT: Final = 50


async def _queue(
    request: Req,
    actor: Actor,
    *,
    status: int = 200,
    errors: dict[str, str] | None = None,
    entered: dict[str, str] | None = None,
) -> Response[str]:
    pending = await identity.changes(actor, state=ChangeState.PENDING)
    decided = [c for c in await identity.changes(actor, limit=RECENT) if c.state != "pending"]
    return portal_page(
        "portal_identity_changes.html",
        request,
        actor,
        status=status,
        pending=pending,
        decided=decided,
        errors=errors or {},
        entered=entered or {},
    )


@get("/secretariat/identity-changes", name="portal:identity-changes")
async def queue(request: Req) -> Response[str]:
    actor = await signed_in(request, Role.SECRETARIAT)
    return await _queue(request, actor)


@post("/secretariat/identity-changes/{change_id:str}/{decision:str}", name="portal:identity-decide")
async def decide(
    request: Req, change_id: Id, decision: Annotated[str, PathParameter(max_length=8)]
) -> Response[Any]:
    """Approve (with `name_reason` when the name is taken) or refuse (with a reason); a
    refusal of the decision is shown at the change's form."""
    actor = await signed_in(request, Role.SECRETARIAT)
    fields = await posted(request)
    reason = fields.get("reason", "").strip()[:MAX_FIELD] or None
    name_reason = fields.get("name_reason", "").strip()[:MAX_FIELD] or None
    try:
        if decision == "approve":
            done = await identity.approve(change_id, actor, reason=reason, name_reason=name_reason)
        elif decision == "refuse":
            done = await identity.refuse(change_id, actor, reason=reason)
        else:
            raise InvalidRequestError(_("approve or refuse"), field="decision")
    except (ConflictError, InvalidRequestError) as exc:
        return await _queue(
            request,
            actor,
            status=409 if isinstance(exc, ConflictError) else 422,
            errors={change_id: str(exc)},
            entered={f"{change_id}-reason": reason or "", f"{change_id}-name": name_reason or ""},
        )
    flash(
        request,
        f"{done.state.value.capitalize()}: the change of "
        f"{done.provider_name} ({done.provider_id}).",
    )
    return see_other(QUEUE)


HANDLERS: Final = [queue, decide]
