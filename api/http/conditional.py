"""Conditional GET (RFC 9110 section 13.1.2): whether `If-None-Match` names the current
representation, so the answer can be `304 Not Modified` without a body; and the public
answers kept rendered, with their entity tags, until what they were built from changes."""

from __future__ import annotations

import hashlib
import math
import time
from collections.abc import Awaitable, Callable, Hashable, Mapping
from dataclasses import dataclass
from typing import Any, Final

from litestar import Request, Response

from api import i18n
from registry.db.cache import Region, Topics, read_cache


def matches(if_none_match: str, etag: str) -> bool:
    """Whether the header value matches `etag`: `*`, or one of its comma-separated entity
    tags by the weak comparison (`W/"x"` matches `"x"`), which is the one for GET."""
    tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
    return "*" in tags or etag.removeprefix("W/") in tags


def not_modified(request: Request[Any, Any, Any], etag: str) -> bool:
    return matches(request.headers.get("if-none-match", ""), etag)


# Public answers kept whole, by what they depend on (docs/freshness.md): a volatile region of
# `read_cache`, so a change to what an answer names in `depends_on` (a certificate, its
# provider), and every change that does not say what it touched (a key, a standard, a
# provider registration), drops it: in this process after the commit, in the others within
# `read_cache`'s window, through `revalidate`.
NO_CACHE: Final = "no-cache"  # a cache may keep it, but asks (If-None-Match) before each use


@dataclass(frozen=True, slots=True)
class Stored:
    """One rendered answer: its bytes, their entity tag, and until when (UNIX time) it
    cannot change by time alone (a certificate's expiry), whatever is committed."""

    body: bytes
    etag: str
    media_type: str
    fresh_until: float = math.inf
    depends_on: Topics = None  # what a change must touch to drop it (`registry.db.cache`)


@dataclass(frozen=True, slots=True)
class Built:
    """What a page or answer's builder gives `remembered`: see `Stored`."""

    body: bytes
    media_type: str
    fresh_until: float = math.inf
    depends_on: Topics = None


def entity_tag(body: bytes) -> str:
    """A strong tag from the bytes themselves: every process gives equal answers equal tags."""
    return '"' + hashlib.blake2b(body, digest_size=16).hexdigest() + '"'


async def remembered(
    region: Region[Any, Stored],
    key: Hashable,
    build: Callable[[], Awaitable[Built]],
) -> Stored:
    """The answer for `key` in the request's language (`api.i18n.current`: English for
    the API), built only when the region holds none still fresh."""

    async def stored() -> Stored:
        built = await build()
        return Stored(
            built.body,
            entity_tag(built.body),
            built.media_type,
            built.fresh_until,
            built.depends_on,
        )

    return await read_cache.remembered(
        region,
        (i18n.current(), key),
        stored,
        fresh=lambda found: time.time() < found.fresh_until,
        depends_on=lambda found: found.depends_on,
    )


def answer(
    request: Request[Any, Any, Any], stored: Stored, headers: Mapping[str, str] | None = None
) -> Response[bytes]:
    """200 with the stored body, or 304 when `If-None-Match` names it; `no-cache`, so a
    browser or proxy asks again each time and sees a change as soon as the server does."""
    sent = {**(headers or {}), "ETag": stored.etag, "Cache-Control": NO_CACHE}
    if not_modified(request, stored.etag):
        return Response(b"", status_code=304, headers=sent, media_type=stored.media_type)
    return Response(stored.body, media_type=stored.media_type, headers=sent)
