"""Per-client request limits for the public endpoints anyone may hammer, O(1) per request.

Fixed one-minute windows per client address: a counter, not a history of timestamps
(Litestar's own limiter decodes and re-encodes every request's timestamp on every request,
which costs more than verifying a certificate). A client gets at most `per_minute` requests
in each window; more answer 429 with `Retry-After`. Each limit counts on its own: using up
searches leaves verifications untouched.

Two limits are installed by `api.app`: POST /api/v1/verify[/batch]
(`RIGHTSMARK_VERIFY_RATE_PER_MINUTE`) and the public search, GET /api/v1/providers and the
search page GET / (`RIGHTSMARK_SEARCH_RATE_PER_MINUTE`).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Collection
from typing import Final

from litestar.enums import ScopeType
from litestar.exceptions import TooManyRequestsException
from litestar.types import ASGIApp, Receive, Scope, Send

WINDOW_SECONDS: Final = 60
_MAX_CLIENTS: Final = 100_000  # beyond this, windows other than the current one are dropped

Matcher = Callable[[str, str], bool]  # (method, path) -> is this request limited?


def prefix(path_prefix: str) -> Matcher:
    """Every request whose path starts with `path_prefix`, whatever its method."""
    return lambda method, path: path.startswith(path_prefix)


def exact(method: str, paths: Collection[str]) -> Matcher:
    """Requests with this method to exactly these paths (a trailing slash ignored)."""
    wanted = {p.rstrip("/") or "/" for p in paths}
    return lambda m, path: m == method and (path.rstrip("/") or "/") in wanted


def any_of(*matchers: Matcher) -> Matcher:
    return lambda method, path: any(m(method, path) for m in matchers)


def rate_limit_middleware(
    *,
    per_minute: int,
    path_prefix: str | None = None,
    matches: Matcher | None = None,
    what: str = "verification",
) -> Callable[[ASGIApp], ASGIApp]:
    """A Litestar middleware factory limiting the requests `matches` selects (or, for
    compatibility, those whose path starts with `path_prefix`); `what` names them in the
    429 problem ("more than 60 search requests a minute ...")."""
    if matches is None:
        if path_prefix is None:
            raise ValueError("rate_limit_middleware needs matches or path_prefix")
        matches = prefix(path_prefix)
    selected = matches
    counts: dict[str, tuple[int, int]] = {}  # client -> (window number, requests in it)

    def factory(app: ASGIApp) -> ASGIApp:
        async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
            if scope["type"] == ScopeType.HTTP and selected(scope["method"], scope["path"]):
                now = time.time()
                window = int(now // WINDOW_SECONDS)
                client = scope.get("client")
                key = client[0] if client else "unknown"
                seen_window, seen = counts.get(key, (window, 0))
                used = seen + 1 if seen_window == window else 1
                if used > per_minute:
                    retry = int((window + 1) * WINDOW_SECONDS - now) + 1
                    raise TooManyRequestsException(
                        f"more than {per_minute} {what} requests a minute from this "
                        f"address; retry in {retry} s",
                        headers={"Retry-After": str(retry)},
                    )
                if len(counts) >= _MAX_CLIENTS:
                    for stale in [k for k, (w, _) in counts.items() if w != window]:
                        del counts[stale]
                counts[key] = (window, used)
            await app(scope, receive, send)

        return middleware

    return factory
