"""Auditor accreditation and declared conflicts of interest.

The secretariat accredits an auditor account for provider types and countries between two
dates, may suspend an accreditation with a reason and reinstate a suspended one; each grant,
suspension and reinstatement is kept in `accreditation_events`. Auditors declare conflicts
with providers and providers with auditors; assignment (`registry.assignment`) refuses an
auditor with any conflict in force. A conflict is withdrawn (by the secretariat or by whoever
declared it), never deleted: the row keeps who withdrew it, when and why.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
from typing import Annotated, Any, Literal

from msgspec import Meta, Struct

from registry import countries as cc
from registry import providers, urls
from registry.accounts import Actor, Role, bound_provider
from registry.clock import iso_utc as _iso
from registry.clock import utc_now as _now
from registry.db.database import write_transaction
from registry.db.tables import AccountRow, AccreditationEventRow, AccreditationRow, ConflictRow
from registry.errors import ConflictError, ForbiddenError, InvalidRequestError, NotFoundError
from registry.transparency.log import append_event
from standards.model import ProviderType


class AccreditationEvent(Struct, frozen=True, kw_only=True):
    action: Annotated[str, Meta(description="granted | suspended | reinstated")]
    actor: str
    reason: str | None
    at: str


class Accreditation(Struct, frozen=True, kw_only=True):
    """An auditor's accreditation with its history, oldest first (`AccreditationOut`)."""

    id: str  # acr_...
    auditor_id: str
    provider_types: list[str]
    countries: list[str]  # alpha-2
    valid_from: str  # a date
    valid_until: str
    state: str  # active | suspended
    created_at: str
    history: tuple[AccreditationEvent, ...]


class Conflict(Struct, frozen=True, kw_only=True):
    """A declared conflict of interest; a withdrawn one keeps who, when and why (`ConflictOut`)."""

    id: str  # coi_...
    auditor_id: str
    provider_id: str
    declared_by_role: str  # auditor | provider
    declared_by: str
    reason: str
    created_at: str
    state: Annotated[
        Literal["active", "withdrawn"],
        Meta(description="active: bars assignment; withdrawn: kept in history only"),
    ]
    withdrawn_at: str | None = None
    withdrawn_by: str | None = None
    withdrawal_reason: str | None = None


async def auditor_account(account_id: str, *, field: str = "auditor_id") -> dict[str, Any]:
    """The active auditor account, or InvalidRequestError naming `field`."""
    row = await AccountRow.select().where(AccountRow.public_id == account_id).first().run()
    if row is None:
        raise NotFoundError(f"account {account_id} does not exist")
    if row["role"] != Role.AUDITOR.value:
        raise InvalidRequestError(
            f"account {account_id} is a {row['role']} account, not an auditor", field=field
        )
    if row["revoked_at"] is not None:
        raise InvalidRequestError(f"auditor account {account_id} is revoked", field=field)
    return row


def accreditation_view(row: dict[str, Any], history: list[dict[str, Any]]) -> Accreditation:
    return Accreditation(
        id=row["public_id"],
        auditor_id=row["auditor_id"],
        provider_types=json.loads(row["provider_types"]),
        countries=json.loads(row["countries"]),
        valid_from=row["valid_from"].isoformat(),
        valid_until=row["valid_until"].isoformat(),
        state=row["state"],
        created_at=_iso(row["created_at"]),
        history=tuple(
            AccreditationEvent(
                action=e["action"], actor=e["actor"], reason=e["reason"], at=_iso(e["at"])
            )
            for e in history
        ),
    )


async def _history(pk: int) -> list[dict[str, Any]]:
    return (
        await AccreditationEventRow.select()
        .where(AccreditationEventRow.accreditation == pk)
        .order_by(AccreditationEventRow.id)
        .run()
    )


async def _log(row: dict[str, Any], action: str, actor: Actor) -> None:
    """The transparency-log entry of an accreditation change (ids and role only: the reason
    stays in the registry's own history)."""
    await append_event(
        f"accreditation.{action}",
        {"accreditation": row["public_id"], "auditor": row["auditor_id"]},
        actor_role=actor.role.value,
        at=_now(),
    )


async def _event(pk: int, action: str, actor: str, reason: str | None) -> None:
    await AccreditationEventRow.insert(
        AccreditationEventRow(
            accreditation=pk, action=action, actor=actor, reason=reason, at=_now()
        )
    ).run()


