"""The secretariat's accounts and provider organisations, in the portal.

Registering an organisation is `registry.providers.register`, as `POST /api/v1/providers`;
creating an account is `registry.accounts.create_account`, as `POST /api/v1/accounts`. The
forms' fields are checked by the API's own request schemas (`ProviderCreate`,
`AccountCreate`) and then by the use case, and every refusal is shown at the field it
names, with nothing stored.

A new account's API token is on the page that answers the form, once: it is never put in
the session, in a flash message or in a redirect, and that page (like every portal page)
is `Cache-Control: private, no-store`.
"""

from __future__ import annotations

import re
from typing import Any, Final

from litestar import Request, Response, get, post
from pydantic import BaseModel, ValidationError

from api.http.schemas.common import AccountCreate
from api.http.schemas.registry import ProviderCreate
from api.i18n import gettext as _
from api.web.portal.base import LIST_LIMIT, flash, portal_page, posted, see_other, signed_in
from registry import accounts, provider_search, providers
from registry.accounts import Actor, Role
from registry.db.names import provider_names
from registry.errors import InvalidRequestError
from registry.providers import Licence, ProviderInput
from registry.settings import get_settings
from standards.model import ProviderType

Req = Request[Any, Any, Any]

ACCOUNTS: Final = "/portal/secretariat/accounts"
PROVIDERS: Final = "/portal/secretariat/providers"
_SPLIT: Final = re.compile(r"[\s,;]+")
_INDEXED: Final = re.compile(r"\[\d+\]")
MAX_INPUT: Final = 2000
# A schema or use-case field path -> the form field that holds it.
_FORM_FIELD: Final = {
    "contact.email": "contact_email",
    "contact.phone": "contact_phone",
    "contact.address": "contact_address",
    "contact": "contact_email",
    "licences.country": "licence_country",
    "licences.number": "licence_number",
    "licences.issuing_authority": "licence_authority",
    "licences.expires_on": "licence_expires_on",
    "licences": "licence_number",
}


def _form_field(path: str) -> str:
    plain = _INDEXED.sub("", path)
    return _FORM_FIELD.get(plain, plain or "general")


def _schema_errors(exc: ValidationError) -> dict[str, str]:
    errors: dict[str, str] = {}
    for item in exc.errors():
        path = ".".join(str(p) for p in item["loc"] if not isinstance(p, int))
        errors.setdefault(_form_field(path), str(item["msg"]))
    return errors


def _checked(model: type[BaseModel], data: dict[str, Any]) -> Any:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise _Refused(_schema_errors(exc)) from None


class _Refused(Exception):
    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(errors.values()))
        self.errors = errors


# --- provider organisations ------------------------------------------------------------


async def _providers_page(
    request: Req,
    actor: Actor,
    *,
    status: int = 200,
    errors: dict[str, str] | None = None,
    fields: dict[str, Any] | None = None,
) -> Response[str]:
    listed, total = await provider_search.search(limit=LIST_LIMIT, offset=0)
    return portal_page(
        "portal_providers.html",
        request,
        actor,
        status=status,
        providers=listed,
        total=total,
        provider_types=[t.value for t in ProviderType],
        errors=errors or {},
        fields=fields or {},
    )


@get("/secretariat/providers", name="portal:providers")
async def providers_page(request: Req) -> Response[str]:
    """Every registered organisation (name, id, country, types) and the form to register
    another."""
    actor = await signed_in(request, Role.SECRETARIAT)
    return await _providers_page(request, actor)


def _words(raw: str) -> list[str]:
    return [w for w in _SPLIT.split(raw[:MAX_INPUT]) if w]


def _provider_body(fields: dict[str, str], types: list[str]) -> dict[str, Any]:
    """The form as the API's `ProviderCreate` body."""
    body: dict[str, Any] = {
        "legal_name": fields.get("legal_name", ""),
        "trading_names": [
            n.strip() for n in fields.get("trading_names", "")[:MAX_INPUT].splitlines() if n.strip()
        ],
        "country": fields.get("country", "").strip().upper(),
        "provider_types": types,
        "corridors": [c.upper() for c in _words(fields.get("corridors", ""))],
        "contact": {
            "email": fields.get("contact_email", ""),
            "phone": fields.get("contact_phone", ""),
            "address": fields.get("contact_address", ""),
        },
    }
    licence = {
        "country": fields.get("licence_country", "").strip().upper(),
        "number": fields.get("licence_number", ""),
        "issuing_authority": fields.get("licence_authority", ""),
        "expires_on": fields.get("licence_expires_on", "").strip(),
    }
    if any(value.strip() for value in licence.values()):  # one licence, optional
        body["licences"] = [licence]
    return body


