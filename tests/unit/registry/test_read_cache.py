"""The read cache's rule: an entry is dropped by a change to what it depends on, and a value
built from reads that a change overtook is never kept (`registry.db.cache`)."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from registry.db.cache import ReadCache, Region, Topics

X, Y = "certificate:crt_x", "certificate:crt_y"


@pytest.mark.parametrize(
    ("depends", "touched", "dropped"),
    [
        (frozenset({X}), {X}, True),
        (frozenset({X}), {Y}, False),
        (frozenset({X, Y}), {Y}, True),
        (None, {Y}, True),  # depends on everything: any change drops it
        (frozenset(), {Y}, False),  # depends on nothing narrow: only a full invalidation
        (frozenset(), None, True),
        (frozenset({X}), None, True),
    ],
)
def test_invalidation_drops_what_depends_on_the_change(
    depends: Topics, touched: set[str] | None, dropped: bool
) -> None:
    cache = ReadCache()
    pages: Region[str, Any] = cache.region("pages", size=8, volatile=True)
    pages.put("key", "page", read_at=cache.version, topics=depends)
    cache.invalidate(touched)
    assert ("key" in pages) is not dropped


@pytest.mark.parametrize(
    ("depends", "touched", "kept"),
    [
        (frozenset({X}), {Y}, True),  # another certificate changed meanwhile: still true
        (frozenset({X}), {X}, False),  # its own changed while it was read: maybe stale
        (None, {Y}, False),
        (frozenset({X}), None, False),
    ],
)
def test_a_value_read_before_a_change_to_it_is_not_kept(
    depends: Topics, touched: set[str] | None, kept: bool
) -> None:
    cache = ReadCache()
    pages: Region[str, Any] = cache.region("pages", size=8, volatile=True)
    read_at = cache.version
    cache.invalidate(touched)  # committed while the value was being built
    assert pages.put("key", "page", read_at=read_at, topics=depends) == "page"
    assert ("key" in pages) is kept


def test_a_lasting_region_survives_and_everything_clears_it() -> None:
    cache = ReadCache()
    lasting: Region[str, Any] = cache.region("issued", size=8, volatile=False)
    lasting.put("crt_x", 1)
    cache.invalidate()
    assert lasting.get("crt_x") == 1
    cache.invalidate(everything=True)
    assert lasting.get("crt_x") is None


def test_eviction_and_replacement_forget_the_old_topics() -> None:
    cache = ReadCache()
    pages: Region[str, Any] = cache.region("pages", size=2, volatile=True)
    pages.put("a", 1, read_at=cache.version, topics=frozenset({X}))
    pages.put("a", 2, read_at=cache.version, topics=frozenset({Y}))  # a depends on Y now
    pages.put("b", 3, read_at=cache.version, topics=frozenset({X}))
    pages.put("c", 4, read_at=cache.version, topics=frozenset({X}))  # evicts a
    cache.invalidate({Y})
    assert list(pages) == ["b", "c"]
    cache.invalidate({X})
    assert len(pages) == 0


def test_too_many_topics_become_a_full_invalidation(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("registry.db.cache._MAX_TOPICS", 3)
    cache = ReadCache()
    pages: Region[str, Any] = cache.region("pages", size=8, volatile=True)
    pages.put("key", "page", read_at=cache.version, topics=frozenset({"other"}))
    cache.invalidate({"a", "b"})
    assert "key" in pages
    cache.invalidate({"c", "d"})  # would remember 4 topics: forgets them all instead
    assert "key" not in pages


def test_revalidate_invalidates_what_another_process_touched() -> None:
    """The probe stands for the database (its tests: tests/integration/db/test_changes.py)."""
    answers: list[tuple[int, Topics]] = [(5, None), (6, frozenset({X})), (6, frozenset())]
    asked: list[int | None] = []

    async def probe(seen: int | None) -> tuple[int, Topics]:
        asked.append(seen)
        return answers.pop(0)

    async def scenario() -> None:
        cache = ReadCache(window_seconds=0)
        pages: Region[str, Any] = cache.region("pages", size=8, volatile=True)
        cache.watch(probe, lambda: False)
        at = await cache.revalidate()  # first question: everything
        pages.put("x", 1, read_at=at, topics=frozenset({X}))
        pages.put("y", 2, read_at=at, topics=frozenset({Y}))
        await cache.revalidate()  # X changed elsewhere
        assert list(pages) == ["y"]
        version = cache.version
        await cache.revalidate()  # nothing new: no invalidation
        assert cache.version == version

    asyncio.run(scenario())
    assert asked == [None, 5, 6]
