"""A per-client request limit for the public verify endpoints, O(1) per request.

Fixed one-minute windows per client address: a counter, not a history of timestamps
(Litestar's own limiter decodes and re-encodes every request's timestamp on every request,
which costs more than verifying a certificate). A client gets at most `per_minute` requests
in each window; more answer 429 with `Retry-After`.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Final

from litestar.enums import ScopeType
from litestar.exceptions import TooManyRequestsException
from litestar.types import ASGIApp, Receive, Scope, Send

WINDOW_SECONDS: Final = 60
_MAX_CLIENTS: Final = 100_000  # beyond this, windows other than the current one are dropped


def rate_limit_middleware(*, per_minute: int, path_prefix: str) -> Callable[[ASGIApp], ASGIApp]:
    """A Litestar middleware factory limiting requests whose path starts with `path_prefix`."""
    counts: dict[str, tuple[int, int]] = {}  # client -> (window number, requests in it)

    def factory(app: ASGIApp) -> ASGIApp:
        async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
            if scope["type"] == ScopeType.HTTP and scope["path"].startswith(path_prefix):
                now = time.time()
                window = int(now // WINDOW_SECONDS)
                client = scope.get("client")
                key = client[0] if client else "unknown"
                seen_window, seen = counts.get(key, (window, 0))
                used = seen + 1 if seen_window == window else 1
                if used > per_minute:
                    retry = int((window + 1) * WINDOW_SECONDS - now) + 1
                    raise TooManyRequestsException(
                        f"more than {per_minute} verification requests a minute from this "
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
