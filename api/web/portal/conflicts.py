"""The secretariat's conflicts of interest: the declarations waiting for review, each with the
names of its provider and auditor, who declared it, why and when, and what accepting it
would exclude; accept or reject forms with a reason; a form to record a conflict itself
(accepted at once); and the history of reviewed and withdrawn conflicts.

The work is `registry.conflicts` (as `POST /api/v1/conflicts/{id}/review`); a refusal is
shown at the form it concerns and nothing is stored.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any, Final

from litestar import Request, Response, get, post
from litestar.params import PathParameter

from api.i18n import gettext as _
from api.web.portal.base import LIST_LIMIT, flash, portal_page, posted, see_other, signed_in
from registry import accounts, conflicts, providers
from registry.accounts import Actor, Role
from registry.conflicts import Conflict, Exclusion
from registry.errors import ConflictError, InvalidRequestError, NotFoundError

Id = Annotated[str, PathParameter(max_length=64)]
Req = Request[Any, Any, Any]

PAGE: Final = "/portal/secretariat/conflicts"
DECISIONS: Final = {"accept": "accepted", "reject": "rejected"}
MAX_REASON: Final = 2000
HISTORY_LIMIT: Final = 100


@dataclass(frozen=True)
class Row:
    """A conflict as the page shows it: with names, and for a pending one what it excludes."""

    conflict: Conflict
    provider_name: str
    auditor_name: str
    exclusion: Exclusion | None = None


async def provider_names(ids: set[str]) -> dict[str, str]:
    names = {}
    for provider_id in sorted(ids):
        try:
            names[provider_id] = (await providers.provider_row(provider_id))["legal_name"]
        except NotFoundError:
            names[provider_id] = provider_id
    return names


async def auditor_names() -> dict[str, str]:
    listed = await accounts.list_accounts(role=Role.AUDITOR, limit=LIST_LIMIT, offset=0)
    return {a.id: a.name for a in listed}


async def _page(
    request: Req,
    actor: Actor,
    *,
    status: int = 200,
    errors: dict[str, str] | None = None,
    fields: dict[str, str] | None = None,
) -> Response[str]:
    everything = await conflicts.conflicts()
    pending = [c for c in everything if c.state == "pending"]
    history = [c for c in reversed(everything) if c.state != "pending"][:HISTORY_LIMIT]
    live = {c.provider_id for c in everything if c.state in ("pending", "accepted")}
    names = await provider_names({c.provider_id for c in pending + history} | live)
    people = await auditor_names()
    exclusions = {p: await conflicts.exclusion(p) for p in sorted(live)}

    def row(c: Conflict) -> Row:
        return Row(
            conflict=c,
            provider_name=names.get(c.provider_id, c.provider_id),
            auditor_name=people.get(c.auditor_id, c.auditor_id),
            exclusion=exclusions.get(c.provider_id) if c.state == "pending" else None,
        )

    return portal_page(
        "portal_conflicts.html",
        request,
        actor,
        status=status,
        pending=[row(c) for c in pending],
        history=[row(c) for c in history],
        summary=[(p, names.get(p, p), e) for p, e in exclusions.items()],
        auditors=sorted(people.items(), key=lambda item: item[1]),
        errors=errors or {},
        fields=fields or {},
    )


@get("/secretariat/conflicts", name="portal:conflicts")
async def review_screen(request: Req) -> Response[str]:
    actor = await signed_in(request, Role.SECRETARIAT)
    return await _page(request, actor)


@post("/secretariat/conflicts/{conflict_id:str}/review", name="portal:conflict-review")
async def review(request: Req, conflict_id: Id) -> Response[Any]:
    """Accept or reject, with a reason (1 to 2000 characters, as the API requires)."""
    actor = await signed_in(request, Role.SECRETARIAT)
    fields = await posted(request)
    decision = fields.get("decision", "")
    reason = fields.get("reason", "").strip()
    kept = {conflict_id: fields.get("reason", "")[:MAX_REASON]}
    try:
        if decision not in DECISIONS:
            raise InvalidRequestError(_("choose accept or reject"), field="decision")
        if not 1 <= len(reason) <= MAX_REASON:
            raise InvalidRequestError(
                _("give a reason of 1 to %(max)s characters") % {"max": MAX_REASON}
            )
        await conflicts.review(
            conflict_id,
            decision="accept" if decision == "accept" else "reject",
            reason=reason,
            actor=actor,
        )
    except (InvalidRequestError, ConflictError) as exc:
        status = 409 if isinstance(exc, ConflictError) else 400
        return await _page(
            request, actor, status=status, errors={conflict_id: str(exc)}, fields=kept
        )
    flash(
        request,
        _("Conflict %(id)s %(decision)s.") % {"id": conflict_id, "decision": DECISIONS[decision]},
    )
    return see_other(PAGE)


@post("/secretariat/conflicts", name="portal:conflict-record")
async def record(request: Req) -> Response[Any]:
    """The secretariat records a conflict itself: accepted at once."""
    actor = await signed_in(request, Role.SECRETARIAT)
    fields = await posted(request)
    kept = {k: fields.get(k, "")[:MAX_REASON] for k in ("provider_id", "auditor_id", "reason")}
    reason = fields.get("reason", "").strip()
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
        field = getattr(exc, "field", None) or "record"
        status = 409 if isinstance(exc, ConflictError) else 422
        return await _page(request, actor, status=status, errors={field: str(exc)}, fields=kept)
    flash(request, _("Conflict %(id)s recorded and accepted.") % {"id": declared.id})
    return see_other(PAGE)


HANDLERS: Final = [review_screen, review, record]
