"""Pure key handling: the did:web identifier, encrypted private keys, the DID document.

Nothing here touches the database or the web framework, so a verifier or a test can use it
on its own.

Private keys at rest are standard **encrypted PKCS#8 PEM** (`ENCRYPTED PRIVATE KEY`), PBES2
with the memory-hard **scrypt** KDF (RFC 7914, N=2^17, r=8, p=1: the OWASP minimum, about
128 MiB and a third of a second per derivation) and AES-256-CBC. `cryptography` reads this
format natively (`load_pem_private_key`), so keys can be recovered without this code; but its
own writer offers PKCS#8 only with 2048 PBKDF2 rounds, far too weak for a human passphrase,
so the envelope is written here (a few lines of DER). The cost parameters travel inside each
key, so raising them later keeps old keys readable.
"""

from __future__ import annotations

import base64
import os
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal, get_args
from urllib.parse import quote, unquote, urlsplit

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    load_pem_private_key,
)

from registry.multikey import encode_public_key
from registry.signing.errors import KeyFormatError, KeyPassphraseError, PublicUrlError
from standards.clock import iso_utc

__all__ = [
    "DID_CONTEXT",
    "KeyPassphraseError",
    "KeyRecord",
    "KeyState",
    "decrypt_private_key",
    "did_document",
    "did_web",
    "encrypt_private_key",
    "public_multibase",
    "verification_method_id",
]

KeyState = Literal["active", "retired", "compromised"]
KEY_STATES: tuple[str, ...] = get_args(KeyState)

DID_CONTEXT = ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"]

SCRYPT_LOG2_N = 17  # N = 131072: with r=8 the OWASP minimum for scrypt (128 MiB)
SCRYPT_R = 8
SCRYPT_P = 1
_DEFAULT_PORTS = {"http": 80, "https": 443}
_PEM_LABEL = "ENCRYPTED PRIVATE KEY"

# --- did:web ------------------------------------------------------------------------------


def _did_segment(text: str) -> str:
    # DID idchar is ALPHA / DIGIT / "." / "-" / "_" / pct-encoded: everything else, ":"
    # included (a port), is percent-encoded; quote() leaves "~" alone, so it is done by hand.
    return quote(text, safe="").replace("~", "%7E")


def did_web(public_url: str) -> str:
    """The did:web identifier of an http(s) URL (W3C CCG did:web method, "Create").

    The scheme is dropped, the host lower-cased, a non-default port kept as `%3A<port>`, and
    each path segment becomes a colon-separated part:
    `http://127.0.0.1:8000` -> `did:web:127.0.0.1%3A8000`,
    `https://example.org/registry/eu` -> `did:web:example.org:registry:eu`.
    """
    parts = urlsplit(public_url.strip())
    if parts.scheme not in _DEFAULT_PORTS or not parts.hostname:
        raise PublicUrlError(f"{public_url!r} is not an http(s) URL with a host")
    if parts.username is not None or parts.password is not None or parts.query or parts.fragment:
        raise PublicUrlError(f"{public_url!r}: a did:web URL has no credentials, query or fragment")
    try:
        port = parts.port
    except ValueError as exc:
        raise PublicUrlError(f"{public_url!r} has an invalid port") from exc
    host = _did_segment(parts.hostname)
    if port is not None and port != _DEFAULT_PORTS[parts.scheme]:
        host += f"%3A{port}"
    segments = [_did_segment(unquote(s)) for s in parts.path.split("/") if s]
    return ":".join(["did", "web", host, *segments])


def verification_method_id(did: str, public_key_multibase: str) -> str:
    """`<did>#<publicKeyMultibase>`: one key, one stable fragment."""
    return f"{did}#{public_key_multibase}"


def public_multibase(key: Ed25519PrivateKey) -> str:
    """The `z6Mk...` Multikey of a private key's public half."""
    return encode_public_key(key.public_key())


# --- encrypted PKCS#8 ---------------------------------------------------------------------

_OID_PBES2 = "1.2.840.113549.1.5.13"
_OID_SCRYPT = "1.3.6.1.4.1.11591.4.11"
_OID_AES256_CBC = "2.16.840.1.101.3.4.1.42"


