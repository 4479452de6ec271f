"""SQLite's persistent connections (registry.db.pooled): readers, one writer, per loop."""

from __future__ import annotations

import asyncio
import contextvars
import threading

import pytest

from registry.db.database import engine, write_transaction
from registry.db.pooled import READERS, PooledSQLiteEngine, shared_reads
from registry.db.tables import AccountRow

pytestmark = pytest.mark.skipif(
    not isinstance(engine(), PooledSQLiteEngine), reason="SQLite's pooled engine only"
)


def _account(name: str) -> AccountRow:
    return AccountRow(public_id=f"acc_{name}", name=name, role="secretariat", created_by="test")


async def _names() -> set[str]:
    return {row["name"] for row in await AccountRow.select(AccountRow.name).run()}


async def test_a_transaction_sees_its_writes_and_readers_see_only_commits(db: None) -> None:
    async with write_transaction():
        await _account("inside").save().run()
        assert "inside" in await _names()  # on the writer, in the transaction
        # A task outside the transaction reads on a reader: not committed yet.
        outside = asyncio.create_task(_names(), context=contextvars.Context())
        assert "inside" not in await outside
    assert "inside" in await _names()


async def test_a_failed_transaction_leaves_the_writer_clean(db: None) -> None:
    async def fails() -> None:
        async with write_transaction():
            await _account("gone").save().run()
            raise RuntimeError

    with pytest.raises(RuntimeError):
        await fails()
    async with write_transaction():
        await _account("kept").save().run()
    assert await _names() == {"kept"}


async def test_pooled_connections_enforce_foreign_keys_and_readers_cannot_write(db: None) -> None:
    pooled = engine()
    assert isinstance(pooled, PooledSQLiteEngine)
    connections = pooled.connections()
    reader = await connections.acquire_reader()
    try:
        foreign_keys = list(await reader.execute_fetchall("PRAGMA foreign_keys", []))
        journal_mode = list(await reader.execute_fetchall("PRAGMA journal_mode", []))
        assert foreign_keys[0] == {"foreign_keys": 1}
        assert journal_mode[0] == {"journal_mode": "wal"}
        with pytest.raises(Exception, match="readonly"):
            await reader.execute_fetchall("DELETE FROM accounts", [])
    finally:
        await connections.release_reader(reader)


async def test_the_reads_of_a_request_share_a_connection(db: None) -> None:
    pooled = engine()
    assert isinstance(pooled, PooledSQLiteEngine)
    async with shared_reads():
        await asyncio.gather(*(_names() for _ in range(8)))
        assert pooled.connections().readers._value == READERS - 1  # one reader leased
    assert pooled.connections().readers._value == READERS


async def test_another_event_loop_gets_its_own_connections(db: None) -> None:
    pooled = engine()
    assert isinstance(pooled, PooledSQLiteEngine)
    await _account("here").save().run()
    mine = pooled.connections()
    seen: list[object] = []

    def elsewhere() -> None:
        async def run() -> None:
            seen.append(await _names())
            seen.append(pooled.connections())
            await pooled.close()

        asyncio.run(run())

    thread = threading.Thread(target=elsewhere)
    thread.start()
    thread.join()
    assert seen[0] == {"here"}
    assert seen[1] is not mine
    assert pooled.connections() is mine
