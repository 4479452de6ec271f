"""The provider's side: the complaints about its own organisation (without the
complainant's identity or words unless the complainant agreed), its responses and files by
the deadline, and the outcomes it is told of."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from piccolo.custom_types import Combinable

from registry.accounts import Actor, Role
from registry.clock import iso_utc, utc_now
from registry.complaints import cases, rules
from registry.complaints.filing import store_attachment
from registry.complaints.handling import text
from registry.complaints.records import Attachment, Message, ProviderCase, Workforce
from registry.complaints.tables import ComplaintRow, WorkforceRow
from registry.db.database import write_transaction
from registry.db.tables import ProviderRow
from registry.errors import ConflictError, ForbiddenError, InvalidRequestError, NotFoundError


def _own(actor: Actor) -> str:
    if actor.role is not Role.PROVIDER or actor.provider_id is None:
        raise ForbiddenError("this is for a provider account with a registered organisation")
    return actor.provider_id


async def _own_row(reference: str, actor: Actor) -> dict[str, Any]:
    provider_id = _own(actor)
    try:
        row = await cases.row_of(reference)
    except NotFoundError:
        row = None
    if row is None or row["provider_id"] != provider_id:
        raise NotFoundError(f"complaint {reference} does not exist")
    return row


async def provider_case(row: dict[str, Any]) -> ProviderCase:
    reference = row["reference"]
    shared = bool(row["share_identity"])
    return ProviderCase(
        reference=reference,
        state=cases.state_of(row),
        categories=cases.categories_of(row),
        country=row["country"],
        corridor=row["corridor"],
        occurred_on=cases.occurred_on(row),
        workers_affected=row["workers_affected"],
        identity_shared=shared,
        complainant=cases.contact(row) if shared else None,
        description=cases.description(row) if shared else None,
        outcome=None if row["outcome"] is None else rules.Outcome(row["outcome"]),
        outcome_reasons=cases.outcome_reasons(row),
        clocks=cases.clocks(row),
        messages=await cases.messages(reference, {rules.Party.PROVIDER}),
        attachments=await cases.attachments(reference, rules.Party.PROVIDER),
        remedies=await cases.remedies(reference),
    )


async def list_own(
    actor: Actor, *, limit: int, offset: int, state: rules.CaseState | None = None
) -> tuple[list[ProviderCase], int]:
    provider_id = _own(actor)
    where: Combinable = ComplaintRow.provider_id == provider_id
    if state is not None:
        where = where & (ComplaintRow.state == state.value)
    rows = (
        await ComplaintRow.select()
        .where(where)
        .order_by(ComplaintRow.id)
        .limit(limit)
        .offset(offset)
    )
    total = await ComplaintRow.count().where(where)
    return [await provider_case(r) for r in rows], int(total)


async def get_own(reference: str, actor: Actor) -> ProviderCase:
    return await provider_case(await _own_row(reference, actor))


def _before_deadline(row: dict[str, Any]) -> None:
    cases.require_open(row, "take a response")
    due = row["response_due"]
    if due is not None and utc_now() > due:
        raise ConflictError(
            f"the response to complaint {row['reference']} was due by {iso_utc(due)}; "
            "ask the secretariat for more time"
        )


async def respond(reference: str, body: str, actor: Actor) -> Message:
    """The provider's response or answer, to the secretariat, by the deadline."""
    body = text(body, field="body")
    async with write_transaction():
        row = await _own_row(reference, actor)
        await cases.locked(reference)
        _before_deadline(row)
        message_id = await cases.add_message(
            reference,
            author=rules.Party.PROVIDER,
            author_label=actor.label,
            addressed_to=rules.Party.SECRETARIAT,
            kind="response",
            body=body,
        )
        await cases.record(reference, "provider_responded", actor.label, message_id)
    return next(m for m in await cases.messages(reference) if m.id == message_id)


async def attach(
    reference: str,
    actor: Actor,
    chunks: AsyncIterator[bytes],
    *,
    declared_type: str | None,
    filename: str | None,
) -> Attachment:
    row = await _own_row(reference, actor)
    _before_deadline(row)
    return await store_attachment(
        reference,
        rules.Party.PROVIDER,
        chunks,
        declared_type=declared_type,
        filename=filename,
        actor=actor.label,
        case=reference,
    )


async def declare_workforce(
    provider_id: str, workers_deployed: int, period: str, actor: Actor
) -> Workforce:
    """Workers deployed, as the provider declares it (the secretariat may record it too):
    the denominator of the public complainants-per-worker figure (LAW-3)."""
    if actor.role is Role.PROVIDER and actor.provider_id != provider_id:
        raise NotFoundError(f"provider {provider_id} does not exist")
    if actor.role is Role.AUDITOR:
        raise ForbiddenError("the provider or the secretariat declares the workforce")
    if not 0 <= workers_deployed <= 10_000_000:
        raise InvalidRequestError(
            "workers_deployed must be 0 to 10000000", field="workers_deployed"
        )
    period = text(period, field="period", limit=40)
    now = utc_now()
    async with write_transaction():
        if not await ProviderRow.exists().where(ProviderRow.public_id == provider_id):
            raise NotFoundError(f"provider {provider_id} does not exist")
        values: dict[Any, Any] = {
            WorkforceRow.workers_deployed: workers_deployed,
            WorkforceRow.period: period,
            WorkforceRow.declared_by: actor.label,
            WorkforceRow.declared_at: now,
        }
        updated = (
            await WorkforceRow.update(values)
            .where(WorkforceRow.provider_id == provider_id)
            .returning(WorkforceRow.id)
        )
        if not updated:
            await WorkforceRow.insert(
                WorkforceRow(
                    provider_id=provider_id,
                    workers_deployed=workers_deployed,
                    period=period,
                    declared_by=actor.label,
                    declared_at=now,
                )
            ).run()
    return Workforce(
        provider_id=provider_id,
        workers_deployed=workers_deployed,
        period=period,
        declared_at=iso_utc(now),
    )
