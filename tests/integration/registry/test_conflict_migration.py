"""Migration 2026-12-03T09:00 (conflicts reviewed by the secretariat), backwards and
forwards again on the test's own database, SQLite or PostgreSQL: conflicts declared before it
stay in force (accepted), and going back keeps a rejected conflict from barring again."""

from __future__ import annotations

import contextlib
import importlib
import io

import httpx

from registry import accounts, conflicts
from registry.accounts import Actor, Role
from registry.db.database import engine
from registry.db.tables import ConflictRow
from tests.support.http import bearer, make_account
from tests.support.providers import make_auditor, register_provider

MIGRATION = importlib.import_module("registry.db.migrations.registry_2026_12_03t09_00_00_000000")


async def _run(*, backwards: bool) -> None:
    manager = await MIGRATION.forwards()
    with contextlib.redirect_stdout(io.StringIO()):  # piccolo prints its progress
        await manager.run(backwards=backwards)


async def _actor(token: str) -> Actor:
    actor = await accounts.authenticate(token)
    assert actor is not None
    return actor


async def test_backwards_and_forwards(client: httpx.AsyncClient) -> None:
    token = await make_account(Role.SECRETARIAT)
    secretariat = await _actor(token)
    provider_id, _ = await register_provider(client, bearer(token))
    rejected_by, rejected_headers = await make_auditor("Rejected")
    pending_by, pending_headers = await make_auditor("Pending")
    rejected = await conflicts.declare(
        await _actor(rejected_headers["Authorization"].split()[1]),
        provider_id=provider_id,
        auditor_id=None,
        reason="r",
    )
    await conflicts.review(rejected.id, decision="reject", reason="not so", actor=secretariat)
    pending = await conflicts.declare(
        await _actor(pending_headers["Authorization"].split()[1]),
        provider_id=provider_id,
        auditor_id=None,
        reason="p",
    )

    await _run(backwards=True)
    try:
        rows = await engine().run_ddl(
            "SELECT * FROM conflicts_of_interest ORDER BY id"  # the schema before the review
        )
        assert [r["public_id"] for r in rows] == [rejected.id, pending.id]
        assert "review_state" not in rows[0]
        # the rejected one is kept as withdrawn, with who rejected it and why
        assert rows[0]["withdrawn_at"] is not None
        assert rows[0]["withdrawn_by"] == secretariat.label
        assert rows[0]["withdrawal_reason"] == "rejected by the secretariat: not so"
        # the pending one is in force, as every declaration was before the review existed
        assert rows[1]["withdrawn_at"] is None
    finally:
        await _run(backwards=False)

    rows = await ConflictRow.select().order_by(ConflictRow.id).run()
    assert [(r["review_state"], r["reviewed_by"]) for r in rows] == [
        ("accepted", "migration"),
        ("accepted", "migration"),
    ]
    assert rows[1]["reviewed_at"] == rows[1]["created_at"]
    listed = await conflicts.conflicts(provider_id=provider_id)
    assert [(c.state, c.in_force) for c in listed] == [("withdrawn", False), ("accepted", True)]
    assert rejected_by != pending_by
