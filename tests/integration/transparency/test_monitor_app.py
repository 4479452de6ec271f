"""The monitor against the real registry app, with the database tampered between runs."""

from __future__ import annotations

import datetime as dt

import httpx
import pytest

from api.cli.log import ReadError, monitor_once
from registry.db.database import write_transaction
from registry.transparency import log
from registry.transparency.log import node_key
from registry.transparency.tables import LogEntryRow, LogSubtreeRow
from registry.trust.tlog_errors import MonitorError

AT = dt.datetime(2026, 11, 30, 8, 0, tzinfo=dt.UTC)


async def revoke(*codes: int) -> None:
    async with write_transaction():
        for code in codes:
            await log.append_event(
                "certificate.revoked", {"certificate": f"crt_{code}"}, actor_role="system", at=AT
            )


async def test_monitor_passes_then_catches_a_rewritten_entry(client: httpx.AsyncClient) -> None:
    await revoke(1, 2, 3, 4, 5)
    first = await monitor_once(client, None, None)
    assert (first.old_size, first.state.size) == (0, 5)
    await revoke(6, 7)
    second = await monitor_once(client, first.state, None)
    assert (second.new_entries, dict(second.by_type)) == (2, {"certificate.revoked": 2})
    await revoke(8, 9)
    await (  # someone edits a new entry in the database behind the registry's back
        LogEntryRow.update({LogEntryRow.entry: '{"type":"certificate.issued"}'})
        .where(LogEntryRow.position == 7)
        .run()
    )
    with pytest.raises(MonitorError, match="do not hash to the signed root"):
        await monitor_once(client, second.state, None)


async def test_monitor_catches_a_dropped_entry(client: httpx.AsyncClient) -> None:
    await revoke(1, 2, 3)
    state = (await monitor_once(client, None, None)).state
    await revoke(4, 5, 6)
    await LogEntryRow.delete().where(LogEntryRow.position == 4).run()
    with pytest.raises(MonitorError, match="entry 4 is missing"):
        await monitor_once(client, state, None)


async def test_the_registry_refuses_to_sign_a_rewritten_history(client: httpx.AsyncClient) -> None:
    await revoke(1, 2, 3, 4, 5)
    state = (await monitor_once(client, None, None)).state
    forged = "ab" * 32  # the stored hash of leaf 4, which the signed root of size 5 covers
    await (
        LogSubtreeRow.update({LogSubtreeRow.hash: forged})
        .where(LogSubtreeRow.node == node_key(0, 4))
        .run()
    )
    await revoke(6)
    answer = await client.get("/log/checkpoint")
    assert answer.status_code == 500  # LogIntegrityError: logged, never signed
    with pytest.raises(ReadError, match="HTTP 500"):
        await monitor_once(client, state, None)
