"""E-mail alerts and digests: what an event says in words, and the message around it.

Every message carries a one-click unsubscribe (RFC 8058): `List-Unsubscribe` with the
subscription's own link and `List-Unsubscribe-Post: List-Unsubscribe=One-Click`, so a mail
client's "unsubscribe" button ends the subscription with one POST, no sign-in.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from email.message import EmailMessage
from typing import Any

from registry import mail, urls
from registry.notifications.secrets import unsubscribe_token

_VERBS = {
    "certificate.issued": "was issued",
    "certificate.suspended": "was suspended",
    "certificate.reinstated": "was reinstated",
    "certificate.revoked": "was revoked",
    "certificate.expired": "has expired",
    "certificate.grade_changed": "has a new grade",
}


def unsubscribe_url(subscription_id: str) -> str:
    return urls.unsubscribe_url(unsubscribe_token(subscription_id))


def describe(payload: dict[str, Any]) -> tuple[str, str]:
    """(a one-line summary, the lines that explain it) of one event's payload."""
    kind, data = payload["type"], payload["data"]
    cert = data.get("certificate")
    provider = (data.get("provider") or {}).get("id", "")
    lines: list[str] = []
    if kind == "certificate.expiring":
        title = f"Certificate {cert['code']} expires in {data['days']} days"
        lines.append(f"Valid until {data['valid_until']}.")
    elif kind in _VERBS:
        title = f"Certificate {cert['code']} {_VERBS[kind]}"
        if data.get("reason"):
            lines.append(f"Reason: {data['reason']}")
        if kind == "certificate.grade_changed":
            lines.append(f"Grade {data['previous_grade']} -> {data['grade']}.")
    elif kind == "corrective_action.overdue":
        action = data["corrective_action"]
        title = f"Certificate {cert['code']}: a corrective action is overdue"
        lines.append(f"A {action['class']} corrective action was due by {action['close_by']}.")
    elif kind == "complaint.substantiated":
        complaint = data["complaint"]
        title = f"Provider {provider}: complaint {complaint['reference']} substantiated"
        lines.append(f"Categories: {', '.join(complaint['categories'])}.")
    else:  # licence.invalid
        finding = data["finding"]
        title = f"Provider {provider}: a licence was found {finding['register_status']}"
        lines.append(f"Licence country: {finding['licence_country']}.")
    if cert:
        lines.append(f"Certificate page: {cert['page']}")
    if provider:
        lines.append(f"Provider page: {urls.provider_url(provider)}")
    lines.append(f"Transparency log entry: {data.get('log_index')}")
    return title, "\n".join(lines)


def _message(to: str, subject: str, body: str, subscription_id: str) -> EmailMessage:
    link = unsubscribe_url(subscription_id)
    text = (
        f"{body}\n\n--\nYou receive this because your Rightsmark employer account subscribed "
        f"to these alerts. Unsubscribe: {link}\n"
    )
    return mail.compose(
        to=to,
        subject=subject,
        text=text,
        headers={
            "List-Unsubscribe": f"<{link}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )


def alert(to: str, subscription_id: str, payload_json: str) -> EmailMessage:
    title, body = describe(json.loads(payload_json))
    return _message(to, f"Rightsmark: {title}", f"{title}\n\n{body}", subscription_id)


def digest(to: str, subscription_id: str, payloads: Sequence[str]) -> EmailMessage:
    parts = []
    for payload_json in payloads:
        title, body = describe(json.loads(payload_json))
        parts.append(f"* {title}\n  " + body.replace("\n", "\n  "))
    count = len(parts)
    subject = f"Rightsmark daily digest: {count} change{'s' if count != 1 else ''}"
    return _message(to, subject, "\n\n".join(parts), subscription_id)
