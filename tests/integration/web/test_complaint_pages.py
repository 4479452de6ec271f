"""The public complaint pages over HTTP (in-process, real database): the form, filing with
and without a file, refusals re-rendered at their field with nothing stored, the reference
and key shown once and never cached, tracking by POST with one answer for an unknown
reference and a wrong key, adding information, and no complainant data on public pages."""

from __future__ import annotations

import asyncio
import re
import time

import httpx
import pytest

from registry.accounts import Actor, Role
from registry.complaints import appeals
from registry.complaints.rules import AppealSubject
from registry.complaints.tables import ComplaintAttachmentRow, ComplaintMessageRow, ComplaintRow
from registry.settings import get_settings
from tests.integration.web.demo import Demo
from tests.support.database import app_client

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
REFERENCE = re.compile(r'id="reference">(RMC-[0-9A-Z]+)<')
KEY = re.compile(r'id="access-key">(rmk_[^<]+)<')

pytestmark = pytest.mark.usefixtures("db")


def form(provider: str, **extra: str) -> dict[str, str | list[str]]:
    fields: dict[str, str | list[str]] = {
        "provider": provider,
        "categories": ["fees", "documents"],
        "description": "The agent took 900 USD and kept my passport. Secret Person, +977 1234567",
        "country": "QA",
        "corridor_from": "NP",
        "corridor_to": "QA",
        "workers_affected": "12",
        "occurred_on": "2026-01-15",
    }
    fields.update(extra)
    return fields


async def file_complaint(
    client: httpx.AsyncClient,
    fields: dict[str, str | list[str]],
    files: dict[str, tuple[str, bytes, str]] | None = None,
) -> tuple[str, str, httpx.Response]:
    answer = await client.post("/complaints/new", data=fields, files=files)
    assert answer.status_code == 201, answer.text[:3000]
    reference, key = REFERENCE.search(answer.text), KEY.search(answer.text)
    assert reference
    assert key
    return reference.group(1), key.group(1), answer


async def test_the_form_is_linked_and_plain(seeded: Demo) -> None:
    client = seeded.client
    page = await client.get("/complaints/new")
    assert page.status_code == 200
    assert page.headers["cache-control"] == "no-store"
    assert "<script" not in page.text
    assert "I was charged recruitment fees or costs" in page.text
    assert 'name="share_identity" value="yes">' in page.text  # not ticked by default
    assert "How your information is protected" in page.text
    code = seeded.code("valid")
    certificate = await client.get(f"/certificates/{code}")
    assert f'href="/complaints/new?provider={code}"' in certificate.text
    assert 'href="/complaints/new"' in certificate.text  # the site navigation
    prefilled = await client.get("/complaints/new", params={"provider": code})
    assert f'value="{code}"' in prefilled.text


async def test_file_anonymously_with_a_photo_then_track(seeded: Demo) -> None:
    client = seeded.client
    code = seeded.code("valid")
    reference, key, answer = await file_complaint(
        client, form(code), files={"attachment": ("receipt.png", PNG, "image/png")}
    )
    assert answer.headers["cache-control"] == "no-store"
    assert "shown only this once" in answer.text
    assert "Your file was received" in answer.text
    assert (
        await ComplaintAttachmentRow.count().where(ComplaintAttachmentRow.owner == reference) == 1
    )

    tracked = await client.post(
        "/complaints/track", data={"reference": reference.lower(), "key": key}
    )
    assert tracked.status_code == 200, tracked.text[:2000]
    assert tracked.headers["cache-control"] == "no-store"
    assert "Received: waiting to be acknowledged" in tracked.text
    assert "receipt.png" in tracked.text
    assert key not in str(tracked.url)

    added = await client.post(
        "/complaints/track/message",
        data={"reference": reference, "key": key, "body": "The agent's office is in Kathmandu."},
    )
    assert added.status_code == 200, added.text[:2000]
    assert "the registry has your information" in added.text
    assert "The agent&#39;s office is in Kathmandu." in added.text

    empty = await client.post(
        "/complaints/track/message", data={"reference": reference, "key": key, "body": "  "}
    )
    assert empty.status_code == 422
    assert 'id="body-error"' in empty.text
    assert await ComplaintMessageRow.count().where(ComplaintMessageRow.complaint == reference) == 1


