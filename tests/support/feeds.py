"""Reading the status feeds as a subscriber would: Atom through the standard library's XML
parser, JSON Feed decoded strictly into the shape JSON Feed 1.1 defines."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from typing import Any

import msgspec

ATOM = "{http://www.w3.org/2005/Atom}"
RM = "{urn:rightsmark:feed:1}"


class JsonFeedAuthor(msgspec.Struct, forbid_unknown_fields=True):
    name: str | None = None
    url: str | None = None
    avatar: str | None = None


class JsonFeedItem(msgspec.Struct, forbid_unknown_fields=True):
    """JSON Feed 1.1 item: `id` required, and `content_html` or `content_text`; extension
    keys start with an underscore (here only `_rightsmark`)."""

    id: str
    url: str | None = None
    title: str | None = None
    content_text: str | None = None
    content_html: str | None = None
    summary: str | None = None
    date_published: str | None = None
    date_modified: str | None = None
    tags: list[str] | None = None
    _rightsmark: dict[str, Any] | None = msgspec.field(name="_rightsmark", default=None)


class JsonFeed(msgspec.Struct, forbid_unknown_fields=True):
    version: str
    title: str
    items: list[JsonFeedItem]
    home_page_url: str | None = None
    feed_url: str | None = None
    description: str | None = None
    next_url: str | None = None
    language: str | None = None
    authors: list[JsonFeedAuthor] | None = None


def json_feed(body: bytes) -> JsonFeed:
    feed = msgspec.json.decode(body, type=JsonFeed)
    assert feed.version == "https://jsonfeed.org/version/1.1"
    for item in feed.items:
        assert item.content_text or item.content_html, item
        for stamp in (item.date_published, item.date_modified):
            assert stamp is None or dt.datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    return feed


@dataclass(frozen=True)
class AtomEntry:
    id: str
    title: str
    content: str
    log_index: int
    category: str
    links: dict[str, list[str]]  # rel -> hrefs


@dataclass(frozen=True)
class AtomFeed:
    title: str
    links: dict[str, str]  # rel -> href
    entries: list[AtomEntry]


def atom_feed(body: bytes) -> AtomFeed:
    """The feed as parsed by `xml.etree`: well-formed, in the Atom namespace, every entry
    with the elements RFC 4287 requires."""
    root = ET.fromstring(body)
    assert root.tag == f"{ATOM}feed"
    for required in ("id", "title", "updated"):
        assert root.find(f"{ATOM}{required}") is not None, required
    entries = []
    for entry in root.findall(f"{ATOM}entry"):
        links: dict[str, list[str]] = {}
        for link in entry.findall(f"{ATOM}link"):
            links.setdefault(link.get("rel", "alternate"), []).append(link.get("href", ""))
        for required in ("id", "title", "updated"):
            assert entry.find(f"{ATOM}{required}") is not None, required
        category = entry.find(f"{ATOM}category")
        entries.append(
            AtomEntry(
                id=entry.findtext(f"{ATOM}id", ""),
                title=entry.findtext(f"{ATOM}title", ""),
                content=entry.findtext(f"{ATOM}content", ""),
                log_index=int(entry.findtext(f"{RM}logIndex", "-1")),
                category="" if category is None else category.get("term", ""),
                links=links,
            )
        )
    return AtomFeed(
        title=root.findtext(f"{ATOM}title", ""),
        links={link.get("rel", ""): link.get("href", "") for link in root.findall(f"{ATOM}link")},
        entries=entries,
    )
