"""Who a provider is, and how that changes: identity change requests and the name history.

A provider's identity is its legal and trading names, its country of registration, its
registration numbers and its licences (`providers.IDENTITY_FIELDS`). Before it applies for
certification a provider edits them freely (the shared-name rule aside). Once it has applied
(any application not withdrawn), a change it asks for is a request the secretariat approves or
refuses: a certificate, a search result and a complaint all name the provider, and a certified
provider that could rename itself at will could borrow a competitor's name under its green
banner. The secretariat's own changes apply at once, with a reason. Every approved change is
in the transparency log (ids and a digest of the new identity, never the names themselves)
and an approved change of legal name is public: "formerly ...".

Other fields (provider types, corridors, contact) change at once; existing applications keep
the scope they had.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import secrets
from enum import StrEnum
from typing import Any

import msgspec
from msgspec import Struct

from registry import countries as cc
from registry import providers
from registry.accounts import Actor, Role
from registry.clock import iso_utc, utc_now
from registry.db.database import write_transaction
from registry.db.names import provider_names
from registry.db.tables import ApplicationRow, IdentityChangeRow, ProviderRow
from registry.errors import ConflictError, ForbiddenError, InvalidRequestError, NotFoundError
from registry.providers import IDENTITY_FIELDS, LicenceCheck, ProviderInput
from registry.transparency.log import append_event
from registry.trust.tlog_entries import actor_role


class ChangeState(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REFUSED = "refused"
    WITHDRAWN = "withdrawn"


class Identity(Struct, frozen=True, kw_only=True):
    legal_name: str
    trading_names: list[str]
    country: str
    registration_numbers: list[dict[str, str]]
    licences: list[dict[str, Any]]


class IdentityChange(Struct, frozen=True, kw_only=True):
    """A request to change who a provider is, and what became of it (`IdentityChangeOut`)."""

    id: str  # idc_...
    provider_id: str
    provider_name: str  # the current legal name, for queues
    state: ChangeState
    changed: list[str]  # the identity fields that differ between before and after
    before: Identity
    after: Identity
    explanation: str
    requested_by_role: str
    requested_at: str
    decided_at: str | None
    decision_reason: str | None
    name_reason: str | None
    # Other providers registered in the requested country under the requested legal name,
    # now: a pending request needs the secretariat's reason to be approved if any.
    shares_name_with: list[str]
    log_index: int | None


class FormerName(Struct, frozen=True, kw_only=True):
    legal_name: str
    country: str
    until: str  # when the approved change took effect
    change_id: str


class UpdateOutcome(Struct, frozen=True, kw_only=True):
    provider: dict[str, Any]  # the full view, as it is now
    change: IdentityChange | None  # the request made, or the change recorded, if any


def _identity(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "legal_name": row["legal_name"],
        "trading_names": json.loads(row["trading_names"]),
        "country": row["country"],
        "registration_numbers": json.loads(row["registration_numbers"] or "[]"),
        "licences": providers.licences_of(row),
    }


def _comparable(identity: dict[str, Any]) -> dict[str, Any]:
    """What a change is about: a licence's verification is not part of what was asked."""
    licences = [
        {k: v for k, v in item.items() if k != "verification"} for item in identity["licences"]
    ]
    return {**identity, "licences": licences}


