"""The complainant's side, no account needed: file a complaint, follow it by reference and
access key, add information, answer questions, attach files (through the evidence store and
its checks). Every check runs before anything is stored: a refused request leaves nothing."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import AsyncIterator
from typing import Final

import msgspec
from msgspec import Struct

from registry.assessments import store
from registry.assessments.errors import UnsupportedEvidence
from registry.assessments.sniff import (
    UnsupportedContent,
    filename_problem,
    media_type,
    safe_filename,
)
from registry.certificates import service as certificates
from registry.certificates.codes import normalise_code
from registry.clock import iso_utc, utc_now
from registry.complaints import cases, rules, sealing
from registry.complaints.records import Attachment, ComplainantCase, Contact, Filed, Message
from registry.complaints.tables import ComplaintAttachmentRow, ComplaintRow
from registry.countries import corridor, country, is_provider_id, visible_name
from registry.db.database import write_transaction
from registry.db.races import unique_violation_raises
from registry.db.tables import ProviderRow
from registry.errors import ConflictError, InvalidRequestError, NotFoundError
from registry.settings import get_settings

MAX_DESCRIPTION: Final = 10_000
MAX_MESSAGE: Final = 5_000
MAX_WORKERS: Final = 1_000_000
MAX_ATTACHMENTS: Final = 20
_LANGUAGE = re.compile(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8}){0,3}")
_EMAIL = re.compile(r"[^@\s]{1,64}@[^@\s]{1,190}\.[A-Za-z]{2,}")
_PHONE = re.compile(r"\+?[0-9 ().-]{5,40}")


class NamedProvider(Struct, frozen=True, kw_only=True):
    """A provider the registry may not know: its name and country of operation."""

    name: str
    country: str


class NewComplaint(Struct, frozen=True, kw_only=True):
    provider: str | NamedProvider  # a registry id (RMP-...), a certificate code, or a name
    categories: tuple[str, ...]
    description: str
    country: str  # where it happened
    workers_affected: int
    occurred_on: dt.date | None = None
    corridor: str | None = None
    contact: Contact | None = None
    share_identity_with_provider: bool = False


def _text(value: str, *, field: str, limit: int) -> str:
    value = value.strip()
    if not value or len(value) > limit:
        raise InvalidRequestError(f"{field} must be 1 to {limit} characters", field=field)
    if "\x00" in value:
        raise InvalidRequestError(f"{field} must not contain NUL characters", field=field)
    return value


def _categories(values: tuple[str, ...]) -> list[str]:
    if not values or len(values) > len(rules.Category):
        raise InvalidRequestError("name 1 or more categories", field="categories")
    known = {c.value for c in rules.Category}
    for i, value in enumerate(values):
        if value not in known:
            raise InvalidRequestError(
                f"{value!r} is not a category; one of {', '.join(sorted(known))}",
                field=f"categories[{i}]",
            )
    return sorted(set(values))


def _contact(value: Contact | None) -> Contact | None:
    if value is None:
        return None
    checks = (
        ("name", value.name, None, 200),
        ("phone", value.phone, _PHONE, 40),
        ("email", value.email, _EMAIL, 254),
        ("language", value.language, _LANGUAGE, 35),
    )
    for name, text, pattern, limit in checks:
        if text is None:
            continue
        field = f"contact.{name}"
        text = _text(text, field=field, limit=limit)
        if pattern is not None and not pattern.fullmatch(text):
            raise InvalidRequestError(f"{field} is not a valid {name}", field=field)
    if all(v is None for v in msgspec.structs.astuple(value)):
        return None
    return value


async def _provider(
    value: str | NamedProvider,
) -> tuple[str | None, str | None, str | None, str | None]:
    """(provider id, certificate id, name, country) of the provider complained about."""
    if isinstance(value, NamedProvider):
        name = visible_name(
            _text(value.name, field="provider.name", limit=300), field="provider.name"
        )
        return None, None, name, country(value.country, field="provider.country")
    text = value.strip()
    if is_provider_id(text.upper()):
        found = await ProviderRow.exists().where(ProviderRow.public_id == text.upper())
        if not found:
            raise InvalidRequestError(f"provider {text} is not registered", field="provider")
        return text.upper(), None, None, None
    if normalise_code(text) is not None:
        try:
            row = await certificates.find(text)
        except NotFoundError:
            raise InvalidRequestError(
                f"no certificate has the code {text}", field="provider"
            ) from None
        return row["provider_id"], row["public_id"], None, None
    raise InvalidRequestError(
        "provider must be a registry id (RMP-...), a certificate code (RM-XXXX-XXXX), or "
        "an object with the name and country of a provider not registered",
        field="provider",
    )


async def file(data: NewComplaint, *, now: dt.datetime | None = None) -> Filed:
    """Record a complaint and its log entry; the access key is returned once, only its hash
    is kept."""
    now = now or utc_now()
    categories = _categories(data.categories)
    description = _text(data.description, field="description", limit=MAX_DESCRIPTION)
    where = country(data.country, field="country")
    route = None if data.corridor is None else corridor(data.corridor, field="corridor")
    if not 1 <= data.workers_affected <= MAX_WORKERS:
        raise InvalidRequestError(
            f"workers_affected must be 1 to {MAX_WORKERS}", field="workers_affected"
        )
    if data.occurred_on is not None and data.occurred_on > now.date():
        raise InvalidRequestError("occurred_on is in the future", field="occurred_on")
    contact = _contact(data.contact)
    provider_id, certificate_id, name, provider_country = await _provider(data.provider)
    key = cases.new_key()
    contact_json = None if contact is None else msgspec.json.encode(contact).decode()
    async with unique_violation_raises(ConflictError("try again")), write_transaction():
        reference = cases.new_reference()
        sealed = sealing.seal(description, case=reference, field="description")
        digest = "sha256:" + hashlib.sha256(sealed.encode()).hexdigest()
        row = ComplaintRow(
            reference=reference,
            key_hash=cases.hash_key(key),
            provider_id=provider_id,
            certificate_id=certificate_id,
            provider_name=name,
            provider_country=provider_country,
            categories=json.dumps(categories),
            description_sealed=sealed,
            description_digest=digest,
            occurred_on=data.occurred_on,
            country=where,
            corridor=route,
            workers_affected=data.workers_affected,
            contact_sealed=sealing.seal_optional(contact_json, case=reference, field="contact"),
            share_identity=data.share_identity_with_provider,
            state=rules.CaseState.RECEIVED.value,
            received_at=now,
        )
        await ComplaintRow.insert(row).run()
        await cases.record(reference, "received", cases.COMPLAINANT)
        saved = await cases.row_of(reference)
        await cases.log("complaint.received", saved, cases.COMPLAINANT)
    return Filed(
        reference=reference,
        access_key=key,
        received_at=iso_utc(now),
        acknowledge_due=iso_utc(rules.acknowledge_due(now)),
        resolve_due=iso_utc(rules.resolve_due(now)),
    )


async def complainant_case(reference: str, key: str | None) -> ComplainantCase:
    row = await cases.row_by_key(reference, key)
    parties = {rules.Party.COMPLAINANT}
    return ComplainantCase(
        reference=row["reference"],
        state=cases.state_of(row),
        categories=cases.categories_of(row),
        outcome=None if row["outcome"] is None else rules.Outcome(row["outcome"]),
        outcome_reasons=cases.outcome_reasons(row),
        clocks=cases.clocks(row),
        messages=await cases.messages(reference, parties),
        attachments=await cases.attachments(reference, rules.Party.COMPLAINANT),
        remedies=await cases.remedies(reference),
    )


async def complainant_message(reference: str, key: str | None, body: str) -> Message:
    """More information, or an answer to a question: to the secretariat, never the provider."""
    text = _text(body, field="body", limit=MAX_MESSAGE)
    async with write_transaction():
        row = await cases.row_by_key(reference, key)
        cases.require_open(row, "take new information")
        message_id = await cases.add_message(
            reference,
            author=rules.Party.COMPLAINANT,
            author_label=cases.COMPLAINANT,
            addressed_to=rules.Party.SECRETARIAT,
            kind="message",
            body=text,
        )
        await cases.record(reference, "complainant_wrote", cases.COMPLAINANT, message_id)
    found = await cases.messages(reference)
    return next(m for m in found if m.id == message_id)


async def store_attachment(
    owner: str,
    party: rules.Party,
    chunks: AsyncIterator[bytes],
    *,
    declared_type: str | None,
    filename: str | None,
    actor: str,
    case: str | None,
) -> Attachment:
    """A file for a case or an appeal, checked as the evidence store checks files (type
    sniffed against the declared one, size limit); its bytes and its name are sealed, the
    sealed bytes stored in the evidence store by their digest."""
    problem = filename_problem(filename)
    if problem is not None:
        raise InvalidRequestError(f"the file name: {problem}", field="filename")
    try:
        content_type = media_type(declared_type)
    except UnsupportedContent as exc:
        raise UnsupportedEvidence(str(exc)) from exc
    count = await ComplaintAttachmentRow.count().where(ComplaintAttachmentRow.owner == owner)
    if count >= MAX_ATTACHMENTS:
        raise ConflictError(f"{owner} already has {MAX_ATTACHMENTS} files")
    content, digest = await store.read_checked(
        chunks, content_type=content_type, limit=get_settings().evidence_max_bytes
    )
    attachment_id = cases.public_id("att")
    # Sealed before it touches the disk: a photo of a contract names the worker.
    blob = await store.write_bytes(sealing.seal_bytes(content, case=owner, field=attachment_id))
    async with write_transaction():
        await ComplaintAttachmentRow.insert(
            ComplaintAttachmentRow(
                public_id=attachment_id,
                owner=owner,
                party=party.value,
                sha256=digest,
                stored_sha256=blob.sha256,
                filename_sealed=sealing.seal(
                    safe_filename(filename, content_type), case=owner, field=attachment_id
                ),
                content_type=content_type,
                size=len(content),
                uploaded_at=utc_now(),
            )
        ).run()
        if case is not None:
            await cases.record(case, f"{party.value}_attached", actor, attachment_id)
    row = (
        await ComplaintAttachmentRow.select()
        .where(ComplaintAttachmentRow.public_id == attachment_id)
        .first()
    )
    assert row is not None
    return cases.attachment_view(row)


async def complainant_attachment(
    reference: str,
    key: str | None,
    chunks: AsyncIterator[bytes],
    *,
    declared_type: str | None,
    filename: str | None,
) -> Attachment:
    row = await cases.row_by_key(reference, key)
    cases.require_open(row, "take new files")
    return await store_attachment(
        reference,
        rules.Party.COMPLAINANT,
        chunks,
        declared_type=declared_type,
        filename=filename,
        actor=cases.COMPLAINANT,
        case=reference,
    )


__all__ = [
    "NamedProvider",
    "NewComplaint",
    "complainant_attachment",
    "complainant_case",
    "complainant_message",
    "file",
]
