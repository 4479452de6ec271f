"""Provider organisations: registration, direct updates, public views.

A provider account belongs to exactly one organisation: `accounts.provider_id` holds the
organisation's public registry id (`RMP-...`). The secretariat registers an organisation and
then creates accounts bound to its id; or a provider account whose `provider_id` names no
organisation yet (a placeholder given when the account was created) registers its own, and
the account is re-bound to the new id in the same transaction. Contact details are never
part of the public view.

Who a provider is (its identity: legal and trading names, country, registration numbers,
licences) changes through `registry.identity` once it applies for certification; this
module writes the columns and enforces the rules every write shares, among them that two
providers do not share a normalised legal name in one country unless the secretariat says
why (`name_reason`). The public search is `registry.provider_search`.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any, Final

from registry import countries as cc
from registry.accounts import Actor, Role
from registry.clock import iso_utc as _iso
from registry.clock import utc_now as _now
from registry.db.database import write_transaction
from registry.db.tables import AccountRow, ProviderRow
from registry.errors import ConflictError, ForbiddenError, InvalidRequestError, NotFoundError
from standards.model import ProviderType


@dataclass(frozen=True)
class Licence:
    country: str
    number: str
    issuing_authority: str
    expires_on: dt.date


@dataclass(frozen=True)
class RegistrationNumber:
    """A number in a national company (or business) register."""

    country: str
    number: str


class LicenceCheck(StrEnum):
    """How far the registry has checked a licence. Only the secretariat (or, later, an import
    of a national register) moves a licence off `self_declared`; any change to the licence
    itself brings it back there."""

    SELF_DECLARED = "self_declared"
    CHECKED_BY_SECRETARIAT = "checked_by_secretariat"
    CHECKED_AGAINST_REGISTER = "checked_against_register"


# The fields that say who a provider is: once it applies, only the secretariat changes them.
IDENTITY_FIELDS: Final = (
    "legal_name",
    "trading_names",
    "country",
    "registration_numbers",
    "licences",
)


@dataclass
class ProviderInput:
    """The editable fields of an organisation; None in an update means "unchanged"."""

    legal_name: str | None = None
    trading_names: list[str] | None = None
    country: str | None = None
    provider_types: list[str] | None = None
    corridors: list[str] | None = None
    licences: list[Licence] | None = None
    registration_numbers: list[RegistrationNumber] | None = None
    contact: dict[str, Any] | None = field(default=None)
    # The secretariat's reason for letting this provider share its normalised legal name
    # and country with another one; refused from anyone else.
    name_reason: str | None = None

    def identity_given(self) -> bool:
        return any(getattr(self, name) is not None for name in IDENTITY_FIELDS)

    def without_identity(self) -> ProviderInput:
        return replace(self, **dict.fromkeys(IDENTITY_FIELDS), name_reason=None)


def _types(values: list[str], *, field: str) -> list[str]:
    known = {t.value for t in ProviderType}
    for i, value in enumerate(values):
        if value not in known:
            raise InvalidRequestError(
                f"{value!r} is not a provider type; use one of {', '.join(sorted(known))}",
                field=f"{field}[{i}]",
            )
    return sorted(set(values))


SELF_DECLARED: Final = {
    "state": LicenceCheck.SELF_DECLARED.value,
    "checked_at": None,
    "source": None,
}


def _licence_key(licence: dict[str, Any]) -> tuple[str, ...]:
    return tuple(str(licence[k]) for k in ("country", "number", "issuing_authority", "expires_on"))


def _licences(values: list[Licence], previous: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Checked licences; one listed before exactly as now keeps its verification, a new or
    altered one is self-declared until checked again."""
    checked = {_licence_key(old): old.get("verification", SELF_DECLARED) for old in previous}
    seen: set[tuple[str, str]] = set()
    out: list[dict[str, Any]] = []
    for i, licence in enumerate(values):
        code = cc.country(licence.country, field=f"licences[{i}].country")
        number = _identifier(licence.number, field=f"licences[{i}].number")
        if (code, number) in seen:
            raise InvalidRequestError(
                f"licence {number} of {code} is listed twice", field=f"licences[{i}]"
            )
        seen.add((code, number))
        item: dict[str, Any] = {
            "country": code,
            "number": number,
            "issuing_authority": cc.visible_name(
                licence.issuing_authority, field=f"licences[{i}].issuing_authority"
            ),
            "expires_on": licence.expires_on.isoformat(),
        }
        item["verification"] = checked.get(_licence_key(item), SELF_DECLARED)
        out.append(item)
    return out


