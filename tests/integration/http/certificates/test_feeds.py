"""The public status feeds: Atom and JSON Feed read from the transparency log, paged by a
log-index cursor, per provider and per country, over real HTTP and a real database."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from registry import feeds
from tests.support.certified import Certified, certify
from tests.support.feeds import atom_feed, json_feed
from tests.support.http import assert_problem


async def _log_entry(client: httpx.AsyncClient, index: int) -> dict[str, Any]:
    response = await client.get("/log/entries", params={"start": index, "end": index + 1})
    assert response.status_code == 200, response.text
    entry: dict[str, Any] = json.loads(response.json()["entries"][0]["entry"])
    return entry


async def _changed(certified: Certified) -> None:
    for action, reason in (("suspend", "complaint under investigation"), ("reinstate", "ok")):
        response = await certified.change(action, reason)
        assert response.status_code == 200, response.text


async def test_the_atom_feed_names_each_change_and_its_log_entry(certified: Certified) -> None:
    await _changed(certified)
    response = await certified.client.get("/feeds/status.atom")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/atom+xml")
    assert response.headers["etag"]
    assert response.headers["last-modified"]
    feed = atom_feed(response.content)
    mine = [e for e in feed.entries if certified.certificate["code"] in e.title]
    assert [e.category for e in mine] == ["reinstated", "suspended", "issued"]
    indexes = [e.log_index for e in feed.entries]
    assert indexes == sorted(indexes, reverse=True)
    for entry in mine:
        logged = await _log_entry(certified.client, entry.log_index)
        assert logged["type"] == f"certificate.{entry.category}"
        assert logged["subject"]["certificate"] == certified.id
        assert entry.links["alternate"] == [
            f"http://127.0.0.1:8000/certificates/{certified.certificate['code']}"
        ]
        assert any(f"start={entry.log_index}&end=" in href for href in entry.links["related"])
        assert any(href.endswith(f"/{certified.id}/log-proof") for href in entry.links["related"])
        assert f"log index {entry.log_index}" in entry.content
    assert "complaint under investigation" in mine[1].content  # the page's public reason
    assert "next" not in feed.links
    assert feed.links["self"].endswith("/feeds/status.atom")


async def test_the_json_feed_has_the_same_entries(certified: Certified) -> None:
    await _changed(certified)
    atom = atom_feed((await certified.client.get("/feeds/status.atom")).content)
    response = await certified.client.get("/feeds/status.json")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/feed+json")
    feed = json_feed(response.content)
    assert [item.id for item in feed.items] == [entry.id for entry in atom.entries]
    first = feed.items[0]
    assert first._rightsmark is not None
    assert first._rightsmark["log_index"] == atom.entries[0].log_index
    assert first._rightsmark["event"] == "reinstated"
    assert first.url == f"http://127.0.0.1:8000/certificates/{certified.certificate['code']}"
    assert feed.next_url is None


@pytest.mark.parametrize("fmt", ["atom", "json"])
async def test_pages_follow_a_stable_log_index_cursor(
    certified: Certified, monkeypatch: pytest.MonkeyPatch, fmt: str
) -> None:
    await _changed(certified)
    await _changed(certified)  # issued + 4 changes: 5 entries, pages of 2
    monkeypatch.setattr(feeds, "PAGE_SIZE", 2)
    url, seen, cursors = f"/feeds/status.{fmt}", list[int](), list[str]()
    while url:
        response = await certified.client.get(url)
        assert response.status_code == 200, response.text
        if fmt == "atom":
            page = atom_feed(response.content)
            seen.extend(e.log_index for e in page.entries)
            url = page.links.get("next", "")
        else:
            document = json_feed(response.content)
            seen.extend(
                item._rightsmark["log_index"] for item in document.items if item._rightsmark
            )
            url = document.next_url or ""
        url = url.removeprefix("http://127.0.0.1:8000")
        cursors.append(url)
    assert len(seen) == 5
    assert seen == sorted(set(seen), reverse=True)
    second = cursors[0]
    before = (await certified.client.get(second)).content
    assert (await certified.change("suspend", "again")).status_code == 200
    after = (await certified.client.get(second)).content
    if fmt == "json":  # the same entries on the same page, whatever was appended since
        assert json.loads(before)["items"] == json.loads(after)["items"]
    else:
        assert [e.id for e in atom_feed(before).entries] == [e.id for e in atom_feed(after).entries]


async def test_a_feed_per_provider_and_per_country(certified: Certified) -> None:
    world = certified.world
    other = await certify(world, world.other_application)
    assert other.status_code == 201, other.text
    other_code = other.json()["certificate"]["code"]
    mine = json_feed(
        (await certified.client.get(f"/feeds/providers/{world.provider_id}/status.json")).content
    )
    assert [i._rightsmark["code"] for i in mine.items if i._rightsmark] == [
        certified.certificate["code"]
    ]
    assert mine.home_page_url == f"http://127.0.0.1:8000/providers/{world.provider_id}"
    atom = atom_feed(
        (await certified.client.get(f"/feeds/providers/{world.provider_id}/status.atom")).content
    )
    assert [e.category for e in atom.entries] == ["issued"]
    country = await certified.client.get("/feeds/countries/ph/status.json")
    assert country.status_code == 200
    codes = {i._rightsmark["code"] for i in json_feed(country.content).items if i._rightsmark}
    assert codes == {certified.certificate["code"], other_code}
    empty = await certified.client.get("/feeds/countries/DE/status.atom")
    assert empty.status_code == 200
    assert atom_feed(empty.content).entries == []


async def test_unknown_scopes_are_404_and_bad_cursors_400(certified: Certified) -> None:
    client = certified.client
    for url in (
        "/feeds/providers/RMP-00000000/status.atom",
        "/feeds/providers/nobody/status.json",
        "/feeds/countries/ZZ/status.json",
        "/feeds/countries/PHL/status.atom",
    ):
        assert_problem(await client.get(url), 404)
    for bad in ("abc", "0", "-3", "1.5", str(2**41)):
        assert_problem(
            await client.get("/feeds/status.atom", params={"before": bad}), 400, "before"
        )


async def test_conditional_requests_and_a_change_seen_at_once(certified: Certified) -> None:
    client = certified.client
    first = await client.get("/feeds/status.atom")
    etag, modified = first.headers["etag"], first.headers["last-modified"]
    assert first.headers["cache-control"] == "no-cache"
    assert (
        await client.get("/feeds/status.atom", headers={"If-None-Match": etag})
    ).status_code == 304
    since = await client.get("/feeds/status.atom", headers={"If-Modified-Since": modified})
    assert since.status_code == 304
    assert (await certified.change("revoke", "fees charged to workers")).status_code == 200
    changed = await client.get("/feeds/status.atom", headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert atom_feed(changed.content).entries[0].category == "revoked"


async def test_the_pages_link_their_feeds(certified: Certified) -> None:
    client = certified.client
    provider_id = certified.world.provider_id
    for page, feed in (
        ("/", "/feeds/status"),
        ("/statistics", "/feeds/status"),
        (f"/providers/{provider_id}", f"/feeds/providers/{provider_id}/status"),
    ):
        html = (await client.get(page)).text
        assert '<link rel="alternate" type="application/atom+xml"' in html
        assert f'href="{feed}.atom"' in html
        assert f'href="{feed}.json"' in html
        assert f'<a href="{feed}.atom"' in html  # and a visible link
