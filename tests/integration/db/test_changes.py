"""What a committed write transaction says it touched, and what another process learns of
it (`registry.db.database.changes`, `changes_since`): the read caches drop only what
depends on a change, and never less than that."""

from __future__ import annotations

import pytest

from registry.db import database
from registry.db.cache import read_cache
from registry.db.database import changes, changes_since, data_version, write_transaction
from registry.db.tables import AccountRow

X, Y = "certificate:crt_x", "provider:prv_y"


async def _insert(name: str) -> None:
    await AccountRow.insert(
        AccountRow(public_id=f"acc_{name}", name=name, role="secretariat", created_by="test")
    ).run()


async def _latest() -> tuple[int, frozenset[str] | None]:
    return await changes_since(await data_version() - 1)


async def test_a_block_that_says_what_it_touched_records_just_that(db: None) -> None:
    async with write_transaction():
        await _insert("a")
        changes(X, Y)
    assert (await _latest())[1] == frozenset({X, Y})


async def test_a_block_that_says_nothing_touches_everything(db: None) -> None:
    async with write_transaction():
        await _insert("a")
    assert (await _latest())[1] is None


@pytest.mark.parametrize(
    ("outer_says", "inner_says", "expected"),
    [
        (False, True, {X}),  # a use case wrapping another that said what it touched
        (True, True, {X, Y}),
        (True, False, None),  # a nested use case that said nothing: everything
        (False, False, None),
    ],
)
async def test_nested_blocks(
    db: None, outer_says: bool, inner_says: bool, expected: set[str] | None
) -> None:
    async with write_transaction():
        async with write_transaction():
            await _insert("inner")
            if inner_says:
                changes(X)
        if outer_says:
            changes(Y)
    assert (await _latest())[1] == expected


async def test_a_rollback_records_nothing_and_invalidates_nothing(db: None) -> None:
    before, version = await data_version(), read_cache.version

    async def refused() -> None:
        async with write_transaction():
            await _insert("a")
            raise RuntimeError("refused")

    with pytest.raises(RuntimeError):
        await refused()
    assert await data_version() == before
    assert read_cache.version == version


async def test_the_commit_invalidates_in_this_process_what_it_touched(db: None) -> None:
    pages = read_cache.regions["web.certificate_pages"]
    at = await read_cache.revalidate()
    pages.put("RM-X", "x", read_at=at, topics=frozenset({X}))
    pages.put("RM-Z", "z", read_at=at, topics=frozenset({"certificate:crt_z"}))
    async with write_transaction():
        await _insert("a")
        changes(X)
    assert "RM-X" not in pages
    assert "RM-Z" in pages
    pages.clear()


async def test_another_process_learns_every_change_since_it_last_asked(db: None) -> None:
    seen = await data_version()
    for topic in (X, Y):
        async with write_transaction():
            await _insert(topic.split(":")[1])
            changes(topic)
    assert await changes_since(seen) == (seen + 2, frozenset({X, Y}))
    assert await changes_since(seen + 2) == (seen + 2, frozenset())
    assert (await changes_since(None))[1] is None  # a process that never asked: everything


async def test_a_process_further_behind_than_the_record_invalidates_everything(
    db: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(database, "_KEEP_CHANGES", 2)
    seen = await data_version()
    for n in range(4):  # the records of the first ones are deleted on the way
        async with write_transaction():
            await _insert(f"n{n}")
            changes(X)
    assert await changes_since(seen) == (seen + 4, None)
    assert (await changes_since(seen + 3))[1] == frozenset({X})


def test_topics_are_checked() -> None:
    with pytest.raises(database.DatabaseError):
        changes(X)  # outside a write transaction


async def test_a_topic_cannot_pass_for_everything(db: None) -> None:
    async def everything() -> None:
        async with write_transaction():
            changes("*")

    with pytest.raises(ValueError, match="topics"):
        await everything()
