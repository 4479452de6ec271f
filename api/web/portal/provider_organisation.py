"""A provider's own organisation in its portal: register it, edit it, apply for certification
and withdraw an application. Identity changes of a provider that has applied go to the
secretariat as a request (`registry.identity`), which the provider can see and take back.

Everything goes through the use cases the API calls; a refusal is shown at its field.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Final

from litestar import Request, Response, get, post
from litestar.params import PathParameter
from pydantic import ValidationError

from api.http.schemas.registry import ContactIn
from api.i18n import gettext as _
from api.web.portal.base import LIST_LIMIT, flash, portal_page, posted, see_other, signed_in
from registry import applications, identity, providers
from registry.accounts import PENDING_PREFIX, Actor, Role
from registry.applications import TRANSITIONS, ApplicationState
from registry.assessments import decisions
from registry.certificates import service as certificates
from registry.errors import (
    ConflictError,
    ForbiddenError,
    InvalidRequestError,
    NotFoundError,
    RegistryError,
)
from registry.identity import ChangeState
from registry.providers import Licence, ProviderInput, RegistrationNumber
from registry.standards import service as standards
from standards.model import ProviderType

Req = Request[Any, Any, Any]
Id = Annotated[str, PathParameter(max_length=64)]
HOME: Final = "/portal/provider"
EDIT: Final = "/portal/provider/organisation"
MAX_FIELD: Final = 2000
MAX_LICENCES: Final = 20
LICENCE_PARTS: Final = ("country", "number", "issuing_authority", "expires_on")
# The states an application can still be withdrawn from (before a decision).
WITHDRAWABLE: Final = frozenset(
    s.value for s, nexts in TRANSITIONS.items() if ApplicationState.WITHDRAWN in nexts
)
_INDEXED = re.compile(r"^(licences|registration_numbers)\[(\d+)\]\.?(\w*)$")


def form_field(field: str | None) -> str:
    """The form input a refusal belongs at: `licences[2].number` -> `licences-2-number`,
    `contact.email` -> `contact-email`, `corridors[0]` -> `corridors`."""
    if not field:
        return "form"
    if found := _INDEXED.match(field):
        name, index, part = found.groups()
        return f"{name}-{index}-{part}" if part else f"{name}-{index}-number"
    return field.split("[", 1)[0].replace(".", "-")


def _status(exc: RegistryError) -> int:
    if isinstance(exc, NotFoundError):
        return 404
    if isinstance(exc, ForbiddenError):
        return 403
    if isinstance(exc, ConflictError):
        return 409
    return 422


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _words(text: str) -> list[str]:
    return [word for word in re.split(r"[\s,;]+", text.strip()) if word]


def _date(value: str, *, field: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise InvalidRequestError(_("write the date as YYYY-MM-DD"), field=field) from None


def _licences(fields: dict[str, str]) -> list[Licence]:
    """The licence rows of the form; a row left wholly blank is not a licence."""
    found: list[Licence] = []
    for i in range(MAX_LICENCES + 1):
        parts = {p: fields.get(f"licences-{i}-{p}", "").strip() for p in LICENCE_PARTS}
        if not any(parts.values()):
            continue
        at = len(found)
        for part, value in parts.items():
            if not value:
                raise InvalidRequestError(
                    _("fill in the whole row"), field=f"licences[{at}].{part}"
                )
        found.append(
            Licence(
                country=parts["country"],
                number=parts["number"],
                issuing_authority=parts["issuing_authority"][:200],
                expires_on=_date(parts["expires_on"], field=f"licences[{at}].expires_on"),
            )
        )
    return found


def _registrations(text: str) -> list[RegistrationNumber]:
    """One per line: the country code, then the number (`PH CS2019-12345`)."""
    found: list[RegistrationNumber] = []
    for i, line in enumerate(_lines(text)):
        code, _sep, number = line.partition(" ")
        if not number.strip():
            raise InvalidRequestError(
                "write the country code, a space, then the number (PH CS2019-12345)",
                field=f"registration_numbers[{i}]",
            )
        found.append(RegistrationNumber(country=code, number=number.strip()[:100]))
    return found


def _contact(fields: dict[str, str]) -> dict[str, Any]:
    try:
        contact = ContactIn(
            email=fields.get("contact-email", ""),
            phone=fields.get("contact-phone", ""),
            address=fields.get("contact-address", ""),
        )
    except ValidationError as exc:
        first = exc.errors()[0]
        raise InvalidRequestError(
            f"{first['loc'][0]}: {first['msg']}", field=f"contact.{first['loc'][0]}"
        ) from None
    return contact.model_dump()


def _input(fields: dict[str, str], form_types: list[str]) -> ProviderInput:
    return ProviderInput(
        legal_name=fields.get("legal_name", "").strip()[:300] or None,
        trading_names=[n[:300] for n in _lines(fields.get("trading_names", ""))][:20],
        country=fields.get("country", "").strip() or None,
        provider_types=form_types or None,
        corridors=[c.upper() for c in _words(fields.get("corridors", ""))][:200],
        licences=_licences(fields),
        registration_numbers=_registrations(fields.get("registration_numbers", ""))[:20],
        contact=_contact(fields),
    )


def _entered(fields: dict[str, str]) -> dict[str, str]:
    """What the form showed, to show it again with the errors (bounded)."""
    return {key: value[:MAX_FIELD] for key, value in fields.items() if key != "csrf"}


def _shown(organisation: dict[str, Any]) -> dict[str, str]:
    """The organisation as the form's fields."""
    shown = {
        "legal_name": organisation["legal_name"],
        "trading_names": "\n".join(organisation["trading_names"]),
        "country": organisation["country"],
        "corridors": ", ".join(organisation["corridors"]),
        "registration_numbers": "\n".join(
            f"{r['country']} {r['number']}" for r in organisation["registration_numbers"]
        ),
        "contact-email": organisation["contact"].get("email") or "",
        "contact-phone": organisation["contact"].get("phone") or "",
        "contact-address": organisation["contact"].get("address") or "",
    }
    for i, licence in enumerate(organisation["licences"]):
        for part in LICENCE_PARTS:
            shown[f"licences-{i}-{part}"] = str(licence[part])
    return shown


