"""Exit 0 when the PostgreSQL at the given URL answers, 1 otherwise (used by `make test`)."""

from __future__ import annotations

import asyncio
import sys

import asyncpg

# Empties a test database's public schema. The trigram index goes first: dropping the
# pg_trgm extension in the same cascade as an index that sets an operator-class option
# (`siglen`) fails in PostgreSQL with "operator class gist_trgm_ops has no options".
WIPE_PUBLIC_SCHEMA = (
    "DROP INDEX IF EXISTS providers_search_name_trgm",
    "DROP SCHEMA public CASCADE",
    "CREATE SCHEMA public",
)


async def _reachable(url: str) -> bool:
    try:
        connection = await asyncpg.connect(url, timeout=3)
    except (OSError, asyncpg.PostgresError, TimeoutError):
        return False
    await connection.close()
    return True


if __name__ == "__main__":
    sys.exit(0 if asyncio.run(_reachable(sys.argv[1])) else 1)