async def test_unknown_reference_and_wrong_key_answer_the_same(seeded: Demo) -> None:
    client = seeded.client
    reference, key, _ = await file_complaint(client, form(seeded.code("valid")))
    wrong = await client.post("/complaints/track", data={"reference": reference, "key": key + "x"})
    unknown = await client.post(
        "/complaints/track", data={"reference": "RMC-0000000000", "key": key}
    )
    assert wrong.status_code == unknown.status_code == 404

    def strip(text: str) -> str:
        return text.replace(reference, "REF").replace("RMC-0000000000", "REF")

    assert strip(wrong.text) == strip(unknown.text)
    for path in ("/complaints/track/message", "/complaints/track/review"):
        refused = await client.post(
            path, data={"reference": reference, "key": "rmk_nope", "body": "x"}
        )
        assert refused.status_code == 404


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"provider": ""}, "provider"),
        ({"provider": "RMP-NOTREAL"}, "provider"),
        ({"categories": []}, "categories"),
        ({"categories": ["fees", "bribery"]}, "categories"),
        ({"description": " "}, "description"),
        ({"country": "XX"}, "country"),
        ({"corridor_to": ""}, "corridor_from"),
        ({"workers_affected": "many"}, "workers_affected"),
        ({"workers_affected": "0"}, "workers_affected"),
        ({"occurred_on": "2999-01-01"}, "occurred_on"),
        ({"occurred_on": "last spring"}, "occurred_on"),
        ({"contact_email": "not-an-email"}, "contact_email"),
        ({"contact_phone": "call me"}, "contact_phone"),
        ({"contact_channel": "pigeon"}, "contact_channel"),
        (
            {"provider": "", "provider_name": "Shady Agency", "provider_country": "ZZ"},
            "provider_country",
        ),
    ],
)
async def test_bad_input_is_shown_at_its_field_and_nothing_is_stored(
    seeded: Demo, change: dict[str, str | list[str]], field: str
) -> None:
    client = seeded.client
    fields = form(seeded.code("valid"), contact_name="Secret Person")
    fields.update(change)
    answer = await client.post("/complaints/new", data=fields)
    assert answer.status_code == 422, answer.text[:2000]
    assert f'id="{field}-error"' in answer.text, answer.text[:4000]
    assert "Not sent yet, nothing was kept" in answer.text
    assert 'value="Secret Person"' in answer.text  # what was typed is kept
    assert await ComplaintRow.count() == 0


async def test_a_bad_file_refuses_the_whole_complaint(seeded: Demo) -> None:
    client = seeded.client
    fields = form(seeded.code("valid"))
    for files in (
        {"attachment": ("receipt.png", b"not a png at all", "image/png")},
        {"attachment": ("tool.exe", b"MZ\x90\x00", "application/octet-stream")},
        {"attachment": ("empty.pdf", b"", "application/pdf")},
    ):
        answer = await client.post("/complaints/new", data=fields, files=files)
        assert answer.status_code == 422, answer.text[:2000]
        assert 'id="attachment-error"' in answer.text
    assert await ComplaintRow.count() == 0
    assert await ComplaintAttachmentRow.count() == 0


async def test_an_unregistered_recruiter_by_name_and_country(seeded: Demo) -> None:
    fields = form("", provider_name="Shady Agency", provider_country="NP")
    reference, _, _ = await file_complaint(seeded.client, fields)
    row = await ComplaintRow.select().where(ComplaintRow.reference == reference).first()
    assert row is not None
    assert row["provider_id"] is None
    assert row["provider_country"] == "NP"


async def test_no_complainant_data_on_public_pages(seeded: Demo) -> None:
    client = seeded.client
    valid = seeded.one("valid")
    fields = form(
        valid["code"],
        contact_name="Secret Person",
        contact_phone="+977 98 1234 5678",
        contact_email="secret.person@example.org",
    )
    await file_complaint(client, fields)
    provider_id = valid["provider"]["id"]
    for path in (f"/certificates/{valid['code']}", f"/providers/{provider_id}", "/statistics", "/"):
        page = await client.get(path)
        assert page.status_code == 200, path
        for secret in ("Secret Person", "1234 5678", "secret.person", "kept my passport"):
            assert secret not in page.text, (path, secret)
    # ...while the complaint itself is counted where employers look
    for path in (f"/certificates/{valid['code']}", f"/providers/{provider_id}"):
        page = await client.get(path)
        assert "<dt>Open now</dt><dd>1</dd>" in page.text, path
        assert "<dt>Substantiated in the last 24 months</dt><dd>0</dd>" in page.text, path
    statistics = await client.get("/statistics")
    assert "1 received in all, 1 open now" in statistics.text
    assert '<th scope="row">Fees</th><td class="num">1</td>' in statistics.text


async def test_the_certificate_page_says_an_appeal_is_pending(seeded: Demo) -> None:
    suspended = seeded.one("suspended")
    provider = Actor(
        account_id="acc_p",
        role=Role.PROVIDER,
        provider_id=suspended["provider"]["id"],
        token_id="t",
    )
    path = f"/certificates/{suspended['code']}"
    assert "Appeal pending" not in (await seeded.client.get(path)).text
    await appeals.lodge(AppealSubject.SUSPENSION, suspended["id"], "the finding is wrong", provider)
    page = await seeded.client.get(path)  # the cached page was dropped by the appeal
    assert "<strong>Appeal pending:</strong> the provider has appealed this suspension" in page.text
    assert "the finding is wrong" not in page.text


async def test_the_form_is_rate_limited_per_address(
    published: Demo, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An app built while RIGHTSMARK_COMPLAINT_RATE_PER_MINUTE is 3 (the tests' own default
    is too high to reach); settings restored at once."""
    monkeypatch.setenv("RIGHTSMARK_COMPLAINT_RATE_PER_MINUTE", "3")
    get_settings.cache_clear()
    try:
        client = app_client()
    finally:
        monkeypatch.undo()
        get_settings.cache_clear()
    left = 60 - time.time() % 60  # stay inside one fixed window
    if left < 5:
        await asyncio.sleep(left + 0.1)
    async with client:
        for _ in range(3):
            answer = await client.post("/complaints/new", data={"description": "x"})
            assert answer.status_code == 422
        over = await client.post("/complaints/new", data={"description": "x"})
        assert over.status_code == 429
        assert "Retry-After" in over.headers
        assert "more than 3 complaint requests a minute" in over.text
        tracking = await client.post("/complaints/track", data={"reference": "RMC-X", "key": "k"})
        assert tracking.status_code == 404  # each form counts on its own
    assert await ComplaintRow.count() == 0