def _bound(actor: Actor) -> str | None:
    provider_id = actor.provider_id
    return None if provider_id is None or provider_id.startswith(PENDING_PREFIX) else provider_id


async def _form_page(
    request: Req,
    actor: Actor,
    *,
    status: int = 200,
    errors: dict[str, str] | None = None,
    entered: dict[str, str] | None = None,
    types: list[str] | None = None,
) -> Response[str]:
    provider_id = _bound(actor)
    organisation = None if provider_id is None else await providers.get_full(provider_id, actor)
    shown = entered if entered is not None else (_shown(organisation) if organisation else {})
    rows = sum(
        1
        for i in range(MAX_LICENCES + 1)
        if any(shown.get(f"licences-{i}-{part}") for part in LICENCE_PARTS)
    )
    pending = (
        await identity.changes(actor, state=ChangeState.PENDING) if provider_id is not None else []
    )
    return portal_page(
        "portal_provider_organisation.html",
        request,
        actor,
        status=status,
        organisation=organisation,
        applied=provider_id is not None and await identity.has_applied(provider_id),
        pending=pending[0] if pending else None,
        entered=shown,
        chosen=types if types is not None else (organisation or {}).get("provider_types", []),
        licence_rows=range(min(rows + 1, MAX_LICENCES + 1)),
        types=[t.value for t in ProviderType],
        errors=errors or {},
    )


@get("/provider/organisation", name="portal:provider-organisation")
async def organisation_form(request: Req) -> Response[str]:
    """Register the organisation (an account bound to none yet) or edit it."""
    actor = await signed_in(request, Role.PROVIDER)
    return await _form_page(request, actor)


@post("/provider/organisation", name="portal:provider-organisation-save")
async def save_organisation(request: Req) -> Response[Any]:
    actor = await signed_in(request, Role.PROVIDER)
    fields = await posted(request)
    form = await request.form()
    chosen = [str(v) for v in form.getall("provider_types", []) if isinstance(v, str)][:10]
    provider_id = _bound(actor)
    try:
        data = _input(fields, chosen)
        if provider_id is None:
            await providers.register(data, actor)
            flash(request, "Your organisation is registered. You can now apply for certification.")
            return see_other(HOME)
        explanation = fields.get("explanation", "").strip()[:MAX_FIELD] or None
        outcome = await identity.update(provider_id, data, actor, explanation=explanation)
    except RegistryError as exc:
        field = getattr(exc, "field", None)
        return await _form_page(
            request,
            actor,
            status=_status(exc),
            errors={form_field(field): str(exc)},
            entered=_entered(fields),
            types=chosen,
        )
    if outcome.change is not None and outcome.change.state is ChangeState.PENDING:
        flash(
            request,
            "Saved. Your change of "
            + ", ".join(name.replace("_", " ") for name in outcome.change.changed)
            + " went to the secretariat; it shows once approved.",
        )
    else:
        flash(request, "Saved.")
    return see_other(HOME)


