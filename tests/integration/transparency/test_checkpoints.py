"""Signed checkpoints: a dedicated, encrypted log key; each size signed once; bundles."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest

from registry.db.database import write_transaction
from registry.signing.keys import decrypt_private_key
from registry.signing.passphrase import resolve_passphrase
from registry.transparency import checkpoints, log
from registry.transparency.tables import LogCheckpointRow, LogKeyRow
from registry.trust.merkle import leaf_hash
from registry.trust.signed_note import parse_tlog_proof, verify_note, verify_tlog_proof
from registry.trust.tlog_bundles import verify_bundle
from registry.trust.tlog_errors import MonitorError

AT = dt.datetime(2026, 11, 30, 8, 0, tzinfo=dt.UTC)


async def grow(n: int) -> None:
    async with write_transaction():
        for i in range(n):
            await log.append_event(
                "certificate.expired", {"certificate": f"crt_{i}"}, actor_role="system", at=AT
            )


async def test_log_key_is_dedicated_and_encrypted_at_rest(db: None) -> None:
    key = await checkpoints.log_verifier_key()
    assert key.startswith("127.0.0.1:8000/log+")
    (row,) = await LogKeyRow.select().run()
    assert row["encrypted_private_key"].startswith("-----BEGIN OPENSSH PRIVATE KEY-----")
    private = decrypt_private_key(row["encrypted_private_key"].encode(), resolve_passphrase())
    signer = await checkpoints.log_signer()
    assert private.private_bytes_raw() == signer.private_key.private_bytes_raw()
    assert await checkpoints.log_verifier_key() == key  # created once


async def test_each_size_is_signed_once_even_when_asked_concurrently(db: None) -> None:
    key = await checkpoints.log_verifier_key()
    empty = verify_note(await checkpoints.latest_checkpoint(), key)
    assert empty.size == 0
    await grow(5)
    notes = await asyncio.gather(*(checkpoints.latest_checkpoint() for _ in range(8)))
    assert len(set(notes)) == 1
    assert verify_note(notes[0], key).size == 5
    assert await checkpoints.checkpoint_at(5) == notes[0]
    sizes = await LogCheckpointRow.select(LogCheckpointRow.size).run()
    assert sorted(r["size"] for r in sizes) == [0, 5]


async def test_proof_bundle_verifies_offline(db: None) -> None:
    await grow(11)
    key = await checkpoints.log_verifier_key()
    (item,) = await log.read_entries(6, 7)
    bundle = await checkpoints.proof_bundle(6)
    assert bundle.startswith("c2sp.org/tlog-proof@v1\nextra ")
    parsed = parse_tlog_proof(bundle)
    assert parsed.index == 6
    assert parsed.extra == item.entry.encode()  # the entry travels with its proof
    checkpoint = verify_tlog_proof(bundle, leaf_hash(parsed.extra), key)
    assert checkpoint.size == 11


async def test_bundle_check_names_subject_and_digest(db: None) -> None:
    async with write_transaction():
        await log.append_event(
            "certificate.issued",
            {"certificate": "crt_ab", "code": "RM-7K3Q-9XPD"},
            digests={"credential": "sha256:" + "cd" * 32},
            actor_role="secretariat",
            at=AT,
        )
    await grow(4)
    key = await checkpoints.log_verifier_key()
    bundle = await checkpoints.proof_bundle(0)
    digest = ("credential", "sha256:" + "cd" * 32)
    result = verify_bundle(bundle, key, subject=("certificate", "crt_ab"), digest=digest)
    assert (result.index, result.checkpoint.size) == (0, 5)
    with pytest.raises(MonitorError, match="not about certificate crt_zz"):
        verify_bundle(bundle, key, subject=("certificate", "crt_zz"))
    with pytest.raises(MonitorError, match="another credential digest"):
        verify_bundle(bundle, key, subject=("certificate", "crt_ab"), digest=("credential", "x"))
    forged = bundle.replace("index 0", "index 1")
    with pytest.raises(MonitorError, match="does not verify"):
        verify_bundle(forged, key, subject=("certificate", "crt_ab"))
