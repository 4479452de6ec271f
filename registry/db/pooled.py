"""Persistent database connections: Piccolo's engines, minus a connection per query.

Piccolo's `SQLiteEngine` opens a new aiosqlite connection - a new thread, a new file
handle, the schema parsed again - for every query outside a transaction, and closes it
after. The public pages make several queries each, so that cost, not the queries, bounded
them. `PooledSQLiteEngine` keeps the connections open instead:

- a few *reader* connections (`READERS`) for the queries outside a transaction. The file
  is in WAL mode (`database.enable_wal`), where readers never block the writer nor the
  writer them, so they run side by side with a write, each on its own aiosqlite thread
  (where SQLite does its work without the GIL). They are `query_only`: a write sent to
  one by mistake fails instead of slipping past the writer lock below.
- one *writer* connection for every transaction and every write outside one, taken under
  an asyncio lock: SQLite allows one writer at a time anyway, and queueing here costs
  nothing where queueing in SQLite's busy handler costs sleeps and retries. Writers in
  *other* processes (`serve --workers N`, the command line) are still queued by the busy
  timeout (`timeout=30` in `piccolo_conf`), as before. A transaction runs on the writer
  alone, so it sees its own writes; a reader sees what was committed before each of its
  statements began (autocommit: every statement is its own read transaction).

The connections belong to one process and one event loop (an aiosqlite connection hands
its results to the loop that awaits them, and tests run apps on several loops): they are
opened lazily, per (process, running loop), and never used from another. `close` closes
the current loop's; those of a loop that has since closed are stopped when a new loop
opens its own. A fork (uvicorn's workers) starts with none.

`shared_reads()` (around each HTTP request, `api.app`) makes the reads of one request use
one connection: the first read leases a reader and keeps it until the request ends. No
deadlock: a request holding a reader that waits for the writer lock holds nothing the
writer needs, since a transaction runs on the writer connection alone.

PostgreSQL needs none of this: Piccolo's `PostgresEngine` takes each query outside a
transaction from its asyncpg pool (`database.start_pool`), connections kept open. Its reads
are not pinned to one connection per request on purpose: a request holding a pool
connection for its reads while its transaction waits for a second one could, with as many
such requests as the pool has connections, wait forever.
"""

from __future__ import annotations

import asyncio
import os
import sqlite3
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from contextvars import ContextVar
from typing import Any, Final

import aiosqlite
from piccolo.engine.sqlite import SQLiteEngine, SQLiteTransaction, TransactionType, dict_factory

# Reader connections per process and event loop. Reads are short and the server has one
# event loop per process: a few threads are enough to overlap SQLite's work with Python's.
READERS: Final = 4


###############################################################################
# One connection for the reads of one request


class _Lease:
    """The connection the reads of one request share, taken at its first read."""

    __slots__ = ("connection", "lock", "release")

    def __init__(self) -> None:
        self.connection: Any = None
        self.release: Callable[[], Awaitable[None]] | None = None
        # Tasks of one request (asyncio.gather) share the lease: one query at a time on it.
        self.lock = asyncio.Lock()


_lease: ContextVar[_Lease | None] = ContextVar("rightsmark_db_lease", default=None)


@asynccontextmanager
async def shared_reads() -> AsyncIterator[None]:
    """Reads outside a transaction, within this block, share one connection (taken at the
    first read, given back at the end). Nested blocks share the outer one's."""
    if _lease.get() is not None:
        yield
        return
    lease = _Lease()
    token = _lease.set(lease)
    try:
        yield
    finally:
        _lease.reset(token)
        if lease.release is not None:
            await lease.release()


def _is_read(sql: str) -> bool:
    return sql.lstrip()[:6].upper() == "SELECT"


###############################################################################
# SQLite


async def _open(kwargs: dict[str, Any], *, reader: bool) -> aiosqlite.Connection:
    connection = aiosqlite.connect(**kwargs)
    # aiosqlite's thread is not a daemon: one connection left open (a loop that ended
    # without `close`) would keep the interpreter from exiting. Between statements a
    # connection holds nothing that needs closing: WAL commits are durable when COMMIT ends.
    connection._thread.daemon = True
    await connection
    connection.row_factory = dict_factory  # type: ignore[assignment]  # as Piccolo's own
    # Per-connection settings, once per connection instead of once per query. The busy
    # timeout is sqlite3's `timeout` (connection_kwargs); WAL mode is the file's, set once
    # and for good by `enable_wal` when migrating.
    await connection.execute("PRAGMA foreign_keys = 1")
    if reader:
        await connection.execute("PRAGMA query_only = 1")
    return connection


class _Connections:
    """The readers and the writer of one process on one event loop."""

    def __init__(self, engine: PooledSQLiteEngine, loop: asyncio.AbstractEventLoop) -> None:
        self.engine = engine
        self.loop = loop
        self.pid = os.getpid()
        self.idle: list[aiosqlite.Connection] = []  # last in, first out: the warm ones
        self.readers = asyncio.Semaphore(READERS)
        self.writer: aiosqlite.Connection | None = None
        self.write_lock = asyncio.Lock()
        self.closed = False

    async def acquire_reader(self) -> aiosqlite.Connection:
        await self.readers.acquire()
        try:
            if self.idle:
                return self.idle.pop()
            return await _open(self.engine.connection_kwargs, reader=True)
        except BaseException:
            self.readers.release()
            raise

    async def release_reader(self, connection: aiosqlite.Connection) -> None:
        self.readers.release()
        if self.closed:
            await connection.close()
        else:
            self.idle.append(connection)

    async def get_writer(self) -> aiosqlite.Connection:
        """The writer; call with `write_lock` held."""
        if self.writer is None:
            self.writer = await _open(self.engine.connection_kwargs, reader=False)
        return self.writer

    async def close(self) -> None:
        self.closed = True
        async with self.write_lock:  # let a running transaction finish
            writer, self.writer = self.writer, None
            if writer is not None:
                await writer.close()
        idle, self.idle = self.idle, []
        for connection in idle:
            await connection.close()  # leased ones are closed when given back

    def abandon(self) -> None:
        """Stop the threads of a loop that is gone (no loop to await a close on)."""
        self.closed = True
        for connection in [*self.idle, *([self.writer] if self.writer else [])]:
            connection.stop()
        self.idle, self.writer = [], None


