"""The secretariat's case handling: the queue, acknowledge, assign a handler, ask questions,
request the provider's response, suspend at once on an alleged core indicator with
evidence, close with an outcome. Every action is recorded in the case's trail with who
took it: an appeal against the outcome is decided by somebody not in that trail."""

from __future__ import annotations

import datetime as dt
from typing import Any, Final

from registry.accounts import Actor, Role
from registry.certificates import service as certificates
from registry.certificates.tables import CertificateRow
from registry.clock import utc_now
from registry.complaints import cases, rules, sealing
from registry.complaints.records import Case, CaseSummary, Message
from registry.complaints.tables import ComplaintAttachmentRow, ComplaintRow
from registry.db.database import write_transaction
from registry.db.tables import AccountRow
from registry.errors import ConflictError, ForbiddenError, InvalidRequestError
from registry.outbox.events import COMPLAINT_SUBSTANTIATED, emit
from registry.standards.service import get_ruleset

MAX_TEXT: Final = 5_000


def require_secretariat(actor: Actor) -> None:
    if actor.role is not Role.SECRETARIAT:
        raise ForbiddenError("complaint handling is for the secretariat")


def text(value: str, *, field: str, limit: int = MAX_TEXT) -> str:
    value = (value or "").strip()
    if not value or len(value) > limit:
        raise InvalidRequestError(f"{field} must be 1 to {limit} characters", field=field)
    if "\x00" in value:
        raise InvalidRequestError(f"{field} must not contain NUL characters", field=field)
    return value


async def case_record(row: dict[str, Any]) -> Case:
    reference = row["reference"]
    return Case(
        reference=reference,
        state=cases.state_of(row),
        accused=cases.accused(row),
        categories=cases.categories_of(row),
        description=cases.description(row),
        occurred_on=cases.occurred_on(row),
        country=row["country"],
        corridor=row["corridor"],
        workers_affected=row["workers_affected"],
        contact=cases.contact(row),
        share_identity_with_provider=bool(row["share_identity"]),
        outcome=None if row["outcome"] is None else rules.Outcome(row["outcome"]),
        outcome_reasons=cases.outcome_reasons(row),
        handler_id=row["handler_id"],
        clocks=cases.clocks(row),
        messages=await cases.messages(reference),
        attachments=await cases.attachments(reference),
        remedies=await cases.remedies(reference),
        special_audits=await cases.special_audits(reference),
        events=await cases.events(reference),
        erased=row["erased_at"] is not None,
    )


def summary(row: dict[str, Any], now: dt.datetime) -> CaseSummary:
    received = row["received_at"]
    is_open = cases.state_of(row) in rules.OPEN_STATES
    return CaseSummary(
        reference=row["reference"],
        state=cases.state_of(row),
        accused=cases.accused(row),
        categories=cases.categories_of(row),
        outcome=None if row["outcome"] is None else rules.Outcome(row["outcome"]),
        handler_id=row["handler_id"],
        contact=cases.contact(row),
        clocks=cases.clocks(row),
        acknowledge_overdue=row["acknowledged_at"] is None
        and is_open
        and now > rules.acknowledge_due(received),
        resolve_overdue=is_open and now > rules.resolve_due(received),
    )


async def queue(
    actor: Actor,
    *,
    state: rules.CaseState | None = None,
    provider_id: str | None = None,
    limit: int,
    offset: int,
) -> tuple[list[CaseSummary], int]:
    """The cases, oldest first (the queue order), with the total matching."""
    require_secretariat(actor)
    query = ComplaintRow.select().order_by(ComplaintRow.id)
    count = ComplaintRow.count()
    if state is not None:
        query, count = (
            query.where(ComplaintRow.state == state.value),
            count.where(ComplaintRow.state == state.value),
        )
    if provider_id is not None:
        query = query.where(ComplaintRow.provider_id == provider_id)
        count = count.where(ComplaintRow.provider_id == provider_id)
    now = utc_now()
    rows = await query.limit(limit).offset(offset)
    return [summary(r, now) for r in rows], int(await count)


async def get_case(reference: str, actor: Actor) -> Case:
    require_secretariat(actor)
    return await case_record(await cases.row_of(reference))


async def _move(row: dict[str, Any], to: rules.CaseState, changes: dict[Any, Any]) -> None:
    current = cases.state_of(row)
    if current != to and not rules.may_move(current, to):
        raise ConflictError(f"complaint {row['reference']} is {current}; it cannot become {to}")
    await (
        ComplaintRow.update({ComplaintRow.state: to.value, **changes})
        .where(ComplaintRow.reference == row["reference"])
        .run()
    )