def _changed(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    old, new = _comparable(before), _comparable(after)
    return [name for name in IDENTITY_FIELDS if old[name] != new[name]]


def _digest(identity: dict[str, Any]) -> str:
    text = json.dumps(
        _comparable(identity), sort_keys=True, ensure_ascii=False, separators=(",", ":")
    )
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


async def has_applied(provider_id: str) -> bool:
    """Applying or certified: an application that is not withdrawn (a certified one never
    is)."""
    return bool(
        await ApplicationRow.exists()
        .where((ApplicationRow.provider_id == provider_id) & (ApplicationRow.state != "withdrawn"))
        .run()
    )


async def _pending_of(provider_id: str) -> dict[str, Any] | None:
    row: dict[str, Any] | None = await (
        IdentityChangeRow.select()
        .where(
            (IdentityChangeRow.provider_id == provider_id)
            & (IdentityChangeRow.state == ChangeState.PENDING.value)
        )
        .first()
        .run()
    )
    return row


async def _view(row: dict[str, Any], provider_name: str | None = None) -> IdentityChange:
    before, after = json.loads(row["before"]), json.loads(row["after"])
    if provider_name is None:
        provider_name = (await providers.provider_row(row["provider_id"]))["legal_name"]
    shares: list[str] = []
    if row["state"] == ChangeState.PENDING.value:
        shares = await providers.shares_name_with(
            after["legal_name"], after["country"], other_than=row["provider_id"]
        )
    return IdentityChange(
        id=row["public_id"],
        provider_id=row["provider_id"],
        provider_name=provider_name,
        state=ChangeState(row["state"]),
        changed=_changed(before, after),
        before=Identity(**before),
        after=Identity(**after),
        explanation=row["explanation"],
        requested_by_role=actor_role(row["requested_by"]),
        requested_at=iso_utc(row["requested_at"]),
        decided_at=iso_utc(row["decided_at"]) if row["decided_at"] else None,
        decision_reason=row["decision_reason"],
        name_reason=row["name_reason"],
        shares_name_with=shares,
        log_index=row["log_index"],
    )


async def _change_row(change_id: str) -> dict[str, Any]:
    row: dict[str, Any] | None = (
        await IdentityChangeRow.select()
        .where(IdentityChangeRow.public_id == change_id)
        .first()
        .run()
    )
    if row is None:
        raise NotFoundError(f"identity change {change_id} does not exist")
    return row


def _text(value: str | None, *, field: str, what: str) -> str:
    if value is None or not value.strip():
        raise InvalidRequestError(f"say {what}", field=field)
    return value.strip()


async def _log(
    row_id: str, provider_id: str, after: dict[str, Any], changed: list[str], actor: Actor
) -> int:
    return await append_event(
        "provider.identity_changed",
        {"provider": provider_id, "change": row_id, "fields": "+".join(changed)},
        digests={"identity": _digest(after)},
        actor_role=actor_role(actor.label),
        at=utc_now(),
    )


def _identity_input(after: dict[str, Any], name_reason: str | None) -> ProviderInput:
    return ProviderInput(
        legal_name=after["legal_name"],
        trading_names=after["trading_names"],
        country=after["country"],
        registration_numbers=[
            providers.RegistrationNumber(**r) for r in after["registration_numbers"]
        ],
        licences=[
            providers.Licence(
                country=item["country"],
                number=item["number"],
                issuing_authority=item["issuing_authority"],
                expires_on=dt.date.fromisoformat(item["expires_on"]),
            )
            for item in after["licences"]
        ],
        name_reason=name_reason,
    )


async def update(
    provider_id: str, data: ProviderInput, actor: Actor, *, explanation: str | None = None
) -> UpdateOutcome:
    """Change a provider. Fields other than identity change at once. Identity changes of a
    provider that has applied are, from the provider, a pending request (`explanation`
    required, one pending at a time) and, from the secretariat, a recorded and logged change
    (`explanation` required as the reason)."""
    providers.check_own(provider_id, actor)
    async with write_transaction():
        current = await providers.provider_row(provider_id)
        before = _identity(current)
        # Every field is checked first, so a request never stores what could not be applied.
        after = _identity({**current, **providers.validated(data, current)})
        changed = _changed(before, after)
        if not changed or not await has_applied(provider_id):
            view = await providers.write(current, data, actor, shared_name_checked=False)
            return UpdateOutcome(provider=view, change=None)
        reason = _text(explanation, field="explanation", what="why the identity changes")
        rest = data.without_identity()
        if actor.role is Role.PROVIDER:
            if data.name_reason is not None:
                raise ForbiddenError("only the secretariat lets two providers share a name")
            if (pending := await _pending_of(provider_id)) is not None:
                raise ConflictError(
                    f"identity change {pending['public_id']} is waiting for the secretariat; "
                    "withdraw it first to ask for another",
                    field="legal_name" if "legal_name" in changed else changed[0],
                )
            row = await _insert(current, before, after, reason, actor, ChangeState.PENDING)
            view = await providers.write(current, rest, actor, shared_name_checked=True)
            return UpdateOutcome(provider=view, change=await _view(row, view["legal_name"]))
        # The secretariat: the change applies now, recorded like an approved request.
        row = await _insert(current, before, after, reason, actor, ChangeState.APPROVED)
        row = await _apply(row, current, actor, data.name_reason, reason)
        view = await providers.write(
            await providers.provider_row(provider_id), rest, actor, shared_name_checked=True
        )
        return UpdateOutcome(provider=view, change=await _view(row, view["legal_name"]))


async def _insert(
    current: dict[str, Any],
    before: dict[str, Any],
    after: dict[str, Any],
    explanation: str,
    actor: Actor,
    state: ChangeState,
) -> dict[str, Any]:
    public_id = f"idc_{secrets.token_hex(8)}"
    await IdentityChangeRow.insert(
        IdentityChangeRow(
            public_id=public_id,
            provider_id=current["public_id"],
            before=json.dumps(before),
            after=json.dumps(after),
            explanation=explanation,
            state=state.value,
            requested_by=actor.label,
            requested_at=utc_now(),
        )
    ).run()
    return await _change_row(public_id)


async def _apply(
    row: dict[str, Any],
    current: dict[str, Any],
    actor: Actor,
    name_reason: str | None,
    reason: str | None,
) -> dict[str, Any]:
    """Write an approved change over the provider, check the shared-name rule, log it."""
    after = json.loads(row["after"])
    wanted = _identity_input(after, name_reason)
    columns = providers.validated(wanted, current)
    kept_reason = await providers.check_shared_name(
        columns, actor, name_reason, other_than=current["public_id"]
    )
    wanted.name_reason = kept_reason
    await providers.write(current, wanted, actor, shared_name_checked=True)
    applied = _identity(await providers.provider_row(current["public_id"]))
    changed = _changed(json.loads(row["before"]), applied)
    index = await _log(row["public_id"], current["public_id"], applied, changed, actor)
    await (
        IdentityChangeRow.update(
            {
                IdentityChangeRow.state: ChangeState.APPROVED.value,
                IdentityChangeRow.after: json.dumps(applied),
                IdentityChangeRow.decided_by: actor.label,
                IdentityChangeRow.decided_at: utc_now(),
                IdentityChangeRow.decision_reason: reason,
                IdentityChangeRow.name_reason: kept_reason,
                IdentityChangeRow.log_index: index,
            }
        )
        .where(IdentityChangeRow.id == row["id"])
        .run()
    )
    return await _change_row(row["public_id"])


def _secretariat(actor: Actor) -> None:
    if actor.role is not Role.SECRETARIAT:
        raise ForbiddenError("only the secretariat decides identity changes")


async def _pending(change_id: str) -> dict[str, Any]:
    row = await _change_row(change_id)
    if row["state"] != ChangeState.PENDING.value:
        raise ConflictError(f"identity change {change_id} is {row['state']}, not pending")
    return row


async def approve(
    change_id: str, actor: Actor, *, reason: str | None, name_reason: str | None = None
) -> IdentityChange:
    """Apply a pending request. Refused (409) when the provider's identity changed since it
    was asked for, or when the new name is another provider's and no `name_reason` is given."""
    _secretariat(actor)
    async with write_transaction():
        row = await _pending(change_id)
        current = await providers.provider_row(row["provider_id"])
        if _comparable(_identity(current)) != _comparable(json.loads(row["before"])):
            raise ConflictError(
                f"the identity of {row['provider_id']} changed after {change_id} was asked for; "
                "refuse it and let the provider ask again"
            )
        decided = await _apply(row, current, actor, name_reason, reason)
        return await _view(decided)


async def refuse(change_id: str, actor: Actor, *, reason: str | None) -> IdentityChange:
    _secretariat(actor)
    why = _text(reason, field="reason", what="why the change is refused, for the provider")
    return await _close(change_id, actor, ChangeState.REFUSED, why)


async def withdraw(change_id: str, actor: Actor) -> IdentityChange:
    """The provider that asked (or the secretariat) takes a pending request back."""
    row = await _change_row(change_id)
    _may_see(row, actor)
    return await _close(change_id, actor, ChangeState.WITHDRAWN, None)


async def _close(
    change_id: str, actor: Actor, state: ChangeState, reason: str | None
) -> IdentityChange:
    async with write_transaction():
        row = await _pending(change_id)
        await (
            IdentityChangeRow.update(
                {
                    IdentityChangeRow.state: state.value,
                    IdentityChangeRow.decided_by: actor.label,
                    IdentityChangeRow.decided_at: utc_now(),
                    IdentityChangeRow.decision_reason: reason,
                }
            )
            .where(IdentityChangeRow.id == row["id"])
            .run()
        )
        return await _view(await _change_row(change_id))


def _may_see(row: dict[str, Any], actor: Actor) -> None:
    if actor.role is Role.SECRETARIAT:
        return
    if actor.role is Role.PROVIDER and actor.provider_id == row["provider_id"]:
        return
    raise NotFoundError(f"identity change {row['public_id']} does not exist")


async def get(change_id: str, actor: Actor) -> IdentityChange:
    row = await _change_row(change_id)
    _may_see(row, actor)
    return await _view(row)


async def changes(
    actor: Actor,
    *,
    state: ChangeState | None = None,
    provider_id: str | None = None,
    limit: int = 100,
) -> list[IdentityChange]:
    """The secretariat's queue (oldest pending first) or a provider's own requests (newest
    first)."""
    query = IdentityChangeRow.select()
    if actor.role is Role.PROVIDER:
        provider_id = actor.provider_id or ""
    elif actor.role is not Role.SECRETARIAT:
        raise ForbiddenError("identity changes are seen by the secretariat and the provider")
    if provider_id:
        query = query.where(IdentityChangeRow.provider_id == provider_id)
    if state is not None:
        query = query.where(IdentityChangeRow.state == state.value)
    oldest_first = state is ChangeState.PENDING
    rows = (
        await query.order_by(IdentityChangeRow.requested_at, ascending=oldest_first)
        .limit(limit)
        .run()
    )
    names = await provider_names(row["provider_id"] for row in rows)
    return [await _view(row, names.get(row["provider_id"], "")) for row in rows]


async def former_names(provider_id: str) -> list[FormerName]:
    """The legal names an approved change replaced, newest first: public."""
    rows = await (
        IdentityChangeRow.select(
            IdentityChangeRow.public_id,
            IdentityChangeRow.before,
            IdentityChangeRow.after,
            IdentityChangeRow.decided_at,
        )
        .where(
            (IdentityChangeRow.provider_id == provider_id)
            & (IdentityChangeRow.state == ChangeState.APPROVED.value)
        )
        .order_by(IdentityChangeRow.decided_at, ascending=False)
        .run()
    )
    found: list[FormerName] = []
    for row in rows:
        before, after = json.loads(row["before"]), json.loads(row["after"])
        if before["legal_name"] != after["legal_name"]:
            found.append(
                FormerName(
                    legal_name=before["legal_name"],
                    country=before["country"],
                    until=iso_utc(row["decided_at"]),
                    change_id=row["public_id"],
                )
            )
    return found


async def check_licence(
    provider_id: str,
    actor: Actor,
    *,
    country: str,
    number: str,
    state: LicenceCheck,
    source: str | None,
) -> dict[str, Any]:
    """The secretariat records how it checked one of a provider's licences (logged)."""
    _secretariat(actor)
    code = cc.country(country, field="country")
    async with write_transaction():
        current = await providers.provider_row(provider_id)
        licences = providers.licences_of(current)
        matching = [
            item for item in licences if (item["country"], item["number"]) == (code, number.strip())
        ]
        if not matching:
            raise InvalidRequestError(
                f"{provider_id} lists no licence {number.strip()} of {code}", field="number"
            )
        if state is not LicenceCheck.SELF_DECLARED and not (source and source.strip()):
            raise InvalidRequestError("say what the licence was checked against", field="source")
        now = utc_now()
        matching[0]["verification"] = {
            "state": state.value,
            "checked_at": iso_utc(now) if state is not LicenceCheck.SELF_DECLARED else None,
            "source": source.strip() if source and source.strip() else None,
        }
        await (
            ProviderRow.update(
                {
                    ProviderRow.licences: json.dumps(licences),
                    ProviderRow.updated_at: now,
                    ProviderRow.updated_by: actor.label,
                }
            )
            .where(ProviderRow.id == current["id"])
            .run()
        )
        await append_event(
            "provider.licence_checked",
            {"provider": provider_id, "licence_country": code, "state": state.value},
            digests={"licence": hashlib.sha256(number.strip().encode("utf-8")).hexdigest()},
            actor_role=actor_role(actor.label),
            at=now,
        )
        return providers.full_view(await providers.provider_row(provider_id))


async def public_record(provider_id: str) -> dict[str, Any]:
    """The public view of a provider with the legal names it had before (`former_names`)."""
    view = await providers.get_public(provider_id)
    view["former_names"] = [msgspec.structs.asdict(n) for n in await former_names(provider_id)]
    return view
