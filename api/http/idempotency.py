"""Idempotent writes: an `Idempotency-Key` makes a retried request return the first answer.

The decision is HTTP's: a request is fingerprinted (SHA-256 of method, path and body), and
a key already used by the same account with the same fingerprint is answered with the
stored status and body bytes, byte for byte, marked `Idempotent-Replayed: true`; with
another fingerprint it is refused (422). The answers are stored by
`registry.assessments.idempotency`, in the same transaction as the use case's write, which
the route opens around `once` (the use case joins it), so either both exist or neither does.
"""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable

import msgspec
from litestar import Response

from registry.assessments import idempotency
from registry.assessments.errors import IdempotencyKeyReused
from registry.errors import InvalidRequestError

MAX_KEY = 200
_JSON = "application/json"


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


def _json(body: bytes, status_code: int, *, replayed: bool = False) -> Response[bytes]:
    headers = {"Idempotent-Replayed": "true"} if replayed else None
    return Response(body, status_code=status_code, media_type=_JSON, headers=headers)


async def once(
    key: str | None,
    *,
    account_id: str,
    request_fingerprint: str,
    status_code: int,
    write: Callable[[], Awaitable[msgspec.Struct]],
) -> Response[bytes]:
    """Answer `write`'s record as JSON with `status_code`, once per (account, key): call it
    inside the use case's write transaction, after the use case's lock, so that a concurrent
    request with the same key waits, then finds the answer and replays it."""
    if key is not None:
        stored = await idempotency.stored_answer(account_id, key)
        if stored is not None:
            if stored.fingerprint != request_fingerprint:
                raise IdempotencyKeyReused(
                    "this Idempotency-Key was already used with another request body (or "
                    "another endpoint); use a new key for a new request",
                    field="Idempotency-Key",
                )
            return _json(stored.body, stored.status_code, replayed=True)
    body = msgspec.json.encode(await write())
    if key is not None:
        await idempotency.store_answer(
            account_id, key, fingerprint=request_fingerprint, status_code=status_code, body=body
        )
    return _json(body, status_code)
