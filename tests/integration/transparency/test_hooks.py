"""Registry changes append their log entry in their own transaction."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from registry import accounts, auditors, keys
from registry.accounts import Actor, Role
from registry.standards import service as standards
from registry.transparency import log


async def entries() -> list[dict[str, object]]:
    size = await log.current_size()
    return [json.loads(e.entry) for e in await log.read_entries(0, size)] if size else []


async def test_standard_publication_and_retirement(db: None, library: Path) -> None:
    published = await standards.publish_library(library, actor="system:init")
    await standards.publish_library(library, actor="system:init")  # no-ops: no new entries
    summary = published[0][0]
    await standards.retire(summary.slug, summary.version, actor="secretariat:acc_1")
    found = await entries()
    versions = len(published)  # every version in the library, each logged once
    assert [e["type"] for e in found] == ["standard.published"] * versions + ["standard.retired"]
    assert found[0]["subject"] == {"standard": f"{summary.slug}@{summary.version}"}
    assert found[0]["digests"] == {"rule_set": summary.digest}
    assert (found[0]["actor_role"], found[versions]["actor_role"]) == ("system", "secretariat")


async def test_accreditation_changes(db: None) -> None:
    auditor, _, _ = await accounts.create_account(
        name="Ana Auditor", role=Role.AUDITOR, actor="system:test", ttl_days=30
    )
    actor = Actor(account_id="acc_sec", role=Role.SECRETARIAT, provider_id=None, token_id="t")
    granted = await auditors.accredit(
        auditor.id,
        provider_types=["recruiter"],
        countries=["PH"],
        valid_from=dt.date(2026, 1, 1),
        valid_until=dt.date(2027, 1, 1),
        actor=actor,
    )
    await auditors.suspend(auditor.id, granted.id, reason="complaint", actor=actor)
    await auditors.reinstate(auditor.id, granted.id, reason="cleared", actor=actor)
    found = await entries()
    assert [e["type"] for e in found] == [
        "accreditation.granted",
        "accreditation.suspended",
        "accreditation.reinstated",
    ]
    assert found[1]["subject"] == {"accreditation": granted.id, "auditor": auditor.id}
    assert "complaint" not in json.dumps(found)
    assert "Ana" not in json.dumps(found)


async def test_key_generation_rotation_and_compromise(db: None) -> None:
    first = await keys.generate_key("system:init")
    second, retired = await keys.rotate_key("secretariat:acc_1")
    assert retired is not None
    assert retired.id == first.id
    since = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
    await keys.mark_compromised(first.id, since, "laptop stolen", "secretariat:acc_1")
    found = await entries()
    assert [e["type"] for e in found] == ["key.generated", "key.rotated", "key.compromised"]
    assert found[1]["subject"] == {
        "key": second.id,
        "public_key": second.public_key_multibase,
        "retired_key": first.id,
    }
    assert found[2]["subject"]["compromised_since"] == "2026-11-01T00:00:00Z"  # type: ignore[index]
    assert "stolen" not in json.dumps(found)
