"""An auditor's or a provider's own conflict-of-interest declarations: declare one, see its
state (pending, accepted, rejected with the secretariat's reason, withdrawn), withdraw it.

An auditor names the provider by its public registry id; a provider chooses among the
auditors accredited for its scope today (`registry.conflicts.exclusion`): those are the ones
that could be assigned to it, and the only auditor names a provider sees. The work is
`registry.conflicts`, as `POST /api/v1/conflicts`; a refusal is shown at its field.
"""

from __future__ import annotations

from typing import Annotated, Any, Final

from litestar import Request, Response, get, post
from litestar.params import PathParameter

from api.i18n import gettext as _
from api.web.portal.base import flash, portal_page, posted, see_other, signed_in
from api.web.portal.conflicts import auditor_names, provider_names
from registry import conflicts
from registry.accounts import Actor, Role, bound_provider
from registry.errors import ConflictError, ForbiddenError, InvalidRequestError

Id = Annotated[str, PathParameter(max_length=64)]
Req = Request[Any, Any, Any]

MAX_REASON: Final = 2000


def _path(actor: Actor) -> str:
    return f"/portal/{actor.role.value}/conflicts"


async def _page(
    request: Req,
    actor: Actor,
    *,
    status: int = 200,
    errors: dict[str, str] | None = None,
    fields: dict[str, str] | None = None,
) -> Response[str]:
    mine = list(reversed(await conflicts.declared_by(actor)))
    choices: list[tuple[str, str]] = []
    names: dict[str, str] = {}
    registered = True
    if actor.role is Role.PROVIDER:
        provider_id = bound_provider(actor.provider_id)
        registered = provider_id is not None
        if provider_id is not None:
            able = (await conflicts.exclusion(provider_id)).able
            people = await auditor_names()
            choices = sorted(((a, people.get(a, a)) for a in able), key=lambda item: item[1])
            names = {c.auditor_id: people.get(c.auditor_id, c.auditor_id) for c in mine}
    if actor.role is Role.AUDITOR:
        names = await provider_names({c.provider_id for c in mine})
    return portal_page(
        "portal_own_conflicts.html",
        request,
        actor,
        status=status,
        mine=mine,
        names=names,
        choices=choices,
        registered=registered,
        action=_path(actor),
        errors=errors or {},
        fields=fields or {},
    )


@get("/auditor/conflicts", name="portal:auditor-conflicts")
async def auditor_conflicts(request: Req) -> Response[str]:
    return await _page(request, await signed_in(request, Role.AUDITOR))


@get("/provider/conflicts", name="portal:provider-conflicts")
async def provider_conflicts(request: Req) -> Response[str]:
    return await _page(request, await signed_in(request, Role.PROVIDER))


async def _declare(request: Req, actor: Actor) -> Response[Any]:
    fields = await posted(request)
    kept = {k: fields.get(k, "")[:MAX_REASON] for k in ("provider_id", "auditor_id", "reason")}
    reason = kept["reason"].strip()
    try:
        if not 1 <= len(reason) <= MAX_REASON:
            raise InvalidRequestError(
                _("give a reason of 1 to %(max)s characters") % {"max": MAX_REASON}, field="reason"
            )
        declared = await conflicts.declare(
            actor,
            provider_id=kept["provider_id"].strip().upper()[:12] or None,
            auditor_id=kept["auditor_id"].strip()[:40] or None,
            reason=reason,
        )
    except (InvalidRequestError, ConflictError) as exc:
        field = getattr(exc, "field", None) or "declare"
        status = 409 if isinstance(exc, ConflictError) else 422
        return await _page(request, actor, status=status, errors={field: str(exc)}, fields=kept)
    flash(
        request,
        f"Conflict {declared.id} declared: it waits for the secretariat's review, and changes "
        "no assignment until accepted.",
    )
    return see_other(_path(actor))


@post("/auditor/conflicts", name="portal:auditor-declare")
async def auditor_declare(request: Req) -> Response[Any]:
    return await _declare(request, await signed_in(request, Role.AUDITOR))


@post("/provider/conflicts", name="portal:provider-declare")
async def provider_declare(request: Req) -> Response[Any]:
    return await _declare(request, await signed_in(request, Role.PROVIDER))


async def _withdraw(request: Req, actor: Actor, conflict_id: str) -> Response[Any]:
    fields = await posted(request)
    reason = fields.get("reason", "").strip()
    key = f"withdraw-{conflict_id}"
    try:
        if not 1 <= len(reason) <= MAX_REASON:
            raise InvalidRequestError(
                _("give a reason of 1 to %(max)s characters") % {"max": MAX_REASON}
            )
        await conflicts.withdraw(conflict_id, reason=reason, actor=actor)
    except (InvalidRequestError, ConflictError, ForbiddenError) as exc:
        status = {InvalidRequestError: 400, ConflictError: 409}.get(type(exc), 403)
        kept = {key: fields.get("reason", "")[:MAX_REASON]}
        return await _page(request, actor, status=status, errors={key: str(exc)}, fields=kept)
    flash(request, f"Conflict {conflict_id} withdrawn.")
    return see_other(_path(actor))


@post("/auditor/conflicts/{conflict_id:str}/withdraw", name="portal:auditor-withdraw")
async def auditor_withdraw(request: Req, conflict_id: Id) -> Response[Any]:
    return await _withdraw(request, await signed_in(request, Role.AUDITOR), conflict_id)


@post("/provider/conflicts/{conflict_id:str}/withdraw", name="portal:provider-withdraw")
async def provider_withdraw(request: Req, conflict_id: Id) -> Response[Any]:
    return await _withdraw(request, await signed_in(request, Role.PROVIDER), conflict_id)


HANDLERS: Final = [
    auditor_conflicts,
    provider_conflicts,
    auditor_declare,
    provider_declare,
    auditor_withdraw,
    provider_withdraw,
]
