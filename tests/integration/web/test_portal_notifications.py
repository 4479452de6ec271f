"""Issue 18: the employer's notification pages over real HTTP. A webhook made on a page (its
whsec_ secret shown once) follows a watchlist; a suspension reaches a real receiver and
verifies with the Standard Webhooks library; the delivery log shows the attempt and
re-delivers it with the same webhook-id; the secret rotates; e-mail alerts and the digest
are subscribed and stopped; another employer sees none of it."""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import pytest
from standardwebhooks.webhooks import Webhook

from registry import accounts
from registry.accounts import Role
from registry.certificates import service as certificates
from registry.notifications import worker
from tests.integration.web.demo import Demo
from tests.support.database import app_client
from tests.support.portal import page, sign_in, submit
from tests.support.webhooks import Receiver, receiver, registry_env

N = "/portal/employer/notifications"
SECRET = re.compile(r'<code class="token" id="secret">(whsec_[^<]+)</code>')


@pytest.fixture
def hooks() -> Iterator[Receiver]:
    with registry_env(webhook_allow_private="true"), receiver() as found:
        yield found


async def employer_client(demo: Demo, name: str) -> httpx.AsyncClient:
    """A fresh browser-like client of the same app, signed in as a new employer."""
    _, token, _ = await accounts.create_account(
        name=name, role=Role.EMPLOYER, actor="test", ttl_days=1,
        email=f"{name.lower().replace(' ', '.')}@buyer.example",
    )  # fmt: skip
    client = app_client()  # its own cookies: a browser of its own
    await sign_in(client, token)
    return client


async def watchlist_with(client: httpx.AsyncClient, code: str) -> str:
    made = await submit(client, "/portal/employer", "/portal/employer/watchlists",
                        {"name": "Suppliers"})  # fmt: skip
    where = made.headers["location"]
    await submit(client, where, where + "/items", {"ref": code})
    return where.rsplit("/", 1)[-1]


async def test_a_webhook_made_on_the_page_delivers_and_shows_its_log(
    seeded: Demo, hooks: Receiver
) -> None:
    client = await employer_client(seeded, "Gulf Builders")
    code = seeded.code("valid")
    watchlist = await watchlist_with(client, code)
    assert f'href="{N}"' in await page(client, "/portal/employer")
    home = await page(client, N)
    assert "No webhook yet." in home
    assert f'<option value="{watchlist}">Watchlist: Suppliers</option>' in home

    made = await submit(
        client, N, "/portal/employer/webhooks",
        {"url": hooks.url, "watchlist": watchlist, "events": ["certificate.suspended"]},
        expect=201,
    )  # fmt: skip
    found = SECRET.search(made.text)
    assert found, made.text
    secret = found.group(1)
    webhook = re.search(r"<code>(whk_[0-9a-f]{24})</code>", made.text)
    assert webhook
    detail = f"/portal/employer/webhooks/{webhook.group(1)}"
    listed = await page(client, N)
    assert hooks.url in listed
    assert secret not in listed
    assert "Nothing delivered yet" in await page(client, detail)

    await certificates.change_state(code, "suspend", "forced labour found", "test")
    assert (await worker.run_once()).delivered == 1
    (got,) = hooks.requests
    payload = Webhook(secret).verify(got.body, got.headers)
    assert payload["type"] == "certificate.suspended"
    assert payload["data"]["certificate"]["code"] == code

    log = await page(client, detail)
    assert secret not in log
    row = re.search(r'<tr id="(dlv_[0-9a-f]{24})" data-status="delivered">', log)
    assert row, log
    assert "delivered (HTTP 204)" in log
    assert f"log index {payload['data']['log_index']}" in log
    assert got.headers["webhook-id"] in log

    await submit(client, detail, f"{detail}/deliveries/{row.group(1)}/redeliver", {})
    assert "Queued again" in await page(client, detail)
    await worker.run_once()
    assert [r.headers["webhook-id"] for r in hooks.requests] == [got.headers["webhook-id"]] * 2

    rotated = await submit(client, detail, f"{detail}/rotate", {}, expect=200)
    fresh = SECRET.search(rotated.text)
    assert fresh
    assert fresh.group(1) != secret
    assert "previous secret keeps signing" in rotated.text

    # Another employer: the webhook does not exist for it.
    other = await employer_client(seeded, "Other Buyer")
    assert (await other.get(detail)).status_code == 404
    assert webhook.group(1) not in await page(other, N)
    await other.aclose()

    await submit(client, detail, f"{detail}/delete", {})
    assert "No webhook yet." in await page(client, N)
    ended = await page(client, detail)
    assert "This webhook was deleted" in ended
    assert "/redeliver" not in ended
    await client.aclose()


async def test_refused_webhooks_name_the_field(seeded: Demo) -> None:
    client = await employer_client(seeded, "Careful Buyer")
    bad = await submit(client, N, "/portal/employer/webhooks",
                       {"url": "https://127.0.0.1/hook"}, expect=422)  # fmt: skip
    assert 'id="url-error"' in bad.text
    assert 'value="https://127.0.0.1/hook"' in bad.text  # kept, to correct it
    other = await employer_client(seeded, "Rival Buyer")
    theirs = await watchlist_with(other, seeded.code("valid"))
    refused = await submit(
        client, N, "/portal/employer/webhooks",
        {"url": "https://hooks.example.org/x", "watchlist": theirs}, expect=422,
    )  # fmt: skip
    assert 'id="watchlist-error"' in refused.text
    await other.aclose()
    await client.aclose()


async def test_e_mail_alerts_and_the_digest_for_a_watchlist_start_and_stop(seeded: Demo) -> None:
    client = await employer_client(seeded, "Mail Buyer")
    watchlist = await watchlist_with(client, seeded.code("valid"))
    await submit(client, N, "/portal/employer/email-alerts",
                 {"watchlist": watchlist, "digest": "no"})  # fmt: skip
    await submit(client, N, "/portal/employer/email-alerts", {"watchlist": "", "digest": "yes"})
    listed = await page(client, N)
    assert "An e-mail per change</strong> to <bdi>mail.buyer@buyer.example</bdi>" in listed
    assert "Daily digest" in listed
    assert "every public change" in listed
    answer = await client.get("/api/v1/email-alerts", headers={})
    assert answer.status_code == 401  # the page's session is no API token
    alerts = re.findall(r'<li class="card" id="(eml_[0-9a-f]{24})">', listed)
    assert len(alerts) == 2
    for alert in alerts:
        await submit(client, N, f"/portal/employer/email-alerts/{alert}/delete", {})
    assert "No e-mail alert yet." in await page(client, N)
    gone = await client.post(
        f"/portal/employer/email-alerts/{alerts[0]}/delete",
        data={"csrf": re.findall(r'name="csrf" value="([^"]+)"', listed)[0]},
    )
    assert gone.status_code == 303  # ending twice is idempotent
    await client.aclose()
