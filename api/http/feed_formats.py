"""A status feed page (`registry.feeds.FeedPage`) as Atom (RFC 4287, paged as RFC 5005) and
as JSON Feed 1.1.

Both name the same things: each entry links the certificate page (`alternate`), the log
entry it comes from and the certificate's log-proof bundle (`related`), and names the log
index in its text and, in JSON Feed, in the `_rightsmark` extension. Pages link `self`,
`first` and `next` (older entries, by a log-index cursor); the first page has no `previous`
because a feed's newest page is always its first.

The same page always renders to the same bytes: times come from the log, never the clock,
so equal answers carry equal entity tags in every process.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Final

import msgspec
from feedgen.ext.base import BaseEntryExtension, BaseExtension
from feedgen.feed import FeedGenerator

from registry import urls
from registry.feeds import FeedEntry, FeedPage

ATOM_TYPE: Final = "application/atom+xml; charset=utf-8"
JSON_FEED_TYPE: Final = "application/feed+json; charset=utf-8"
JSON_FEED_VERSION: Final = "https://jsonfeed.org/version/1.1"
# An empty feed has no newest change to date it by: a fixed time keeps its bytes stable.
EPOCH: Final = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
VERBS: Final = {
    "issued": "issued",
    "suspended": "suspended",
    "reinstated": "reinstated",
    "revoked": "revoked",
    "expired": "expired",
}


ATOM_NS: Final = "http://www.w3.org/2005/Atom"
# The namespace of the one element Atom lacks: the log index of an entry's change.
RIGHTSMARK_NS: Final = "urn:rightsmark:feed:1"


class _FeedExtension(BaseExtension):  # type: ignore[misc]
    def extend_ns(self) -> dict[str, str]:
        return {"rm": RIGHTSMARK_NS}


class _EntryExtension(BaseEntryExtension):  # type: ignore[misc]
    """Writes an entry's links itself (feedgen 1.0 drops the `rel`, `type` and `title` of
    an entry's links) and its `rm:logIndex`."""

    def __init__(self) -> None:
        self.links: list[dict[str, str]] = []
        self.log_index: int | None = None

    def extend_atom(self, entry: Any) -> Any:
        for attributes in self.links:
            # Unqualified, as feedgen writes its own elements: the root's default namespace
            # (Atom) is theirs once serialised.
            entry.append(entry.makeelement("link", attributes))
        if self.log_index is not None:
            index = entry.makeelement(f"{{{RIGHTSMARK_NS}}}logIndex", {})
            index.text = str(self.log_index)
            entry.append(index)
        return entry


_SENTENCE: Final = {
    "issued": "was issued",
    "suspended": "was suspended",
    "reinstated": "was reinstated",
    "revoked": "was revoked",
    "expired": "expired",
}