def _identifier(value: str, *, field: str) -> str:
    """A licence or register number as printed, without spaces or invisible characters
    around it (so that an employer's search for it finds it)."""
    return cc.visible_name(value.strip(), field=field)


def _registrations(values: list[RegistrationNumber]) -> list[dict[str, str]]:
    out: dict[tuple[str, str], dict[str, str]] = {}
    for i, item in enumerate(values):
        code = cc.country(item.country, field=f"registration_numbers[{i}].country")
        number = _identifier(item.number, field=f"registration_numbers[{i}].number")
        if (code, number) in out:
            raise InvalidRequestError(
                f"registration number {number} of {code} is listed twice",
                field=f"registration_numbers[{i}]",
            )
        out[(code, number)] = {"country": code, "number": number}
    return list(out.values())


def _columns(data: ProviderInput, current: dict[str, Any]) -> dict[str, Any]:
    """Validated column values: `current` supplies what `data` leaves unchanged."""
    legal_name = (
        cc.visible_name(data.legal_name, field="legal_name")
        if data.legal_name is not None
        else current["legal_name"]
    )
    trading = (
        [cc.visible_name(n, field="trading_names") for n in data.trading_names]
        if data.trading_names is not None
        else json.loads(current["trading_names"])
    )
    country = (
        cc.country(data.country, field="country")
        if data.country is not None
        else current["country"]
    )
    types = (
        _types(data.provider_types, field="provider_types")
        if data.provider_types is not None
        else json.loads(current["provider_types"])
    )
    if not types:
        raise InvalidRequestError("name at least one provider type", field="provider_types")
    corridors = (
        cc.corridors(data.corridors, field="corridors")
        if data.corridors is not None
        else json.loads(current["corridors"])
    )
    names = [cc.normalise_name(n) for n in [legal_name, *trading]]
    row: dict[str, Any] = {
        "legal_name": legal_name,
        "trading_names": json.dumps(trading),
        "search_name": "|".join(n for n in names if n),
        "country": country,
        "provider_types": json.dumps(types),
        "corridors": json.dumps(corridors),
        "search_types": cc.search_tokens(types),
        "search_corridors": cc.search_tokens(corridors),
        "search_countries": cc.search_tokens(sorted({country} | cc.corridor_countries(corridors))),
    }
    if data.licences is not None:
        row["licences"] = json.dumps(_licences(data.licences, json.loads(current["licences"])))
    if data.registration_numbers is not None:
        row["registration_numbers"] = json.dumps(_registrations(data.registration_numbers))
    if data.contact is not None:
        row["contact"] = json.dumps(data.contact)
    return row


def licences_of(row: dict[str, Any]) -> list[dict[str, Any]]:
    return [{"verification": SELF_DECLARED, **item} for item in json.loads(row["licences"])]


def public_view(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": row["public_id"],
        "legal_name": row["legal_name"],
        "trading_names": json.loads(row["trading_names"]),
        "country": row["country"],
        "provider_types": json.loads(row["provider_types"]),
        "corridors": json.loads(row["corridors"]),
        "licences": licences_of(row),
        "registration_numbers": json.loads(row.get("registration_numbers") or "[]"),
        "name_reason": row.get("name_reason"),
        "registered_at": _iso(row["created_at"]),
        "updated_at": _iso(row["updated_at"]),
    }


def full_view(row: dict[str, Any]) -> dict[str, Any]:
    return {**public_view(row), "contact": json.loads(row["contact"])}


async def provider_row(provider_id: str) -> dict[str, Any]:
    row = await ProviderRow.select().where(ProviderRow.public_id == provider_id).first().run()
    if row is None:
        raise NotFoundError(f"provider {provider_id} does not exist")
    return row


async def _unused_id() -> str:
    while True:  # 40 random bits: a collision is rare, and checked inside the transaction
        candidate = cc.new_provider_id()
        if not await ProviderRow.exists().where(ProviderRow.public_id == candidate).run():
            return candidate


async def shares_name_with(legal_name: str, country: str, *, other_than: str = "") -> list[str]:
    """The registry ids of other providers registered in `country` under the same normalised
    legal name (the first part of `search_name`)."""
    name = cc.normalise_name(legal_name)
    rows = await (
        ProviderRow.select(ProviderRow.public_id)
        .where(
            (ProviderRow.country == country)
            & (ProviderRow.public_id != other_than)
            & ((ProviderRow.search_name == name) | ProviderRow.search_name.like(f"{name}|%"))
        )
        .order_by(ProviderRow.public_id)
        .run()
    )
    return [row["public_id"] for row in rows]


