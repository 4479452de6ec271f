"""Employer sign-up over the API with a real SMTP server: the e-mail, the single-use link,
the same answer for a known address, the throttle per address, no address in the logs."""

from __future__ import annotations

import re

import httpx
import pytest

from registry.watchlists import signup
from registry.watchlists.tables import EmployerSignUpRow
from tests.support.smtp import registry_mail_to, smtp_server

S = "/api/v1/employers/sign-up"
BODY = {"name": "Ana Buyer", "organisation": "Gulf Builders", "email": "ana@buyer.example"}
LINK = re.compile(r"https?://\S+/employers/confirm\?key=(\S+)")


def secret_of(message: object) -> str:
    text = message.get_body(("plain",)).get_content()  # type: ignore[attr-defined]
    found = LINK.search(text)
    assert found, text
    return found.group(1)


async def test_sign_up_confirm_once_and_the_token_works(
    client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    with smtp_server() as server, registry_mail_to(server):
        answer = await client.post(S, json=BODY)
        assert answer.status_code == 202, answer.text
        (message,) = server.wait_for(1)
    assert message["To"] == BODY["email"]
    secret = secret_of(message)
    stored = await EmployerSignUpRow.select().first()
    assert stored is not None
    assert secret not in str(stored)
    pending = await signup.pending(secret)
    assert pending.organisation == "Gulf Builders"
    account, token, _ = await signup.confirm(secret)
    assert account.role.value == "employer"
    assert account.email == BODY["email"]
    me = await client.get("/api/v1/accounts/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 200
    assert me.json()["id"] == account.id
    with pytest.raises(Exception, match="used already"):
        await signup.confirm(secret)
    ours = [r.getMessage() for r in caplog.records if not r.name.startswith("mail.log")]
    assert not [line for line in ours if BODY["email"] in line]  # aiosmtpd's own log aside

    # the same address again: the same answer, and its link gives the account a new token
    with smtp_server() as server, registry_mail_to(server):
        again = await client.post(S, json=BODY)
        (message,) = server.wait_for(1)
    assert again.json() == answer.json()
    second, token2, _ = await signup.confirm(secret_of(message))
    assert second.id == account.id
    assert token2 != token


async def test_an_address_gets_three_emails_a_day_and_bad_input_is_named(
    client: httpx.AsyncClient,
) -> None:
    with smtp_server() as server, registry_mail_to(server):
        answers = [await client.post(S, json=BODY) for _ in range(4)]
        assert {a.status_code for a in answers} == {202}
        assert len(server.wait_for(3)) == 3
    assert await EmployerSignUpRow.count() == 3
    bad = await client.post(S, json={**BODY, "email": "not-an-address"})
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "email"