async def to_investigating(row: dict[str, Any]) -> None:
    """Any investigative step moves an acknowledged case on; a new one must be acknowledged
    first, so that the REM-2 clock is never skipped."""
    state = cases.state_of(row)
    if state is rules.CaseState.RECEIVED:
        raise ConflictError(f"complaint {row['reference']} must be acknowledged first")
    cases.require_open(row, "be investigated")
    if state is rules.CaseState.ACKNOWLEDGED:
        await _move(row, rules.CaseState.INVESTIGATING, {})


async def acknowledge(reference: str, actor: Actor, note: str | None = None) -> Case:
    """received -> acknowledged; the REM-2 clock ran from receipt. `note` goes to the
    complainant."""
    require_secretariat(actor)
    body = None if note is None else text(note, field="note")
    async with write_transaction():
        row = await cases.locked(reference)
        if cases.state_of(row) is not rules.CaseState.RECEIVED:
            raise ConflictError(f"complaint {reference} is {row['state']}, not received")
        await _move(row, rules.CaseState.ACKNOWLEDGED, {ComplaintRow.acknowledged_at: utc_now()})
        if body is not None:
            await cases.add_message(
                reference,
                author=rules.Party.SECRETARIAT,
                author_label=actor.label,
                addressed_to=rules.Party.COMPLAINANT,
                kind="message",
                body=body,
            )
        await cases.record(reference, "acknowledged", actor.label)
        await cases.log("complaint.acknowledged", row, actor.label)
        return await case_record(await cases.row_of(reference))


async def assign_handler(reference: str, handler_id: str, actor: Actor) -> Case:
    require_secretariat(actor)
    async with write_transaction():
        row = await cases.locked(reference)
        account = await AccountRow.select().where(AccountRow.public_id == handler_id).first()
        if (
            account is None
            or account["role"] != Role.SECRETARIAT.value
            or account["revoked_at"] is not None
        ):
            raise InvalidRequestError(
                f"{handler_id} is not an active secretariat account", field="handler_id"
            )
        await to_investigating(row)
        await (
            ComplaintRow.update({ComplaintRow.handler_id: handler_id})
            .where(ComplaintRow.reference == reference)
            .run()
        )
        await cases.record(reference, "handler_assigned", actor.label, handler_id)
        return await case_record(await cases.row_of(reference))


async def ask(
    reference: str,
    party: rules.Party,
    body: str,
    actor: Actor,
    *,
    response_due: dt.date | None = None,
) -> Message:
    """A question to the complainant or the provider. To the provider with `response_due`:
    its response is requested by that date."""
    require_secretariat(actor)
    body = text(body, field="body")
    if party is rules.Party.SECRETARIAT:
        raise InvalidRequestError("ask the complainant or the provider", field="to")
    if response_due is not None:
        if party is not rules.Party.PROVIDER:
            raise InvalidRequestError("only the provider is given a deadline", field="response_due")
        if response_due <= utc_now().date():
            raise InvalidRequestError("the deadline must be after today", field="response_due")
    async with write_transaction():
        row = await cases.locked(reference)
        if party is rules.Party.PROVIDER and row["provider_id"] is None:
            raise ConflictError(f"complaint {reference} names no registered provider to ask")
        await to_investigating(row)
        kind = "question"
        if response_due is not None:
            due = dt.datetime.combine(response_due, dt.time(23, 59, 59), tzinfo=dt.UTC)
            await (
                ComplaintRow.update({ComplaintRow.response_due: due})
                .where(ComplaintRow.reference == reference)
                .run()
            )
            kind = "response_request"
        message_id = await cases.add_message(
            reference,
            author=rules.Party.SECRETARIAT,
            author_label=actor.label,
            addressed_to=party,
            kind=kind,
            body=body,
        )
        await cases.record(reference, f"asked_{party.value}", actor.label, message_id)
    return next(m for m in await cases.messages(reference) if m.id == message_id)


async def certificate_of(row: dict[str, Any], certificate: str | None) -> dict[str, Any]:
    """The certificate a step on the case acts on: the one named, the one the complaint
    names, or the provider's only active one."""
    if certificate is not None:
        found = await certificates.find(certificate)
        if found["provider_id"] != row["provider_id"]:
            raise InvalidRequestError(
                f"certificate {certificate} is not the provider's", field="certificate"
            )
        return found
    if row["certificate_id"] is not None:
        return await certificates.certificate_row(row["certificate_id"])
    active = await CertificateRow.select().where(
        (CertificateRow.provider_id == row["provider_id"]) & (CertificateRow.state == "active")
    )
    if len(active) != 1:
        raise InvalidRequestError(
            f"the provider has {len(active)} active certificates; name the one to suspend",
            field="certificate",
        )
    return dict(active[0])


