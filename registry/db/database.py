"""Database lifecycle: migrations, SQLite WAL mode, reachability, write transactions."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from piccolo.apps.migrations.commands.forwards import run_forwards
from piccolo.columns import Column
from piccolo.engine.finder import engine_finder
from piccolo.engine.postgres import PostgresEngine
from piccolo.engine.sqlite import SQLiteEngine, TransactionType

from registry.db import replica
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
    private_file(settings.sqlite_path)
    with sqlite3.connect(settings.sqlite_path) as connection:
        connection.execute("PRAGMA journal_mode=WAL")


def private_file(path: Path) -> None:
    """The database file readable by its owner alone (0600; SQLite gives its -wal and -shm
    files the same mode), in a directory only the owner may enter (0700): it holds token
    hashes, sealed personal data and every record."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
    os.chmod(path, 0o600)


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


# Every committed write transaction moves the data version on and records, under the new
# number, the topics it touched ("*": anything may have changed): this process's read caches
# drop what depended on them after the commit, other processes' caches within their window
# (`registry.db.cache`). A transaction touches everything unless each of its blocks said what
# it touched (`changes`), so nothing cached can depend on a write that forgot to announce
# itself. The version row also orders the records: on PostgreSQL a second writer waits for
# the first one's commit to get the next number, so they commit in the order of their numbers.
_MOVE_DATA_VERSION = "UPDATE data_version SET version = version + 1 WHERE id = 1 RETURNING version"
_RECORD_CHANGE = "INSERT INTO data_changes (version, topics) VALUES ({}, {})"
_CHANGES_SINCE = "SELECT version, topics FROM data_changes WHERE version > {} ORDER BY version"
_FORGET_CHANGES = "DELETE FROM data_changes WHERE version <= {}"
_ANYTHING = "*"
# How many changes other processes can catch up with, topic by topic; one further behind
# invalidates everything. Older records are deleted every `_KEEP_CHANGES`-th version.
_KEEP_CHANGES = 1000


async def data_version() -> int:
    """The number every committed write transaction moves on (one row, by primary key)."""
    rows = await engine().run_ddl("SELECT version FROM data_version WHERE id = 1")
    return int(rows[0]["version"]) if rows else 0


async def changes_since(seen: int | None) -> tuple[int, frozenset[str] | None]:
    """The data version now, and the topics the transactions committed after version `seen`
    touched (None: anything may have changed, or they are no longer all on record)."""
    if seen is None:
        replica.note_changes()
        return await data_version(), None
    rows = await engine().run_ddl(_CHANGES_SINCE.format(int(seen)))
    if not rows:
        return seen, frozenset()
    replica.note_changes()  # standby reads must now include these commits
    versions = [int(row["version"]) for row in rows]
    if versions[0] != seen + 1:  # the records in between were deleted: catch up at once
        return versions[-1], None
    touched: set[str] = set()
    for row in rows:
        if row["topics"] == _ANYTHING:
            return versions[-1], None
        touched.update(row["topics"].split("\n"))
    return versions[-1], frozenset(touched)


@dataclass
class _Block:
    """One `write_transaction` block: whether it, or a block inside it, said what it touched."""

    declared: bool = False


@dataclass
class _Transaction:
    """The outermost write transaction under way, with what its blocks touched."""

    after_commit: list[Callable[[], None]] = field(default_factory=list)
    topics: set[str] = field(default_factory=set)
    anything: bool = False  # a block that said nothing: everything may have changed
    block: _Block = field(default_factory=_Block)

    def touched(self) -> frozenset[str] | None:
        return None if self.anything or not self.block.declared else frozenset(self.topics)


_transaction: ContextVar[_Transaction | None] = ContextVar("write_transaction", default=None)


def in_write_transaction() -> bool:
    return _transaction.get() is not None


read_cache.watch(changes_since, in_write_transaction)


def after_commit(callback: Callable[[], None]) -> None:
    """Run `callback` once the current write transaction has committed (never if it rolls
    back). The read caches need no such call: every commit invalidates what it touched."""
    transaction = _transaction.get()
    if transaction is None:
        raise DatabaseError("after_commit outside a write transaction")
    transaction.after_commit.append(callback)


def changes(*topics: str) -> None:
    """Say what the current `write_transaction` block changes, so that only the cached reads
    that depend on it are dropped (`registry.db.cache`): e.g. `certificate:crt_...`. Call
    it in the block that does the writes, and name everything they touch. A block that
    does not call it (and holds no block that did) invalidates everything."""
    transaction = _transaction.get()
    if transaction is None:
        raise DatabaseError("changes outside a write transaction")
    if not topics or any(not t or t == _ANYTHING or "\n" in t for t in topics):
        raise ValueError(f"topics must be non-empty lines other than {_ANYTHING!r}: {topics}")
    transaction.topics.update(topics)
    transaction.block.declared = True


@asynccontextmanager
async def write_transaction() -> AsyncIterator[Any]:
    """One transaction per use case; a nested one is part of the outer one. The callbacks
    given to `after_commit` run when the outermost one has committed."""
    transaction = _transaction.get()
    if transaction is not None:
        outer, transaction.block = transaction.block, _Block()
        try:
            async with _begin() as nested:
                yield nested
        finally:
            inner, transaction.block = transaction.block, outer
        if inner.declared:
            outer.declared = True
        else:
            transaction.anything = True
        return
    transaction = _Transaction()
    token = _transaction.set(transaction)
    try:
        async with _begin() as begun:
            yield begun
            # Last, so that on PostgreSQL the version row is held only for the commit itself.
            touched = transaction.touched()
            moved = await engine().run_ddl(_MOVE_DATA_VERSION)
            version = int(moved[0]["version"])
            listed = _ANYTHING if touched is None else "\n".join(sorted(touched))
            await engine().run_ddl(_RECORD_CHANGE.format(version, _quoted(listed)))
            if version % _KEEP_CHANGES == 0:
                await engine().run_ddl(_FORGET_CHANGES.format(version - _KEEP_CHANGES))
    finally:
        _transaction.reset(token)
    replica.note_commit()
    read_cache.invalidate(touched)
    for callback in transaction.after_commit:
        callback()


def _quoted(text: str) -> str:
    """A SQL string literal (run_ddl takes no parameters): topics are ids and names this
    code made, but quote them properly all the same."""
    return "'" + text.replace("'", "''") + "'"


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
