"""The public status feeds (docs/notifications.md#feeds): no account, no token.

Each feed is served as Atom and as JSON Feed 1.1, for the whole registry, one provider or
one country. Answers are kept rendered until the log changes (`registry.db.cache`: every
certificate change touches the `log` topic, and issuance and expiry invalidate everything),
with a strong ETag and a Last-Modified from the newest entry, and `no-cache` so a reader
revalidates (and gets `304 Not Modified`) rather than reading a stale feed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from email.utils import format_datetime, parsedate_to_datetime
from typing import Annotated, Any, Final

import msgspec
from litestar import Controller, Request, Response, get
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import PathParameter, QueryParameter

from api.http.conditional import NO_CACHE, entity_tag, not_modified
from api.http.feed_formats import ATOM_TYPE, JSON_FEED_TYPE, atom, json_feed, updated
from registry import feeds
from registry.db.cache import Region, read_cache

Before = Annotated[
    int | None,
    QueryParameter(
        ge=1,
        le=feeds.MAX_CURSOR,
        description="Cursor: only changes whose log index is below this. Take it from the "
        "`next` link (Atom) or `next_url` (JSON Feed) rather than building it.",
    ),
]
ProviderId = Annotated[str, PathParameter(max_length=64, description="RMP-XXXXXXXX")]
Country = Annotated[str, PathParameter(max_length=8, description="ISO 3166-1 alpha-2 code")]


class _FeedAuthor(msgspec.Struct):
    name: str
    url: str


class _FeedItem(msgspec.Struct):
    id: str
    url: str
    title: str
    content_text: str
    date_published: str
    date_modified: str
    tags: list[str]
    rightsmark: dict[str, Any] = msgspec.field(name="_rightsmark")


class _JsonFeed(msgspec.Struct):
    """The JSON Feed 1.1 document the feeds answer (for the OpenAPI description only: the
    body is rendered by api.http.feed_formats.json_feed)."""

    version: str
    title: str
    home_page_url: str
    feed_url: str
    description: str
    language: str
    authors: list[_FeedAuthor]
    items: list[_FeedItem]
    next_url: str | None = None


JSON_FEED_RESPONSE: Final = ResponseSpec(
    data_container=_JsonFeed,
    media_type=JSON_FEED_TYPE,
    description="A page of the feed, newest first",
    generate_examples=False,
)


@dataclass(frozen=True, slots=True)
class Rendered:
    body: bytes
    etag: str
    last_modified: str  # an HTTP date
    modified_at: float  # the same, as a UNIX time, for If-Modified-Since


_rendered: Region[tuple[str, str, str, int | None], Rendered] = read_cache.region(
    "feeds.pages", size=1024, volatile=True
)
_FORMATS: Final = {"atom": (atom, ATOM_TYPE), "json": (json_feed, JSON_FEED_TYPE)}
# Every certificate change appends to the log, and either names the `log` topic or
# invalidates everything (issuance, expiry, a provider's change of country).
_TOPICS: Final = frozenset({"log"})


async def _render(scope: feeds.Scope, fmt: str, before: int | None) -> Rendered:
    page = await feeds.page(scope, before, feeds.PAGE_SIZE)  # read here: tests page by 2
    body = _FORMATS[fmt][0](page)
    when = updated(page)
    return Rendered(body, entity_tag(body), format_datetime(when, usegmt=True), when.timestamp())


def _unchanged_since(request: Request[Any, Any, Any], rendered: Rendered) -> bool:
    """RFC 9110 13.1.3: only when there is no If-None-Match."""
    if "if-none-match" in request.headers:
        return not_modified(request, rendered.etag)
    since = request.headers.get("if-modified-since")
    if not since:
        return False
    try:
        return math.floor(rendered.modified_at) <= parsedate_to_datetime(since).timestamp()
    except (TypeError, ValueError):
        return False  # an unreadable date is ignored, as RFC 9110 says


async def _answer(
    request: Request[Any, Any, Any], scope: feeds.Scope, fmt: str, before: int | None
) -> Response[bytes]:
    # A country code in either case is the same feed; a provider id is spelled one way.
    value = scope.value.upper() if scope.kind == "country" else scope.value
    rendered = await read_cache.remembered(
        _rendered,
        (scope.kind, value, fmt, before),
        lambda: _render(scope, fmt, before),
        depends_on=lambda _: _TOPICS,
    )
    headers = {
        "ETag": rendered.etag,
        "Last-Modified": rendered.last_modified,
        "Cache-Control": NO_CACHE,
    }
    media_type = _FORMATS[fmt][1]
    if _unchanged_since(request, rendered):
        return Response(b"", status_code=304, headers=headers, media_type=media_type)
    return Response(rendered.body, media_type=media_type, headers=headers)


_ABOUT: Final = (
    " Newest first, at most 50 entries a page; older pages by the log-index cursor `before` "
    "(the `next` link). Each entry links the certificate page, names the transparency log "
    "index of the change and links that log entry and the certificate's log proof bundle. "
    "ETag and Last-Modified answer conditional requests with 304. A `before` that is not a "
    "positive integer is a 400 problem naming `before`."
)


class FeedsController(Controller):
    path = "/feeds"
    tags = ["feeds"]

    @get(
        "/status.atom",
        operation_id="getStatusFeedAtom",
        summary="Certificate status changes (Atom)",
        description="Every certificate issued, suspended, reinstated, revoked or expired, "
        "as an Atom feed (RFC 4287, paged as RFC 5005)." + _ABOUT,
        media_type=ATOM_TYPE,
    )
    async def all_atom(
        self, request: Request[Any, Any, Any], before: Before = None
    ) -> Response[bytes]:
        return await _answer(request, feeds.EVERYTHING, "atom", before)

    @get(
        "/status.json",
        operation_id="getStatusFeedJson",
        summary="Certificate status changes (JSON Feed)",
        description="The same changes as `/feeds/status.atom`, as JSON Feed 1.1 with a "
        "`_rightsmark` extension on each item (log index, certificate, provider, reason)." + _ABOUT,
        media_type=JSON_FEED_TYPE,
        responses={200: JSON_FEED_RESPONSE},
    )
    async def all_json(
        self, request: Request[Any, Any, Any], before: Before = None
    ) -> Response[bytes]:
        return await _answer(request, feeds.EVERYTHING, "json", before)

    @get(
        "/providers/{provider_id:str}/status.atom",
        operation_id="getProviderStatusFeedAtom",
        summary="One provider's certificate status changes (Atom)",
        description="The changes of one provider's certificates; 404 problem for a provider "
        "the registry does not know." + _ABOUT,
        media_type=ATOM_TYPE,
    )
    async def provider_atom(
        self, request: Request[Any, Any, Any], provider_id: ProviderId, before: Before = None
    ) -> Response[bytes]:
        return await _answer(request, feeds.Scope("provider", provider_id), "atom", before)

    @get(
        "/providers/{provider_id:str}/status.json",
        operation_id="getProviderStatusFeedJson",
        summary="One provider's certificate status changes (JSON Feed)",
        description="As the provider's Atom feed, in JSON Feed 1.1." + _ABOUT,
        media_type=JSON_FEED_TYPE,
        responses={200: JSON_FEED_RESPONSE},
    )
    async def provider_json(
        self, request: Request[Any, Any, Any], provider_id: ProviderId, before: Before = None
    ) -> Response[bytes]:
        return await _answer(request, feeds.Scope("provider", provider_id), "json", before)

    @get(
        "/countries/{country:str}/status.atom",
        operation_id="getCountryStatusFeedAtom",
        summary="Certificate status changes of providers registered in one country (Atom)",
        description="The changes of the certificates of providers registered in the country "
        "(ISO 3166-1 alpha-2, either case); 404 problem for a code that names no country." + _ABOUT,
        media_type=ATOM_TYPE,
    )
    async def country_atom(
        self, request: Request[Any, Any, Any], country: Country, before: Before = None
    ) -> Response[bytes]:
        return await _answer(request, feeds.Scope("country", country), "atom", before)

    @get(
        "/countries/{country:str}/status.json",
        operation_id="getCountryStatusFeedJson",
        summary="Certificate status changes of providers registered in one country (JSON Feed)",
        description="As the country's Atom feed, in JSON Feed 1.1." + _ABOUT,
        media_type=JSON_FEED_TYPE,
        responses={200: JSON_FEED_RESPONSE},
    )
    async def country_json(
        self, request: Request[Any, Any, Any], country: Country, before: Before = None
    ) -> Response[bytes]:
        return await _answer(request, feeds.Scope("country", country), "json", before)
