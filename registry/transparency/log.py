"""The log's storage: append inside the caller's transaction, read entries, prove.

Appending writes the entry, its leaf hash and every complete subtree the new leaf closes
(one per trailing one-bit of its index: O(1) amortised, O(log n) at worst), so proofs never
rehash the log. A proof first asks `registry.trust.merkle` which subtrees it needs (the set depends
only on the sizes, not the hashes), fetches them in one query, then runs again on them:
O(log n) rows, one round trip.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from registry.db.cache import Region, read_cache
from registry.db.database import engine
from registry.errors import InvalidProofError, MissingSubtreeError
from registry.transparency.tables import LogEntryRow, LogHeadRow, LogSubtreeRow
from registry.trust import merkle
from registry.trust.tlog_entries import build_entry, entry_leaf_hash
from registry.trust.tlog_errors import LogIntegrityError, LogRangeError, LogUsageError

LOG_NAME = "main"
LEVEL_SHIFT = 40  # node key = level << 40 | index: room for 2**40 leaves
MAX_PAGE = 256  # entries per GET /log/entries page
T = TypeVar("T")


def node_key(level: int, index: int) -> int:
    return level << LEVEL_SHIFT | index


def _in_transaction() -> bool:
    db = engine()
    return db.current_transaction.get() is not None


async def _bump_head() -> int:
    """The new size. The UPDATE's row lock queues concurrent PostgreSQL appends until the
    holder commits or rolls back, so each sees the size the previous one left."""
    bump = "UPDATE log_head SET size = size + 1 WHERE name = {} RETURNING size"
    rows = await LogHeadRow.raw(bump, LOG_NAME).run()
    if not rows:
        # First append ever (or after a wipe). ON CONFLICT: a concurrent first append may
        # have created it meanwhile; PostgreSQL waits for it, then the UPDATE queues behind.
        create = "INSERT INTO log_head (name, size) VALUES ({}, 0) ON CONFLICT (name) DO NOTHING"
        await LogHeadRow.raw(create, LOG_NAME).run()
        rows = await LogHeadRow.raw(bump, LOG_NAME).run()
    return int(rows[0]["size"])


async def _hashes(keys: set[int]) -> dict[int, bytes]:
    if not keys:
        return {}
    rows = await (
        LogSubtreeRow.select(LogSubtreeRow.node, LogSubtreeRow.hash)
        .where(LogSubtreeRow.node.is_in(sorted(keys)))
        .run()
    )
    return {row["node"]: bytes.fromhex(row["hash"]) for row in rows}


async def append_entry(data: bytes, kind: str, at: dt.datetime) -> int:
    """Append canonical entry bytes; returns the index. Must run in an open transaction."""
    return await append_leaf(entry_leaf_hash(data), data.decode("utf-8"), kind, at)


async def append_leaf(leaf: bytes, text: str, kind: str, at: dt.datetime) -> int:
    """Store one leaf hash with the text it stands for, and the subtrees it completes.
    (Separate from `append_entry` so tests can load the RFC's raw-byte example leaves.)"""
    if not _in_transaction():
        raise LogUsageError("a log append must run inside the change's write transaction")
    size = await _bump_head()
    index = size - 1
    levels = (size & -size).bit_length() - 1  # subtrees this leaf completes
    # The left sibling at each level: the complete subtree just before ours.
    lefts = {node_key(level, (size >> level) - 2) for level in range(levels)}
    stored = await _hashes(lefts)
    node = leaf
    new_rows = [LogSubtreeRow(node=node_key(0, index), hash=node.hex())]
    for level in range(levels):
        left = stored.get(node_key(level, (size >> level) - 2))
        if left is None:
            raise LogIntegrityError(f"subtree ({level}, {(size >> level) - 2}) is missing")
        node = merkle.node_hash(left, node)
        new_rows.append(
            LogSubtreeRow(node=node_key(level + 1, (size >> (level + 1)) - 1), hash=node.hex())
        )
    await LogEntryRow.insert(
        LogEntryRow(position=index, kind=kind, entry=text, recorded_at=at)
    ).run()
    await LogSubtreeRow.insert(*new_rows).run()
    return index


async def append_event(
    kind: str,
    subject: dict[str, str],
    *,
    digests: dict[str, str] | None = None,
    actor_role: str,
    at: dt.datetime,
) -> int:
    """Record one registry event in the log; returns its entry index.

    Call it inside the write transaction of the change it records
    (`registry.db.database.write_transaction`), so both commit or neither does. On PostgreSQL
    the append holds the log head's row lock until that transaction ends: call it late in
    the transaction, after the checks that may refuse the change.
    """
    data = build_entry(kind, subject, digests=digests, actor_role=actor_role, at=at)
    return await append_entry(data, kind, at)


async def current_size() -> int:
    row: dict[str, Any] | None = (
        await LogHeadRow.select(LogHeadRow.size).where(LogHeadRow.name == LOG_NAME).first().run()
    )
    return 0 if row is None else int(row["size"])


@dataclass(frozen=True)
class StoredEntry:
    index: int
    entry: str  # canonical JSON text; the leaf is SHA-256(0x00 || its UTF-8 bytes)


async def read_entries(start: int, end: int | None, size: int | None = None) -> list[StoredEntry]:
    """Entries [start, end), at most MAX_PAGE; `end` defaults to the page's end and is cut
    to the log's size, like RFC 6962 get-entries."""
    size = await current_size() if size is None else size
    if start < 0 or start >= size:
        raise LogRangeError(f"start {start} is outside the log (size {size})")
    if end is not None and end <= start:
        raise LogRangeError(f"end {end} must be greater than start {start}")
    end = min(size, start + MAX_PAGE, start + MAX_PAGE if end is None else end)
    rows = await (
        LogEntryRow.select(LogEntryRow.position, LogEntryRow.entry)
        .where((LogEntryRow.position >= start) & (LogEntryRow.position < end))
        .order_by(LogEntryRow.position)
        .run()
    )
    return [StoredEntry(row["position"], row["entry"]) for row in rows]


class _Recorder:
    """Answers every look-up with zeros and notes which subtrees were asked for."""

    def __init__(self) -> None:
        self.wanted: set[int] = set()

    def subtree_hash(self, level: int, index: int) -> bytes:
        self.wanted.add(node_key(level, index))
        return bytes(merkle.HASH_SIZE)


class _Loaded:
    def __init__(self, hashes: dict[int, bytes]) -> None:
        self._hashes = hashes

    def subtree_hash(self, level: int, index: int) -> bytes:
        found = self._hashes.get(node_key(level, index))
        if found is None:
            raise MissingSubtreeError(f"no stored subtree at level {level}, index {index}")
        return found


async def _computed(compute: Callable[[merkle.SubtreeStore], T]) -> T:
    recorder = _Recorder()
    compute(recorder)
    try:
        return compute(_Loaded(await _hashes(recorder.wanted)))
    except MissingSubtreeError as exc:  # the sizes were checked: the store is damaged
        raise LogIntegrityError(str(exc)) from exc


async def _checked_size(size: int, what: str) -> int:
    current = await current_size()
    if not 0 <= size <= current:
        raise LogRangeError(f"{what} {size} is outside the log (size {current})")
    return size


async def root_at(size: int) -> bytes:
    await _checked_size(size, "tree size")
    return await _computed(lambda store: merkle.tree_root(store, size))


async def inclusion_proof(index: int, tree_size: int) -> list[bytes]:
    await _checked_size(tree_size, "tree_size")
    if not 0 <= index < tree_size:
        raise LogRangeError(f"index {index} is not in a tree of size {tree_size}")
    return await _computed(lambda store: merkle.inclusion_proof(store, index, tree_size))


# Complete subtrees never change once stored: the upper ones, shared by every proof, are kept
# (lasting), and so are the lower ones of the blocks proofs were asked in, so a proof under
# a signed checkpoint fetches nothing, or its whole block at once.
_signed_subtrees: Region[int, bytes] = read_cache.region(
    "log.signed_subtrees", size=65536, volatile=False
)
# Proofs of neighbouring entries share most of their lower subtrees (certificates issued
# together are verified together, and a verifier of many walks through them): a missing one
# brings every complete subtree of its aligned block of 2**_PROOF_BLOCK leaves (~2,000 rows,
# one index range per level) in the same query, instead of a query for each proof.
_PROOF_BLOCK = 10
_block_lock = asyncio.Lock()


def _block_ranges(index: int, signed_size: int) -> list[tuple[int, int]]:
    """Node key ranges (inclusive) of the complete subtrees inside `index`'s aligned block,
    cut to the first `signed_size` leaves."""
    start = index >> _PROOF_BLOCK << _PROOF_BLOCK
    end = min(start + (1 << _PROOF_BLOCK), signed_size)
    ranges = []
    for level in range(_PROOF_BLOCK + 1):
        first, last = start >> level, (end >> level) - 1
        if first <= last:
            ranges.append((node_key(level, first), node_key(level, last)))
    return ranges


def _remembered_subtrees(wanted: set[int]) -> tuple[dict[int, bytes], set[int]]:
    known: dict[int, bytes] = {}
    missing: set[int] = set()
    for key in wanted:
        found = _signed_subtrees.get(key)
        if found is None:
            missing.add(key)
        else:
            known[key] = found
    return known, missing


async def _read_block(index: int, signed_size: int, missing: set[int]) -> None:
    """The `missing` subtrees, and all those of `index`'s block, into `_signed_subtrees`."""
    # Integers computed here, not input: inlined, without the query builder.
    listed = ", ".join(str(int(key)) for key in sorted(missing))
    ranges = "".join(
        f" OR node BETWEEN {int(a)} AND {int(b)}" for a, b in _block_ranges(index, signed_size)
    )
    sql = f"SELECT node, hash FROM log_subtrees WHERE node IN ({listed}){ranges}"  # noqa: S608
    for row in await LogSubtreeRow.raw(sql).run():
        _signed_subtrees.put(row["node"], bytes.fromhex(row["hash"]))


async def signed_inclusion_proof(index: int, signed_size: int) -> list[bytes]:
    """`inclusion_proof` under the size of a stored signed checkpoint (committed, so no size
    check is needed), at most one query: subtrees read before are not read again."""
    if not 0 <= index < signed_size:
        raise LogRangeError(f"index {index} is not in a tree of size {signed_size}")
    recorder = _Recorder()
    merkle.inclusion_proof(recorder, index, signed_size)
    known, missing = _remembered_subtrees(recorder.wanted)
    if missing:
        async with _block_lock:  # proofs that miss at once wait for one reading, not 32
            known, missing = _remembered_subtrees(recorder.wanted)
            if missing:
                await _read_block(index, signed_size, missing)
                known, _ = _remembered_subtrees(recorder.wanted)
    try:
        return merkle.inclusion_proof(_Loaded(known), index, signed_size)
    except MissingSubtreeError as exc:
        raise LogIntegrityError(str(exc)) from exc


async def consistency_proof(size1: int, size2: int) -> list[bytes]:
    await _checked_size(size2, "to")
    if not 0 < size1 <= size2:
        raise LogRangeError(f"no consistency proof from size {size1} to size {size2}")
    try:
        return await _computed(lambda store: merkle.consistency_proof(store, size1, size2))
    except InvalidProofError as exc:
        raise LogRangeError(str(exc)) from exc
