"""Use cases of the registry's signing keys: generate, rotate, list, mark compromised; the
DID document. The current signer is `registry.signing.signer` (re-exported here).

At most one key is active. Rotating retires it (kept, and still listed, so what it signed can
be checked) and activates a new one. Marking a key compromised records since when its
signatures must not be trusted; if it was the active key, the registry has no active key
(and cannot sign) until `generate` or `rotate`.

Private keys are stored encrypted (`keys.encrypt_private_key`); a new key is kept decrypted
for this process (`registry.signing.decrypted`), and a retired or compromised one dropped
from it.
"""

from __future__ import annotations

import asyncio
import secrets
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from registry.clock import iso_utc, utc_now
from registry.db.database import write_transaction
from registry.db.races import unique_violation_raises
from registry.errors import ConflictError, InvalidRequestError
from registry.signing.decrypted import decrypted_keys
from registry.signing.errors import ActiveKeyExistsError, KeyNotFoundError, KeyStateError
from registry.signing.keys import (
    KeyRecord,
    KeyState,
    did_document,
    encrypt_private_key,
    public_multibase,
    verification_method_id,
)
from registry.signing.passphrase import resolve_passphrase
from registry.signing.signer import current_signer as current_signer  # re-exported
from registry.signing.signer import issuer_did as issuer_did  # re-exported
from registry.signing.tables import SigningKeyRow
from registry.transparency.log import append_event
from registry.trust.tlog_entries import actor_role

KEY_ID_PREFIX = "key_"
MAX_REASON_LENGTH = 2000


@dataclass(frozen=True)
class KeyInfo:
    """One signing key as the secretariat sees it: public facts only."""

    id: str
    public_key_multibase: str
    verification_method: str
    state: KeyState
    created_at: datetime
    created_by: str
    retired_at: datetime | None
    compromised_at: datetime | None
    compromise_reason: str | None
    compromised_by: str | None

    def record(self) -> KeyRecord:
        return KeyRecord(
            verification_method=self.verification_method,
            public_key_multibase=self.public_key_multibase,
            created_at=self.created_at,
            state=self.state,
            compromised_at=self.compromised_at,
            reason=self.compromise_reason,
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "public_key_multibase": self.public_key_multibase,
            "verification_method": self.verification_method,
            "state": self.state,
            "created_at": iso_utc(self.created_at),
            "created_by": self.created_by,
            "retired_at": iso_utc(self.retired_at),
            "compromised_at": iso_utc(self.compromised_at),
            "compromise_reason": self.compromise_reason,
            "compromised_by": self.compromised_by,
        }


# --- rows -----------------------------------------------------------------------------------


def _info(row: dict[str, Any], did: str) -> KeyInfo:
    return KeyInfo(
        id=row["public_id"],
        public_key_multibase=row["public_key_multibase"],
        verification_method=verification_method_id(did, row["public_key_multibase"]),
        state=cast(KeyState, row["state"]),
        created_at=row["created_at"],
        created_by=row["created_by"],
        retired_at=row["retired_at"],
        compromised_at=row["compromised_at"],
        compromise_reason=row["compromise_reason"],
        compromised_by=row["compromised_by"],
    )


# Every column but the encrypted private key, which only `current_signer` reads.
_PUBLIC_COLUMNS = SigningKeyRow.all_columns(exclude=[SigningKeyRow.encrypted_private_key])


async def _active_row() -> dict[str, Any] | None:
    row: dict[str, Any] | None = (
        await SigningKeyRow.select(*_PUBLIC_COLUMNS)
        .where(SigningKeyRow.state == "active")
        .first()
        .run()
    )
    return row


async def _row_by_public_id(public_id: str) -> dict[str, Any]:
    row: dict[str, Any] | None = (
        await SigningKeyRow.select(*_PUBLIC_COLUMNS)
        .where(SigningKeyRow.public_id == public_id)
        .first()
        .run()
    )
    if row is None:
        raise KeyNotFoundError(f"signing key {public_id} does not exist")
    return row


async def _find_row(key: str) -> dict[str, Any]:
    """A key by public id (`key_...`), multibase (`z6Mk...`) or verification method
    (`<did>#z6Mk...`; the DID part is not compared, so methods named under an earlier
    public URL still match)."""
    text = key.strip()
    if text.startswith(KEY_ID_PREFIX):
        condition = SigningKeyRow.public_id == text
    else:
        condition = SigningKeyRow.public_key_multibase == text.rpartition("#")[2]
    row: dict[str, Any] | None = (
        await SigningKeyRow.select(*_PUBLIC_COLUMNS).where(condition).first().run()
    )
    if row is None:
        raise KeyNotFoundError(f"no signing key is named {key!r}")
    return row


def _race_is_conflict() -> AbstractAsyncContextManager[None]:
    """Two concurrent key changes both trying to activate a key: the unique `active_slot`
    lets one win; the other is told to retry."""
    return unique_violation_raises(
        ConflictError("the signing keys were changed by a concurrent request; retry")
    )


