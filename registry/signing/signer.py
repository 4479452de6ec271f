"""The registry's signer: the active signing key, decrypted, with the DID and verification
method naming it.

Private keys are stored encrypted (`keys.encrypt_private_key`) and decrypted only to sign,
once per key and process (`registry.signing.decrypted`); they are never logged or returned
except inside a `Signer`. The key changes in `registry.keys` keep that cache up to date.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from registry.settings import get_settings
from registry.signing.decrypted import decrypted_keys
from registry.signing.errors import NoActiveKeyError
from registry.signing.keys import did_web, verification_method_id
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
    private_key = await decrypted_keys.obtain(public_id, row["encrypted_private_key"], multibase)
    did = issuer_did()
    return Signer(
        verification_method=verification_method_id(did, multibase),
        private_key=private_key,
        did=did,
    )