async def accredit(
    auditor_id: str,
    *,
    provider_types: list[str],
    countries: list[str],
    valid_from: dt.date,
    valid_until: dt.date,
    actor: Actor,
) -> Accreditation:
    known = {t.value for t in ProviderType}
    for i, value in enumerate(provider_types):
        if value not in known:
            raise InvalidRequestError(
                f"{value!r} is not a provider type", field=f"provider_types[{i}]"
            )
    if not provider_types:
        raise InvalidRequestError("name at least one provider type", field="provider_types")
    codes = cc.countries(countries, field="countries")
    if not codes:
        raise InvalidRequestError("name at least one country", field="countries")
    if valid_until < valid_from:
        raise InvalidRequestError("valid_until is before valid_from", field="valid_until")
    async with write_transaction():
        await auditor_account(auditor_id, field="account_id")
        public_id = f"acr_{secrets.token_hex(8)}"
        await AccreditationRow.insert(
            AccreditationRow(
                public_id=public_id,
                auditor_id=auditor_id,
                provider_types=json.dumps(sorted(set(provider_types))),
                countries=json.dumps(codes),
                valid_from=valid_from,
                valid_until=valid_until,
                state="active",
                created_at=_now(),
                created_by=actor.label,
            )
        ).run()
        row = await _accreditation_row(auditor_id, public_id)
        await _event(row["id"], "granted", actor.label, None)
        await _log(row, "granted", actor)
        return accreditation_view(row, await _history(row["id"]))


async def _accreditation_row(auditor_id: str, accreditation_id: str) -> dict[str, Any]:
    row = (
        await AccreditationRow.select()
        .where(
            (AccreditationRow.public_id == accreditation_id)
            & (AccreditationRow.auditor_id == auditor_id)
        )
        .first()
        .run()
    )
    if row is None:
        raise NotFoundError(f"auditor {auditor_id} has no accreditation {accreditation_id}")
    return row


async def suspend(
    auditor_id: str, accreditation_id: str, *, reason: str, actor: Actor
) -> Accreditation:
    async with write_transaction():
        row = await _accreditation_row(auditor_id, accreditation_id)
        if row["state"] == "suspended":
            raise ConflictError(f"accreditation {accreditation_id} is already suspended")
        await (
            AccreditationRow.update({AccreditationRow.state: "suspended"})
            .where(AccreditationRow.id == row["id"])
            .run()
        )
        await _event(row["id"], "suspended", actor.label, reason)
        await _log(row, "suspended", actor)
        row["state"] = "suspended"
        return accreditation_view(row, await _history(row["id"]))


async def reinstate(
    auditor_id: str, accreditation_id: str, *, reason: str, actor: Actor
) -> Accreditation:
    """Suspended -> active again, with a reason; anything else is a conflict (409)."""
    async with write_transaction():
        row = await _accreditation_row(auditor_id, accreditation_id)
        if row["state"] != "suspended":
            raise ConflictError(
                f"accreditation {accreditation_id} is {row['state']}, not suspended; "
                "only a suspended accreditation is reinstated"
            )
        await (
            AccreditationRow.update({AccreditationRow.state: "active"})
            .where(AccreditationRow.id == row["id"])
            .run()
        )
        await _event(row["id"], "reinstated", actor.label, reason)
        await _log(row, "reinstated", actor)
        row["state"] = "active"
        return accreditation_view(row, await _history(row["id"]))


async def accreditations(auditor_id: str, actor: Actor) -> list[Accreditation]:
    """The secretariat reads any auditor's accreditations; an auditor its own."""
    if actor.role is not Role.SECRETARIAT and actor.account_id != auditor_id:
        raise ForbiddenError("auditors read only their own accreditations")
    rows = (
        await AccreditationRow.select()
        .where(AccreditationRow.auditor_id == auditor_id)
        .order_by(AccreditationRow.id)
        .run()
    )
    return [accreditation_view(row, await _history(row["id"])) for row in rows]


def conflict_view(row: dict[str, Any]) -> Conflict:
    return Conflict(
        id=row["public_id"],
        auditor_id=row["auditor_id"],
        provider_id=row["provider_id"],
        declared_by_role=row["declared_by_role"],
        declared_by=row["declared_by"],
        reason=row["reason"],
        created_at=_iso(row["created_at"]),
        state="active" if row["withdrawn_at"] is None else "withdrawn",
        withdrawn_at=_iso(row["withdrawn_at"]),
        withdrawn_by=row["withdrawn_by"],
        withdrawal_reason=row["withdrawal_reason"],
    )


