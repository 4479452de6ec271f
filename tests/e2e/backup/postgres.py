"""A scratch PostgreSQL database for the backup tests, beside the tests' own.

The server is the one `RIGHTSMARK_TEST_DATABASE_URL` names (default: 127.0.0.1:5432 as
user postgres); the database is created on first use and its schema wiped before each use.
"""

from __future__ import annotations

import asyncio
import os
from urllib.parse import urlsplit, urlunsplit

import asyncpg

from tests.support.pg_available import WIPE_PUBLIC_SCHEMA

DEFAULT = "postgresql://postgres@127.0.0.1:5432/test"


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url.replace("postgres://", "postgresql://", 1))
    return urlunsplit(parts._replace(path=f"/{name}"))


async def _fresh(name: str) -> str:
    base = os.environ.get("RIGHTSMARK_TEST_DATABASE_URL") or DEFAULT
    admin = await asyncpg.connect(_with_database(base, "postgres"), timeout=5)
    try:
        exists = await admin.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name)
        if not exists:
            await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    url = _with_database(base, name)
    connection = await asyncpg.connect(url, timeout=5)
    try:
        await connection.execute(";\n".join(WIPE_PUBLIC_SCHEMA))
    finally:
        await connection.close()
    return url


def fresh_database(name: str) -> tuple[str | None, str]:
    """(URL of an empty database, "") or (None, why PostgreSQL is unusable)."""
    try:
        return asyncio.run(_fresh(name)), ""
    except (TimeoutError, OSError, asyncpg.PostgresError) as exc:
        base = os.environ.get("RIGHTSMARK_TEST_DATABASE_URL") or DEFAULT
        return None, f"PostgreSQL at {base} is not usable: {type(exc).__name__}: {exc}"
