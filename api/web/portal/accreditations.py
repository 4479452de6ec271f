"""The secretariat's auditors and accreditations: every auditor account with its
accreditations and their history; accredit an auditor for provider types and countries
between two dates; suspend an accreditation and reinstate a suspended one, with a reason.

The work is `registry.auditors` (as the API's `/api/v1/auditors/...`); a refusal is shown
at the field it names and nothing is stored.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Final

from litestar import Request, Response, get, post
from litestar.exceptions import HTTPException
from litestar.params import PathParameter
from msgspec import structs

from api.i18n import gettext as _
from api.web.portal.base import LIST_LIMIT, flash, portal_page, posted, see_other, signed_in
from registry import accounts, auditors
from registry.accounts import Actor, Role
from registry.errors import ConflictError, InvalidRequestError, NotFoundError
from standards.model import ProviderType

Id = Annotated[str, PathParameter(max_length=64)]
Req = Request[Any, Any, Any]

PAGE: Final = "/portal/secretariat/accreditations"
CHANGES: Final = ("suspend", "reinstate")
MAX_REASON: Final = 2000
DEFAULT_DAYS: Final = 3 * 365  # what the form proposes; the secretariat sets the dates
# `provider_types[2]` -> `provider_types`: the form has one field per list.
_INDEXED: Final = re.compile(r"\[\d+\]$")
_SPLIT: Final = re.compile(r"[\s,;]+")


async def _page(
    request: Req,
    actor: Actor,
    *,
    status: int = 200,
    errors: dict[str, str] | None = None,
    fields: dict[str, Any] | None = None,
    reasons: dict[str, str] | None = None,
) -> Response[str]:
    listed = await accounts.list_accounts(role=Role.AUDITOR, limit=LIST_LIMIT, offset=0)
    people = [
        {
            **structs.asdict(account),
            "accreditations": await auditors.accreditations(account.id, actor),
        }
        for account in listed
    ]
    today = dt.date.today()
    return portal_page(
        "portal_accreditations.html",
        request,
        actor,
        status=status,
        auditors=people,
        provider_types=[t.value for t in ProviderType],
        errors=errors or {},
        fields=fields
        or {
            "valid_from": today.isoformat(),
            "valid_until": (today + dt.timedelta(days=DEFAULT_DAYS)).isoformat(),
        },
        reasons=reasons or {},
    )


@get("/secretariat/accreditations", name="portal:accreditations")
async def accreditations(request: Req) -> Response[str]:
    actor = await signed_in(request, Role.SECRETARIAT)
    return await _page(request, actor)


def _date(raw: str, field: str) -> dt.date:
    try:
        return dt.date.fromisoformat(raw.strip())
    except ValueError:
        message = (
            _("give a date")
            if not raw.strip()
            else _("%(raw)s is not a date") % {"raw": repr(raw.strip()[:40])}
        )
        raise InvalidRequestError(message, field=field) from None


@post("/secretariat/accreditations", name="portal:accredit")
async def accredit(request: Req) -> Response[Any]:
    """Accredit an auditor; each problem is shown at its field, with the form kept."""
    actor = await signed_in(request, Role.SECRETARIAT)
    fields = await posted(request)
    form = await request.form()
    types = [t for t in form.getall("provider_types", []) if isinstance(t, str)][:16]
    auditor_id = fields.get("account_id", "").strip()[:64]
    raw_countries = fields.get("countries", "")[:2000]
    kept = {**fields, "provider_types": types}
    try:
        if not auditor_id:
            raise InvalidRequestError(_("choose the auditor"), field="account_id")
        granted = await auditors.accredit(
            auditor_id,
            provider_types=types,
            countries=[c.upper() for c in _SPLIT.split(raw_countries) if c],
            valid_from=_date(fields.get("valid_from", ""), "valid_from"),
            valid_until=_date(fields.get("valid_until", ""), "valid_until"),
            actor=actor,
        )
    except NotFoundError as exc:
        return await _page(request, actor, status=422, errors={"account_id": str(exc)}, fields=kept)
    except InvalidRequestError as exc:
        field = _INDEXED.sub("", exc.field or "") or "general"
        return await _page(request, actor, status=422, errors={field: str(exc)}, fields=kept)
    flash(
        request,
        _("Accreditation %(id)s granted to %(auditor)s.")
        % {"id": granted.id, "auditor": auditor_id},
    )
    return see_other(PAGE)


@post(
    "/secretariat/auditors/{account_id:str}/accreditations/{accreditation_id:str}/{change:str}",
    name="portal:accreditation-change",
)
async def change(
    request: Req,
    account_id: Id,
    accreditation_id: Id,
    change: Annotated[str, PathParameter(max_length=16)],
) -> Response[Any]:
    """Suspend or reinstate, with a reason (1 to 2000 characters, as the API requires)."""
    actor = await signed_in(request, Role.SECRETARIAT)
    fields = await posted(request)
    if change not in CHANGES:
        raise HTTPException(status_code=404, detail=f"no action {change!r}: {', '.join(CHANGES)}")
    reason = fields.get("reason", "").strip()
    key = f"{accreditation_id}-{change}"
    if not 1 <= len(reason) <= MAX_REASON:
        return await _page(
            request,
            actor,
            status=400,
            errors={key: f"reason must be 1 to {MAX_REASON} characters"},
            reasons={key: fields.get("reason", "")[:MAX_REASON]},
        )
    act = auditors.suspend if change == "suspend" else auditors.reinstate
    try:
        await act(account_id, accreditation_id, reason=reason, actor=actor)
    except ConflictError as exc:
        return await _page(
            request, actor, status=409, errors={key: str(exc)}, reasons={key: reason}
        )
    done = "suspended" if change == "suspend" else "reinstated"
    flash(request, _("Accreditation %(id)s %(done)s.") % {"id": accreditation_id, "done": done})
    return see_other(f"{PAGE}#{accreditation_id}")


HANDLERS: Final = [accreditations, accredit, change]
