"""Signed checkpoints: the log's own Ed25519 note key, and each tree size signed once.

The log key is separate from the credential signing keys: a credential key rotation or
compromise must not change the identity monitors pinned, and the log key signs only
checkpoints. It is created on first use, encrypted at rest exactly like the signing keys
(`encrypt_private_key`, the registry passphrase) and decrypted once per process, in the
cache the credential signer uses too (`registry.signing.decrypted`).

A checkpoint is signed lazily, when one is asked for and the log has grown. Before signing
size n the registry proves, from its own stored subtrees, that the new tree extends the
latest checkpoint it signed; if that fails it refuses (`LogIntegrityError`) rather than sign
two inconsistent checkpoints. `log_checkpoints.size` is unique, so a size is signed once
even when two processes race: the loser reads the winner's note.
"""

from __future__ import annotations

import asyncio
import base64
import secrets
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from registry import urls
from registry.clock import utc_now
from registry.db.database import changes, write_transaction
from registry.errors import ProofVerificationError
from registry.signing.decrypted import decrypted_keys
from registry.signing.keys import encrypt_private_key
from registry.signing.passphrase import resolve_passphrase
from registry.transparency import log
from registry.transparency.tables import LogCheckpointRow, LogKeyRow
from registry.trust import merkle
from registry.trust.multikey import public_key_bytes
from registry.trust.signed_note import build_tlog_proof, sign_checkpoint, verifier_key
from registry.trust.tlog_errors import LogIntegrityError, LogRangeError


@dataclass(frozen=True)
class LogSigner:
    public_id: str
    name: str
    private_key: Ed25519PrivateKey

    @property
    def verifier_key(self) -> str:
        return verifier_key(self.name, self.private_key.public_key())


async def _active_key() -> dict[str, Any] | None:
    row: dict[str, Any] | None = (
        await LogKeyRow.select().where(LogKeyRow.state == "active").first().run()
    )
    return row


async def _create_key() -> None:
    private_key = Ed25519PrivateKey.generate()
    blob = await asyncio.to_thread(encrypt_private_key, private_key, resolve_passphrase())
    public_id = f"lkey_{secrets.token_hex(8)}"
    raw = public_key_bytes(private_key.public_key())
    try:
        async with write_transaction():
            if await _active_key() is not None:
                return
            await LogKeyRow.insert(
                LogKeyRow(
                    public_id=public_id,
                    name=urls.log_origin(),
                    public_key=base64.b64encode(raw).decode("ascii"),
                    encrypted_private_key=blob.decode("ascii"),
                    state="active",
                    active_slot="active",
                    created_at=utc_now(),
                )
            ).run()
    except Exception:
        # A concurrent first use won the unique active slot: use its key.
        if await _active_key() is None:
            raise
        return
    decrypted_keys.put(public_id, private_key)


async def log_signer() -> LogSigner:
    """The log's key, created on first use and decrypted once per process."""
    row = await _active_key()
    if row is None:
        await _create_key()
        row = await _active_key()
        assert row is not None  # created just now, by us or a concurrent first use
    key = await decrypted_keys.obtain(row["public_id"], row["encrypted_private_key"])
    return LogSigner(row["public_id"], row["name"], key)


async def log_verifier_key() -> str:
    """`<name>+<hex key ID>+<base64(0x01 || public key)>` for GET /log/key."""
    return (await log_signer()).verifier_key


async def stored_checkpoint() -> str | None:
    """The latest signed checkpoint as stored, without signing one for a grown log."""
    latest = await _latest_stored()
    return None if latest is None else str(latest["note"])


async def _latest_stored() -> dict[str, Any] | None:
    row: dict[str, Any] | None = (
        await LogCheckpointRow.select()
        .order_by(LogCheckpointRow.size, ascending=False)
        .first()
        .run()
    )
    return row


async def _sign(signer: LogSigner) -> str:
    async with write_transaction():
        changes("log")  # a new checkpoint: nothing else cached depends on it
        size = await log.current_size()
        latest = await _latest_stored()
        if latest is not None and latest["size"] >= size:
            return str(latest["note"])
        root = await log.root_at(size)
        if latest is not None and latest["size"] > 0:
            old_size, old_root = int(latest["size"]), bytes.fromhex(latest["root_hash"])
            proof = await log.consistency_proof(old_size, size)
            try:
                merkle.verify_consistency(old_size, size, proof, old_root, root)
            except ProofVerificationError as exc:
                raise LogIntegrityError(
                    f"the stored log of size {size} does not extend the checkpoint already "
                    f"signed at size {old_size} ({exc}); refusing to sign"
                ) from exc
        note = sign_checkpoint(signer.name, size, root, signer.private_key)
        await LogCheckpointRow.insert(
            LogCheckpointRow(
                size=size,
                root_hash=root.hex(),
                note=note,
                key_id=signer.public_id,
                signed_at=utc_now(),
            )
        ).run()
        return note


async def latest_checkpoint() -> str:
    """The signed checkpoint of the current tree, signing one if the log has grown."""
    latest = await _latest_stored()
    if latest is not None and latest["size"] >= await log.current_size():
        return str(latest["note"])
    signer = await log_signer()  # may decrypt: outside the write transaction
    try:
        return await _sign(signer)
    except LogIntegrityError:
        raise
    except Exception:
        # Another process signed this size first (unique size): serve its note.
        latest = await _latest_stored()
        if latest is None or latest["size"] < await log.current_size():
            raise
        return str(latest["note"])


async def checkpoint_at(size: int) -> str:
    """The stored note signed for exactly `size`."""
    row = await LogCheckpointRow.select().where(LogCheckpointRow.size == size).first().run()
    if row is None:
        raise LogRangeError(f"no checkpoint was signed at size {size}")
    return str(row["note"])


async def proof_bundle(index: int, note: str | None = None) -> str:
    """A C2SP tlog-proof for entry `index` under the latest checkpoint (or the signed `note`
    given): what a certificate's offline bundle carries (`GET
    /api/v1/certificates/{id}/log-proof`). The entry itself travels in the bundle's `extra`
    line, so an offline verifier can hash it as the leaf and check that it names the
    certificate (and its digest) it holds."""
    note = await latest_checkpoint() if note is None else note
    size = int(note.split("\n", 2)[1])
    proof = await log.inclusion_proof(index, size)
    (entry,) = await log.read_entries(index, index + 1, size)
    return build_tlog_proof(index, proof, note, extra=entry.entry.encode("utf-8"))
