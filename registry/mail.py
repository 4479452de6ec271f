"""Sending e-mail: one function, over SMTP when a server is configured.

Without `RIGHTSMARK_SMTP_HOST` (a demo, a laptop) each message is written as an `.eml` file
under `<data_dir>/mail`, so nothing is silently dropped and a developer can open it. The
standard library's smtplib does the protocol; it runs in a worker thread so a slow server
never blocks the event loop. Callers that must not lose a message send it from the
notification outbox, which retries; this function only reports failure.
"""

from __future__ import annotations

import asyncio
import smtplib
import ssl
import uuid
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from registry.clock import utc_now
from registry.settings import Settings, get_settings


class MailError(Exception):
    """The message could not be handed to the SMTP server (it may be retried)."""


def compose(
    *,
    to: str,
    subject: str,
    text: str,
    html: str | None = None,
    headers: dict[str, str] | None = None,
) -> EmailMessage:
    """A plain-text message (with an HTML alternative when given) from the registry."""
    settings = get_settings()
    message = EmailMessage()
    message["From"] = settings.mail_from
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = format_datetime(utc_now())
    message["Message-ID"] = make_msgid(domain="rightsmark.invalid")
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content(text)
    if html is not None:
        message.add_alternative(html, subtype="html")
    return message


def _send_blocking(message: EmailMessage, settings: Settings) -> None:
    if not settings.smtp_host:
        folder = settings.data_dir / "mail"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{utc_now():%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:8]}.eml").write_bytes(
            bytes(message)
        )
        return
    try:
        with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=30) as smtp:
            if settings.smtp_starttls:
                smtp.starttls(context=ssl.create_default_context())
            if settings.smtp_username:
                smtp.login(settings.smtp_username, settings.smtp_password.get_secret_value())
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException) as exc:
        raise MailError(f"{type(exc).__name__}: {exc}") from exc


async def send(message: EmailMessage) -> None:
    """Hand the message to the configured SMTP server (or the mail folder); MailError if not."""
    await asyncio.to_thread(_send_blocking, message, get_settings())
