"""What every complaints use case shares: loading and locking a case, its trail, turning
rows into records, and the log entries. Internal to the package."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import secrets
from typing import Any, Final

import msgspec

from registry.clock import iso_utc, utc_now
from registry.complaints import rules, sealing
from registry.complaints.records import (
    Accused,
    Attachment,
    CaseEvent,
    Clocks,
    Contact,
    Message,
    Remedy,
    SpecialAudit,
)
from registry.complaints.tables import (
    ComplaintAttachmentRow,
    ComplaintEventRow,
    ComplaintMessageRow,
    ComplaintRow,
    RemedyRow,
    SpecialAuditRow,
)
from registry.db.database import lock_row
from registry.errors import ConflictError, NotFoundError
from registry.settings import get_settings
from registry.transparency.log import append_event
from registry.trust.tlog_entries import actor_role

COMPLAINANT: Final = "complainant"  # the actor label of the complainant in trails
_REFERENCE_ALPHABET: Final = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32
KEY_PREFIX: Final = "rmk_"
# Compared against when a reference is unknown, so that an unknown reference and a wrong
# key take the same path and the same time.
_DUMMY_HASH: Final = hashlib.sha256(b"no such complaint").hexdigest()
_CONTACT = msgspec.json.Decoder(Contact)


def new_reference() -> str:
    return "RMC-" + "".join(secrets.choice(_REFERENCE_ALPHABET) for _ in range(10))


def new_key() -> str:
    return KEY_PREFIX + secrets.token_urlsafe(24)


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def public_id(prefix: str) -> str:
    return f"{prefix}_{secrets.token_hex(8)}"


def unknown(reference: str) -> NotFoundError:
    """The one answer for an unknown reference and a wrong key alike."""
    return NotFoundError("no complaint matches this reference and access key")


async def row_by_key(reference: str, key: str | None) -> dict[str, Any]:
    """The case, when `key` is its access key: constant-time, and indistinguishable from an
    unknown reference when it is not."""
    row = None
    if len(reference) <= 16 and reference.isascii() and "\x00" not in reference:
        row = await ComplaintRow.select().where(ComplaintRow.reference == reference).first()
    stored = row["key_hash"] if row is not None else _DUMMY_HASH
    given = hash_key(key) if key and len(key) <= 100 else ""
    if not hmac.compare_digest(stored, given.ljust(64, "0")) or row is None:
        raise unknown(reference)
    return row


async def row_of(reference: str) -> dict[str, Any]:
    if len(reference) > 16 or "\x00" in reference:
        raise NotFoundError(f"complaint {reference} does not exist")
    row = await ComplaintRow.select().where(ComplaintRow.reference == reference).first()
    if row is None:
        raise NotFoundError(f"complaint {reference} does not exist")
    return row


async def locked(reference: str) -> dict[str, Any]:
    """Inside a write transaction: the case, its row held until the transaction ends."""
    await lock_row(ComplaintRow.reference, reference)
    return await row_of(reference)


def state_of(row: dict[str, Any]) -> rules.CaseState:
    return rules.CaseState(row["state"])


def require_open(row: dict[str, Any], doing: str) -> None:
    if state_of(row) not in rules.OPEN_STATES:
        raise ConflictError(f"complaint {row['reference']} is closed; it cannot {doing}")


async def record(reference: str, action: str, actor: str, note: str | None = None) -> None:
    await ComplaintEventRow.insert(
        ComplaintEventRow(complaint=reference, action=action, actor=actor, note=note, at=utc_now())
    ).run()


async def add_message(
    reference: str,
    *,
    author: rules.Party,
    author_label: str,
    addressed_to: rules.Party | None,
    kind: str,
    body: str,
) -> str:
    message_id = public_id("msg")
    await ComplaintMessageRow.insert(
        ComplaintMessageRow(
            public_id=message_id,
            complaint=reference,
            author=author.value,
            author_label=author_label,
            addressed_to=None if addressed_to is None else addressed_to.value,
            kind=kind,
            body_sealed=sealing.seal(body, case=reference, field=message_id),
            at=utc_now(),
        )
    ).run()
    return message_id


def categories_of(row: dict[str, Any]) -> tuple[rules.Category, ...]:
    return tuple(rules.Category(c) for c in json.loads(row["categories"]))


def categories_token(categories: tuple[rules.Category, ...] | list[str]) -> str:
    """The categories as one log value: sorted, joined with `+` (e.g. `documents+fees`)."""
    return "+".join(sorted(str(c) for c in categories))


async def log(kind: str, row: dict[str, Any], actor: str, **extra: str) -> int:
    """A complaint's log entry: the case reference, the provider (its registry id, or
    `unregistered` and a country), the categories; never a name or free text."""
    subject = {
        "complaint": row["reference"],
        "provider": row["provider_id"] or "unregistered",
        "categories": categories_token(categories_of(row)),
        **extra,
    }
    if row["provider_id"] is None and row["provider_country"]:
        subject["provider_country"] = row["provider_country"]
    return await append_event(
        kind,
        subject,
        digests={"description": row["description_digest"]},
        actor_role=actor_role(actor) if actor != COMPLAINANT else "system",
        at=utc_now(),
    )


def _iso_date(value: dt.date | None) -> str | None:
    return None if value is None else value.isoformat()


def clocks(row: dict[str, Any]) -> Clocks:
    received: dt.datetime = row["received_at"]
    appeal_until = None
    if row["closed_at"] is not None and row["outcome"] is not None:
        days = get_settings().appeal_window_days
        appeal_until = iso_utc(row["closed_at"] + dt.timedelta(days=days))
    return Clocks(
        received_at=iso_utc(received),
        acknowledge_due=iso_utc(rules.acknowledge_due(received)),
        acknowledged_at=iso_utc(row["acknowledged_at"]),
        resolve_due=iso_utc(rules.resolve_due(received)),
        closed_at=iso_utc(row["closed_at"]),
        response_due=iso_utc(row["response_due"]),
        appeal_until=appeal_until,
    )


def accused(row: dict[str, Any]) -> Accused:
    return Accused(
        provider_id=row["provider_id"],
        certificate_id=row["certificate_id"],
        name=row["provider_name"],
        country=row["provider_country"],
    )


def contact(row: dict[str, Any]) -> Contact | None:
    text = sealing.unseal_optional(row["contact_sealed"], case=row["reference"], field="contact")
    return None if text is None else _CONTACT.decode(text)


def description(row: dict[str, Any]) -> str | None:
    return sealing.unseal_optional(
        row["description_sealed"], case=row["reference"], field="description"
    )


def outcome_reasons(row: dict[str, Any]) -> str | None:
    return sealing.unseal_optional(
        row["outcome_reasons_sealed"], case=row["reference"], field="outcome_reasons"
    )


def occurred_on(row: dict[str, Any]) -> str | None:
    return _iso_date(row["occurred_on"])


async def messages(reference: str, parties: set[rules.Party] | None = None) -> tuple[Message, ...]:
    """The case's messages; with `parties`, those written by or addressed to one of them."""
    rows = (
        await ComplaintMessageRow.select()
        .where(ComplaintMessageRow.complaint == reference)
        .order_by(ComplaintMessageRow.id)
    )
    out = []
    for r in rows:
        author = rules.Party(r["author"])
        to = None if r["addressed_to"] is None else rules.Party(r["addressed_to"])
        if parties is not None and author not in parties and to not in parties:
            continue
        body = sealing.unseal_optional(r["body_sealed"], case=reference, field=r["public_id"])
        out.append(
            Message(
                id=r["public_id"],
                author=author,
                addressed_to=to,
                kind=r["kind"],
                body=body,
                at=iso_utc(r["at"]),
            )
        )
    return tuple(out)


