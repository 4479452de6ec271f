"""A real SMTP server for the e-mail tests (aiosmtpd), on a free port of 127.0.0.1.

`smtp_server()` starts one and yields it; `server.messages` holds every message received,
parsed, in order. Point the registry at it with `server.env()` (RIGHTSMARK_SMTP_*), which
turns STARTTLS off: the local server speaks plain SMTP.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller


class _Inbox:
    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self._lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        parsed = message_from_bytes(envelope.original_content, policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        with self._lock:
            self.messages.append(parsed)
            self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 OK"


class SmtpServer:
    def __init__(self, controller: Controller, inbox: _Inbox, port: int) -> None:
        self._controller = controller
        self._inbox = inbox
        self.port = port

    @property
    def messages(self) -> list[EmailMessage]:
        return list(self._inbox.messages)

    def env(self) -> dict[str, str]:
        return {
            "RIGHTSMARK_SMTP_HOST": "127.0.0.1",
            "RIGHTSMARK_SMTP_PORT": str(self.port),
            "RIGHTSMARK_SMTP_STARTTLS": "false",
        }

    def wait_for(self, count: int, timeout: float = 30.0) -> list[EmailMessage]:
        """The messages once at least `count` have arrived (AssertionError after timeout)."""
        deadline = time.monotonic() + timeout
        while len(self._inbox.messages) < count:
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"expected {count} e-mails, received {len(self._inbox.messages)}"
                )
            time.sleep(0.05)
        return self.messages


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def smtp_server() -> Iterator[SmtpServer]:
    inbox = _Inbox()
    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield SmtpServer(controller, inbox, port)
    finally:
        controller.stop()


@contextmanager
def registry_mail_to(server: SmtpServer) -> Iterator[None]:
    """In this process, the registry's settings point at `server` until the block ends
    (settings are read once and cached, so the cache is cleared on the way in and out)."""
    import os

    from registry.settings import get_settings

    saved = {name: os.environ.get(name) for name in server.env()}
    os.environ.update(server.env())
    get_settings.cache_clear()
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        get_settings.cache_clear()
