"""Webhook secrets and unsubscribe tokens, keyed from the signing-key passphrase.

A webhook secret (`whsec_` + base64 of 24 random bytes, as Standard Webhooks writes them) is
shown once, when created or rotated, and stored sealed: AES-256-GCM under a key derived with
HKDF-SHA256 from the passphrase that already protects the signing keys, with the
subscription's id as associated data (a sealed secret copied onto another subscription does
not open). Whoever reads a backup or the database alone cannot sign as the registry.

An unsubscribe token is the subscription id and an HMAC of it under another derived key:
nothing to store, nothing to look up but the subscription, and no way to forge one.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
from functools import lru_cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from registry.errors import RegistryError
from registry.signing.passphrase import resolve_passphrase

SECRET_PREFIX = "whsec_"  # noqa: S105 - a prefix, not a secret
_SEALED_PREFIX = "v1:"


class SecretError(RegistryError):
    """A sealed secret that does not open (another passphrase, or tampered)."""


@lru_cache(maxsize=4)
def _derived(passphrase: bytes, purpose: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose).derive(passphrase)


def _key(purpose: str) -> bytes:
    return _derived(resolve_passphrase(), b"rightsmark notifications " + purpose.encode())


def new_secret() -> str:
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(24)).decode()


def seal(secret: str, subscription_id: str) -> str:
    nonce = os.urandom(12)
    sealed = AESGCM(_key("webhook secrets")).encrypt(
        nonce, secret.encode(), subscription_id.encode()
    )
    return _SEALED_PREFIX + base64.b64encode(nonce + sealed).decode()


def unseal(sealed: str, subscription_id: str) -> str:
    if not sealed.startswith(_SEALED_PREFIX):
        raise SecretError("unknown sealing format")
    blob = base64.b64decode(sealed[len(_SEALED_PREFIX) :])
    try:
        plain = AESGCM(_key("webhook secrets")).decrypt(
            blob[:12], blob[12:], subscription_id.encode()
        )
    except InvalidTag as exc:
        raise SecretError(f"the secret of {subscription_id} does not open") from exc
    return plain.decode()


def unsubscribe_token(subscription_id: str) -> str:
    mac = hmac.new(_key("unsubscribe"), subscription_id.encode(), hashlib.sha256).digest()
    return f"{subscription_id}.{base64.urlsafe_b64encode(mac[:18]).decode()}"


def subscription_of_token(token: str) -> str | None:
    """The subscription id an unsubscribe token names, or None for a forged one."""
    subscription_id, _, _ = token.partition(".")
    if not subscription_id or len(token) > 120:
        return None
    expected = unsubscribe_token(subscription_id)
    return subscription_id if hmac.compare_digest(expected, token) else None
