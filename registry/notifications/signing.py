"""Standard Webhooks signatures, by the specification's own Python library.

`webhook-signature` is `v1,<base64 HMAC-SHA256 of "id.timestamp.body">`, space-separated
when several secrets sign (a rotation's overlap): a receiver accepts the message when any
one matches the secret it holds.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from standardwebhooks.webhooks import Webhook


def signature_header(secrets: Sequence[str], msg_id: str, at: dt.datetime, body: str) -> str:
    return " ".join(Webhook(secret).sign(msg_id, at, body) for secret in secrets)


def headers(secrets: Sequence[str], msg_id: str, at: dt.datetime, body: str) -> dict[str, str]:
    """The three headers of one attempt (the timestamp is the attempt's, the id the
    message's, the same on every retry)."""
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(int(at.timestamp())),
        "webhook-signature": signature_header(secrets, msg_id, at, body),
        "content-type": "application/json",
    }
