"""registry.mail against a real SMTP server (aiosmtpd), and its file fallback."""

from __future__ import annotations

import socket

import pytest

from registry import mail
from registry.settings import get_settings
from tests.support.smtp import registry_mail_to, smtp_server


async def test_a_message_reaches_the_smtp_server_with_its_headers() -> None:
    with smtp_server() as server, registry_mail_to(server):
        message = mail.compose(
            to="buyer@example.org",
            subject="Certificate RM-TEST suspended",
            text="Plain text body",
            html="<p>HTML body</p>",
            headers={"List-Unsubscribe-Post": "List-Unsubscribe=One-Click"},
        )
        await mail.send(message)
        (received,) = server.wait_for(1)
    assert received["To"] == "buyer@example.org"
    assert received["Subject"] == "Certificate RM-TEST suspended"
    assert received["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert received.get_body(("plain",)).get_content().strip() == "Plain text body"  # type: ignore[union-attr]
    assert received.get_body(("html",)).get_content().strip() == "<p>HTML body</p>"  # type: ignore[union-attr]


async def test_an_unreachable_server_is_a_mail_error_not_a_crash() -> None:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with smtp_server() as server:
        server.port = port
        with registry_mail_to(server), pytest.raises(mail.MailError):
            await mail.send(mail.compose(to="a@example.org", subject="s", text="t"))


async def test_without_a_server_each_message_is_kept_as_a_file() -> None:
    folder = get_settings().data_dir / "mail"
    before = set(folder.glob("*.eml")) if folder.exists() else set()
    await mail.send(mail.compose(to="a@example.org", subject="kept", text="body"))
    (new,) = set(folder.glob("*.eml")) - before
    assert b"Subject: kept" in new.read_bytes()
