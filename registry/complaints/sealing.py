"""Complainants' personal data at rest: AES-256-GCM under a key kept like the signing keys.

The key is derived from the signing-key passphrase (`registry.signing.passphrase`: the
same setting, file and `init` step, never stored in the database) with scrypt, so a copy of
the database alone reveals no contact detail, description, message or file name. Each
value is sealed with a fresh 96-bit nonce and bound, as associated data, to its case and
field: a sealed value copied onto another case or field does not open.

Stored form: `v1:` + URL-safe base64 of nonce || ciphertext || tag. Erasure overwrites the
stored value; the transparency log never held it.
"""

from __future__ import annotations

import base64
import functools
import secrets
from typing import Final

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from registry.errors import RegistryError
from registry.signing.passphrase import resolve_passphrase

_VERSION: Final = "v1:"
_NONCE: Final = 12
# A fixed, public salt: the key must be the same in every process of one registry, and
# the passphrase `init` writes is already 256 random bits. scrypt still slows a guessed
# operator-chosen passphrase. Changing it would make every sealed value unreadable.
_SALT: Final = b"rightsmark/complaints/personal-data/v1"


class SealError(RegistryError):
    """A sealed value does not open: another key, another case or field, or damaged."""


@functools.lru_cache(maxsize=4)
def _key(passphrase: bytes) -> AESGCM:
    derived = Scrypt(salt=_SALT, length=32, n=2**14, r=8, p=1).derive(passphrase)
    return AESGCM(derived)


def _aead() -> AESGCM:
    return _key(resolve_passphrase())


def seal(value: str, *, case: str, field: str) -> str:
    nonce = secrets.token_bytes(_NONCE)
    sealed = _aead().encrypt(nonce, value.encode("utf-8"), f"{case}/{field}".encode())
    return _VERSION + base64.urlsafe_b64encode(nonce + sealed).decode("ascii")


def seal_bytes(value: bytes, *, case: str, field: str) -> bytes:
    """A file's bytes, sealed like a value: nonce || ciphertext || tag."""
    nonce = secrets.token_bytes(_NONCE)
    return nonce + _aead().encrypt(nonce, value, f"{case}/{field}".encode())


def unseal_bytes(sealed: bytes, *, case: str, field: str) -> bytes:
    try:
        return _aead().decrypt(sealed[:_NONCE], sealed[_NONCE:], f"{case}/{field}".encode())
    except InvalidTag as exc:
        raise SealError(f"{field} of {case} does not open with this registry's key") from exc


def seal_optional(value: str | None, *, case: str, field: str) -> str | None:
    return None if value is None else seal(value, case=case, field=field)


def unseal(stored: str, *, case: str, field: str) -> str:
    if not stored.startswith(_VERSION):
        raise SealError(f"{field} of {case} is not a sealed value")
    raw = base64.urlsafe_b64decode(stored[len(_VERSION) :])
    try:
        plain = _aead().decrypt(raw[:_NONCE], raw[_NONCE:], f"{case}/{field}".encode())
    except InvalidTag as exc:
        raise SealError(f"{field} of {case} does not open with this registry's key") from exc
    return plain.decode("utf-8")


def unseal_optional(stored: str | None, *, case: str, field: str) -> str | None:
    return None if stored is None else unseal(stored, case=case, field=field)
