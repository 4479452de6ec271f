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

PostgreSQL (`PooledPostgresEngine`): Piccolo's `PostgresEngine` already keeps its
connections open in an asyncpg pool; this one keeps two, sized apart (`database.start_pool`):

- the *write* pool (Piccolo's own `pool`): every transaction and every statement that is
  not a SELECT outside one. A read inside a transaction runs on the transaction's
  connection, as in Piccolo, so it sees the transaction's own writes.
- the *read* pool (`read_pool`, `READ_POOL_SIZE`): the SELECTs outside a transaction, the
  reads of one request (`shared_reads`) on one leased connection, as on SQLite. Its
  connections run autocommit SELECTs only, so giving one back skips asyncpg's session
  reset (`RESET ALL`, `UNLISTEN *`, ...: a round trip per release).

No deadlock: a request holding a read connection may wait for a write connection (its
transaction), but a holder of a write connection never waits for a read one (its reads run
on its own connection), so the wait can always end. A single pool would not do: requests
each holding one of its connections for their reads, all waiting for a second one for
their transactions, would wait forever. And reads never take a write connection, so a
burst of reads cannot hold up the writes. The read pool may be given its own server
(`read_config`). A third pool, on a standby (`replica_config`,
`RIGHTSMARK_DATABASE_REPLICA_URL`), takes the reads of the requests that ask for it
(`registry.db.replica`), each after a log-position check, with its own lease per request.
"""

from __future__ import annotations

import asyncio
import os
import sqlite3
from abc import ABC, abstractmethod
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from contextvars import ContextVar
from typing import Any, Final

import aiosqlite
import asyncpg
from piccolo.engine.postgres import PostgresEngine
from piccolo.engine.sqlite import SQLiteEngine, SQLiteTransaction, TransactionType, dict_factory

from registry.db import failover, replica

# Reader connections per process and event loop. A request keeps its reader until it ends,
# and one that finds none free borrows a lease between its owner's queries, which makes
# everyone queue when requests far outnumber readers: with 4, one process under 64
# concurrent clients (make bench figure 7) served 76 requests/s, with 16 it served 1,100.
# Each is a thread and SQLite's page cache, a few MiB.
READERS: Final = 16

# PostgreSQL connections per process: the write pool (transactions, writes) and the read
# pool (reads outside a transaction, one per request at a time), apart so that neither
# starves the other. Per process: `serve --workers N` opens N times as many.
WRITE_POOL_SIZE: Final = 8
READ_POOL_SIZE: Final = 12


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
# The same for the standby pool (registry.db.replica), when a request reads there.
_standby_lease: ContextVar[_Lease | None] = ContextVar("rightsmark_standby_lease", default=None)


@asynccontextmanager
async def shared_reads() -> AsyncIterator[None]:
    """Reads outside a transaction, within this block, share one connection (taken at the
    first read, given back at the end): one of the read pool's, and one of the standby
    pool's if the block reads there too. Nested blocks share the outer one's."""
    if _lease.get() is not None:
        yield
        return
    lease, standby = _Lease(), _Lease()
    token, standby_token = _lease.set(lease), _standby_lease.set(standby)
    try:
        yield
    finally:
        _lease.reset(token)
        _standby_lease.reset(standby_token)
        try:
            if standby.release is not None:
                await standby.release()
        finally:
            if lease.release is not None:
                await lease.release()


def _is_read(sql: str) -> bool:
    return sql.lstrip()[:6].upper() == "SELECT"


class _Readers(ABC):
    """A bounded set of reader connections, and the leases holding some of them.

    Deadlock-free although a lease holds its connection for a whole request: a request may
    hold a reader and wait for something (a lock, a shared rebuild: `read_cache.revalidate`,
    the verifier's snapshot) held by a task that needs a reader to finish. So a read that
    finds every reader taken runs on a leased one whose request is not reading right now
    (its lease's lock free: autocommit reads leave nothing on a connection), and otherwise
    waits for the next query or release to end and looks again. A reader is never waited
    for while held by a task that waits on the waiter."""

    def __init__(self, size: int, lease: ContextVar[_Lease | None] = _lease) -> None:
        self.lease_var = lease
        self.readers = asyncio.Semaphore(size)
        self.leases: set[_Lease] = set()  # those holding a connection
        self._waiters: list[asyncio.Future[None]] = []

    @abstractmethod
    async def _open_reader(self) -> Any:
        """A new reader connection (SQLite: read-only aiosqlite; PostgreSQL: from the pool)."""

    @abstractmethod
    async def _close_reader(self, connection: Any) -> None:
        """Give a reader back for good."""

    def _wake(self) -> None:
        """A reader was given back or a lease's query ended: one waiter may use it. Only one:
        waking them all after every query made each query cost a pass over every waiting
        request, and a single process under 64 concurrent clients spent its time there
        (10 requests/s). One that wakes and finds it taken waits again; whoever took it
        wakes the next one when done, so no wake-up is lost."""
        while self._waiters:
            waiter = self._waiters.pop(0)
            if not waiter.done():  # not cancelled meanwhile
                waiter.set_result(None)
                return

    async def acquire_reader(self) -> Any:
        await self.readers.acquire()
        try:
            return await self._open_reader()
        except BaseException:
            self.readers.release()
            self._wake()
            raise

    async def release_reader(self, connection: Any) -> None:
        try:
            await self._close_reader(connection)
        finally:
            self.readers.release()
            self._wake()

    async def _give_back(self, lease: _Lease) -> None:
        async with lease.lock:  # after a borrowed query on it, if any, has ended
            connection, lease.connection = lease.connection, None
            self.leases.discard(lease)
        if connection is not None:
            await self.release_reader(connection)

    async def read(self, fetch: Callable[[Any], Awaitable[Any]]) -> Any:
        """`fetch(connection)` on the request's leased reader (taken now if none yet), on a
        reader of its own outside `shared_reads`, or on an idle lease's when none is free."""
        lease = self.lease_var.get()
        while True:
            if lease is not None:
                try:
                    async with lease.lock:
                        if lease.connection is None and not self.readers.locked():
                            lease.connection = await self.acquire_reader()
                            self.leases.add(lease)
                            lease.release = lambda: self._give_back(lease)
                        if lease.connection is not None:
                            return await fetch(lease.connection)
                finally:
                    self._wake()
            elif not self.readers.locked():
                connection = await self.acquire_reader()
                try:
                    return await fetch(connection)
                finally:
                    await self.release_reader(connection)
            idle = next(
                (o for o in self.leases if o.connection is not None and not o.lock.locked()),
                None,
            )
            if idle is None:
                waiter = asyncio.get_running_loop().create_future()
                self._waiters.append(waiter)
                await waiter
                continue
            try:
                async with idle.lock:
                    if idle.connection is not None:
                        return await fetch(idle.connection)
            finally:
                self._wake()


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


class _Connections(_Readers):
    """The readers and the writer of one process on one event loop."""

    def __init__(self, engine: PooledSQLiteEngine, loop: asyncio.AbstractEventLoop) -> None:
        super().__init__(READERS)
        self.engine = engine
        self.loop = loop
        self.pid = os.getpid()
        self.idle: list[aiosqlite.Connection] = []  # last in, first out: the warm ones
        self.writer: aiosqlite.Connection | None = None
        self.write_lock = asyncio.Lock()
        self.closed = False

    async def _open_reader(self) -> aiosqlite.Connection:
        if self.idle:
            return self.idle.pop()
        return await _open(self.engine.connection_kwargs, reader=True)

    async def _close_reader(self, connection: aiosqlite.Connection) -> None:
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
        return await connections.read(lambda reader: reader.execute_fetchall(query, args or []))


###############################################################################
# PostgreSQL


async def _keep_session(connection: asyncpg.Connection) -> None:
    """A read connection given back keeps its session: it only ever ran SELECTs outside a
    transaction (asyncpg still rolls back any transaction left open before calling this)."""


class _PostgresReaders(_Readers):
    """The read pool's connections, leased as SQLite's readers are."""

    def __init__(
        self, pool: asyncpg.Pool, size: int, lease: ContextVar[_Lease | None] = _lease
    ) -> None:
        super().__init__(size, lease)
        self.pool = pool

    async def _open_reader(self) -> Any:
        return await self.pool.acquire()

    async def _close_reader(self, connection: Any) -> None:
        try:
            await self.pool.release(connection)
        except asyncpg.InternalClientError:
            # A connection the server dropped (a failover) was already taken back by the pool
            # itself when it closed: the proxy is detached (asking it anything, `is_closed()`
            # included, raises) and releasing it again is refused. Anything else is a bug.
            if getattr(connection, "_con", None) is not None:
                raise


class _Lagging(Exception):
    """The standby has not replayed the watermark yet: read on the primary."""


# A standby that cannot answer (gone, restarting, promoted away): read on the primary.
_STANDBY_DOWN = (
    OSError,
    asyncio.TimeoutError,
    asyncpg.PostgresConnectionError,
    asyncpg.CannotConnectNowError,
    asyncpg.InterfaceError,
    asyncpg.exceptions.OperatorInterventionError,
)


class PooledPostgresEngine(PostgresEngine):
    """Piccolo's PostgreSQL engine with a read pool beside its write pool, and optionally a
    standby pool (`registry.db.replica`): see the module's docstring. Without a read pool
    (`start_read_pool` not called) it is Piccolo's engine."""

    def __init__(
        self,
        config: dict[str, Any],
        *,
        read_config: dict[str, Any] | None = None,
        replica_config: dict[str, Any] | None = None,
        **kw: Any,
    ) -> None:
        super().__init__(config=config, **kw)
        self.read_config: dict[str, Any] = dict(read_config or config)
        self.replica_config = dict(replica_config) if replica_config else None
        self.readers: _PostgresReaders | None = None
        self.standbys: _PostgresReaders | None = None
        self.standby_check: replica.StandbyCheck | None = None

    @property
    def read_pool(self) -> asyncpg.Pool | None:
        return None if self.readers is None else self.readers.pool

    async def start_read_pool(self, *, min_size: int, max_size: int) -> None:
        if self.readers is None:
            pool = await asyncpg.create_pool(
                **self.read_config, min_size=min_size, max_size=max_size, reset=_keep_session
            )
            self.readers = _PostgresReaders(pool, max_size)
        if self.standbys is None and self.replica_config is not None:
            # min_size 0: a standby that is down must not keep the server from starting.
            pool = await asyncpg.create_pool(
                **self.replica_config, min_size=0, max_size=max_size, reset=_keep_session
            )
            self.standbys = _PostgresReaders(pool, max_size, _standby_lease)
            self.standby_check = replica.StandbyCheck(replica.Watermark(self._primary_position))
            replica.install(self.standby_check)

    async def _primary_position(self) -> int:
        rows = await self.run_ddl(replica.PRIMARY_POSITION)
        return int(rows[0]["lsn"])

    async def close_read_pool(self) -> None:
        standbys, self.standbys = self.standbys, None
        if standbys is not None:
            replica.install(None)
            self.standby_check = None
            await standbys.pool.close()
        readers, self.readers = self.readers, None
        if readers is not None:
            await readers.pool.close()

    async def run_querystring(self, querystring: Any, in_pool: bool = True) -> Any:
        """A SELECT outside a transaction on the read pool (the request's leased connection,
        if it has one), or on the standby pool when the request asked for it and the standby
        has replayed the watermark; anything else as Piccolo does: in the transaction, or on
        the write pool."""
        readers = self.readers
        if readers is None or not in_pool or self.current_transaction.get() is not None:
            return await super().run_querystring(querystring, in_pool)
        query, args = querystring.compile_string(engine_type=self.engine_type)
        if not _is_read(query):
            return await super().run_querystring(querystring, in_pool)
        standbys, check = self.standbys, self.standby_check
        if standbys is not None and check is not None and replica.wanted():

            async def on_standby(connection: Any) -> Any:
                if not await check.fresh(connection):
                    raise _Lagging
                return await connection.fetch(query, *args)

            try:
                return await standbys.read(on_standby)
            except (_Lagging, *_STANDBY_DOWN):
                pass  # the primary answers instead
            except asyncpg.InternalClientError as error:
                if not failover.database_unavailable(error):
                    raise
                # The standby ended this connection's session (restarted, rewound, promoted
                # away) before its end was read: the primary answers instead.
        return await readers.read(lambda connection: connection.fetch(query, *args))