def _provider_input(data: ProviderCreate) -> ProviderInput:
    """As `api.http.routes.providers` turns the schema into the use case's input."""
    return ProviderInput(
        legal_name=data.legal_name,
        trading_names=data.trading_names,
        country=data.country,
        provider_types=[str(t) for t in data.provider_types],
        corridors=data.corridors,
        licences=[Licence(**item.model_dump()) for item in data.licences],
        contact=data.contact.model_dump(),
    )


@post("/secretariat/providers", name="portal:register-provider")
async def register_provider(request: Req) -> Response[Any]:
    actor = await signed_in(request, Role.SECRETARIAT)
    fields = await posted(request)
    form = await request.form()
    types = [t for t in form.getall("provider_types", []) if isinstance(t, str)][:16]
    kept = {**{k: v[:MAX_INPUT] for k, v in fields.items()}, "provider_types": types}
    try:
        data = _checked(ProviderCreate, _provider_body(fields, types))
        registered = await providers.register(_provider_input(data), actor)
    except _Refused as exc:
        return await _providers_page(request, actor, status=422, errors=exc.errors, fields=kept)
    except InvalidRequestError as exc:
        errors = {_form_field(exc.field or ""): str(exc)}
        return await _providers_page(request, actor, status=422, errors=errors, fields=kept)
    flash(
        request,
        _("Registered %(id)s: %(name)s.")
        % {"id": registered["id"], "name": registered["legal_name"]},
    )
    return see_other(f"{PROVIDERS}#{registered['id']}")


# --- accounts ----------------------------------------------------------------------------


async def _accounts_page(
    request: Req,
    actor: Actor,
    *,
    status: int = 200,
    errors: dict[str, str] | None = None,
    fields: dict[str, Any] | None = None,
    created: Any = None,
) -> Response[str]:
    listed = await accounts.list_accounts(role=None, limit=LIST_LIMIT, offset=0)
    organisations, _ = await provider_search.search(limit=LIST_LIMIT, offset=0)
    return portal_page(
        "portal_accounts.html",
        request,
        actor,
        status=status,
        accounts=listed,
        names=await provider_names(a.provider_id for a in listed),
        organisations=organisations,
        roles=[r.value for r in Role],
        errors=errors or {},
        fields=fields or {},
        created=created,
        ttl_days=get_settings().token_ttl_days,
    )


@get("/secretariat/accounts", name="portal:accounts")
async def accounts_page(request: Req) -> Response[str]:
    """Every account (name, role, organisation, state) and the form to create one."""
    actor = await signed_in(request, Role.SECRETARIAT)
    return await _accounts_page(request, actor)


@post("/secretariat/accounts", name="portal:create-account", status_code=201)
async def create_account(request: Req) -> Response[Any]:
    """Create an account with its first token, shown on the answer only."""
    actor = await signed_in(request, Role.SECRETARIAT)
    fields = await posted(request)
    kept = {k: v[:MAX_INPUT] for k, v in fields.items()}
    body: dict[str, Any] = {
        "name": fields.get("name", ""),
        "role": fields.get("role", ""),
        "email": fields.get("email", "").strip() or None,
        "provider_id": fields.get("provider_id", "").strip() or None,
    }
    try:
        data = _checked(AccountCreate, body)
        account, token, details = await accounts.create_account(
            name=data.name,
            role=data.role,
            email=str(data.email) if data.email else None,
            provider_id=data.provider_id,
            actor=actor.label,
            ttl_days=get_settings().token_ttl_days,
        )
    except _Refused as exc:
        return await _accounts_page(request, actor, status=422, errors=exc.errors, fields=kept)
    except InvalidRequestError as exc:
        errors = {_form_field(exc.field or ""): str(exc)}
        return await _accounts_page(request, actor, status=422, errors=errors, fields=kept)
    return await _accounts_page(
        request,
        actor,
        status=201,
        created={"account": account, "token": token, "details": details},
    )


HANDLERS: Final = [providers_page, register_provider, accounts_page, create_account]
