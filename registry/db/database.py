"""Database lifecycle: migrations, SQLite WAL mode, reachability, write transactions."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from contextvars import ContextVar
from typing import Any

from piccolo.apps.migrations.commands.forwards import run_forwards
from piccolo.columns import Column
from piccolo.engine.finder import engine_finder
from piccolo.engine.postgres import PostgresEngine
from piccolo.engine.sqlite import SQLiteEngine, TransactionType

from registry.db.cache import read_cache
from registry.db.pooled import (
    READ_POOL_SIZE,
    WRITE_POOL_SIZE,
    PooledPostgresEngine,
    PooledSQLiteEngine,
)
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


# Every committed write transaction moves the data version on, whatever it changed: this
# process's read caches are cleared after the commit, and other processes' caches see the
# new number within their window (`registry.db.cache`). One rule for every change, so that
# nothing cached can depend on a write that forgot to announce itself.
_MOVE_DATA_VERSION = "UPDATE data_version SET version = version + 1 WHERE id = 1"


async def data_version() -> int:
    """The number every committed write transaction moves on (one row, by primary key)."""
    rows = await engine().run_ddl("SELECT version FROM data_version WHERE id = 1")
    return int(rows[0]["version"]) if rows else 0


def in_write_transaction() -> bool:
    return _after_commit.get() is not None


read_cache.watch(data_version, in_write_transaction)

# What to run once the outermost write transaction has committed (`after_commit`).
_after_commit: ContextVar[list[Callable[[], None]] | None] = ContextVar(
    "after_commit", default=None
)


def after_commit(callback: Callable[[], None]) -> None:
    """Run `callback` once the current write transaction has committed (never if it rolls
    back). The read caches need no such call: every commit clears them."""
    pending = _after_commit.get()
    if pending is None:
        raise DatabaseError("after_commit outside a write transaction")
    pending.append(callback)


@asynccontextmanager
async def write_transaction() -> AsyncIterator[Any]:
    """One transaction per use case; a nested one is part of the outer one. The callbacks
    given to `after_commit` run when the outermost one has committed."""
    if _after_commit.get() is not None:
        async with _begin() as transaction:
            yield transaction
        return
    pending: list[Callable[[], None]] = []
    token = _after_commit.set(pending)
    try:
        async with _begin() as transaction:
            yield transaction
            # Last, so that on PostgreSQL the row is held only for the commit itself.
            await engine().run_ddl(_MOVE_DATA_VERSION)
    finally:
        _after_commit.reset(token)
    read_cache.invalidate()
    for callback in pending:
        callback()


def _begin() -> AbstractAsyncContextManager[Any]:
    """SQLite takes the write lock up front (IMMEDIATE) so two concurrent writers queue
    instead of failing half-way with 'database is locked'."""
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
    """Open the process's connections. PostgreSQL: the write pool (Piccolo's asyncpg pool:
    transactions and writes) and the read pool (reads outside a transaction), sized apart
    (registry.db.pooled); without them, one connection per query. SQLite: nothing yet, the
    connections open on first use, on the loop that uses them."""
    global _pool_users
    db = engine()
    if isinstance(db, PostgresEngine) and _pool_users == 0:
        await db.start_connection_pool(min_size=1, max_size=WRITE_POOL_SIZE)
        if isinstance(db, PooledPostgresEngine):
            try:
                await db.start_read_pool(min_size=1, max_size=READ_POOL_SIZE)
            except BaseException:
                await db.close_connection_pool()
                raise
    _pool_users += 1


async def close_pool() -> None:
    """PostgreSQL: close the pool once the last caller of `start_pool` is done. SQLite: close
    the running loop's connections now (safe whoever else uses them: they reopen on use)."""
    global _pool_users
    db = engine()
    if isinstance(db, PooledSQLiteEngine):
        await db.close()
    if _pool_users == 0:
        return
    _pool_users -= 1
    if _pool_users == 0 and isinstance(db, PostgresEngine):
        if isinstance(db, PooledPostgresEngine):
            await db.close_read_pool()
        await db.close_connection_pool()
