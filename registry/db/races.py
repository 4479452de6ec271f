"""Races lost to a unique index: two concurrent requests both pass a check, both write, and
the database lets one commit. The loser's driver error is told apart here, on SQLite
(sqlite3) and PostgreSQL (asyncpg, recognised by name so asyncpg need not be imported), and
turned into the domain error the caller names (usually a 409 ConflictError)."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import AsyncIterator


def is_unique_violation(exc: BaseException) -> bool:
    """A UNIQUE constraint failed, on SQLite (sqlite3) or PostgreSQL (asyncpg)."""
    if isinstance(exc, sqlite3.IntegrityError):
        return "UNIQUE" in str(exc).upper()
    return type(exc).__name__ == "UniqueViolationError"


@contextlib.asynccontextmanager
async def unique_violation_raises(error: Exception) -> AsyncIterator[None]:
    """Around a write (transaction): a unique violation inside is raised as `error`, chained
    to the driver's error; any other exception passes through unchanged."""
    try:
        yield
    except Exception as exc:
        if is_unique_violation(exc):
            raise error from exc
        raise