async def suspend(
    reference: str, indicator: str, actor: Actor, *, certificate: str | None = None
) -> Case:
    """Suspend the provider's certificate at once: the complaint alleges a core indicator
    of its standard, in one of its categories, and came with evidence (a file). The
    certificate's public reason names the case and the indicator, never its content."""
    require_secretariat(actor)
    async with write_transaction():
        row = await cases.locked(reference)
        cases.require_open(row, "suspend a certificate")
        if row["provider_id"] is None:
            raise ConflictError(f"complaint {reference} names no registered provider")
        cert = await certificate_of(row, certificate)
        await certificates.lock(cert["public_id"])
        cert = await certificates.certificate_row(cert["public_id"])
        slug, _, version = cert["standard"].partition("@")
        ruleset = await get_ruleset(slug, version)
        core = {i.id for _, i in ruleset.indicators() if i.core}
        if indicator not in core:
            raise InvalidRequestError(
                f"{indicator} is not a core indicator of {cert['standard']}", field="indicator"
            )
        if not rules.alleges(cases.categories_of(row), indicator):
            raise InvalidRequestError(
                f"the complaint's categories do not allege {indicator}", field="indicator"
            )
        files = await ComplaintAttachmentRow.count().where(
            ComplaintAttachmentRow.owner == reference
        )
        if not files:
            raise ConflictError(
                f"complaint {reference} has no evidence attached; suspension at once needs it"
            )
        reason = (
            f"complaint {reference} alleges {indicator}, a core indicator, with evidence; "
            "suspended while it is investigated"
        )
        await certificates.apply_change(cert, "suspend", reason, actor.label, cause=reference)
        await cases.record(
            reference, "certificate_suspended", actor.label, f"{cert['public_id']} {indicator}"
        )
        if cases.state_of(row) is rules.CaseState.ACKNOWLEDGED:
            await _move(row, rules.CaseState.INVESTIGATING, {})
        return await case_record(await cases.row_of(reference))


async def close(reference: str, outcome: rules.Outcome, reasons: str, actor: Actor) -> Case:
    """Close with an outcome and reasons, which the complainant and the provider are told."""
    require_secretariat(actor)
    reasons = text(reasons, field="reasons")
    async with write_transaction():
        row = await cases.locked(reference)
        cases.require_open(row, "be closed again")
        now = utc_now()
        await _move(
            row,
            rules.CaseState.CLOSED,
            {
                ComplaintRow.outcome: outcome.value,
                ComplaintRow.outcome_reasons_sealed: sealing.seal(
                    reasons, case=reference, field="outcome_reasons"
                ),
                ComplaintRow.closed_at: now,
                ComplaintRow.closed_by: actor.label,
            },
        )
        for party in (rules.Party.COMPLAINANT, rules.Party.PROVIDER):
            if party is rules.Party.PROVIDER and row["provider_id"] is None:
                continue
            await cases.add_message(
                reference,
                author=rules.Party.SECRETARIAT,
                author_label=actor.label,
                addressed_to=party,
                kind="outcome",
                body=f"Outcome: {outcome.value.replace('_', ' ')}. {reasons}",
            )
        await cases.record(reference, "closed", actor.label, outcome.value)
        index = await cases.log("complaint.closed", row, actor.label, outcome=outcome.value)
        await _notify_substantiated(row, outcome, index, now)
        return await case_record(await cases.row_of(reference))


async def _notify_substantiated(
    row: dict[str, Any], outcome: rules.Outcome, log_index: int, at: dt.datetime
) -> None:
    """A registered provider's complaint closed as (partly) substantiated: notified with what
    the log shows of it (reference, provider, categories, outcome), never the complainant,
    the description or the reasons."""
    substantiated = {rules.Outcome.SUBSTANTIATED, rules.Outcome.PARTLY_SUBSTANTIATED}
    if outcome not in substantiated or row["provider_id"] is None:
        return
    data = {
        "complaint": {
            "reference": row["reference"],
            "categories": sorted(str(c) for c in cases.categories_of(row)),
            "outcome": outcome.value,
        },
        "provider": {"id": row["provider_id"]},
    }
    await emit(
        COMPLAINT_SUBSTANTIATED, data, at=at, log_index=log_index, provider_id=row["provider_id"]
    )
