"""Ed25519 keys as Multikey strings (W3C Controlled Identifiers v1.0, section "Multikey").

A public key is `z` + base58btc(0xed 0x01 || 32 key bytes) - always starting `z6Mk` - and a
secret key is `z` + base58btc(0x80 0x26 || 32 seed bytes). The two-byte headers are the
varint-encoded multicodec codes `ed25519-pub` (0xed) and `ed25519-priv` (0x1300); checking
them keeps a secret key from ever being accepted (or published) as a public one.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache

import base58
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
)

from registry.errors import MultikeyError

ED25519_PUBLIC_HEADER = b"\xed\x01"
ED25519_PRIVATE_HEADER = b"\x80\x26"
KEY_SIZE = 32
DID_KEY_PREFIX = "did:key:"

_B58_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_B58_VALUE = {char: value for value, char in enumerate(_B58_ALPHABET)}

__all__ = [
    "ED25519_PRIVATE_HEADER",
    "ED25519_PUBLIC_HEADER",
    "KeyRing",
    "b58decode",
    "decode_private_key",
    "decode_public_key",
    "did_key_verification_method",
    "encode_private_key",
    "encode_public_key",
    "private_key_from_multibase",
    "public_key_bytes",
    "public_key_from_multibase",
    "resolve_did_key",
]


def b58decode(text: str) -> bytes:
    """base58btc (Bitcoin alphabet) to bytes; ValueError outside the alphabet.

    About twice as fast as `base58.b58decode`, which matters because every proof
    verification decodes a 64-byte signature.
    """
    acc = 0
    value = _B58_VALUE
    try:
        for char in text:
            acc = acc * 58 + value[char]
    except KeyError:
        raise ValueError("invalid base58btc character") from None
    zeros = len(text) - len(text.lstrip("1"))  # each leading '1' is a leading zero byte
    return b"\0" * zeros + acc.to_bytes((acc.bit_length() + 7) // 8, "big")


def _encode(header: bytes, key: bytes) -> str:
    if len(key) != KEY_SIZE:
        raise MultikeyError(f"an Ed25519 key is {KEY_SIZE} bytes, not {len(key)}")
    return "z" + base58.b58encode(header + key).decode("ascii")


def _decode(multibase: str, header: bytes, what: str) -> bytes:
    if not isinstance(multibase, str) or not multibase.startswith("z"):
        raise MultikeyError(f"{what} must be multibase base58btc (prefix 'z')")
    try:
        raw = b58decode(multibase[1:])
    except ValueError as exc:
        raise MultikeyError(f"{what} is not valid base58btc") from exc
    # base58 spells bytes uniquely except for leading '1's (zero bytes), which fail this
    # header check; so one key has exactly one string, and keys can be compared as strings.
    if raw[:2] != header:
        raise MultikeyError(f"{what} does not carry the Multikey header 0x{header.hex()}")
    if len(raw) != 2 + KEY_SIZE:
        raise MultikeyError(f"{what} must hold {KEY_SIZE} key bytes, not {len(raw) - 2}")
    return raw[2:]


def public_key_bytes(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(Encoding.Raw, PublicFormat.Raw)


def encode_public_key(key: Ed25519PublicKey | bytes) -> str:
    """`z6Mk...` Multikey of an Ed25519 public key."""
    raw = key if isinstance(key, bytes) else public_key_bytes(key)
    return _encode(ED25519_PUBLIC_HEADER, raw)


def encode_private_key(key: Ed25519PrivateKey | bytes) -> str:
    """`z3u2...` Multikey of an Ed25519 secret key (its 32-byte seed)."""
    raw = (
        key
        if isinstance(key, bytes)
        else key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    )
    return _encode(ED25519_PRIVATE_HEADER, raw)


def decode_public_key(multibase: str) -> bytes:
    return _decode(multibase, ED25519_PUBLIC_HEADER, "publicKeyMultibase")


def decode_private_key(multibase: str) -> bytes:
    return _decode(multibase, ED25519_PRIVATE_HEADER, "secretKeyMultibase")


def public_key_from_multibase(multibase: str) -> Ed25519PublicKey:
    return Ed25519PublicKey.from_public_bytes(decode_public_key(multibase))


def private_key_from_multibase(multibase: str) -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(decode_private_key(multibase))


def did_key_verification_method(key: Ed25519PublicKey | bytes) -> str:
    """`did:key:z6Mk...#z6Mk...`: the verification method id a did:key resolves to."""
    multikey = encode_public_key(key)
    return f"{DID_KEY_PREFIX}{multikey}#{multikey}"


@lru_cache(maxsize=1024)
def resolve_did_key(verification_method: str) -> Ed25519PublicKey | None:
    """Public key of a `did:key` Ed25519 verification method, or None if it is not one.

    Cached: parsing a key costs more than a SHA-256 of a whole credential, and a did:key
    names its key immutably, so a cached answer can never go stale.
    """
    if not verification_method.startswith(DID_KEY_PREFIX):
        return None
    did, _, fragment = verification_method.partition("#")
    multikey = did[len(DID_KEY_PREFIX) :]
    if fragment and fragment != multikey:
        return None
    try:
        return public_key_from_multibase(multikey)
    except MultikeyError:
        return None


class KeyRing:
    """Trusted verification methods -> public keys, parsed once.

    Callable, so it serves directly as `resolve_public_key` for
    `registry.trust.proofs.verify_proof`.
    Keys are decoded at construction: a bad entry fails loudly when configured, not later when
    a credential happens to name it.
    """

    def __init__(self, methods: Mapping[str, str | Ed25519PublicKey] | None = None) -> None:
        self._keys: dict[str, Ed25519PublicKey] = {}
        for method_id, key in (methods or {}).items():
            self.add(method_id, key)

    def add(self, verification_method: str, key: str | Ed25519PublicKey) -> None:
        self._keys[verification_method] = (
            public_key_from_multibase(key) if isinstance(key, str) else key
        )

    def __call__(self, verification_method: str) -> Ed25519PublicKey | None:
        return self._keys.get(verification_method)

    def __contains__(self, verification_method: object) -> bool:
        return verification_method in self._keys

    def __len__(self) -> int:
        return len(self._keys)
