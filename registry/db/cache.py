"""The process's read caches, in one place, and the one rule that keeps them fresh.

Whatever this process keeps from the database to answer reads faster is a named region of
`read_cache`: the verify snapshot and its remembered verdicts, the log view and proof
bundles (`registry.certificates.verifier`), rendered status lists
(`registry.certificates.status`), credentials as issued (`registry.certificates.service`)
and the public JSON of published standards (`registry.standards.service`).

A region is *volatile* when what it holds can change. Each entry of a volatile region
names what it depends on: *topics* such as `certificate:crt_...` or `provider:prv_...`, or
nothing narrower than everything (the default). An invalidation names the topics a change
touched (a suspension: the certificate, its provider, the status lists, the log) or none,
meaning anything may have changed; it drops the entries that depend on a touched topic or on
everything, and moves `version` on. A value built from reads must be stored with the version
taken before its first read (`put(key, value, read_at=version, topics=...)`); it is refused
when one of its topics (or everything) was invalidated since, so a rebuild that raced a
commit is never kept as fresh. A *lasting* region holds what never changes (a credential as
issued, a proof under a given tree size) or what is checked against the database on every
use (a status list, against its row's version); invalidation leaves it alone.

When `invalidate` runs:

- in this process, after the commit of every write transaction
  (`registry.db.database.write_transaction`), whatever it changed, and before the request
  that made the change is answered. A read that starts after a change was acknowledged
  sees it.
- for changes made by other processes (several server workers, `rightsmark lifecycle run`,
  an import): every committed write transaction also moves the database's data version on
  and records the topics it touched under the new number (`registry.db.database`);
  `revalidate()`, which readers call before trusting a volatile region, asks for the
  changes since the last number it saw at most every `WINDOW_SECONDS` and invalidates what
  they touched. Such a change is seen by every read that starts more than `WINDOW_SECONDS`
  after its commit (docs/freshness.md).

Only a write that says what it touched (`registry.db.database.changes`) invalidates
narrowly; every other one invalidates everything, so a change that forgot to announce
itself can only cost speed, never freshness.
"""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Collection, Iterator
from typing import Any, Final, Generic, TypeAlias, TypeVar

K = TypeVar("K")
V = TypeVar("V")

# How long a process may go without asking the database whether another process changed
# something: the documented staleness window across processes (docs/freshness.md).
WINDOW_SECONDS: Final = 0.25

# What an entry depends on, or what a change touched: topics, or None for everything.
Topics: TypeAlias = frozenset[str] | None
# The database's answer to "what changed after version `seen`?": its version now, and the
# topics touched since (None: anything may have).
Probe: TypeAlias = Callable[[int | None], Awaitable[tuple[int, Topics]]]
# Where a region files the entries that depend on everything, beside the named topics.
_EVERYTHING: Final = ""
# More distinct topics than this since the last full invalidation: the next one is full
# (the record of when each topic was last touched must not grow without bound).
_MAX_TOPICS: Final = 100_000


