"""The registry's signer: the active signing key, decrypted, with the DID and verification
method naming it.

Private keys are stored encrypted (`keys.encrypt_private_key`) and decrypted only to sign,
once per key and process (decryption is deliberately slow); they are never logged or returned
except inside a `Signer`. The key changes in `registry.keys` keep the cache of
decrypted keys up to date.
"""

from __future__ import annotations

import asyncio
import threading
from dataclasses import dataclass, field
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from registry.settings import get_settings
from registry.signing.errors import KeyFormatError, NoActiveKeyError
from registry.signing.keys import (
    decrypt_private_key,
    did_web,
    public_multibase,
    verification_method_id,
)
from registry.signing.passphrase import resolve_passphrase
from registry.signing.tables import SigningKeyRow

NO_ACTIVE_KEY = (
    "the registry has no active signing key: run `rightsmark keys generate` "
    "(or `rightsmark keys rotate` after a compromise)"
)


@dataclass(frozen=True)
class Signer:
    """What an issuer needs to sign: the key and the verification method naming it."""

    verification_method: str
    private_key: Ed25519PrivateKey = field(repr=False)
    did: str


def issuer_did() -> str:
    """The registry's did:web, from RIGHTSMARK_PUBLIC_URL."""
    return did_web(get_settings().public_url)


# --- decrypted keys, cached per process -----------------------------------------------------

_decrypted: dict[str, Ed25519PrivateKey] = {}
_decrypt_lock = threading.Lock()  # one slow, memory-hungry decryption at a time


def _load_private_key(public_id: str, blob: str, multibase: str) -> Ed25519PrivateKey:
    """Runs in a worker thread: decrypt once, check it is the key the row says, cache it."""
    with _decrypt_lock:
        cached = _decrypted.get(public_id)
        if cached is not None:
            return cached
        key = decrypt_private_key(blob.encode("ascii"), resolve_passphrase())
        if public_multibase(key) != multibase:
            raise KeyFormatError(f"signing key {public_id} does not match its public key")
        _decrypted[public_id] = key
        return key


async def current_signer() -> Signer:
    """The active key, decrypted (once per process), with its verification method.
    NoActiveKeyError (a 409 conflict) when there is none."""
    row: dict[str, Any] | None = (
        await SigningKeyRow.select(
            SigningKeyRow.public_id,
            SigningKeyRow.public_key_multibase,
            SigningKeyRow.encrypted_private_key,
        )
        .where(SigningKeyRow.state == "active")
        .first()
        .run()
    )
    if row is None:
        raise NoActiveKeyError(NO_ACTIVE_KEY)
    public_id, multibase = row["public_id"], row["public_key_multibase"]
    private_key = _decrypted.get(public_id)
    if private_key is None:
        private_key = await asyncio.to_thread(
            _load_private_key, public_id, row["encrypted_private_key"], multibase
        )
    did = issuer_did()
    return Signer(
        verification_method=verification_method_id(did, multibase),
        private_key=private_key,
        did=did,
    )