class _WriterTransaction(SQLiteTransaction):
    """A transaction on the writer connection, holding the per-process writer lock from
    BEGIN to COMMIT/ROLLBACK; the connection stays open for the next one."""

    __slots__ = ("_connections",)

    async def __aenter__(self) -> SQLiteTransaction:
        if self._parent is not None:
            return self._parent
        assert isinstance(self.engine, PooledSQLiteEngine)
        connections = self.engine.connections()
        await connections.write_lock.acquire()
        try:
            self.connection = await connections.get_writer()
            await self.begin()
        except BaseException:
            connections.write_lock.release()
            raise
        self._connections = connections
        self.context = self.engine.current_transaction.set(self)
        return self

    async def begin(self) -> None:
        statement = f"BEGIN {self.transaction_type.value}"
        try:
            await self.connection.execute(statement)
        except sqlite3.OperationalError as exc:
            if "within a transaction" not in str(exc):
                raise
            # A transaction left open on the writer (its ROLLBACK interrupted, e.g. by a
            # cancellation): nothing of it was committed; end it and begin afresh.
            await self.connection.execute("ROLLBACK")
            await self.connection.execute(statement)

    async def commit(self) -> None:
        await self.connection.execute("COMMIT")
        self._committed = True

    async def rollback(self) -> None:
        await self.connection.execute("ROLLBACK")
        self._rolled_back = True

    async def __aexit__(self, exception_type: Any, exception: Any, traceback: Any) -> bool:
        if self._parent:
            return exception is None
        try:
            if exception:
                if not self._rolled_back:
                    await self.rollback()
            elif not self._committed and not self._rolled_back:
                try:
                    await self.commit()
                except BaseException:
                    # COMMIT can fail and leave the transaction open (a deferred foreign
                    # key, a busy file): the writer must not carry it to the next user.
                    await self.rollback()
                    raise
        finally:
            self.engine.current_transaction.reset(self.context)
            self._connections.write_lock.release()
        return exception is None


class PooledSQLiteEngine(SQLiteEngine):
    """Piccolo's SQLite engine on persistent connections: see the module's docstring."""

    def __init__(self, path: str, **connection_kwargs: Any) -> None:
        super().__init__(path=path, **connection_kwargs)
        self._pools: dict[asyncio.AbstractEventLoop, _Connections] = {}
        self._last: _Connections | None = None

    def connections(self) -> _Connections:
        """This process's connections on the running loop, made on first use."""
        loop = asyncio.get_running_loop()
        last = self._last
        if last is not None and last.loop is loop and last.pid == os.getpid():
            return last
        found = self._pools.get(loop)
        if found is None or found.pid != os.getpid():
            for other in list(self._pools.values()):
                if other.pid != os.getpid():  # inherited through fork: not ours to touch
                    del self._pools[other.loop]
                elif other.loop.is_closed():
                    other.abandon()
                    del self._pools[other.loop]
            found = self._pools[loop] = _Connections(self, loop)
        self._last = found
        return found

    async def close(self) -> None:
        """Close this loop's connections (the next query opens new ones)."""
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return
        found = self._pools.pop(loop, None)
        if self._last is found:
            self._last = None
        if found is not None and found.pid == os.getpid():
            await found.close()

    def transaction(
        self,
        transaction_type: TransactionType = TransactionType.deferred,
        allow_nested: bool = True,
    ) -> SQLiteTransaction:
        return _WriterTransaction(
            engine=self, transaction_type=transaction_type, allow_nested=allow_nested
        )

    async def _run_in_existing_connection(
        self,
        connection: Any,
        query: str,
        args: list[Any] | None = None,
        query_type: str = "generic",
        table: Any = None,
    ) -> Any:
        """A query in a transaction (or on a pooled connection): one trip to the connection's
        thread, without Piccolo's PRAGMA before each query (set once per connection)."""
        if query_type == "insert" and self.get_version_sync() < 3.35:  # no RETURNING
            return await super()._run_in_existing_connection(
                connection, query, args, query_type, table
            )
        return await connection.execute_fetchall(query, args or [])

    async def _run_in_new_connection(
        self,
        query: str,
        args: list[Any] | None = None,
        query_type: str = "generic",
        table: Any = None,
    ) -> Any:
        """A query outside a transaction: a read on a reader connection (the request's, if
        it has one), anything else on the writer, under the writer lock."""
        connections = self.connections()
        if not _is_read(query):
            async with connections.write_lock:
                writer = await connections.get_writer()
                return await self._run_in_existing_connection(
                    writer, query, args, query_type, table
                )
        lease = _lease.get()
        if lease is None:
            reader = await connections.acquire_reader()
            try:
                return await reader.execute_fetchall(query, args or [])
            finally:
                await connections.release_reader(reader)
        async with lease.lock:
            if lease.connection is None:
                reader = await connections.acquire_reader()
                lease.connection = reader
                lease.release = lambda: connections.release_reader(reader)
            return await lease.connection.execute_fetchall(query, args or [])
