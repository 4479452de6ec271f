"""Issue 15 end to end over the real API and database: a complaint filed anonymously,
tracked by reference, acknowledged, answered by the provider, a special audit ordered and
filed with a critical finding, the certificate suspended, remedy ordered and confirmed, the
provider's appeal decided by another secretariat member. And throughout: no personal data
where it must not be."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import httpx

from registry import surveillance
from registry.complaints import statistics
from registry.transparency.log import current_size, read_entries
from tests.support.assessments import PDF, Party, World
from tests.support.certified import Certified, failing_core

CONTACT = {
    "name": "Maria Santos Dela Cruz",
    "phone": "+63 917 555 0101",
    "email": "maria.delacruz@example.org",
    "language": "tl",
    "channel": "whatsapp",
}
DESCRIPTION = "They kept my passport at the Quezon City office and charged me 45000 pesos."
SECRET_WORDS = ("Maria", "Dela Cruz", "555 0101", "delacruz", "Quezon", "pesos")


def complaint(provider: Any, **changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "provider": provider,
        "categories": ["documents", "fees"],
        "description": DESCRIPTION,
        "occurred_on": "2026-09-15",
        "country": "PH",
        "corridor": "PH-AE",
        "workers_affected": 3,
        "contact": CONTACT,
        "share_identity_with_provider": False,
    }
    body.update(changes)
    return body


def leaks(text: str) -> list[str]:
    return [word for word in SECRET_WORDS if word.lower() in text.lower()]


async def file(client: httpx.AsyncClient, body: dict[str, Any]) -> tuple[str, str]:
    response = await client.post("/api/v1/complaints", json=body)
    assert response.status_code == 201, response.text
    filed = response.json()
    assert filed["reference"].startswith("RMC-")
    assert filed["access_key"].startswith("rmk_")
    return filed["reference"], filed["access_key"]


async def second_secretary(world: World) -> dict[str, str]:
    made = await world.client.post(
        "/api/v1/accounts",
        json={"name": "second", "role": "secretariat"},
        headers=world.secretariat.headers,
    )
    assert made.status_code == 201, made.text
    return {"Authorization": f"Bearer {made.json()['token']}"}


async def call(
    client: httpx.AsyncClient, method: str, url: str, who: Party | dict[str, str], **kw: Any
) -> httpx.Response:
    headers = who.headers if isinstance(who, Party) else who
    return await client.request(method, url, headers={**headers, **kw.pop("headers", {})}, **kw)


async def all_log_text() -> str:
    size = await current_size()
    entries = []
    start = 0
    while start < size:
        page = await read_entries(start, None, size)
        entries += [e.entry for e in page]
        start += len(page)
    return "\n".join(entries)


async def test_the_whole_path(certified: Certified) -> None:
    world, client = certified.world, certified.client
    sec, provider = world.secretariat, world.provider
    code = certified.certificate["code"]

    # Filed about the certificate, anonymously towards the provider.
    ref, key = await file(client, complaint(code))
    mine = await client.get(f"/api/v1/complaints/{ref}", headers={"Complaint-Key": key})
    assert mine.status_code == 200, mine.text
    assert mine.json()["state"] == "received"
    assert mine.json()["clocks"]["acknowledge_due"]

    # Without the key, with a wrong one, or for a made-up reference: the same 404.
    answers = [
        await client.get(f"/api/v1/complaints/{ref}"),
        await client.get(f"/api/v1/complaints/{ref}", headers={"Complaint-Key": "rmk_wrong"}),
        await client.get("/api/v1/complaints/RMC-0000000000", headers={"Complaint-Key": key}),
    ]
    assert {a.status_code for a in answers} == {404}
    assert len({a.json()["detail"] for a in answers}) == 1
    assert all(ref not in a.text for a in answers)

    # A photo of the receipt, through the evidence store's checks.
    attached = await client.post(
        f"/api/v1/complaints/{ref}/attachments",
        params={"filename": "receipt.pdf"},
        content=PDF,
        headers={"Complaint-Key": key, "Content-Type": "application/pdf"},
    )
    assert attached.status_code == 201, attached.text

    # The secretariat acknowledges, assigns itself, asks the provider with a deadline.
    ack = await call(client, "POST", f"/api/v1/complaints/{ref}/acknowledge", sec, json={})
    assert ack.status_code == 200, ack.text
    assert ack.json()["contact"]["email"] == CONTACT["email"]  # the secretariat sees it
    handler = await call(
        client, "POST", f"/api/v1/complaints/{ref}/handler", sec,
        json={"handler_id": sec.account_id},
    )  # fmt: skip
    assert handler.json()["state"] == "investigating"
    due = (dt.date.today() + dt.timedelta(days=14)).isoformat()
    asked = await call(
        client, "POST", f"/api/v1/complaints/{ref}/questions", sec,
        json={"to": "provider", "body": "Passports held (DOC-1): respond.", "response_due": due},
    )  # fmt: skip
    assert asked.status_code == 201, asked.text

    # The provider sees its case without who complained or their words, and answers.
    own = await call(client, "GET", "/api/v1/complaints", provider)
    assert own.status_code == 200
    assert own.json()["total"] == 1
    assert not leaks(own.text), own.text
    assert own.json()["items"][0]["identity_shared"] is False
    one = await call(client, "GET", f"/api/v1/complaints/{ref}", provider)
    assert one.status_code == 200
    assert not leaks(one.text)
    assert one.json()["clocks"]["response_due"].startswith(due)
    other = await call(client, "GET", f"/api/v1/complaints/{ref}", world.other_provider)
    assert other.status_code == 404
    answered = await call(
        client, "POST", f"/api/v1/complaints/{ref}/response", provider,
        json={"body": "We hold no passports; safekeeping register attached."},
    )  # fmt: skip
    assert answered.status_code == 201, answered.text
    evidence = await client.post(
        f"/api/v1/complaints/{ref}/attachments",
        params={"filename": "register.pdf"},
        content=PDF + b"\n",
        headers={**provider.headers, "Content-Type": "application/pdf"},
    )
    assert evidence.status_code == 201, evidence.text
    # The complainant's view holds the secretariat's messages to them, not the provider's.
    mine = await client.get(f"/api/v1/complaints/{ref}", headers={"Complaint-Key": key})
    assert "safekeeping register" not in mine.text

    # A special audit, unannounced, by the accredited auditor (assignment rules), filed
    # with a critical finding: the lifecycle suspends the certificate.
    ordered = await call(
        client, "POST", f"/api/v1/complaints/{ref}/special-audits", sec,
        json={"auditor_id": world.auditor.account_id, "audit_date": dt.date.today().isoformat(),
              "unannounced": True},
    )  # fmt: skip
    assert ordered.status_code == 201, ordered.text
    assert ordered.json()["audit_type"] == "special"
    assert ordered.json()["unannounced"]
    refused = await call(
        client, "POST", f"/api/v1/complaints/{ref}/special-audits", sec,
        json={"auditor_id": world.other_auditor.account_id,
              "audit_date": dt.date.today().isoformat()},
    )  # fmt: skip
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "auditor_id"

    # The auditor sees what was alleged and where, never who complained or their words.
    history_path = f"/api/v1/applications/{world.application}/complaint-history"
    history = await call(client, "GET", history_path, world.auditor)
    assert history.status_code == 200, history.text
    (past,) = history.json()["items"]
    assert past["categories"] == ["documents", "fees"]
    assert (past["country"], past["corridor"], past["state"]) == ("PH", "PH-AE", "investigating")
    assert not leaks(history.text)
    assert ref not in history.text
    stranger = await call(client, "GET", history_path, world.other_auditor)
    assert stranger.status_code == 404
    doc = world.submission(audit_type="special")
    failing_core(world, doc)
    filed = await call(
        client, "POST", f"/api/v1/special-audits/{ordered.json()['id']}/assessment",
        world.auditor, content=json.dumps(doc), headers={"Content-Type": "application/json"},
    )  # fmt: skip
    assert filed.status_code == 201, filed.text
    actions = await surveillance.run()
    assert [a.action for a in actions] == ["suspended"]
    assert (await certified.read())["status"] == "suspended"
    assert (await certified.verify())["status"] == "suspended"

    # Closed as substantiated, remedy ordered and confirmed.
    closed = await call(
        client, "POST", f"/api/v1/complaints/{ref}/close", sec,
        json={"outcome": "substantiated", "reasons": "The audit found passports held."},
    )  # fmt: skip
    assert closed.status_code == 200
    assert closed.json()["state"] == "closed"
    remedy = await call(
        client, "POST", f"/api/v1/complaints/{ref}/remedies", sec,
        json={"kind": "refund", "amount": "45000.00", "currency": "PHP", "workers": 3,
              "deadline": (dt.date.today() + dt.timedelta(days=30)).isoformat()},
    )  # fmt: skip
    assert remedy.status_code == 201, remedy.text
    mine = await client.get(f"/api/v1/complaints/{ref}", headers={"Complaint-Key": key})
    body = mine.json()
    assert body["outcome"] == "substantiated"
    assert body["remedies"][0]["state"] == "ordered"
    assert any(m["kind"] == "outcome" for m in body["messages"])
    confirmed = await call(client, "POST", f"/api/v1/remedies/{remedy.json()['id']}/confirm", sec)
    assert confirmed.status_code == 200
    assert confirmed.json()["state"] == "confirmed"
    told = await call(client, "GET", f"/api/v1/complaints/{ref}", provider)
    assert told.json()["outcome"] == "substantiated"
    assert not leaks(told.text)

    # The provider appeals the outcome; the secretariat member who handled it may not
    # decide; another does, and overturns: the case is re-opened.
    appeal = await call(
        client, "POST", "/api/v1/appeals", provider,
        json={"subject": "complaint_outcome", "target": ref, "reasons": "The audit erred."},
    )  # fmt: skip
    assert appeal.status_code == 201, appeal.text
    appeal_id = appeal.json()["id"]
    stats = await client.get(f"/api/v1/providers/{world.provider_id}/complaint-statistics")
    assert stats.json()["substantiated_24_months"] == 1
    assert stats.json()["open"] == 0
    by_handler = await call(
        client, "POST", f"/api/v1/appeals/{appeal_id}/decision", sec,
        json={"outcome": "overturned", "reasons": "I agree with myself."},
    )  # fmt: skip
    assert by_handler.status_code == 403, by_handler.text
    assert by_handler.headers["content-type"].startswith("application/problem+json")
    other_sec = await second_secretary(world)
    decided = await call(
        client, "POST", f"/api/v1/appeals/{appeal_id}/decision", other_sec,
        json={"outcome": "overturned", "reasons": "The finding was on another office."},
    )  # fmt: skip
    assert decided.status_code == 200, decided.text
    assert decided.json()["state"] == "overturned"
    reopened = await call(client, "GET", f"/api/v1/complaints/{ref}", sec)
    assert reopened.json()["state"] == "investigating"
    assert reopened.json()["outcome"] is None

    # Public figures: recomputable from the log, and the log holds no personal data.
    stats = await client.get(f"/api/v1/providers/{world.provider_id}/complaint-statistics")
    assert stats.status_code == 200
    figures = stats.json()
    assert figures["open"] == 1
    assert figures["substantiated_24_months"] == 0
    assert figures["median_days_to_acknowledge"] is not None
    assert not leaks(stats.text)
    from_log = await statistics.from_log()
    assert from_log[world.provider_id] == (figures["received"], 1, 0)
    log_text = await all_log_text()
    assert not leaks(log_text), leaks(log_text)
    for kind in ("complaint.received", "complaint.closed", "appeal.lodged", "appeal.decided"):
        assert f'"type":"{kind}"' in log_text


async def test_suspension_on_complaint_and_appeal(certified: Certified) -> None:
    world, client = certified.world, certified.client
    sec, provider = world.secretariat, world.provider
    ref, key = await file(client, complaint(world.provider_id))
    await call(client, "POST", f"/api/v1/complaints/{ref}/acknowledge", sec, json={})
    no_evidence = await call(
        client, "POST", f"/api/v1/complaints/{ref}/suspension", sec, json={"indicator": "DOC-1"}
    )
    assert no_evidence.status_code == 409, no_evidence.text
    await client.post(
        f"/api/v1/complaints/{ref}/attachments",
        content=PDF,
        headers={"Complaint-Key": key, "Content-Type": "application/pdf"},
    )
    not_alleged = await call(
        client, "POST", f"/api/v1/complaints/{ref}/suspension", sec, json={"indicator": "AGE-1"}
    )
    assert not_alleged.status_code == 422
    assert not_alleged.json()["errors"][0]["field"] == "indicator"
    suspended = await call(
        client, "POST", f"/api/v1/complaints/{ref}/suspension", sec, json={"indicator": "DOC-1"}
    )
    assert suspended.status_code == 200, suspended.text
    read = await certified.read()
    assert read["status"] == "suspended"
    assert not leaks(json.dumps(read))
    assert (await certified.verify())["status"] == "suspended"

    appeal = await call(
        client, "POST", "/api/v1/appeals", provider,
        json={"subject": "suspension", "target": certified.id, "reasons": "No passport held."},
    )  # fmt: skip
    assert appeal.status_code == 201, appeal.text
    again = await call(
        client, "POST", "/api/v1/appeals", provider,
        json={"subject": "suspension", "target": certified.id, "reasons": "Twice."},
    )  # fmt: skip
    assert again.status_code == 409
    stats = await client.get(f"/api/v1/providers/{world.provider_id}/complaint-statistics")
    assert stats.json()["appeals_pending"] == [certified.id]
    refused = await call(
        client, "POST", f"/api/v1/appeals/{appeal.json()['id']}/decision", sec,
        json={"outcome": "overturned", "reasons": "x"},
    )  # fmt: skip
    assert refused.status_code == 403
    decided = await call(
        client, "POST", f"/api/v1/appeals/{appeal.json()['id']}/decision",
        await second_secretary(world), json={"outcome": "overturned", "reasons": "Not shown."},
    )  # fmt: skip
    assert decided.status_code == 200, decided.text
    assert (await certified.read())["status"] == "valid"

    # The complainant may ask for a review of an outcome, by reference and key.
    await call(
        client, "POST", f"/api/v1/complaints/{ref}/close", sec,
        json={"outcome": "not_substantiated", "reasons": "No evidence of a held passport."},
    )  # fmt: skip
    review = await client.post(
        f"/api/v1/complaints/{ref}/review",
        json={"reasons": "I have a photo of it."},
        headers={"Complaint-Key": key},
    )
    assert review.status_code == 201, review.text
    wrong = await client.post(
        f"/api/v1/complaints/{ref}/review",
        json={"reasons": "again"},
        headers={"Complaint-Key": "rmk_nope"},
    )
    assert wrong.status_code == 404
    # The provider does not see the complainant's review among its appeals.
    listed = await call(client, "GET", "/api/v1/appeals", provider)
    assert review.json()["id"] not in listed.text
