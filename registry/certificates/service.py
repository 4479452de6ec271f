"""Certificates: looked up by id or code, listed, suspended, reinstated and revoked by the
secretariat.

They are issued with a certified decision (`registry.certificates.issuance`). The signed
credential is stored as issued and never changes; what changes is the certificate's state,
which the status lists publish.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, Final, cast

import msgspec

from audits.published import published_score
from registry import urls
from registry.certificates import status
from registry.certificates.codes import normalise_code
from registry.certificates.records import (
    CertificateDetail,
    CertificateEvent,
    CertificatePage,
    CertificateStatus,
    CertificateSummary,
    ProviderRef,
    StandardRef,
)
from registry.certificates.tables import CertificateEventRow, CertificateRow
from registry.clock import iso_utc, utc_now
from registry.db.cache import Region, read_cache
from registry.db.database import changes, lock_row, write_transaction
from registry.errors import ConflictError, InvalidRequestError, NotFoundError
from registry.outbox.events import certificate_event
from registry.transparency.checkpoints import proof_bundle
from registry.transparency.log import append_event
from registry.trust.tlog_entries import actor_role

STATUSES: Final = ("valid", "suspended", "revoked", "expired")
MAX_REASON: Final = 2000
_PUBLIC_ID: Final = re.compile(r"crt_[0-9a-zA-Z]{1,36}")


def credential_url(public_id: str) -> str:
    return urls.credential_url(public_id)


def current_status(row: dict[str, Any], now: dt.datetime | None = None) -> CertificateStatus:
    """valid | suspended | revoked | expired: what a verifier would conclude today."""
    if row["state"] != "active":
        return cast(CertificateStatus, str(row["state"]))  # suspended | revoked
    return "expired" if (now or utc_now()) >= row["valid_until"] else "valid"


def summary(row: dict[str, Any]) -> CertificateSummary:
    """The record of a stored certificate row, with its status as of now."""
    slug, _, version = row["standard"].partition("@")
    score = row["score"]
    return CertificateSummary(
        id=row["public_id"],
        code=row["code"],
        url=credential_url(row["public_id"]),
        status=current_status(row),
        status_reason=row["state_reason"],
        status_changed_at=iso_utc(row["state_changed_at"]),
        provider=ProviderRef(id=row["provider_id"], legal_name=row["legal_name"]),
        standard=StandardRef(slug=slug, version=version),
        grade=row["grade"],
        score=published_score(score),
        report_digest=row["report_digest"],
        valid_from=iso_utc(row["valid_from"]),
        valid_until=iso_utc(row["valid_until"]),
        surveillance_due=iso_utc(row["surveillance_due"]),
        surveillance_overdue=bool(row["surveillance_overdue"]),
        issued_at=iso_utc(row["issued_at"]),
        application_id=row["application_id"],
        log_index=row["log_index"],
    )


def certificate_topics(public_id: str, provider_id: str) -> tuple[str, str]:
    """What a cached read of a certificate depends on (`registry.db.cache`): itself and its
    provider, whose pages and search results show it."""
    return f"certificate:{public_id}", f"provider:{provider_id}"


async def record_event(
    certificate_id: str,
    action: str,
    actor: str,
    reason: str | None,
    at: dt.datetime | None = None,
    *,
    cause: str | None = None,
) -> None:
    await CertificateEventRow.insert(
        CertificateEventRow(
            certificate_id=certificate_id,
            action=action,
            actor=actor,
            reason=reason,
            cause=cause,
            at=at or utc_now(),
        )
    ).run()


async def certificate_row(public_id: str) -> dict[str, Any]:
    """The row of the certificate with this id (crt_...); NotFoundError when there is none."""
    if not _PUBLIC_ID.fullmatch(public_id):  # e.g. a NUL, which PostgreSQL would refuse
        raise NotFoundError(f"certificate {public_id} does not exist")
    row = await CertificateRow.select().where(CertificateRow.public_id == public_id).first()
    if row is None:
        raise NotFoundError(f"certificate {public_id} does not exist")
    return row


async def lock(public_id: str) -> None:
    """Inside a write transaction: a check-then-record on one certificate (an expiry recorded
    once) cannot interleave with another (`registry.db.database.lock_row`)."""
    await lock_row(CertificateRow.public_id, public_id)


def reference(id_or_code: str) -> tuple[str, str]:
    """("code", RM-...) or ("public_id", crt_...): the column and value that name a
    certificate referred to by its id or its human code; NotFoundError when it names none."""
    code = normalise_code(id_or_code)
    if code is not None:
        return "code", code
    if not _PUBLIC_ID.fullmatch(id_or_code):  # e.g. a NUL, which PostgreSQL would refuse
        raise NotFoundError(f"certificate {id_or_code} does not exist")
    return "public_id", id_or_code


async def find(id_or_code: str) -> dict[str, Any]:
    """The row of a certificate named by its id (crt_...) or its human code, typed loosely."""
    column, value = reference(id_or_code)
    if column == "public_id":
        return await certificate_row(value)
    row = await CertificateRow.select().where(CertificateRow.code == value).first()
    if row is None:
        raise NotFoundError(f"no certificate has the code {value}")
    return row


async def get(id_or_code: str) -> CertificateDetail:
    return (await details([await find(id_or_code)]))[0]


async def details(rows: list[dict[str, Any]]) -> list[CertificateDetail]:
    """The records of these certificate rows with their histories: one query for all."""
    if not rows:
        return []
    events = (
        await CertificateEventRow.select()
        .where(CertificateEventRow.certificate_id.is_in([row["public_id"] for row in rows]))
        .order_by(CertificateEventRow.id)
    )
    histories: dict[str, list[CertificateEvent]] = {row["public_id"]: [] for row in rows}
    for e in events:
        histories[e["certificate_id"]].append(
            CertificateEvent(action=e["action"], reason=e["reason"], at=iso_utc(e["at"]))
        )
    return [
        CertificateDetail(
            **msgspec.structs.asdict(summary(row)), history=tuple(histories[row["public_id"]])
        )
        for row in rows
    ]


_CREDENTIAL_CACHE_SIZE: Final = 4096
# Lasting (`registry.db.cache`): a credential as issued never changes.
_credentials: Region[str, bytes] = read_cache.region(
    "certificates.credentials", size=_CREDENTIAL_CACHE_SIZE, volatile=False
)


async def credential(public_id: str) -> bytes:
    """The signed credential as issued. It never changes (its status lives in the status
    lists), so a bounded in-process cache serves repeated fetches without the database."""
    cached = _credentials.get(public_id)
    if cached is not None:
        return cached
    if not _PUBLIC_ID.fullmatch(public_id):  # e.g. a NUL, which PostgreSQL would refuse
        raise NotFoundError(f"certificate {public_id} does not exist")
    body = (
        await CertificateRow.select(CertificateRow.credential)
        .where(CertificateRow.public_id == public_id)
        .first()
    )
    if body is None:
        raise NotFoundError(f"certificate {public_id} does not exist")
    return _credentials.put(public_id, str(body["credential"]).encode())


async def list_certificates(
    *, provider: str | None, status_filter: str | None, limit: int, offset: int
) -> CertificatePage:
    if status_filter is not None and status_filter not in STATUSES:
        raise InvalidRequestError(f"status must be one of {', '.join(STATUSES)}", field="status")
    # issued_at has whole seconds: the id breaks ties, so pages neither repeat nor skip.
    query = CertificateRow.select().order_by(
        CertificateRow.issued_at, CertificateRow.id, ascending=False
    )
    count = CertificateRow.count()
    if provider and "\x00" in provider:  # PostgreSQL refuses NUL in text
        raise InvalidRequestError("provider must be a provider id", field="provider")
    conditions: list[Any] = []
    if provider:
        conditions.append(CertificateRow.provider_id == provider)
    now = utc_now()
    if status_filter in ("suspended", "revoked"):
        conditions.append(CertificateRow.state == status_filter)
    elif status_filter == "valid":
        conditions.append((CertificateRow.state == "active") & (CertificateRow.valid_until > now))
    elif status_filter == "expired":
        conditions.append((CertificateRow.state == "active") & (CertificateRow.valid_until <= now))
    for condition in conditions:
        query, count = query.where(condition), count.where(condition)
    rows = await query.limit(limit).offset(offset)
    return CertificatePage(
        items=tuple(summary(r) for r in rows), total=await count, limit=limit, offset=offset
    )


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason or len(reason) > MAX_REASON:
        raise InvalidRequestError(f"reason must be 1 to {MAX_REASON} characters", field="reason")
    if "\x00" in reason:  # PostgreSQL refuses NUL in text
        raise InvalidRequestError("reason must not contain NUL characters", field="reason")
    return reason


async def change_state(
    id_or_code: str, action: str, reason: str, actor: str, *, at: dt.datetime | None = None
) -> CertificateSummary:
    """suspend (active -> suspended), reinstate (suspended -> active) or revoke (final)."""
    reason = _reason(reason)
    async with write_transaction():
        row = await find(id_or_code)
        changed = await apply_change(row, action, reason, actor, at=at)
        # Its answers and pages, its provider's (which list it), the lists and the log.
        changes(*certificate_topics(row["public_id"], row["provider_id"]), "status-lists", "log")
        return changed


_MOVES: Final = {
    "suspend": ({"active"}, "suspended", "suspended"),
    "reinstate": ({"suspended"}, "active", "reinstated"),
    "revoke": ({"active", "suspended"}, "revoked", "revoked"),
}


async def apply_change(
    row: dict[str, Any],
    action: str,
    reason: str,
    actor: str,
    *,
    at: dt.datetime | None = None,
    cause: str | None = None,
) -> CertificateSummary:
    """The change of state itself, inside the caller's transaction; lists are touched."""
    allowed, new_state, event = _MOVES[action]
    current = current_status(row)
    if row["state"] not in allowed or (action != "revoke" and current == "expired"):
        raise ConflictError(f"certificate {row['public_id']} is {current}; it cannot {action}")
    at = at or utc_now()
    # Only from the state just read: a change that raced this one (a revocation, say) and
    # committed first leaves nothing to update here, and this one is refused, not applied
    # on top of it. Under PostgreSQL's READ COMMITTED the UPDATE waits for the other
    # transaction and re-checks the condition; SQLite's IMMEDIATE transactions serialise.
    changed = await (
        CertificateRow.update(
            {
                CertificateRow.state: new_state,
                CertificateRow.state_reason: None if new_state == "active" else reason,
                CertificateRow.state_changed_at: at,
            }
        )
        .where(
            (CertificateRow.public_id == row["public_id"]) & (CertificateRow.state == row["state"])
        )
        .returning(CertificateRow.public_id)
        .run()
    )
    if not changed:
        now_status = current_status(await certificate_row(row["public_id"]))
        raise ConflictError(
            f"certificate {row['public_id']} was changed meanwhile and is {now_status}; "
            f"it cannot {action}"
        )
    for purpose in ("revocation", "suspension"):
        if {row["state"], new_state} & {status.STATE_OF[purpose]}:
            await status.touch(purpose, row[f"{purpose}_list"])
    await record_event(row["public_id"], event, actor, reason, at, cause=cause)
    index = await append_event(
        f"certificate.{event}",
        {"certificate": row["public_id"], "code": row["code"]},
        actor_role=actor_role(actor),
        at=at,
    )
    # The notification, in this same transaction: it exists if and only if the change does.
    shown = "valid" if new_state == "active" else new_state
    await certificate_event(
        f"certificate.{event}", row, at=at, log_index=index, status=shown,
        reason=None if new_state == "active" else reason,
    )  # fmt: skip
    return summary(await certificate_row(row["public_id"]))


async def of_application(application_id: str) -> CertificateSummary | None:
    row = (
        await CertificateRow.select().where(CertificateRow.application_id == application_id).first()
    )
    return None if row is None else summary(row)


async def log_proof(id_or_code: str) -> str:
    row = await find(id_or_code)
    if row["log_index"] is None:
        raise NotFoundError(f"certificate {row['public_id']} has no log entry")
    return await proof_bundle(int(row["log_index"]))
