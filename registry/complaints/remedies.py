"""Remedy ordered on a substantiated case (a refund to workers, a returned document, a
reinstated contract, other), tracked until the secretariat confirms it was done."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import Final

import pycountry
from msgspec import Struct

from registry.accounts import Actor, Role
from registry.clock import utc_now
from registry.complaints import cases, rules, sealing
from registry.complaints.handling import require_secretariat, text
from registry.complaints.records import Remedy
from registry.complaints.tables import RemedyRow
from registry.db.database import lock_row, write_transaction
from registry.errors import ConflictError, InvalidRequestError, NotFoundError

_AMOUNT: Final = re.compile(r"\d{1,12}(\.\d{1,2})?")


class RemedyOrder(Struct, frozen=True, kw_only=True):
    kind: rules.RemedyKind
    deadline: dt.date
    amount: str | None = None  # decimal text, e.g. "1250.00"; refunds only
    currency: str | None = None  # ISO 4217
    workers: int | None = None
    details: str | None = None


def _checked(order: RemedyOrder) -> RemedyOrder:
    if order.deadline <= utc_now().date():
        raise InvalidRequestError("the deadline must be after today", field="deadline")
    if order.kind is rules.RemedyKind.REFUND:
        if order.amount is None or not _AMOUNT.fullmatch(order.amount):
            raise InvalidRequestError("a refund needs an amount such as 1250.00", field="amount")
        try:
            positive = Decimal(order.amount) > 0
        except InvalidOperation:
            positive = False
        if not positive:
            raise InvalidRequestError("the amount must be more than 0", field="amount")
        if order.currency is None or pycountry.currencies.get(alpha_3=order.currency) is None:
            raise InvalidRequestError("a refund needs an ISO 4217 currency", field="currency")
    elif order.amount is not None or order.currency is not None:
        raise InvalidRequestError("only a refund has an amount and currency", field="amount")
    if order.workers is not None and not 1 <= order.workers <= 1_000_000:
        raise InvalidRequestError("workers must be 1 to 1000000", field="workers")
    if order.kind is rules.RemedyKind.OTHER and not order.details:
        raise InvalidRequestError("say what the remedy is", field="details")
    if order.details is not None:
        text(order.details, field="details")
    return order


async def order(reference: str, data: RemedyOrder, actor: Actor) -> Remedy:
    require_secretariat(actor)
    data = _checked(data)
    async with write_transaction():
        row = await cases.locked(reference)
        outcome = row["outcome"]
        if outcome is None or rules.Outcome(outcome) not in rules.REMEDY_OUTCOMES:
            raise ConflictError(
                f"complaint {reference} is not closed as substantiated; remedy follows a "
                "substantiated outcome"
            )
        remedy_id = cases.public_id("rem")
        details = None if data.details is None else data.details.strip()
        await RemedyRow.insert(
            RemedyRow(
                public_id=remedy_id,
                complaint=reference,
                provider_id=row["provider_id"],
                kind=data.kind.value,
                amount=data.amount,
                currency=data.currency,
                workers=data.workers,
                deadline=data.deadline,
                details_sealed=sealing.seal_optional(details, case=reference, field=remedy_id),
                state=rules.RemedyState.ORDERED.value,
                ordered_by=actor.label,
                ordered_at=utc_now(),
            )
        ).run()
        await cases.record(reference, "remedy_ordered", actor.label, remedy_id)
        return await _get(remedy_id)


async def _get(remedy_id: str) -> Remedy:
    if len(remedy_id) > 40 or "\x00" in remedy_id:
        raise NotFoundError(f"remedy {remedy_id} does not exist")
    row = await RemedyRow.select().where(RemedyRow.public_id == remedy_id).first()
    if row is None:
        raise NotFoundError(f"remedy {remedy_id} does not exist")
    return cases.remedy_view(row)


async def confirm(remedy_id: str, actor: Actor) -> Remedy:
    """ordered -> confirmed: the secretariat has seen that it was done."""
    require_secretariat(actor)
    async with write_transaction():
        await lock_row(RemedyRow.public_id, remedy_id)
        remedy = await _get(remedy_id)
        if remedy.state is not rules.RemedyState.ORDERED:
            raise ConflictError(f"remedy {remedy_id} is already confirmed")
        await (
            RemedyRow.update(
                {
                    RemedyRow.state: rules.RemedyState.CONFIRMED.value,
                    RemedyRow.confirmed_by: actor.label,
                    RemedyRow.confirmed_at: utc_now(),
                }
            )
            .where(RemedyRow.public_id == remedy_id)
            .run()
        )
        await cases.record(remedy.complaint, "remedy_confirmed", actor.label, remedy_id)
        return await _get(remedy_id)


async def list_remedies(actor: Actor, *, open_only: bool = False) -> list[Remedy]:
    """Secretariat: every remedy; provider: those ordered on its organisation."""
    query = RemedyRow.select().order_by(RemedyRow.id)
    if actor.role is Role.PROVIDER:
        query = query.where(RemedyRow.provider_id == (actor.provider_id or "-"))
    elif actor.role is not Role.SECRETARIAT:
        return []
    if open_only:
        query = query.where(RemedyRow.state == rules.RemedyState.ORDERED.value)
    return [cases.remedy_view(r) for r in await query]
