"""Storage of idempotent answers: what the HTTP API answered to a request sent with an
`Idempotency-Key`, so that a retry is answered the same (`api.http.idempotency` decides
when to replay).

A key is scoped to the calling account. Its row holds a fingerprint of the request and the
answer (status and body bytes), and is written in the same transaction as the use case it
answers, so either both exist or neither does. A failed request stores nothing, so the
client may correct it and retry with the same key.
"""

from __future__ import annotations

from dataclasses import dataclass

from registry.assessments.tables import IdempotencyRow
from registry.clock import utc_now as now


@dataclass(frozen=True)
class StoredAnswer:
    """The first answer to a key: the request's fingerprint, then what was answered."""

    fingerprint: str
    status_code: int
    body: bytes


def _account_key(account_id: str, key: str) -> str:
    return f"{account_id}:{key}"


async def stored_answer(account_id: str, key: str) -> StoredAnswer | None:
    """The answer stored for this account's key, if any. Inside the write transaction."""
    row = (
        await IdempotencyRow.select()
        .where(IdempotencyRow.account_key == _account_key(account_id, key))
        .first()
    )
    if row is None:
        return None
    return StoredAnswer(row["fingerprint"], row["status_code"], row["response"].encode())


async def store_answer(
    account_id: str, key: str, *, fingerprint: str, status_code: int, body: bytes
) -> None:
    """Record the answer to this account's key, in the transaction of the write it answers
    (a concurrent first use of the same key then loses the race to the unique key)."""
    await IdempotencyRow.insert(
        IdempotencyRow(
            account_key=_account_key(account_id, key),
            fingerprint=fingerprint,
            status_code=status_code,
            response=body.decode(),
            created_at=now(),
        )
    ).run()