def attachment_view(r: dict[str, Any]) -> Attachment:
    return Attachment(
        id=r["public_id"],
        party=rules.Party(r["party"]),
        sha256=r["sha256"],
        filename=sealing.unseal_optional(
            r["filename_sealed"], case=r["owner"], field=r["public_id"]
        ),
        content_type=r["content_type"],
        size=r["size"],
        uploaded_at=iso_utc(r["uploaded_at"]),
    )


async def attachments(owner: str, party: rules.Party | None = None) -> tuple[Attachment, ...]:
    query = ComplaintAttachmentRow.select().where(ComplaintAttachmentRow.owner == owner)
    if party is not None:
        query = query.where(ComplaintAttachmentRow.party == party.value)
    return tuple(attachment_view(r) for r in await query.order_by(ComplaintAttachmentRow.id))


def remedy_view(r: dict[str, Any], today: dt.date | None = None) -> Remedy:
    today = today or utc_now().date()
    state = rules.RemedyState(r["state"])
    return Remedy(
        id=r["public_id"],
        complaint=r["complaint"],
        kind=rules.RemedyKind(r["kind"]),
        amount=r["amount"],
        currency=r["currency"],
        workers=r["workers"],
        deadline=r["deadline"].isoformat(),
        details=sealing.unseal_optional(
            r["details_sealed"], case=r["complaint"], field=r["public_id"]
        ),
        state=state,
        ordered_at=iso_utc(r["ordered_at"]),
        confirmed_at=iso_utc(r["confirmed_at"]),
        overdue=state is rules.RemedyState.ORDERED and today > r["deadline"],
    )


async def remedies(reference: str) -> tuple[Remedy, ...]:
    rows = await RemedyRow.select().where(RemedyRow.complaint == reference).order_by(RemedyRow.id)
    return tuple(remedy_view(r) for r in rows)


def special_audit_view(r: dict[str, Any]) -> SpecialAudit:
    return SpecialAudit(
        id=r["public_id"],
        complaint=r["complaint"],
        certificate_id=r["certificate_id"],
        application_id=r["application_id"],
        auditor_id=r["auditor_id"],
        audit_date=r["audit_date"].isoformat(),
        audit_type="special",
        unannounced=bool(r["unannounced"]),
        ordered_at=iso_utc(r["ordered_at"]),
        assessment_id=r["assessment_id"],
    )


async def special_audits(reference: str) -> tuple[SpecialAudit, ...]:
    rows = (
        await SpecialAuditRow.select()
        .where(SpecialAuditRow.complaint == reference)
        .order_by(SpecialAuditRow.id)
    )
    return tuple(special_audit_view(r) for r in rows)


async def events(reference: str) -> tuple[CaseEvent, ...]:
    rows = (
        await ComplaintEventRow.select()
        .where(ComplaintEventRow.complaint == reference)
        .order_by(ComplaintEventRow.id)
    )
    return tuple(
        CaseEvent(action=r["action"], actor=r["actor"], note=r["note"], at=iso_utc(r["at"]))
        for r in rows
    )


async def deciders(reference: str) -> set[str]:
    """Every secretariat member who acted on the case: none of them may decide its appeal."""
    rows = await ComplaintEventRow.select(ComplaintEventRow.actor).where(
        ComplaintEventRow.complaint == reference
    )
    return {r["actor"] for r in rows if r["actor"].startswith("secretariat:")}