class Region(Generic[K, V]):
    """A bounded map, oldest entries dropped first; part of a `ReadCache`."""

    def __init__(self, owner: ReadCache, name: str, size: int, *, volatile: bool) -> None:
        self._owner = owner
        self.name = name
        self.size = size
        self.volatile = volatile
        self._items: OrderedDict[K, V] = OrderedDict()
        # Volatile regions: what each entry depends on, and the entries of each topic.
        self._depends: dict[K, Topics] = {}
        self._by_topic: dict[str, set[K]] = {}

    def get(self, key: K) -> V | None:
        return self._items.get(key)

    def put(self, key: K, value: V, *, read_at: int | None = None, topics: Topics = None) -> V:
        """Keep `value` (and return it). In a volatile region `read_at` is the cache's
        version when the reads the value was built from began, and `topics` what it depends
        on (None: everything): if one of them was invalidated since, the value may predate
        the change and is not kept."""
        if self.volatile:
            if read_at is None:
                raise TypeError(f"region {self.name} is volatile: put needs read_at")
            if self._owner.changed_since(read_at, topics):
                return value
            self._forget(key)
            self._depends[key] = topics
            for topic in (_EVERYTHING,) if topics is None else topics:
                self._by_topic.setdefault(topic, set()).add(key)
        self._items[key] = value
        self._items.move_to_end(key)
        while len(self._items) > self.size:
            self._forget(self._items.popitem(last=False)[0])
        return value

    def pop(self, key: K) -> V | None:
        self._forget(key)
        return self._items.pop(key, None)

    def clear(self) -> None:
        self._items.clear()
        self._depends.clear()
        self._by_topic.clear()

    def drop(self, topics: frozenset[str]) -> None:
        """Drop the entries that depend on one of `topics` or on everything."""
        doomed: set[K] = set()
        for topic in (_EVERYTHING, *topics):
            doomed |= self._by_topic.get(topic, set())
        for key in doomed:
            self.pop(key)

    def _forget(self, key: K) -> None:
        if key not in self._depends:
            return
        depends = self._depends.pop(key)
        for topic in (_EVERYTHING,) if depends is None else depends:
            keys = self._by_topic.get(topic)
            if keys is not None:
                keys.discard(key)
                if not keys:
                    del self._by_topic[topic]

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
        self._everything_at = 0  # the version the last invalidation of everything gave
        self._touched_at: dict[str, int] = {}  # topic -> the version its last one gave
        self._regions: dict[str, Region[Any, Any]] = {}
        self._probe: Probe | None = None
        self._in_transaction: Callable[[], bool] = lambda: False
        self._seen: int | None = None  # the database's data version the probe last saw
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

    def changed_since(self, read_at: int, topics: Topics) -> bool:
        """Whether something a value depending on `topics` was read from may have changed
        after version `read_at`."""
        if topics is None:
            return read_at != self._version
        if self._everything_at > read_at:
            return True
        return any(self._touched_at.get(topic, -1) > read_at for topic in topics)

    def invalidate(
        self, topics: Collection[str] | None = None, *, everything: bool = False
    ) -> None:
        """Something cached may have changed: `topics`, or anything at all (None). Drops
        the entries of volatile regions that depend on them and moves the version on.
        `everything` clears the lasting regions too (the database was emptied or replaced
        under the process, as tests and restores do)."""
        self._version += 1
        if everything or topics is None or len(self._touched_at) + len(topics) > _MAX_TOPICS:
            self._everything_at = self._version
            self._touched_at.clear()
            for region in self._regions.values():
                if region.volatile or everything:
                    region.clear()
            return
        touched = frozenset(topics)
        for topic in touched:
            self._touched_at[topic] = self._version
        for region in self._regions.values():
            if region.volatile:
                region.drop(touched)

    def watch(self, probe: Probe, in_transaction: Callable[[], bool]) -> None:
        """`probe(seen)` answers the database's data version and what changed after
        version `seen` (None: the process has not asked yet, or the record of what changed
        no longer reaches back that far: everything). It runs at most every window, and
        not inside a write transaction, whose own uncommitted changes it would see."""
        self._probe, self._in_transaction = probe, in_transaction

    async def remembered(
        self,
        region: Region[K, V],
        key: K,
        build: Callable[[], Awaitable[V]],
        fresh: Callable[[V], bool] = lambda _: True,
        depends_on: Callable[[V], Topics] = lambda _: None,
    ) -> V:
        """What `region` holds for `key` (and `fresh` accepts), else `build()` kept with the
        version taken before it read anything and the topics `depends_on` names for it: the
        one way to fill a volatile region."""
        read_at = await self.revalidate()
        found = region.get(key)
        if found is not None and fresh(found):
            return found
        built = await build()
        return region.put(key, built, read_at=read_at, topics=depends_on(built))

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
            version, topics = await self._probe(self._seen)
            if version != self._seen:
                self._seen = version
                self.invalidate(topics)
            self._checked = asked
        return self._version


read_cache: Final = ReadCache()
