"""Bad input is refused with problem details naming the field, and nothing is stored; the
complainant's identity and words reach the provider only with consent; erasure leaves the
log and the counts intact; the complaint channel is rate limited per address."""

from __future__ import annotations

import datetime as dt
from typing import Any

import httpx
import pytest

from api.app import create_app
from registry.complaints import retention, statistics
from registry.complaints.tables import ComplaintAttachmentRow, ComplaintRow
from registry.settings import get_settings
from registry.transparency.log import current_size
from tests.integration.http.complaints.test_complaint_path import (
    CONTACT,
    DESCRIPTION,
    call,
    complaint,
    file,
    leaks,
)
from tests.support.assessments import World

BAD: list[tuple[dict[str, Any], str]] = [
    ({"categories": []}, "categories"),
    ({"categories": ["gossip"]}, "categories"),
    ({"description": ""}, "description"),
    ({"description": "x" * 10_001}, "description"),
    ({"description": "nul\x00here"}, "description"),
    ({"country": "XX"}, "country"),
    ({"corridor": "PHAE1"}, "corridor"),
    ({"workers_affected": 0}, "workers_affected"),
    ({"occurred_on": "2999-01-01"}, "occurred_on"),
    ({"contact": {**CONTACT, "email": "not-an-address"}}, "contact.email"),
    ({"contact": {**CONTACT, "channel": "pigeon"}}, "contact.channel"),
    ({"provider": "RMP-ZZZZZZZZ"}, "provider"),
    ({"provider": "RM-0000-0000"}, "provider"),
    ({"provider": "somebody"}, "provider"),
    ({"provider": {"name": "Unregistered Agency", "country": "QQ"}}, "provider.country"),
    ({"extra": "field"}, "extra"),
]


@pytest.mark.parametrize(("change", "field"), BAD, ids=[f for _, f in BAD])
async def test_bad_input_is_refused_and_nothing_stored(
    world: World, change: dict[str, Any], field: str
) -> None:
    before = await current_size()
    response = await world.client.post(
        "/api/v1/complaints", json={**complaint(world.provider_id), **change}
    )
    assert response.status_code in (400, 422), response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    fields = [e.get("field", "") for e in response.json().get("errors", [])]
    assert any(field in f for f in fields), (field, response.json())
    assert await ComplaintRow.count() == 0
    assert await current_size() == before


async def test_a_refused_file_is_not_stored(world: World) -> None:
    ref, key = await file(world.client, complaint(world.provider_id))
    response = await world.client.post(
        f"/api/v1/complaints/{ref}/attachments",
        content=b"MZ\x90\x00 not a pdf",
        headers={"Complaint-Key": key, "Content-Type": "application/pdf"},
    )
    assert response.status_code == 415, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert await ComplaintAttachmentRow.count() == 0


async def test_an_unregistered_provider_and_consent(world: World) -> None:
    client = world.client
    await file(client, complaint({"name": "Shadow Agency", "country": "NP"}, contact=None))
    shared_ref, _ = await file(
        client, complaint(world.provider_id, share_identity_with_provider=True)
    )
    hidden_ref, _ = await file(client, complaint(world.provider_id))
    listed = await call(client, "GET", "/api/v1/complaints", world.provider)
    items = {i["reference"]: i for i in listed.json()["items"]}
    assert set(items) == {shared_ref, hidden_ref}
    assert items[shared_ref]["complainant"]["email"] == CONTACT["email"]
    assert items[shared_ref]["description"] == DESCRIPTION
    assert items[hidden_ref]["complainant"] is None
    assert items[hidden_ref]["description"] is None
    assert not leaks(str(items[hidden_ref]))
    everything = await call(client, "GET", "/api/v1/complaints", world.secretariat)
    assert everything.json()["total"] == 3
    # No personal data without the secretariat's token.
    for headers in ({}, world.auditor.headers, world.other_provider.headers):
        for url in ("/api/v1/complaints", f"/api/v1/complaints/{hidden_ref}"):
            answer = await client.get(url, headers=headers)
            assert answer.status_code in (200, 401, 403, 404), (url, answer.text)
            assert not leaks(answer.text)
    assert (await call(client, "GET", "/api/v1/complaints", world.other_provider)).json()[
        "total"
    ] == 0


async def test_erasure_keeps_the_log_and_the_counts(world: World) -> None:
    client, sec = world.client, world.secretariat
    ref, _key = await file(client, complaint(world.provider_id))
    await call(client, "POST", f"/api/v1/complaints/{ref}/acknowledge", sec, json={})
    await call(
        client, "POST", f"/api/v1/complaints/{ref}/close", sec,
        json={"outcome": "withdrawn", "reasons": "Maria withdrew it."},
    )  # fmt: skip
    size, counts = await current_size(), await statistics.from_log()
    erased = await call(client, "POST", f"/api/v1/complaints/{ref}/erase", sec)
    assert erased.status_code == 204, erased.text
    case = await call(client, "GET", f"/api/v1/complaints/{ref}", sec)
    assert case.status_code == 200
    assert case.json()["erased"] is True
    assert not leaks(case.text), leaks(case.text)
    assert case.json()["outcome"] == "withdrawn"
    assert await current_size() == size
    assert await statistics.from_log() == counts
    again = await call(client, "POST", f"/api/v1/complaints/{ref}/erase", sec)
    assert again.status_code == 409


async def test_the_complaint_channel_is_rate_limited(
    db: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RIGHTSMARK_COMPLAINT_RATE_PER_MINUTE", "2")
    get_settings.cache_clear()
    try:
        app = create_app(access_log=False, manage_pool=False)
    finally:
        monkeypatch.undo()
        get_settings.cache_clear()
    transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        statuses = [
            (await client.get("/api/v1/complaints/RMC-0000000000")).status_code for _ in range(3)
        ]
    assert statuses == [404, 404, 429]


async def test_retention_erases_closed_cases_once_due(world: World) -> None:
    client, sec = world.client, world.secretariat
    closed, _ = await file(client, complaint(world.provider_id))
    still_open, _ = await file(client, complaint(world.provider_id))
    await call(client, "POST", f"/api/v1/complaints/{closed}/acknowledge", sec, json={})
    await call(
        client, "POST", f"/api/v1/complaints/{closed}/close", sec,
        json={"outcome": "outside_scope", "reasons": "not recruitment"},
    )  # fmt: skip
    assert await retention.erase_expired() == []
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=get_settings().complaint_retention_days + 1)
    assert await retention.erase_expired(later) == [closed]
    assert await retention.erase_expired(later) == []
    case = await call(client, "GET", f"/api/v1/complaints/{still_open}", sec)
    assert case.json()["contact"]["email"] == CONTACT["email"]
