"""Log entries: one event, as RFC 8785 canonical JSON. Pure.

An entry names what happened and to what, never to whom: the event type, the subject's
public ids, the digests that pin its content (a credential, a rule set), the acting role and
the time. Names, e-mail addresses, reasons and free text stay out, because the log is public
and can never be edited. Example:

    {"actor_role":"secretariat","at":"2026-11-30T08:00:00Z","digests":{"ruleset":"sha256:…"},
     "subject":{"standard":"core-rights@1.0.0"},"type":"standard.published","v":1}
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any, Final

from registry.clock import iso_utc
from registry.trust.merkle import leaf_hash
from registry.trust.tlog_errors import LogUsageError
from standards.canonical import canonical_json

ENTRY_VERSION: Final = 1
EVENT_KINDS: Final = frozenset(
    {
        "standard.published",
        "standard.retired",
        "certificate.issued",
        "certificate.suspended",
        "certificate.reinstated",
        "certificate.revoked",
        "certificate.expired",
        "accreditation.granted",
        "accreditation.suspended",
        "accreditation.reinstated",
        "key.generated",
        "key.rotated",
        "key.compromised",
        # Complaints and appeals (registry.complaints): provider, categories, outcome and
        # digests only, so that the public counts can be recomputed from the log.
        "complaint.received",
        "complaint.acknowledged",
        "complaint.closed",
        "complaint.reopened",
        "appeal.lodged",
        "appeal.decided",
        # Identity (registry.identity): ids, the fields changed and a digest of the new
        # identity; a licence check: the country and state, the number as a digest.
        "provider.identity_changed",
        "provider.licence_checked",
        # National licence registers (registry.registers): an import (country, counts, the
        # file's digest) and the findings it opens, escalates or closes under LAW-1.
        "register.imported",
        "provider.licence_finding",
        # A corrective action not closed by its deadline (registry.corrective.enforcement):
        # the certificate, the action's id and class and the deadline, never the finding.
        "corrective.escalated",
    }
)
ACTOR_ROLES: Final = frozenset({"secretariat", "auditor", "provider", "system"})
# Ids, refs and digests only: short tokens without spaces or "@"-addresses of people.
_TOKEN = re.compile(r"[A-Za-z0-9_.:@#%+/=-]{1,200}")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[A-Za-z]{2,}")
_KEY = re.compile(r"[a-z][a-z0-9_]{0,39}")


def actor_role(label: str) -> str:
    """The role part of an actor label (`secretariat:acc_...`, `system:init`): the only part
    of who acted that the public log records."""
    role = label.partition(":")[0]
    return role if role in ACTOR_ROLES else "system"


def _checked_map(name: str, values: dict[str, str]) -> dict[str, str]:
    for key, value in values.items():
        if not isinstance(key, str) or not _KEY.fullmatch(key):
            raise LogUsageError(f"{name} key {key!r} is not a lower-case identifier")
        if not isinstance(value, str) or not _TOKEN.fullmatch(value) or _EMAIL.fullmatch(value):
            raise LogUsageError(f"{name}.{key} must be an id or digest, not {value!r}")
    return dict(values)


def build_entry(
    kind: str,
    subject: dict[str, str],
    *,
    digests: dict[str, str] | None = None,
    actor_role: str,
    at: dt.datetime,
) -> bytes:
    """The canonical JSON bytes of one event; LogUsageError for anything off-schema."""
    if kind not in EVENT_KINDS:
        raise LogUsageError(f"unknown log event kind {kind!r}")
    if actor_role not in ACTOR_ROLES:
        raise LogUsageError(f"unknown actor role {actor_role!r}")
    if at.utcoffset() is None:
        raise LogUsageError("the event time must carry a time zone")
    if not subject:
        raise LogUsageError("an event names at least one subject id")
    body: dict[str, Any] = {
        "v": ENTRY_VERSION,
        "type": kind,
        "subject": _checked_map("subject", subject),
        "digests": _checked_map("digests", digests or {}),
        "actor_role": actor_role,
        "at": iso_utc(at),
    }
    return canonical_json(body)


def parse_entry(data: bytes | str) -> dict[str, Any]:
    """The JSON object of an entry (for display); the bytes themselves are what is hashed."""
    value = json.loads(data)
    if not isinstance(value, dict):
        raise LogUsageError("a log entry is a JSON object")
    return value


def entry_leaf_hash(data: bytes | str) -> bytes:
    """RFC 9162 leaf hash of an entry's UTF-8 bytes."""
    return leaf_hash(data.encode("utf-8") if isinstance(data, str) else data)
