"""Reads outside a transaction on a reader set apart from the writes (registry.db.pooled):
on PostgreSQL a read pool beside the write pool, on SQLite the reader connections. The
reads of one request share one connection, and never deadlock. The PostgreSQL tests run
when RIGHTSMARK_TEST_DATABASE_URL names a server (`make test-postgres`)."""

from __future__ import annotations

import asyncio
import contextvars

import pytest

from registry.db.database import engine, write_transaction
from registry.db.pooled import (
    READ_POOL_SIZE,
    READERS,
    PooledPostgresEngine,
    PooledSQLiteEngine,
    shared_reads,
)
from registry.db.tables import AccountRow

postgres_only = pytest.mark.skipif(
    not isinstance(engine(), PooledPostgresEngine), reason="PostgreSQL's read pool only"
)


def _readers() -> object:
    db = engine()
    if isinstance(db, PooledSQLiteEngine):
        return db.connections()
    assert isinstance(db, PooledPostgresEngine)
    assert db.readers is not None
    return db.readers


def _size() -> int:
    return READ_POOL_SIZE if isinstance(engine(), PooledPostgresEngine) else READERS


def _account(name: str) -> AccountRow:
    return AccountRow(public_id=f"acc_{name}", name=name, role="secretariat", created_by="test")


async def _names() -> set[str]:
    return {row["name"] for row in await AccountRow.select(AccountRow.name).run()}


async def _backend() -> int:
    rows = await AccountRow.raw("SELECT pg_backend_pid() AS pid").run()
    return int(rows[0]["pid"])


async def test_requests_holding_every_reader_cannot_starve_the_one_they_wait_for(
    db: None,
) -> None:
    """Requests hold a reader each, then wait for a lock whose holder still has to read:
    the holder reads on a leased reader nobody is reading on."""
    lock = asyncio.Lock()
    leased = asyncio.Event()
    count = 0

    async def waiter() -> None:
        nonlocal count
        async with shared_reads():
            await _names()
            count += 1
            if count == _size():
                leased.set()
            async with lock:
                await _names()

    async def holder() -> None:
        async with shared_reads(), lock:
            await leased.wait()  # every reader is leased to a waiter now
            await _names()

    tasks = [asyncio.create_task(waiter()) for _ in range(_size())]
    await asyncio.wait_for(asyncio.gather(holder(), *tasks), timeout=10)
    assert _readers().readers._value == _size()  # type: ignore[attr-defined]


@postgres_only
async def test_the_reads_of_a_request_share_one_read_connection(db: None) -> None:
    readers = _readers()
    async with shared_reads():
        backends = await asyncio.gather(*(_backend() for _ in range(8)))
        assert len(set(backends)) == 1
        assert readers.readers._value == READ_POOL_SIZE - 1  # type: ignore[attr-defined]
    assert readers.readers._value == READ_POOL_SIZE  # type: ignore[attr-defined]


@postgres_only
async def test_a_transaction_reads_on_its_own_connection_and_others_see_only_commits(
    db: None,
) -> None:
    async with shared_reads():
        reader = await _backend()
        async with write_transaction():
            writer = await _backend()
            await _account("inside").save().run()
            assert "inside" in await _names()  # in the transaction, on its connection
            outside = asyncio.create_task(_names(), context=contextvars.Context())
            assert "inside" not in await outside  # on the read pool: not committed yet
        assert writer != reader
        assert "inside" in await _names()  # the request's read connection, after commit
        assert await _backend() == reader


@postgres_only
async def test_writes_go_through_when_every_read_connection_is_leased(db: None) -> None:
    release = asyncio.Event()
    leased = 0

    async def reading_request() -> None:
        nonlocal leased
        async with shared_reads():
            await _names()
            leased += 1
            await release.wait()

    tasks = [asyncio.create_task(reading_request()) for _ in range(READ_POOL_SIZE)]
    while leased < READ_POOL_SIZE:
        await asyncio.sleep(0.01)

    async def write() -> None:
        async with write_transaction():
            await _account("written").save().run()

    await asyncio.wait_for(write(), timeout=10)  # the write pool is apart
    release.set()
    await asyncio.gather(*tasks)
    assert "written" in await _names()