def _time(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


def updated(page: FeedPage) -> dt.datetime:
    """When the page last changed: its newest entry's time (entries are newest first)."""
    return _time(page.entries[0].at) if page.entries else EPOCH


def page_url(page: FeedPage, fmt: str, before: int | None) -> str:
    url = urls.feed_url(fmt, page.scope.kind, page.scope.value)
    return url if before is None else f"{url}?before={before}"


def html_url(page: FeedPage) -> str:
    """The web page the feed is beside: the provider's page, the country's search, home."""
    if page.scope.kind == "provider":
        return urls.provider_page_url(page.scope.value)
    base = urls.public_base()
    return f"{base}/?country={page.scope.value}" if page.scope.kind == "country" else f"{base}/"


def log_entry_url(index: int) -> str:
    return f"{urls.public_base()}{urls.LOG_ENTRIES.path()}?start={index}&end={index + 1}"


def title(entry: FeedEntry) -> str:
    return f"{entry.code} {VERBS[entry.event]}: {entry.provider_name}"


def summary(entry: FeedEntry) -> str:
    """One sentence a reader (or a screen reader) can take in without the links."""
    why = f" Reason: {entry.reason}." if entry.reason else ""
    return (
        f"Certificate {entry.code} ({entry.standard}, grade {entry.grade}) of "
        f"{entry.provider_name} ({entry.provider_id}, {entry.country}) "
        f"{_SENTENCE[entry.event]} on {entry.at}.{why} Transparency log index {entry.log_index}."
    )


def feed_title(page: FeedPage) -> str:
    return f"Rightsmark certificate status changes: {page.title}"


def atom(page: FeedPage) -> bytes:
    feed = FeedGenerator()
    feed.id(page_url(page, "atom", None))
    feed.title(feed_title(page))
    feed.subtitle(
        "Certificates issued, suspended, reinstated, revoked and expired, newest first, "
        "each with its transparency log index."
    )
    feed.author({"name": "Rightsmark registry", "uri": urls.public_base() + "/"})
    feed.generator("Rightsmark")
    feed.language("en")
    feed.updated(updated(page))
    feed.link(href=page_url(page, "atom", page.before), rel="self", type=ATOM_TYPE)
    feed.link(href=page_url(page, "atom", None), rel="first", type=ATOM_TYPE)
    if page.next_before is not None:
        feed.link(href=page_url(page, "atom", page.next_before), rel="next", type=ATOM_TYPE)
    feed.link(href=html_url(page), rel="alternate", type="text/html")
    feed.register_extension("rightsmark", _FeedExtension, _EntryExtension, atom=True, rss=False)
    for entry in page.entries:
        item = feed.add_entry(order="append")
        item.id(log_entry_url(entry.log_index))
        item.title(title(entry))
        item.updated(_time(entry.at))
        item.published(_time(entry.at))
        item.rightsmark.log_index = entry.log_index
        item.rightsmark.links = [
            {
                "href": urls.certificate_page_url(entry.code),
                "rel": "alternate",
                "type": "text/html",
            },
            {
                "href": log_entry_url(entry.log_index),
                "rel": "related",
                "type": "application/json",
                "title": f"transparency log entry {entry.log_index}",
            },
            {
                "href": urls.log_proof_url(entry.certificate_id),
                "rel": "related",
                "type": "text/plain",
                "title": "the certificate's log proof bundle",
            },
        ]
        item.category(term=entry.event, label=VERBS[entry.event])
        item.content(summary(entry), type="text")  # feedgen wants content or an alternate link
    body: bytes = feed.atom_str(pretty=False)
    return body


def _extension(entry: FeedEntry) -> dict[str, Any]:
    return {
        "log_index": entry.log_index,
        "log_entry_url": log_entry_url(entry.log_index),
        "log_proof_url": urls.log_proof_url(entry.certificate_id),
        "event": entry.event,
        "certificate": entry.certificate_id,
        "code": entry.code,
        "provider": entry.provider_id,
        "country": entry.country,
        "standard": entry.standard,
        "grade": entry.grade,
        "reason": entry.reason,
    }


def json_feed(page: FeedPage) -> bytes:
    document: dict[str, Any] = {
        "version": JSON_FEED_VERSION,
        "title": feed_title(page),
        "home_page_url": html_url(page),
        "feed_url": page_url(page, "json", page.before),
        "description": "Certificate status changes, newest first, each with its "
        "transparency log index.",
        "language": "en",
        "authors": [{"name": "Rightsmark registry", "url": urls.public_base() + "/"}],
        "items": [
            {
                "id": log_entry_url(entry.log_index),
                "url": urls.certificate_page_url(entry.code),
                "title": title(entry),
                "content_text": summary(entry),
                "date_published": entry.at,
                "date_modified": entry.at,
                "tags": [entry.event],
                "_rightsmark": _extension(entry),
            }
            for entry in page.entries
        ],
    }
    if page.next_before is not None:
        document["next_url"] = page_url(page, "json", page.next_before)
    return msgspec.json.encode(document)
