"""Database lifecycle: migrations, SQLite WAL mode, reachability, write transactions."""

from __future__ import annotations

import sqlite3
from contextlib import AbstractAsyncContextManager
from typing import Any

from piccolo.apps.migrations.commands.forwards import run_forwards
from piccolo.columns import Column
from piccolo.engine.finder import engine_finder
from piccolo.engine.postgres import PostgresEngine
from piccolo.engine.sqlite import SQLiteEngine, TransactionType

from registry.errors import RegistryError
from registry.settings import get_settings


class DatabaseError(RegistryError):
    """The database could not be prepared or reached."""


def engine() -> Any:
    found = engine_finder()
    if found is None:
        raise DatabaseError("no Piccolo engine configured (piccolo_conf.DB)")
    return found


def enable_wal() -> None:
    """Put the SQLite file in WAL mode: readers never block the writer. Persistent per file."""
    settings = get_settings()
    if settings.is_postgres:
        return
    settings.sqlite_path.parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(settings.sqlite_path) as connection:
        connection.execute("PRAGMA journal_mode=WAL")


async def migrate() -> None:
    """Apply every pending migration of every app, on SQLite and PostgreSQL alike."""
    enable_wal()
    response = await run_forwards(app_name="all", migration_id="all", fake=False)
    if not response.success:
        raise DatabaseError(f"migrations failed: {response.message}")


async def ping() -> bool:
    try:
        await engine().run_ddl("SELECT 1")
    except Exception:  # any failure at all means "unreachable" for /health
        return False
    return True


def write_transaction() -> AbstractAsyncContextManager[Any]:
    """One transaction per use case. SQLite takes the write lock up front (IMMEDIATE) so two
    concurrent writers queue instead of failing half-way with 'database is locked'."""
    db = engine()
    if isinstance(db, SQLiteEngine):
        return db.transaction(transaction_type=TransactionType.immediate)
    if isinstance(db, PostgresEngine):
        return db.transaction()
    raise DatabaseError(f"unsupported engine {type(db).__name__}")


_pool_users = 0  # apps and commands sharing the process-wide PostgreSQL pool


async def lock_row(column: Column, value: object) -> None:
    """Inside a write transaction: hold the row of `column`'s table where `column == value`
    until the transaction ends, so that use cases on one record run one after the other and
    each reads what the previous one committed. PostgreSQL: SELECT ... FOR UPDATE; SQLite
    needs nothing, its IMMEDIATE write transactions already serialise every writer."""
    table = column._meta.table
    if isinstance(table._meta.db, SQLiteEngine):
        return
    await table.select(table._meta.primary_key).where(column == value).lock_rows("UPDATE").run()


async def start_pool() -> None:
    global _pool_users
    db = engine()
    if isinstance(db, PostgresEngine):
        if _pool_users == 0:
            await db.start_connection_pool(min_size=1, max_size=20)
        _pool_users += 1


async def close_pool() -> None:
    global _pool_users
    db = engine()
    if isinstance(db, PostgresEngine) and _pool_users > 0:
        _pool_users -= 1
        if _pool_users == 0:
            await db.close_connection_pool()
