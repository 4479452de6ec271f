"""Issue 18: a certificate suspended reaches a subscribed employer as a signed webhook (a
real HTTP receiver, verified with the Standard Webhooks library's own `Webhook.verify`) and
as an e-mail (a real SMTP server), in order and without loss when the receiver is down."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import httpx
import pytest
from standardwebhooks.webhooks import Webhook

from registry import accounts
from registry.accounts import Role
from registry.clock import utc_now
from registry.notifications import worker
from registry.outbox.tables import OutboxRow
from registry.transparency.log import read_entries
from tests.support.certified import Certified
from tests.support.http import bearer
from tests.support.smtp import registry_mail_to, smtp_server
from tests.support.webhooks import Receiver

Headers = dict[str, str]


async def subscribe(client: httpx.AsyncClient, employer: Headers, **body: object) -> dict[str, Any]:
    created = await client.post("/api/v1/webhooks", json=body, headers=employer)
    assert created.status_code == 201, created.text
    answer: dict[str, Any] = created.json()
    return answer


async def test_a_suspension_arrives_signed_and_verifies(
    certified: Certified, employer: Headers, hooks: Receiver
) -> None:
    client = certified.client
    created = await subscribe(
        client, employer, url=hooks.url, events=["certificate.suspended"],
        certificates=[certified.id],
    )  # fmt: skip
    secret = created["secret"]
    assert secret.startswith("whsec_")
    assert secret not in (await client.get("/api/v1/webhooks", headers=employer)).text
    assert (await certified.change("suspend", "the audit found forced labour")).status_code == 200

    done = await worker.run_once()
    assert done.delivered == 1, done
    (got,) = hooks.requests
    payload = Webhook(secret).verify(got.body, got.headers)  # the reference algorithm
    assert payload["type"] == "certificate.suspended"
    assert payload["data"]["certificate"]["id"] == certified.id
    assert payload["data"]["reason"] == "the audit found forced labour"
    # The log index names the very entry that records the suspension.
    (entry,) = await read_entries(payload["data"]["log_index"], payload["data"]["log_index"] + 1)
    logged = json.loads(entry.entry)
    assert logged["type"] == "certificate.suspended"
    assert logged["subject"]["certificate"] == certified.id
    assert got.headers["webhook-id"].startswith("msg_")

    log = await client.get(
        f"/api/v1/webhooks/{created['webhook']['id']}/deliveries", headers=employer
    )
    assert log.status_code == 200, log.text
    (delivery,) = log.json()["items"]
    assert delivery["status"] == "delivered"
    assert [a["ok"] for a in delivery["history"]] == [True]

    # Re-delivery on request: the same webhook-id again, so the receiver can deduplicate.
    again = await client.post(
        f"/api/v1/webhooks/{created['webhook']['id']}/deliveries/{delivery['id']}/retry",
        headers=employer,
    )
    assert again.status_code == 202, again.text
    await worker.run_once()
    assert [r.headers["webhook-id"] for r in hooks.requests] == [got.headers["webhook-id"]] * 2


async def test_events_outside_the_scope_are_not_sent(
    certified: Certified, employer: Headers, hooks: Receiver
) -> None:
    await subscribe(certified.client, employer, url=hooks.url, certificates=["crt_other"])
    assert (await certified.change("suspend")).status_code == 200
    done = await worker.run_once()
    assert done.fanned_out >= 1
    assert hooks.requests == []


async def test_a_watchlist_scoped_webhook_follows_what_the_watchlist_holds(
    certified: Certified, employer: Headers, hooks: Receiver
) -> None:
    client = certified.client
    made = await client.post("/api/v1/watchlists", json={"name": "Suppliers"}, headers=employer)
    assert made.status_code == 201, made.text
    watchlist = made.json()["id"]
    await subscribe(client, employer, url=hooks.url, watchlist=watchlist)
    # Not on the watchlist yet: the suspension is not this subscription's.
    assert (await certified.change("suspend")).status_code == 200
    await worker.run_once()
    assert hooks.requests == []
    added = await client.post(
        f"/api/v1/watchlists/{watchlist}/items",
        json={"ref": certified.certificate["code"]},
        headers=employer,
    )
    assert added.status_code == 201, added.text
    # On it now: the next change arrives, without touching the subscription.
    assert (await certified.change("reinstate")).status_code == 200
    await worker.run_once()
    assert [json.loads(r.body)["type"] for r in hooks.requests] == ["certificate.reinstated"]


async def test_another_employers_watchlist_cannot_be_followed(
    certified: Certified, employer: Headers, hooks: Receiver
) -> None:
    _, token, _ = await accounts.create_account(
        name="Other buyer", role=Role.EMPLOYER, actor="test", ttl_days=1, email="o@buyer.example"
    )
    theirs = await certified.client.post(
        "/api/v1/watchlists", json={"name": "Theirs"}, headers=bearer(token)
    )
    assert theirs.status_code == 201, theirs.text
    refused = await certified.client.post(
        "/api/v1/webhooks",
        json={"url": hooks.url, "watchlist": theirs.json()["id"]},
        headers=employer,
    )
    assert refused.status_code == 422, refused.text
    assert [e["field"] for e in refused.json()["errors"]] == ["watchlist"]


async def test_a_receiver_down_for_ten_minutes_gets_every_event_after_in_order(
    certified: Certified, employer: Headers, hooks: Receiver
) -> None:
    await subscribe(certified.client, employer, url=hooks.url, providers=[
        certified.certificate["provider"]["id"]])  # fmt: skip
    hooks.down = True
    moves = ["suspend", "reinstate", "suspend", "reinstate", "revoke"]
    for move in moves:
        assert (await certified.change(move)).status_code == 200
    start = utc_now()
    now = start
    while now < start + dt.timedelta(minutes=10):  # down: every attempt fails
        await worker.run_once(now=now)
        now += dt.timedelta(seconds=30)
    assert hooks.refused >= 5
    assert hooks.requests == []
    hooks.down = False
    while now < start + dt.timedelta(hours=2) and len(hooks.requests) < len(moves):
        await worker.run_once(now=now)
        now += dt.timedelta(minutes=1)
    kinds = [json.loads(r.body)["type"] for r in hooks.requests]
    assert kinds == [
        "certificate.suspended", "certificate.reinstated", "certificate.suspended",
        "certificate.reinstated", "certificate.revoked",
    ]  # fmt: skip
    indexes = [json.loads(r.body)["data"]["log_index"] for r in hooks.requests]
    assert indexes == sorted(indexes)
    assert len({r.headers["webhook-id"] for r in hooks.requests}) == len(moves)


async def test_rotation_signs_with_both_secrets_during_the_overlap(
    certified: Certified, employer: Headers, hooks: Receiver
) -> None:
    client = certified.client
    created = await subscribe(client, employer, url=hooks.url)
    webhook = created["webhook"]["id"]
    rotated = await client.post(f"/api/v1/webhooks/{webhook}/rotate", headers=employer)
    assert rotated.status_code == 200, rotated.text
    assert rotated.json()["secret"] != created["secret"]
    assert (await certified.change("suspend")).status_code == 200
    await worker.run_once()
    (got,) = hooks.requests
    assert len(got.headers["webhook-signature"].split(" ")) == 2
    for secret in (created["secret"], rotated.json()["secret"]):
        Webhook(secret).verify(got.body, got.headers)


@pytest.mark.parametrize(
    "url",
    [
        "https://127.0.0.1/hook",
        "https://10.1.2.3/hook",
        "https://[::1]/hook",
        "https://localhost/hook",  # a name that resolves to loopback
        "https://169.254.169.254/latest",
        "http://example.com/hook",  # plain HTTP
    ],
)
async def test_unsafe_urls_are_refused_with_400_naming_url(
    client: httpx.AsyncClient, employer: Headers, url: str
) -> None:
    refused = await client.post("/api/v1/webhooks", json={"url": url}, headers=employer)
    assert refused.status_code == 400, refused.text
    assert [e["field"] for e in refused.json()["errors"]] == ["url"]


async def test_an_e_mail_alert_reaches_the_smtp_server_and_unsubscribes_in_one_click(
    certified: Certified, employer: Headers
) -> None:
    client = certified.client
    created = await client.post(
        "/api/v1/email-alerts", json={"certificates": [certified.id]}, headers=employer
    )
    assert created.status_code == 201, created.text
    assert (await certified.change("suspend", "no grievance channel")).status_code == 200
    with smtp_server() as server, registry_mail_to(server):
        await worker.run_once()
        (message,) = server.wait_for(1)
    assert message["To"] == "alerts@buyer.example"
    assert certified.certificate["code"] in message["Subject"]
    assert "no grievance channel" in message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    link = message["List-Unsubscribe"].strip("<>")
    path = httpx.URL(link).path
    confirm = await client.get(path)
    assert confirm.status_code == 200
    assert "Unsubscribe" in confirm.text
    one_click = await client.post(path, data={"List-Unsubscribe": "One-Click"})
    assert one_click.status_code == 200
    assert "unsubscribed" in one_click.text
    assert (await client.get("/api/v1/email-alerts", headers=employer)).json() == []
    forged = await client.post(path[:-3] + "AAA", data={"List-Unsubscribe": "One-Click"})
    assert forged.status_code == 404


async def test_a_daily_digest_gathers_the_day_in_one_message(
    certified: Certified, employer: Headers
) -> None:
    client = certified.client
    created = await client.post("/api/v1/email-alerts", json={"digest": True}, headers=employer)
    assert created.status_code == 201, created.text
    for move in ("suspend", "reinstate"):
        assert (await certified.change(move)).status_code == 200
    with smtp_server() as server, registry_mail_to(server):
        assert (await worker.run_once()).delivered == 0  # not before midnight
        await worker.run_once(now=utc_now() + dt.timedelta(days=1))
        (message,) = server.wait_for(1)
    assert message["Subject"] == "Rightsmark daily digest: 2 changes"


async def test_the_outbox_row_and_the_change_commit_together(
    certified: Certified, employer: Headers
) -> None:
    before = await OutboxRow.count()
    refused = await certified.change("reinstate")  # not suspended: refused, nothing written
    assert refused.status_code == 409
    assert await OutboxRow.count() == before
    assert (await certified.change("suspend")).status_code == 200
    assert await OutboxRow.count() == before + 1


async def test_another_account_cannot_see_a_webhook(
    certified: Certified, employer: Headers, hooks: Receiver
) -> None:
    created = await subscribe(certified.client, employer, url=hooks.url)
    _, token, _ = await accounts.create_account(
        name="Other", role=Role.EMPLOYER, actor="test", ttl_days=1, email="other@buyer.example"
    )
    other = bearer(token)
    webhook = created["webhook"]["id"]
    for method, path in (("GET", ""), ("DELETE", ""), ("POST", "/rotate"), ("GET", "/deliveries")):
        answer = await certified.client.request(
            method, f"/api/v1/webhooks/{webhook}{path}", headers=other
        )
        assert answer.status_code == 404, (method, path, answer.text)
