"""Recognising a database that is failing over, so the request gets a retryable answer.

With Patroni, the primary can die and a standby be promoted (docs/operations.md). A request
whose connection was on the old primary, or that asks for a connection while there is no
primary (`target_session_attrs=read-write` finds none), fails with one of the errors below.
Its transaction was not acknowledged: PostgreSQL rolled it back, or it committed on the old
primary and reached the synchronous standby - which is why retrying is safe only where the
use case makes a second attempt harmless (idempotency keys for filings; a decision or a
status change already made is refused with 409). The API answers 503 with `Retry-After`
(`api.http.problems`), the pages a 503 page. The pool replaces the broken connections on
their next use, so the process follows the new primary without a restart.
"""

from __future__ import annotations

import asyncio
from typing import Final

import asyncpg

# Seconds a client should wait before retrying: about one Patroni loop plus a promotion.
RETRY_AFTER_SECONDS: Final = 2

_UNAVAILABLE: Final = (
    ConnectionError,  # refused, reset: the server is gone
    asyncio.TimeoutError,  # connecting took too long
    asyncpg.PostgresConnectionError,  # class 08: the connection is gone
    asyncpg.CannotConnectNowError,  # 57P03: starting up, shutting down, in recovery
    asyncpg.exceptions.OperatorInterventionError,  # class 57: terminated by a shutdown or crash
    asyncpg.ReadOnlySQLTransactionError,  # 25006: this server was demoted to a standby
    asyncpg.exceptions.TargetServerAttributeNotMatched,  # no primary among the hosts
)


# What asyncpg raises when a pooled connection is used after its server sent an error
# nobody asked for, before the socket's end was read: a server ending the session (a
# backend exiting because its postmaster was killed sends `FATAL: terminating connection
# due to unexpected postmaster exit` to its idle clients) leaves the protocol consuming
# that error (state 2, PROTOCOL_ERROR_CONSUME) until the connection closes, and the pool,
# which only checks `is_closed()`, may hand it out in between. Its first statement then
# fails before anything is sent: "cannot switch to state 15; another operation (2) is in
# progress". The gap is short, so this shows when the machine is loaded (the drill, 1 run
# in 8, answered 500 mid-failover).
_ENDED_BY_SERVER: Final = ("cannot switch to state", "another operation (2) is in progress")


def _ended_by_server(error: BaseException) -> bool:
    message = str(error)
    return isinstance(error, asyncpg.InternalClientError) and all(
        part in message for part in _ENDED_BY_SERVER
    )


def database_unavailable(error: BaseException) -> bool:
    """Whether `error` (or what caused it) means the database is gone or changing primary:
    worth a retry, never a 500."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        if isinstance(current, _UNAVAILABLE):
            return True
        if isinstance(current, asyncpg.InterfaceError) and "closed" in str(current):
            return True  # the connection was closed under the query
        if _ended_by_server(current):
            return True  # the server ended the session before this statement (above)
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return False