def _tlv(tag: int, body: bytes) -> bytes:
    size = len(body)
    if size < 0x80:
        length = bytes([size])
    else:
        raw = size.to_bytes((size.bit_length() + 7) // 8, "big")
        length = bytes([0x80 | len(raw)]) + raw
    return bytes([tag]) + length + body


def _sequence(*items: bytes) -> bytes:
    return _tlv(0x30, b"".join(items))


def _octets(value: bytes) -> bytes:
    return _tlv(0x04, value)


def _integer(value: int) -> bytes:  # non-negative only
    return _tlv(0x02, value.to_bytes(value.bit_length() // 8 + 1, "big"))


def _oid(dotted: str) -> bytes:
    first, second, *rest = (int(p) for p in dotted.split("."))
    body = bytearray([40 * first + second])
    for arc in rest:
        chunk = [arc & 0x7F]
        arc >>= 7
        while arc:
            chunk.append(0x80 | (arc & 0x7F))
            arc >>= 7
        body.extend(reversed(chunk))
    return _tlv(0x06, bytes(body))


def _check_passphrase(passphrase: bytes) -> None:
    if not passphrase or not passphrase.strip():
        raise KeyPassphraseError("the key passphrase is empty")


def encrypt_private_key(
    key: Ed25519PrivateKey, passphrase: bytes, *, log2_n: int = SCRYPT_LOG2_N
) -> bytes:
    """Encrypted PKCS#8 PEM of `key`: PBES2, scrypt (N=2^log2_n, r=8, p=1), AES-256-CBC."""
    _check_passphrase(passphrase)
    if not 14 <= log2_n <= 20:
        raise ValueError("scrypt cost log2_n must be between 14 and 20")
    salt, iv = os.urandom(16), os.urandom(16)
    n = 1 << log2_n
    secret = Scrypt(salt=salt, length=32, n=n, r=SCRYPT_R, p=SCRYPT_P).derive(passphrase)
    plain = key.private_bytes(Encoding.DER, PrivateFormat.PKCS8, NoEncryption())
    padder = padding.PKCS7(128).padder()
    padded = padder.update(plain) + padder.finalize()
    encryptor = Cipher(algorithms.AES(secret), modes.CBC(iv)).encryptor()
    encrypted = encryptor.update(padded) + encryptor.finalize()
    scrypt_params = _sequence(
        _octets(salt), _integer(n), _integer(SCRYPT_R), _integer(SCRYPT_P), _integer(32)
    )
    algorithm = _sequence(
        _oid(_OID_PBES2),
        _sequence(
            _sequence(_oid(_OID_SCRYPT), scrypt_params),
            _sequence(_oid(_OID_AES256_CBC), _octets(iv)),
        ),
    )
    der = _sequence(algorithm, _octets(encrypted))
    body = "\n".join(textwrap.wrap(base64.b64encode(der).decode("ascii"), 64))
    return f"-----BEGIN {_PEM_LABEL}-----\n{body}\n-----END {_PEM_LABEL}-----\n".encode("ascii")


def decrypt_private_key(blob: bytes, passphrase: bytes) -> Ed25519PrivateKey:
    """The Ed25519 key in an encrypted PKCS#8 PEM (any PBES2 parameters `cryptography`
    reads). KeyPassphraseError for an empty or wrong passphrase; KeyFormatError when the blob
    is not an encrypted Ed25519 key."""
    _check_passphrase(passphrase)
    if not blob.lstrip().startswith(f"-----BEGIN {_PEM_LABEL}-----".encode("ascii")):
        raise KeyFormatError("the stored key is not an encrypted PKCS#8 PEM key")
    try:
        key = load_pem_private_key(blob, password=passphrase)
    except UnsupportedAlgorithm as exc:
        raise KeyFormatError("the stored key uses an unsupported encryption") from exc
    except (ValueError, TypeError) as exc:
        # cryptography says only "could not decrypt": a wrong passphrase, or a damaged blob.
        raise KeyPassphraseError(
            "the key passphrase does not decrypt the stored key (wrong passphrase?)"
        ) from exc
    if not isinstance(key, Ed25519PrivateKey):
        raise KeyFormatError("the stored key is not an Ed25519 key")
    return key


# --- the DID document -----------------------------------------------------------------------


@dataclass(frozen=True)
class KeyRecord:
    """The public facts about one signing key, as the DID document lists it."""

    verification_method: str
    public_key_multibase: str
    created_at: datetime
    state: KeyState
    compromised_at: datetime | None
    reason: str | None

    def __post_init__(self) -> None:
        if self.state not in KEY_STATES:
            raise ValueError(f"unknown key state {self.state!r}")
        if (self.state == "compromised") != (self.compromised_at is not None):
            raise ValueError("compromised_at is set exactly when the key is compromised")
        for moment in (self.created_at, self.compromised_at):
            if moment is not None and moment.utcoffset() is None:
                raise ValueError("key times must be timezone-aware")
        if not self.verification_method.endswith("#" + self.public_key_multibase):
            raise ValueError("the verification method must end with #<publicKeyMultibase>")


def did_document(did: str, keys: Sequence[KeyRecord]) -> dict[str, Any]:
    """The DID document: every key ever used (active, retired, compromised), in the order
    given (creation order), all under `assertionMethod`. A compromised key carries `revoked`:
    the time from which its signatures must not be trusted."""
    methods: list[dict[str, Any]] = []
    seen: set[str] = set()
    for key in keys:
        method_id = verification_method_id(did, key.public_key_multibase)
        if key.verification_method != method_id:
            raise ValueError(f"{key.verification_method} is not a verification method of {did}")
        if method_id in seen:
            raise ValueError(f"{method_id} is listed twice")
        seen.add(method_id)
        method: dict[str, Any] = {
            "id": method_id,
            "type": "Multikey",
            "controller": did,
            "publicKeyMultibase": key.public_key_multibase,
        }
        if key.compromised_at is not None:
            method["revoked"] = iso_utc(key.compromised_at)
        methods.append(method)
    return {
        "@context": list(DID_CONTEXT),
        "id": did,
        "verificationMethod": methods,
        "assertionMethod": [m["id"] for m in methods],
    }