async def check_shared_name(
    columns: dict[str, Any], actor: Actor, name_reason: str | None, *, other_than: str = ""
) -> str | None:
    """The `name_reason` column for a provider about to be written with `columns`: None when
    no other provider in its country has its normalised legal name, the secretariat's reason
    when one has, and a 409 naming the other provider when nobody gave one."""
    if name_reason is not None and actor.role is not Role.SECRETARIAT:
        raise ForbiddenError("only the secretariat lets two providers share a name")
    others = await shares_name_with(
        columns["legal_name"], columns["country"], other_than=other_than
    )
    if not others:
        return None
    if name_reason and name_reason.strip():
        return name_reason.strip()
    if actor.role is Role.SECRETARIAT:
        fix = "give name_reason: why the two are different organisations"
    else:
        fix = "if yours is a different organisation, ask the secretariat to register the name"
    raise ConflictError(
        f"{', '.join(others)} is already registered in {columns['country']} under this legal "
        f"name; {fix}",
        field="legal_name",
    )


async def register(data: ProviderInput, actor: Actor) -> dict[str, Any]:
    """Register an organisation; a provider account registering is bound to it."""
    if data.legal_name is None or data.country is None or data.provider_types is None:
        raise InvalidRequestError("legal_name, country and provider_types are required")
    if data.contact is None:
        raise InvalidRequestError("contact is required", field="contact")
    empty = {
        "trading_names": "[]",
        "corridors": "[]",
        "licences": "[]",
        "contact": "{}",
        "registration_numbers": "[]",
    }
    columns = _columns(data, empty)
    columns.setdefault("licences", "[]")
    columns.setdefault("registration_numbers", "[]")
    async with write_transaction():
        if actor.role is Role.PROVIDER:
            bound = actor.provider_id or ""
            if await ProviderRow.exists().where(ProviderRow.public_id == bound).run():
                raise ConflictError(
                    f"your account already belongs to provider {bound}; update it instead"
                )
        columns["name_reason"] = await check_shared_name(columns, actor, data.name_reason)
        public_id = await _unused_id()
        now = _now()
        await ProviderRow.insert(
            ProviderRow(
                public_id=public_id,
                created_at=now,
                created_by=actor.label,
                updated_at=now,
                updated_by=actor.label,
                **columns,
            )
        ).run()
        if actor.role is Role.PROVIDER:
            await (
                AccountRow.update({AccountRow.provider_id: public_id})
                .where(AccountRow.public_id == actor.account_id)
                .run()
            )
        return full_view(await provider_row(public_id))


def check_own(provider_id: str, actor: Actor) -> None:
    """Providers act on their own organisation only. Another's private record answers 404,
    like its applications and reports: one answer for what an actor may not see."""
    if actor.role is Role.PROVIDER and actor.provider_id != provider_id:
        raise NotFoundError(f"provider {provider_id} has no record you may see")
    if actor.role not in (Role.PROVIDER, Role.SECRETARIAT):
        raise ForbiddenError("only the secretariat and the provider itself may do this")


def validated(data: ProviderInput, current: dict[str, Any]) -> dict[str, Any]:
    """The column values `data` would write over `current`, every field checked."""
    return _columns(data, current)


async def write(
    current: dict[str, Any], data: ProviderInput, actor: Actor, *, shared_name_checked: bool
) -> dict[str, Any]:
    """Write `data` over the provider row `current` inside the caller's transaction; the
    caller has decided that `actor` may (registry.identity). Returns the full view."""
    columns = _columns(data, current)
    if data.legal_name is not None or data.country is not None:
        if shared_name_checked:
            columns["name_reason"] = data.name_reason
        else:
            columns["name_reason"] = await check_shared_name(
                columns, actor, data.name_reason, other_than=current["public_id"]
            )
    columns.update(updated_at=_now(), updated_by=actor.label)
    await (
        ProviderRow.update({getattr(ProviderRow, k): v for k, v in columns.items()})
        .where(ProviderRow.id == current["id"])
        .run()
    )
    return full_view(await provider_row(current["public_id"]))


async def get_full(provider_id: str, actor: Actor) -> dict[str, Any]:
    check_own(provider_id, actor)
    return full_view(await provider_row(provider_id))


async def get_public(provider_id: str) -> dict[str, Any]:
    return public_view(await provider_row(provider_id))
