"""The stored log against the real database: appends, transactions, concurrency, proofs."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest

from registry.db.database import write_transaction
from registry.transparency import log
from registry.transparency.tables import LogEntryRow, LogSubtreeRow
from registry.trust import merkle
from registry.trust.tlog_entries import entry_leaf_hash
from registry.trust.tlog_errors import LogRangeError, LogUsageError

AT = dt.datetime(2026, 11, 30, 8, 0, tzinfo=dt.UTC)


async def append(n: int) -> list[int]:
    async with write_transaction():
        return [
            await log.append_event(
                "certificate.issued", {"certificate": f"crt_{i:04d}"}, actor_role="system", at=AT
            )
            for i in range(n)
        ]


async def test_append_outside_a_transaction_is_refused(db: None) -> None:
    with pytest.raises(LogUsageError, match="transaction"):
        await log.append_event("key.generated", {"key": "key_1"}, actor_role="system", at=AT)
    assert await log.current_size() == 0


async def test_a_rolled_back_change_leaves_no_entry(db: None) -> None:
    await append(3)

    class Refused(Exception):
        pass

    async def refused_change() -> None:
        async with write_transaction():
            await log.append_event("key.generated", {"key": "key_1"}, actor_role="system", at=AT)
            raise Refused  # the change fails after its entry was appended

    with pytest.raises(Refused):
        await refused_change()
    assert await log.current_size() == 3
    assert await LogEntryRow.count().run() == 3
    assert await LogSubtreeRow.count().run() == 3 + 1  # three leaves, one complete pair
    assert await append(1) == [3]  # no gap where the rolled-back entry was


async def test_concurrent_appends_get_distinct_sequential_indexes(db: None) -> None:
    async def one(i: int) -> int:
        async with write_transaction():
            index = await log.append_event(
                "certificate.revoked", {"certificate": f"crt_{i}"}, actor_role="system", at=AT
            )
            await asyncio.sleep(0)  # let the others run while this transaction is open
            return index

    indexes = await asyncio.gather(*(one(i) for i in range(24)))
    assert sorted(indexes) == list(range(24))
    entries = await log.read_entries(0, 24)
    tree = merkle.MemoryTree()
    for item in entries:
        tree.append(item.entry.encode())
    assert await log.root_at(24) == tree.root()


async def test_stored_tree_matches_the_memory_tree(db: None) -> None:
    tree = merkle.MemoryTree()
    sizes = [0, 1, 2, 3, 4, 5, 7, 8, 9, 16, 17, 31, 33]
    for size in range(1, sizes[-1] + 1):
        async with write_transaction():
            await log.append_event(
                "standard.published", {"standard": f"s@{size}.0.0"}, actor_role="system", at=AT
            )
        (item,) = await log.read_entries(size - 1, size)
        tree.append(item.entry.encode())
    for size in sizes:
        assert await log.root_at(size) == tree.root(size)
        for index in range(size):
            assert await log.inclusion_proof(index, size) == tree.inclusion_proof(index, size)
        for old in range(1, size + 1):
            assert await log.consistency_proof(old, size) == tree.consistency_proof(old, size)


async def test_entries_page_and_bad_ranges(db: None) -> None:
    await append(5)
    page = await log.read_entries(1, None)
    assert [e.index for e in page] == [1, 2, 3, 4]
    assert [e.index for e in await log.read_entries(2, 99)] == [2, 3, 4]
    assert entry_leaf_hash(page[0].entry) == merkle.leaf_hash(page[0].entry.encode())
    for start, end in [(-1, 2), (5, 6), (3, 3), (3, 1)]:
        with pytest.raises(LogRangeError):
            await log.read_entries(start, end)
    with pytest.raises(LogRangeError):
        await log.inclusion_proof(5, 5)
    with pytest.raises(LogRangeError):
        await log.inclusion_proof(0, 6)
    with pytest.raises(LogRangeError):
        await log.consistency_proof(0, 5)
    with pytest.raises(LogRangeError):
        await log.consistency_proof(4, 3)


async def test_signed_proofs_read_their_block_of_subtrees_at_once(
    db: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(log, "_PROOF_BLOCK", 2)  # blocks of 4 leaves
    await append(33)
    tree = merkle.MemoryTree()
    for item in await log.read_entries(0, 33):
        tree.append(item.entry.encode())
    log._signed_subtrees.clear()
    assert await log.signed_inclusion_proof(5, 33) == tree.inclusion_proof(5, 33)
    # Leaves 4-7 and the complete subtrees over them came with it, and none past its block.
    block = {log.node_key(0, i) for i in range(4, 8)} | {log.node_key(1, 2), log.node_key(1, 3)}
    assert block | {log.node_key(2, 1)} <= set(log._signed_subtrees)
    assert log.node_key(0, 8) not in log._signed_subtrees
    # A block is cut to the signed size; every proof matches the tree.
    for size in (1, 5, 32, 33):
        log._signed_subtrees.clear()
        for index in range(size):
            assert await log.signed_inclusion_proof(index, size) == tree.inclusion_proof(
                index, size
            )