async def _new_key(actor: str) -> tuple[SigningKeyRow, Ed25519PrivateKey]:
    """A fresh key, encrypted off the event loop; the row is not inserted yet."""
    passphrase = resolve_passphrase()
    private_key = Ed25519PrivateKey.generate()
    blob = await asyncio.to_thread(encrypt_private_key, private_key, passphrase)
    row = SigningKeyRow(
        public_id=f"{KEY_ID_PREFIX}{secrets.token_hex(8)}",
        public_key_multibase=public_multibase(private_key),
        encrypted_private_key=blob.decode("ascii"),
        state="active",
        active_slot="active",
        created_at=utc_now(),
        created_by=actor,
    )
    return row, private_key


async def _log(kind: str, row: dict[str, Any], actor: str, **extra: str) -> None:
    """The transparency-log entry of a key change, in the change's transaction: the key's id
    and public key, so anyone can see which keys the registry ever signed with, and when."""
    subject = {"key": row["public_id"], "public_key": row["public_key_multibase"], **extra}
    await append_event(kind, subject, actor_role=actor_role(actor), at=utc_now())


# --- use cases ------------------------------------------------------------------------------


async def generate_key(actor: str) -> KeyInfo:
    """The first active key. Refused while a key is active: `rotate_key` replaces one."""
    refusal = "a signing key is already active ({}); use rotate to replace it"
    active = await _active_row()
    if active is not None:  # checked first: encrypting a key costs a third of a second
        raise ActiveKeyExistsError(refusal.format(active["public_id"]))
    row, private_key = await _new_key(actor)
    async with _race_is_conflict(), write_transaction():
        active = await _active_row()
        if active is not None:
            raise ActiveKeyExistsError(refusal.format(active["public_id"]))
        await SigningKeyRow.insert(row).run()
        saved = await _row_by_public_id(row.public_id)
        await _log("key.generated", saved, actor)
    decrypted_keys.put(row.public_id, private_key)
    return _info(saved, issuer_did())


async def rotate_key(actor: str) -> tuple[KeyInfo, KeyInfo | None]:
    """A new active key; the previous active one (if any) is retired and kept.
    Returns (new key, retired key or None)."""
    row, private_key = await _new_key(actor)
    async with _race_is_conflict(), write_transaction():
        old = await _active_row()
        if old is not None:
            await (
                SigningKeyRow.update(
                    {
                        SigningKeyRow.state: "retired",
                        SigningKeyRow.active_slot: None,
                        SigningKeyRow.retired_at: row.created_at,
                    }
                )
                .where(SigningKeyRow.id == old["id"])
                .run()
            )
        await SigningKeyRow.insert(row).run()
        saved = await _row_by_public_id(row.public_id)
        retired = await _row_by_public_id(old["public_id"]) if old is not None else None
        retired_id = {"retired_key": old["public_id"]} if old is not None else {}
        await _log("key.rotated", saved, actor, **retired_id)
    decrypted_keys.put(row.public_id, private_key)
    if old is not None:  # retired: it signs nothing any more
        decrypted_keys.forget(old["public_id"])
    did = issuer_did()
    return _info(saved, did), (_info(retired, did) if retired is not None else None)


async def list_keys() -> list[KeyInfo]:
    """Every key ever created, oldest first."""
    rows = await SigningKeyRow.select(*_PUBLIC_COLUMNS).order_by(SigningKeyRow.id).run()
    did = issuer_did()
    return [_info(row, did) for row in rows]


async def mark_compromised(
    key: str, since: datetime, reason: str, actor: str
) -> tuple[KeyInfo, bool]:
    """Record that `key` (public id, multibase or verification method) must not be trusted
    for anything signed from `since` on. Returns (the key, whether it was the active key: if
    so the registry now has no active key until `generate_key` or `rotate_key`).

    A key already compromised can only have its time moved earlier."""
    if since.utcoffset() is None:
        raise InvalidRequestError("since must carry a time zone (e.g. Z)", field="since")
    if since > utc_now():
        raise InvalidRequestError("since is in the future", field="since")
    reason = reason.strip()
    if not reason:
        raise InvalidRequestError("a reason is required", field="reason")
    if len(reason) > MAX_REASON_LENGTH:
        raise InvalidRequestError(
            f"the reason is longer than {MAX_REASON_LENGTH} characters", field="reason"
        )
    async with write_transaction():
        row = await _find_row(key)
        if row["state"] == "compromised" and since >= row["compromised_at"]:
            raise KeyStateError(
                f"signing key {row['public_id']} is already compromised since "
                f"{iso_utc(row['compromised_at'])}; that time can only be moved earlier"
            )
        was_active = row["state"] == "active"
        await (
            SigningKeyRow.update(
                {
                    SigningKeyRow.state: "compromised",
                    SigningKeyRow.active_slot: None,
                    SigningKeyRow.compromised_at: since,
                    SigningKeyRow.compromise_reason: reason,
                    SigningKeyRow.compromised_by: actor,
                }
            )
            .where(SigningKeyRow.id == row["id"])
            .run()
        )
        saved = await _row_by_public_id(row["public_id"])
        # The time from which its signatures are void is what verifiers need to know.
        await _log("key.compromised", saved, actor, compromised_since=iso_utc(since))
    decrypted_keys.forget(row["public_id"])
    return _info(saved, issuer_did()), was_active


async def did_document_json() -> dict[str, Any]:
    """The registry's DID document: every key ever used, in creation order."""
    return did_document(issuer_did(), [key.record() for key in await list_keys()])
