"""Idempotent writes: an `Idempotency-Key` makes a retried request return the first answer.

The key is scoped to the calling account. Its row holds a fingerprint of the request
(SHA-256 of method, path and body) and the answer (status and body bytes), and is written in
the same transaction as the use case, so either both exist or neither does. A failed request
stores nothing, so the client may correct it and retry with the same key.
"""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from registry.assessments.errors import IdempotencyKeyReused
from registry.assessments.tables import IdempotencyRow
from registry.clock import utc_now as now
from registry.errors import InvalidRequestError

MAX_KEY = 200


@dataclass(frozen=True)
class Answer:
    status_code: int
    body: bytes
    replayed: bool = False


def fingerprint(method: str, path: str, body: bytes) -> str:
    digest = hashlib.sha256()
    for part in (method.upper().encode(), path.encode(), body):
        digest.update(len(part).to_bytes(8, "big"))  # length-prefixed: no ambiguous joins
        digest.update(part)
    return digest.hexdigest()


def check_key(key: str | None) -> str | None:
    if key is None:
        return None
    key = key.strip()
    if not key or len(key) > MAX_KEY or not key.isprintable():
        raise InvalidRequestError(
            f"Idempotency-Key must be 1 to {MAX_KEY} printable characters",
            field="Idempotency-Key",
        )
    return key


async def run_once(
    key: str | None,
    *,
    account_id: str,
    request_fingerprint: str,
    operation: Callable[[], Awaitable[Answer]],
) -> Answer:
    """Run `operation` once per (account, key). Call it inside the use case's transaction."""
    if key is None:
        return await operation()
    account_key = f"{account_id}:{key}"
    stored = await IdempotencyRow.select().where(IdempotencyRow.account_key == account_key).first()
    if stored is not None:
        if stored["fingerprint"] != request_fingerprint:
            raise IdempotencyKeyReused(
                "this Idempotency-Key was already used with another request body (or another "
                "endpoint); use a new key for a new request",
                field="Idempotency-Key",
            )
        return Answer(stored["status_code"], stored["response"].encode(), replayed=True)
    answer = await operation()
    await IdempotencyRow.insert(
        IdempotencyRow(
            account_key=account_key,
            fingerprint=request_fingerprint,
            status_code=answer.status_code,
            response=answer.body.decode(),
            created_at=now(),
        )
    ).run()
    return answer