@post(
    "/provider/identity-changes/{change_id:str}/withdraw",
    name="portal:provider-identity-withdraw",
)
async def withdraw_change(request: Req, change_id: Id) -> Response[Any]:
    actor = await signed_in(request, Role.PROVIDER)
    await posted(request)
    await identity.withdraw(change_id, actor)
    flash(request, "Your identity change request is withdrawn.")
    return see_other(EDIT)


async def _home_page(
    request: Req, actor: Actor, *, status: int = 200, error: str | None = None
) -> Response[str]:
    provider_id = _bound(actor)
    if provider_id is None:
        return portal_page("portal_provider.html", request, actor, organisation=None)
    organisation = await providers.get_full(provider_id, actor)
    own = await applications.list_for(actor, state=None, limit=LIST_LIMIT, offset=0)
    reports = await decisions.provider_reports(provider_id, actor)
    listed = await certificates.list_certificates(
        provider=provider_id, status_filter=None, limit=LIST_LIMIT, offset=0
    )
    pending = await identity.changes(actor, state=ChangeState.PENDING)
    return portal_page(
        "portal_provider.html",
        request,
        actor,
        status=status,
        organisation=organisation,
        applications=own,
        withdrawable=WITHDRAWABLE,
        reports=reports.items,
        certificates=listed.items,
        pending=pending[0] if pending else None,
        standards=await published_standards(),
        types=organisation["provider_types"],
        corridors=organisation["corridors"],
        error=error,
    )


@get("/provider", name="portal:provider")
async def home(request: Req) -> Response[str]:
    """The provider's organisation, applications (apply, withdraw), reports with
    non-conformities and their deadlines, and certificates."""
    actor = await signed_in(request, Role.PROVIDER)
    return await _home_page(request, actor)


@post("/provider/applications", name="portal:provider-apply")
async def apply(request: Req) -> Response[Any]:
    """Apply against a published standard, for some of the organisation's types and
    corridors."""
    actor = await signed_in(request, Role.PROVIDER)
    fields = await posted(request)
    form = await request.form()
    provider_id = _bound(actor)
    kinds = [str(v) for v in form.getall("provider_types", []) if isinstance(v, str)][:10]
    corridors = [str(v) for v in form.getall("corridors", []) if isinstance(v, str)][:200]
    try:
        if provider_id is None:
            raise ConflictError(_("register your organisation first"))
        made = await applications.apply(
            provider_id=provider_id,
            standard=fields.get("standard", "")[:100],
            provider_types=kinds,
            corridors=corridors,
            actor=actor,
        )
    except RegistryError as exc:
        return await _home_page(request, actor, status=_status(exc), error=str(exc))
    flash(request, f"Applied: application {made.id} against {made.standard}.")
    return see_other(HOME)


@post(
    "/provider/applications/{application_id:str}/withdraw",
    name="portal:provider-withdraw-application",
)
async def withdraw_application(request: Req, application_id: Id) -> Response[Any]:
    actor = await signed_in(request, Role.PROVIDER)
    fields = await posted(request)
    reason = fields.get("reason", "").strip()[:MAX_FIELD] or None
    try:
        await applications.withdraw(application_id, actor, reason)
    except RegistryError as exc:
        return await _home_page(request, actor, status=_status(exc), error=str(exc))
    flash(request, f"Application {application_id} is withdrawn.")
    return see_other(HOME)


async def published_standards() -> list[str]:
    """`slug@version` of every published version, newest first: what a provider applies to."""
    versions = await standards.list_versions()
    return [f"{v.slug}@{v.version}" for v in reversed(versions) if v.status == "published"]


HANDLERS: Final = [
    home,
    organisation_form,
    save_organisation,
    withdraw_change,
    apply,
    withdraw_application,
]
