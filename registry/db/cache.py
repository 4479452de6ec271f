"""The process's read caches, in one place, and the one rule that keeps them fresh.

Whatever this process keeps from the database to answer reads faster is a named region of
`read_cache`: the verify snapshot and its remembered verdicts, the log view and proof
bundles (`registry.certificates.verifier`), rendered status lists
(`registry.certificates.status`), credentials as issued (`registry.certificates.service`)
and the public JSON of published standards (`registry.standards.service`).

A region is *volatile* when what it holds can change: every `invalidate` clears it and
moves `version` on. A value built from reads must be stored with the version taken before
its first read (`put(key, value, read_at=version)`); a value whose reads began before the
latest invalidation is refused, so a rebuild that raced a commit is never kept as fresh.
A *lasting* region holds what never changes (a credential as issued, a proof under a given
tree size) or what is checked against the database on every use (a status list, against
its row's version); invalidation leaves it alone.

When `invalidate` runs:

- in this process, after the commit of every write transaction
  (`registry.db.database.write_transaction`), whatever it changed, and before the request
  that made the change is answered. A read that starts after a change was acknowledged
  sees it.
- for changes made by other processes (several server workers, `rightsmark lifecycle run`,
  an import): every committed write transaction also moves the database's data version on
  (one row); `revalidate()`, which readers call before trusting a volatile region, asks for
  it at most every `WINDOW_SECONDS` and invalidates when it moved. Such a change is seen by
  every read that starts more than `WINDOW_SECONDS` after its commit (docs/freshness.md).
"""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Iterator
from typing import Any, Final, Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")

# How long a process may go without asking the database whether another process changed
# something: the documented staleness window across processes (docs/freshness.md).
WINDOW_SECONDS: Final = 0.25


class Region(Generic[K, V]):
    """A bounded map, oldest entries dropped first; part of a `ReadCache`."""

    def __init__(self, owner: ReadCache, name: str, size: int, *, volatile: bool) -> None:
        self._owner = owner
        self.name = name
        self.size = size
        self.volatile = volatile
        self._items: OrderedDict[K, V] = OrderedDict()

    def get(self, key: K) -> V | None:
        return self._items.get(key)

    def put(self, key: K, value: V, *, read_at: int | None = None) -> V:
        """Keep `value` (and return it). In a volatile region `read_at` is the cache's
        version when the reads the value was built from began: if anything was invalidated
        since, the value may predate it and is not kept."""
        if self.volatile:
            if read_at is None:
                raise TypeError(f"region {self.name} is volatile: put needs read_at")
            if read_at != self._owner.version:
                return value
        self._items[key] = value
        self._items.move_to_end(key)
        while len(self._items) > self.size:
            self._items.popitem(last=False)
        return value

    def pop(self, key: K) -> V | None:
        return self._items.pop(key, None)

    def clear(self) -> None:
        self._items.clear()

    def __contains__(self, key: object) -> bool:
        return key in self._items

    def __getitem__(self, key: K) -> V:
        return self._items[key]

    def __iter__(self) -> Iterator[K]:
        return iter(list(self._items))

    def __len__(self) -> int:
        return len(self._items)


class ReadCache:
    """Named regions, one `version`, one `invalidate`."""

    def __init__(self, window_seconds: float = WINDOW_SECONDS) -> None:
        self.window_seconds = window_seconds
        self._version = 0
        self._regions: dict[str, Region[Any, Any]] = {}
        self._probe: Callable[[], Awaitable[object]] | None = None
        self._in_transaction: Callable[[], bool] = lambda: False
        self._seen: object = None  # what the probe last answered
        self._checked = float("-inf")  # time.monotonic() when that question was asked
        self._probe_lock = asyncio.Lock()

    @property
    def version(self) -> int:
        """Moves on at every invalidation; stamp what you build with it, before reading."""
        return self._version

    def region(self, name: str, *, size: int, volatile: bool) -> Region[K, V]:
        if name in self._regions:
            raise ValueError(f"read cache region {name} exists already")
        region: Region[K, V] = Region(self, name, size, volatile=volatile)
        self._regions[name] = region
        return region

    @property
    def regions(self) -> dict[str, Region[Any, Any]]:
        return dict(self._regions)

    def invalidate(self, *, everything: bool = False) -> None:
        """Something cached may have changed: clear the volatile regions and move the
        version on. `everything` clears the lasting regions too (the database was emptied
        or replaced under the process, as tests and restores do)."""
        self._version += 1
        for region in self._regions.values():
            if region.volatile or everything:
                region.clear()

    def watch(
        self, probe: Callable[[], Awaitable[object]], in_transaction: Callable[[], bool]
    ) -> None:
        """`probe` answers the database's version of everything cached (cheaply: it runs at
        most every window); it is not asked inside a write transaction, whose own
        uncommitted changes it would see."""
        self._probe, self._in_transaction = probe, in_transaction

    async def remembered(
        self,
        region: Region[K, V],
        key: K,
        build: Callable[[], Awaitable[V]],
        fresh: Callable[[V], bool] = lambda _: True,
    ) -> V:
        """What `region` holds for `key` (and `fresh` accepts), else `build()` kept with the
        version taken before it read anything: the one way to fill a volatile region."""
        read_at = await self.revalidate()
        found = region.get(key)
        if found is not None and fresh(found):
            return found
        return region.put(key, await build(), read_at=read_at)

    async def revalidate(self) -> int:
        """The version to read at, once the database was asked within the window whether
        another process changed anything (invalidating if it did)."""
        if self._probe is None or time.monotonic() - self._checked < self.window_seconds:
            return self._version
        if self._in_transaction():
            return self._version
        async with self._probe_lock:  # the readers that come at once share one question
            asked = time.monotonic()
            if asked - self._checked < self.window_seconds:
                return self._version  # asked by another reader while this one waited
            seen = await self._probe()
            if seen != self._seen:
                self._seen = seen
                self.invalidate()
            self._checked = asked
        return self._version


read_cache: Final = ReadCache()
