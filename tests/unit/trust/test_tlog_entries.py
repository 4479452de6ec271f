"""Entries are canonical JSON of ids, digests, role, time and type: nothing personal."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from registry.trust.merkle import leaf_hash
from registry.trust.tlog_entries import actor_role, build_entry, entry_leaf_hash, parse_entry
from registry.trust.tlog_errors import LogUsageError

AT = dt.datetime(2026, 11, 30, 9, 15, tzinfo=dt.timezone(dt.timedelta(hours=2)))


def test_entry_is_canonical_json() -> None:
    data = build_entry(
        "certificate.revoked",
        {"certificate": "crt_e7dbd41bb2f524bc", "code": "RM-7K3Q-9XPD"},
        digests={"credential": "sha256:" + "ab" * 32},
        actor_role="secretariat",
        at=AT,
    )
    assert data == (
        b'{"actor_role":"secretariat","at":"2026-11-30T07:15:00Z",'
        b'"digests":{"credential":"sha256:' + b"ab" * 32 + b'"},'
        b'"subject":{"certificate":"crt_e7dbd41bb2f524bc","code":"RM-7K3Q-9XPD"},'
        b'"type":"certificate.revoked","v":1}'
    )
    assert parse_entry(data)["type"] == "certificate.revoked"
    assert entry_leaf_hash(data) == entry_leaf_hash(data.decode()) == leaf_hash(data)


@pytest.mark.parametrize(
    ("kind", "subject", "role", "message"),
    [
        ("certificate.deleted", {"certificate": "crt_1"}, "system", "unknown log event"),
        ("certificate.issued", {}, "system", "at least one subject"),
        ("certificate.issued", {"certificate": "crt_1"}, "admin", "unknown actor role"),
        ("certificate.issued", {"email": "ana@example.org"}, "system", "not 'ana@"),
        ("certificate.issued", {"name": "Ana Verma"}, "system", "must be an id"),
        ("certificate.issued", {"Name": "crt_1"}, "system", "lower-case identifier"),
    ],
)
def test_off_schema_events_are_refused(
    kind: str, subject: dict[str, str], role: str, message: str
) -> None:
    with pytest.raises(LogUsageError, match=message):
        build_entry(kind, subject, actor_role=role, at=AT)


def test_naive_times_are_refused_and_roles_come_from_labels() -> None:
    with pytest.raises(LogUsageError, match="time zone"):
        build_entry(
            "key.generated", {"key": "key_1"}, actor_role="system", at=dt.datetime(2026, 1, 1)
        )
    assert actor_role("secretariat:acc_1df8e577b35e5f2a") == "secretariat"
    assert actor_role("system:init") == "system"
    assert actor_role("whoever") == "system"
    assert json.loads(build_entry("key.generated", {"key": "k"}, actor_role="system", at=AT))
