"""Which requests may read on a standby, and which errors mean a failover (issue 20)."""

from __future__ import annotations

from typing import cast

import asyncpg
import pytest
from litestar.types import Scope

from api.http.middleware.replica import public_read
from registry.db.failover import database_unavailable


def scope(method: str, path: str, *headers: bytes) -> Scope:
    found = {"method": method, "path": path, "headers": [(h, b"x") for h in headers]}
    return cast(Scope, found)


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/api/v1/providers",
        "/certificates/RM-1",
        "/api/v1/status/revocation/1",
        "/credentials/crt_1",
        "/log/entries",
        "/api/v1/certificates/crt_1",
    ],
)
def test_public_reads_may_go_to_a_standby(path: str) -> None:
    assert public_read(scope("GET", path))


@pytest.mark.parametrize(
    ("method", "path", "headers"),
    [
        ("POST", "/api/v1/verify", ()),
        ("GET", "/verify", ()),
        ("GET", "/portal", ()),
        ("GET", "/api/v1/certificates/crt_1", (b"authorization",)),
        ("GET", "/certificates/RM-1", (b"cookie",)),
        ("POST", "/api/v1/certificates/crt_1/suspend", ()),
    ],
)
def test_verification_credentials_and_writes_stay_on_the_primary(
    method: str, path: str, headers: tuple[bytes, ...]
) -> None:
    assert not public_read(scope(method, path, *headers))


def test_failover_errors_are_retryable_and_others_are_not() -> None:
    assert database_unavailable(ConnectionRefusedError())
    assert database_unavailable(asyncpg.exceptions.ConnectionDoesNotExistError("gone"))
    assert database_unavailable(asyncpg.exceptions.ReadOnlySQLTransactionError("standby"))
    assert database_unavailable(asyncpg.InterfaceError("connection is closed"))
    wrapped = RuntimeError("outer")
    wrapped.__cause__ = asyncpg.exceptions.AdminShutdownError("terminating")
    assert database_unavailable(wrapped)
    # A pooled connection whose server had ended the session (tests/integration/db/
    # test_session_ended.py shows asyncpg raising exactly this).
    ended = "cannot switch to state 15; another operation (2) is in progress"
    assert database_unavailable(asyncpg.InternalClientError(ended))
    assert not database_unavailable(asyncpg.InternalClientError("unknown error in protocol"))
    assert not database_unavailable(ValueError("a bug"))
    assert not database_unavailable(asyncpg.InterfaceError("another operation is in progress"))
    assert not database_unavailable(asyncpg.exceptions.UniqueViolationError("dup"))
