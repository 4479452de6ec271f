"""Admission: at most `ACTIVE_READS` reading requests (GET and HEAD, and the POSTs that
only read, such as verifications) run at once in a process; the others wait their turn, in
order, before any of their work starts. Writes are never held back.

Why: a server process is one event loop. Under more concurrent reads than it has CPU for,
every request that is running adds a step to each turn of the loop, and each database query
is a hop to a connection thread and back that waits a whole turn. A write transaction makes
about a dozen such hops while it holds SQLite's only write lock (figure 7's mix, 64
connections on two processes: writes took 2-5 s, some over wrk's 5 s timeout, and every
other write in both processes queued behind them). With a bounded number of requests
running, a turn stays short, so the hops of a write (and of every request) are quick, while
the CPU does the same work: waiting requests cost a parked task, not a step per turn.
"""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import Callable
from typing import Final

from litestar.enums import ScopeType
from litestar.types import ASGIApp, Receive, Scope, Send

from api.http.middleware.ratelimit import Matcher

ACTIVE_READS: Final = 16  # as many as a process has SQLite readers (registry.db.pooled)
_READS: Final = frozenset({"GET", "HEAD"})


def admission_middleware(reading_posts: Matcher) -> Callable[[ASGIApp], ASGIApp]:
    """The middleware factory; `reading_posts` says which other requests only read."""

    def factory(app: ASGIApp) -> ASGIApp:
        return _admitting(app, reading_posts)

    return factory


def _admitting(app: ASGIApp, reading_posts: Matcher) -> ASGIApp:
    # One per event loop (tests run apps on many), forgotten with its loop.
    turns: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Semaphore] = (
        weakref.WeakKeyDictionary()
    )

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP or not (
            scope["method"] in _READS or reading_posts(scope["method"], scope["path"])
        ):
            await app(scope, receive, send)
            return
        loop = asyncio.get_running_loop()
        turn = turns.get(loop)
        if turn is None:
            turn = turns[loop] = asyncio.Semaphore(ACTIVE_READS)
        async with turn:
            await app(scope, receive, send)

    return middleware
