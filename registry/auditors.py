"""Auditor accreditation.

The secretariat accredits an auditor account for provider types and countries between two
dates, may suspend an accreditation with a reason and reinstate a suspended one; each grant,
suspension and reinstatement is kept in `accreditation_events`. Conflicts of interest are
`registry.conflicts`.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
from typing import Annotated, Any

from msgspec import Meta, Struct

from registry import countries as cc
from registry.accounts import Actor, Role
from registry.clock import iso_utc as _iso
from registry.clock import utc_now as _now
from registry.db.database import write_transaction
from registry.db.tables import AccountRow, AccreditationEventRow, AccreditationRow
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
