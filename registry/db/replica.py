"""Public reads from a PostgreSQL standby, never staler than the primary's promise.

`RIGHTSMARK_DATABASE_REPLICA_URL` gives the engine a third pool, on a standby
(`target_session_attrs=prefer-standby`). Only the reads of requests that `replica_reads()`
marks go there (the public pages and files a visitor without credentials reads: `api.app`);
verification, every signed-in request and every transaction stay on the primary.

A standby replays the primary's log behind it: the synchronous one (Patroni's
`synchronous_mode` with `synchronous_commit = remote_apply`) has applied every acknowledged
commit before it was acknowledged; another one may lag. So before a read on a standby
connection, the standby must have replayed the primary's log up to a *watermark*
(`pg_last_wal_replay_lsn() >= watermark`, the log-position check), else the read runs on the
primary's read pool. The watermark is the primary's log position (`pg_current_wal_lsn()`),
read again:

- after this process commits a write (`note_commit`: the next read sees it, as on the
  primary, "at once in the same process");
- after the read caches' probe saw another process's commit (`note_changes`): a cached page
  built from the standby is then built from data at least as new as the version it is stored
  under, so it cannot outlive the change it missed (docs/freshness.md);
- and when it is older than the freshness window (250 ms, `cache.WINDOW_SECONDS`): a change
  made by another process shows within that window, as it always has.

Reading it is one trivial query on the primary per window per process, shared by every
request waiting on it; a standby connection remembers how far it was seen to have replayed,
so the check costs a query on the standby only when the watermark has moved past it.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, Final
from weakref import WeakKeyDictionary

from registry.db.cache import WINDOW_SECONDS

PRIMARY_POSITION: Final = "SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::bigint AS lsn"
# NULL on a server that is not in recovery: a primary has everything it committed.
REPLAYED: Final = (
    "SELECT CASE WHEN pg_is_in_recovery()"
    " THEN pg_wal_lsn_diff(pg_last_wal_replay_lsn(), '0/0')::bigint END AS lsn"
)
# How long a read waits for a lagging standby before it goes to the primary instead.
CATCH_UP_SECONDS: Final = 0.1
_POLL_SECONDS: Final = 0.01
_EVERYTHING: Final = 1 << 62  # "replayed everything": a primary reached through the pool

_wanted: ContextVar[bool] = ContextVar("rightsmark_replica_reads", default=False)


@contextmanager
def replica_reads() -> Any:
    """Within this block, reads outside a transaction may go to the standby."""
    token = _wanted.set(True)
    try:
        yield
    finally:
        _wanted.reset(token)


def wanted() -> bool:
    return _wanted.get()


class Watermark:
    """The primary's log position a standby must have replayed before it may answer."""

    def __init__(self, read_primary: Callable[[], Awaitable[int]]) -> None:
        self._read_primary = read_primary
        self.position = 0
        self._read_at = float("-inf")  # monotonic time the last reading began
        self._stale = True
        self._lock = asyncio.Lock()
        self.fallbacks = 0  # reads sent to the primary because the standby lagged

    def mark_stale(self) -> None:
        self._stale = True

    async def current(self) -> int:
        asked = time.monotonic()
        if not self._stale and asked - self._read_at < WINDOW_SECONDS:
            return self.position
        async with self._lock:
            # Another task may have read it while this one waited: good enough if that
            # reading began after this one asked (it includes everything acknowledged then).
            if self._stale or self._read_at < asked:
                began = time.monotonic()
                self._stale = False
                try:
                    self.position = max(self.position, await self._read_primary())
                except BaseException:
                    self._stale = True
                    raise
                self._read_at = began
        return self.position


class StandbyCheck:
    """The log-position check for standby connections (`fresh`)."""

    def __init__(self, watermark: Watermark) -> None:
        self.watermark = watermark
        # How far each connection was seen to have replayed (monotonic on one server).
        self._replayed: WeakKeyDictionary[Any, int] = WeakKeyDictionary()

    async def fresh(self, connection: Any) -> bool:
        """Whether `connection` has replayed up to the watermark (waiting for it a little)."""
        needed = await self.watermark.current()
        key = getattr(connection, "_con", connection)  # the pool's proxy changes, not this
        if self._replayed.get(key, -1) >= needed:
            return True
        deadline = time.monotonic() + CATCH_UP_SECONDS
        while True:
            value = await connection.fetchval(REPLAYED)
            replayed = _EVERYTHING if value is None else int(value)
            self._replayed[key] = replayed
            if replayed >= needed:
                return True
            if time.monotonic() >= deadline:
                self.watermark.fallbacks += 1
                return False
            await asyncio.sleep(_POLL_SECONDS)


_check: StandbyCheck | None = None


def install(check: StandbyCheck | None) -> None:
    """The process's check, once its standby pool is open (None when it closes)."""
    global _check
    _check = check


def note_commit() -> None:
    """This process committed a write: the next standby read must include it."""
    if _check is not None:
        _check.watermark.mark_stale()


def note_changes() -> None:
    """The read caches' probe saw commits of other processes."""
    if _check is not None:
        _check.watermark.mark_stale()


def fallbacks() -> int:
    return 0 if _check is None else _check.watermark.fallbacks
