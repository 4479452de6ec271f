"""Pure key handling: the did:web identifier, encrypted private keys, the DID document.

Nothing here touches the database or the web framework, so a verifier or a test can use it
on its own.

Private keys at rest are standard **OpenSSH private keys** (`OPENSSH PRIVATE KEY`),
encrypted with AES-256 under a key derived by **bcrypt-pbkdf** (`KDF_ROUNDS` rounds, the
cost `ssh-keygen -a` sets), written and read by `cryptography` alone: `ssh-keygen` and any
OpenSSH-aware tool can open them too. (`cryptography` writes PKCS#8 only with 2048 PBKDF2
rounds, too weak for a passphrase.) The rounds travel inside each key, so raising them later
keeps old keys readable.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal, get_args
from urllib.parse import quote, unquote, urlsplit

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    PrivateFormat,
    load_ssh_private_key,
)

from registry.clock import iso_utc
from registry.signing.errors import KeyFormatError, KeyPassphraseError, PublicUrlError
from registry.trust.multikey import encode_public_key

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

KDF_ROUNDS = 64  # bcrypt-pbkdf rounds: about a third of a second per derivation here
MIN_KDF_ROUNDS = 16  # what ssh-keygen uses by default; tests use it to stay quick
_DEFAULT_PORTS = {"http": 80, "https": 443}
_PEM_HEADER = b"-----BEGIN OPENSSH PRIVATE KEY-----"

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


# --- encrypted private keys ----------------------------------------------------------------


def _check_passphrase(passphrase: bytes) -> None:
    if not passphrase or not passphrase.strip():
        raise KeyPassphraseError("the key passphrase is empty")


def encrypt_private_key(
    key: Ed25519PrivateKey, passphrase: bytes, *, rounds: int = KDF_ROUNDS
) -> bytes:
    """`key` as an encrypted OpenSSH private key (PEM armour), bcrypt-pbkdf with `rounds`."""
    _check_passphrase(passphrase)
    if not MIN_KDF_ROUNDS <= rounds <= 1000:
        raise ValueError(f"bcrypt-pbkdf rounds must be between {MIN_KDF_ROUNDS} and 1000")
    encryption = PrivateFormat.OpenSSH.encryption_builder().kdf_rounds(rounds).build(passphrase)
    return key.private_bytes(Encoding.PEM, PrivateFormat.OpenSSH, encryption)


def decrypt_private_key(blob: bytes, passphrase: bytes) -> Ed25519PrivateKey:
    """The Ed25519 key in an encrypted OpenSSH private key. KeyPassphraseError for an empty
    or wrong passphrase; KeyFormatError when the blob is not an encrypted Ed25519 key."""
    _check_passphrase(passphrase)
    if not blob.lstrip().startswith(_PEM_HEADER):
        raise KeyFormatError("the stored key is not an OpenSSH private key")
    try:
        load_ssh_private_key(blob, password=None)
    except TypeError:
        pass  # encrypted, as it must be
    except (ValueError, UnsupportedAlgorithm) as exc:
        raise KeyFormatError(f"the stored key cannot be read: {exc}") from exc
    else:
        raise KeyFormatError("the stored key is not encrypted")
    try:
        key = load_ssh_private_key(blob, password=passphrase)
    except ValueError as exc:  # "Corrupt data: broken checksum" is a wrong passphrase
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