async def declare_conflict(
    actor: Actor, *, provider_id: str | None, auditor_id: str | None, reason: str
) -> Conflict:
    """An auditor names a provider, or a provider names an auditor, it has a conflict with."""
    if actor.role is Role.AUDITOR:
        if not provider_id:
            raise InvalidRequestError("name the provider", field="provider_id")
        auditor_id = actor.account_id
    elif actor.role is Role.PROVIDER:
        if bound_provider(actor.provider_id) is None:
            raise ConflictError(
                "your account belongs to no registered organisation yet; register it first "
                f"(POST {urls.providers_path()})"
            )
        if not auditor_id:
            raise InvalidRequestError("name the auditor", field="auditor_id")
        provider_id = actor.provider_id
    else:
        raise ForbiddenError("conflicts of interest are declared by auditors and providers")
    async with write_transaction():
        try:
            await providers.provider_row(provider_id or "")
        except NotFoundError:
            raise InvalidRequestError(
                f"provider {provider_id} does not exist", field="provider_id"
            ) from None
        try:
            await auditor_account(auditor_id or "")
        except NotFoundError:
            raise InvalidRequestError(
                f"auditor {auditor_id} does not exist", field="auditor_id"
            ) from None
        public_id = f"coi_{secrets.token_hex(8)}"
        await ConflictRow.insert(
            ConflictRow(
                public_id=public_id,
                auditor_id=auditor_id,
                provider_id=provider_id,
                declared_by_role=actor.role.value,
                declared_by=actor.label,
                reason=reason,
                created_at=_now(),
            )
        ).run()
        row = await ConflictRow.select().where(ConflictRow.public_id == public_id).first().run()
        assert row is not None  # inserted just now, in this transaction
        return conflict_view(row)


def _may_withdraw(row: dict[str, Any], actor: Actor) -> bool:
    """The secretariat, or the side that declared it: the same auditor, or any account of
    the same provider."""
    if actor.role is Role.SECRETARIAT:
        return True
    if actor.role is Role.AUDITOR:
        return bool(row["declared_by_role"] == "auditor" and row["auditor_id"] == actor.account_id)
    if actor.role is Role.PROVIDER:
        return bool(
            row["declared_by_role"] == "provider" and row["provider_id"] == actor.provider_id
        )
    return False


async def withdraw_conflict(conflict_id: str, *, reason: str, actor: Actor) -> Conflict:
    """Withdraw a declared conflict: kept in history, it no longer bars assignment.

    A party to the conflict that did not declare it gets 403; anyone else 404, as conflicts
    are not public. Withdrawing twice is 409."""
    async with write_transaction():
        row = await ConflictRow.select().where(ConflictRow.public_id == conflict_id).first().run()
        party = row is not None and (
            actor.role is Role.SECRETARIAT
            or row["auditor_id"] == actor.account_id
            or row["provider_id"] == actor.provider_id
        )
        if row is None or not party:
            raise NotFoundError(f"conflict of interest {conflict_id} does not exist")
        if not _may_withdraw(row, actor):
            raise ForbiddenError(
                f"conflict {conflict_id} was declared by the {row['declared_by_role']}; only "
                "the secretariat or the side that declared it may withdraw it"
            )
        if row["withdrawn_at"] is not None:
            raise ConflictError(
                f"conflict {conflict_id} was already withdrawn at {_iso(row['withdrawn_at'])}"
            )
        await (
            ConflictRow.update(
                {
                    ConflictRow.withdrawn_at: _now(),
                    ConflictRow.withdrawn_by: actor.label,
                    ConflictRow.withdrawal_reason: reason,
                }
            )
            .where(ConflictRow.id == row["id"])
            .run()
        )
        saved = await ConflictRow.select().where(ConflictRow.id == row["id"]).first().run()
        assert saved is not None  # updated just now, in this transaction
        return conflict_view(saved)


async def conflicts(
    *, provider_id: str | None = None, auditor_id: str | None = None
) -> list[Conflict]:
    """Every declared conflict, withdrawn ones included (state "withdrawn")."""
    query = ConflictRow.select().order_by(ConflictRow.id)
    if provider_id:
        query = query.where(ConflictRow.provider_id == provider_id)
    if auditor_id:
        query = query.where(ConflictRow.auditor_id == auditor_id)
    return [conflict_view(row) for row in await query.run()]
