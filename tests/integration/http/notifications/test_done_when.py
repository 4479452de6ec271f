"""Issue 18's "Done when", as one scenario (a `db` test: it runs on SQLite and again on
PostgreSQL): an employer puts a certificate on a watchlist and follows the watchlist with a
webhook (a real local receiver) and e-mail alerts (a real SMTP server); the secretariat
suspends the certificate; the delivery worker runs. The webhook arrives and verifies with
the Standard Webhooks library's own `Webhook.verify`, the e-mail reaches the SMTP server
naming the certificate, and the public Atom feed shows the entry under the very log index
the webhook's payload names."""

from __future__ import annotations

from standardwebhooks.webhooks import Webhook

from registry.notifications import worker
from tests.support.certified import Certified
from tests.support.feeds import atom_feed
from tests.support.smtp import registry_mail_to, smtp_server
from tests.support.webhooks import Receiver

Headers = dict[str, str]


async def test_a_watched_certificate_suspended_reaches_webhook_e_mail_and_feed(
    certified: Certified, employer: Headers, hooks: Receiver
) -> None:
    client, code = certified.client, certified.certificate["code"]
    made = await client.post("/api/v1/watchlists", json={"name": "Gulf"}, headers=employer)
    assert made.status_code == 201, made.text
    watchlist = made.json()["id"]
    added = await client.post(
        f"/api/v1/watchlists/{watchlist}/items", json={"ref": code}, headers=employer
    )
    assert added.status_code == 201, added.text
    webhook = await client.post(
        "/api/v1/webhooks", json={"url": hooks.url, "watchlist": watchlist}, headers=employer
    )
    assert webhook.status_code == 201, webhook.text
    secret = webhook.json()["secret"]
    alert = await client.post(
        "/api/v1/email-alerts", json={"watchlist": watchlist}, headers=employer
    )
    assert alert.status_code == 201, alert.text

    suspended = await certified.change("suspend", "workers' passports were withheld")
    assert suspended.status_code == 200, suspended.text

    with smtp_server() as server, registry_mail_to(server):
        done = await worker.run_once()
        (message,) = server.wait_for(1)
    assert done.delivered == 2, done

    (got,) = hooks.requests
    payload = Webhook(secret).verify(got.body, got.headers)
    assert payload["type"] == "certificate.suspended"
    assert payload["data"]["certificate"]["code"] == code
    log_index = payload["data"]["log_index"]
    assert isinstance(log_index, int)

    assert message["To"] == "alerts@buyer.example"
    assert code in message["Subject"]
    text = message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert code in text

    feed = await client.get("/feeds/status.atom")
    assert feed.status_code == 200
    entries = [e for e in atom_feed(feed.content).entries if e.log_index == log_index]
    assert len(entries) == 1, atom_feed(feed.content).entries
    assert code in entries[0].title + entries[0].content
    assert "suspend" in (entries[0].category + entries[0].title).lower()
