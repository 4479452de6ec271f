"""Security headers on every answer the registry gives, API and pages alike.

A header a handler already set is never replaced (the pages set `api.web.render.html.PAGE_HEADERS`
themselves). Every other answer (JSON, problem details, credentials, evidence files, the
OpenAPI document) gets the pages' own policy: nothing is ever loaded from another origin,
no script runs, and nothing may be framed (`frame-ancestors 'none'` and `X-Frame-Options`).

An answer to a request with credentials (`Authorization`, `Complaint-Key`, any portal
path) that sets no `Cache-Control` gets `private, no-store`.

`Strict-Transport-Security` is sent only when the public URL is https: over plain http
browsers ignore it, and on a local or test server it would pin the wrong origin.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Final

from litestar.types import Message, Scope

# Nothing outside the registry is ever fetched: styles, images and forms are same-origin.
# No script runs at all (the pages work without JavaScript), and inline SVG needs no source.
CSP: Final = (
    "default-src 'none'; style-src 'self'; font-src 'self'; img-src 'self' data:; "
    "form-action 'self'; "
    "base-uri 'none'; frame-ancestors 'none'"
)
HSTS: Final = "max-age=31536000; includeSubDomains"
HEADERS: Final = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}


# An answer to a request that proved who sent it (a bearer token, a complaint's access key,
# a portal session) may carry a secret or private data: a token shown once, a contact, a
# case. No cache, shared or the browser's, keeps it, unless its handler said otherwise.
_PRIVATE: Final = (b"cache-control", b"private, no-store")
_CREDENTIALS: Final = frozenset({b"authorization", b"complaint-key"})


def _credentialed(scope: Scope) -> bool:
    """A token or key in the request, or a portal path (a session cookie or a form's CSRF
    nonce: every portal answer, its error pages included, is for one browser only)."""
    if str(scope.get("path", "")).startswith("/portal"):
        return True
    return any(name in _CREDENTIALS for name, _ in scope.get("headers", ()))


def security_headers_hook(*, hsts: bool) -> Callable[[Message, Scope], Awaitable[None]]:
    """A Litestar `before_send` hook adding `HEADERS` (and with `hsts`, HSTS) to every HTTP
    response that does not carry them already. A hook rather than a middleware, so that
    answers no route handler produced (unknown paths, 405, 429 from a rate limit, errors)
    carry them too."""
    extra = {**HEADERS, **({"Strict-Transport-Security": HSTS} if hsts else {})}
    # Encoded once: each answer costs one pass over its own raw headers and a list extend.
    raw = [
        (name.lower().encode("latin-1"), value.encode("latin-1")) for name, value in extra.items()
    ]
    names = frozenset(name for name, _ in raw)

    async def add_headers(message: Message, scope: Scope) -> None:
        if message["type"] == "http.response.start":
            headers = list(message.get("headers", ()))
            present = {name.lower() for name, _ in headers}
            missing = present & names
            headers.extend(raw if not missing else [h for h in raw if h[0] not in missing])
            if b"cache-control" not in present and _credentialed(scope):
                headers.append(_PRIVATE)
            message["headers"] = headers

    return add_headers
