"""Writing an event to the outbox, inside the transaction of the change it reports.

The payload is what every receiver gets, so it holds public data only: what the public
certificate page, the status lists and the transparency log already show (never a
complainant's name, contact or words, never a private finding).
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
from typing import Any, Final

from registry import urls
from registry.clock import iso_utc
from registry.db.database import engine
from registry.errors import RegistryError
from registry.outbox.tables import OutboxRow

CERTIFICATE_ISSUED: Final = "certificate.issued"
CERTIFICATE_SUSPENDED: Final = "certificate.suspended"
CERTIFICATE_REINSTATED: Final = "certificate.reinstated"
CERTIFICATE_REVOKED: Final = "certificate.revoked"
CERTIFICATE_EXPIRING: Final = "certificate.expiring"
CERTIFICATE_EXPIRED: Final = "certificate.expired"
CERTIFICATE_GRADE_CHANGED: Final = "certificate.grade_changed"
CORRECTIVE_ACTION_OVERDUE: Final = "corrective_action.overdue"
COMPLAINT_SUBSTANTIATED: Final = "complaint.substantiated"
LICENCE_INVALID: Final = "licence.invalid"

# Every kind a subscription may ask for, in the order the docs list them.
KINDS: Final = (
    CERTIFICATE_ISSUED,
    CERTIFICATE_SUSPENDED,
    CERTIFICATE_REINSTATED,
    CERTIFICATE_REVOKED,
    CERTIFICATE_EXPIRING,
    CERTIFICATE_EXPIRED,
    CERTIFICATE_GRADE_CHANGED,
    CORRECTIVE_ACTION_OVERDUE,
    COMPLAINT_SUBSTANTIATED,
    LICENCE_INVALID,
)
# Days before expiry at which `certificate.expiring` is sent, each once.
EXPIRY_WARNINGS: Final = (90, 30, 7)


class OutboxUsageError(RegistryError):
    """An event written outside the change's transaction: it could be lost or be false."""


def certificate_ref(row: dict[str, Any]) -> dict[str, str]:
    """A certificate as every event names it: id, human code and public URLs."""
    return {
        "id": row["public_id"],
        "code": row["code"],
        "url": urls.credential_url(row["public_id"]),
        "page": urls.certificate_page_url(row["code"]),
    }


async def emit(
    kind: str,
    data: dict[str, Any],
    *,
    at: dt.datetime,
    log_index: int | None,
    certificate_id: str | None = None,
    provider_id: str | None = None,
    dedupe: str | None = None,
) -> bool:
    """Write one event; False when `dedupe` says it was written before. Must run inside the
    write transaction of the change it reports, so both commit or neither does."""
    if kind not in KINDS:
        raise OutboxUsageError(f"unknown event kind {kind}")
    if engine().current_transaction.get() is None:
        raise OutboxUsageError("an outbox event must be written inside the change's transaction")
    if dedupe is not None and await OutboxRow.exists().where(OutboxRow.dedupe == dedupe):
        return False  # the row lock the caller holds (the certificate's) orders the check
    public_id = "evt_" + secrets.token_hex(12)
    body = {
        "type": kind,
        "timestamp": iso_utc(at),
        "data": {**data, "log_index": log_index},
    }
    await OutboxRow.insert(
        OutboxRow(
            public_id=public_id,
            kind=kind,
            certificate_id=certificate_id,
            provider_id=provider_id,
            log_index=log_index,
            payload=json.dumps(body, separators=(",", ":"), sort_keys=True),
            dedupe=dedupe,
            occurred_at=at,
        )
    ).run()
    return True


async def certificate_event(
    kind: str,
    row: dict[str, Any],
    *,
    at: dt.datetime,
    log_index: int | None,
    dedupe: str | None = None,
    **extra: Any,
) -> bool:
    """An event about one certificate (its stored row), with its status fields."""
    data = {
        "certificate": certificate_ref(row),
        "provider": {"id": row["provider_id"]},
        "standard": row["standard"],
        **extra,
    }
    return await emit(
        kind,
        data,
        at=at,
        log_index=log_index,
        certificate_id=row["public_id"],
        provider_id=row["provider_id"],
        dedupe=dedupe,
    )
