"""The pure key layer: did:web identifiers, encrypted private keys, the DID document."""

from __future__ import annotations

import datetime as dt

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    load_ssh_private_key,
)

from registry.errors import RegistryError
from registry.signing.errors import KeyFormatError, PublicUrlError
from registry.signing.keys import (
    MIN_KDF_ROUNDS,
    KeyPassphraseError,
    KeyRecord,
    decrypt_private_key,
    did_document,
    did_web,
    encrypt_private_key,
)
from registry.trust.multikey import encode_public_key

CHEAP = MIN_KDF_ROUNDS  # tests stay quick; the default is tested once


@pytest.mark.parametrize(
    ("url", "did"),
    [
        ("http://127.0.0.1:8000", "did:web:127.0.0.1%3A8000"),
        ("https://w3c-ccg.github.io", "did:web:w3c-ccg.github.io"),
        ("https://w3c-ccg.github.io/user/alice", "did:web:w3c-ccg.github.io:user:alice"),
        ("https://example.com:3000/user/alice", "did:web:example.com%3A3000:user:alice"),
        ("https://Registry.Example.ORG/", "did:web:registry.example.org"),
        ("https://registry.example:443", "did:web:registry.example"),
        ("http://registry.example:80/eu//", "did:web:registry.example:eu"),
        ("https://registry.example:80", "did:web:registry.example%3A80"),
        ("https://registry.example/a%20b/~c", "did:web:registry.example:a%20b:%7Ec"),
    ],
)
def test_did_web_vectors(url: str, did: str) -> None:
    assert did_web(url) == did


@pytest.mark.parametrize(
    "url",
    ["ftp://registry.example", "registry.example", "https://user@registry.example",
     "https://registry.example/?q=1", "https://registry.example/#k", "https://x:99999"],
)  # fmt: skip
def test_did_web_refuses_what_is_not_an_http_origin(url: str) -> None:
    with pytest.raises(PublicUrlError):
        did_web(url)


def test_encrypt_decrypt_round_trip_is_a_standard_openssh_key() -> None:
    key = Ed25519PrivateKey.generate()
    blob = encrypt_private_key(key, b"correct horse", rounds=CHEAP)
    assert blob.startswith(b"-----BEGIN OPENSSH PRIVATE KEY-----\n")
    assert key.private_bytes_raw().hex().encode() not in blob
    again = decrypt_private_key(blob, b"correct horse")
    assert again.private_bytes_raw() == key.private_bytes_raw()
    # the library's standard reader opens it too: no lock-in to this code
    loaded = load_ssh_private_key(blob, b"correct horse")
    assert isinstance(loaded, Ed25519PrivateKey)
    # a fresh salt every time
    assert encrypt_private_key(key, b"correct horse", rounds=CHEAP) != blob


def test_the_default_cost_travels_inside_the_key() -> None:
    blob = encrypt_private_key(Ed25519PrivateKey.generate(), b"pass")
    assert decrypt_private_key(blob, b"pass")
    assert encrypt_private_key(Ed25519PrivateKey.generate(), b"pass", rounds=CHEAP) != blob
    with pytest.raises(ValueError, match="rounds"):
        encrypt_private_key(Ed25519PrivateKey.generate(), b"pass", rounds=4)


def test_an_unencrypted_key_is_refused() -> None:
    plain = Ed25519PrivateKey.generate().private_bytes(
        Encoding.PEM, PrivateFormat.OpenSSH, NoEncryption()
    )
    with pytest.raises(KeyFormatError, match="not encrypted"):
        decrypt_private_key(plain, b"x")


def test_wrong_or_empty_passphrase_is_a_registry_error() -> None:
    blob = encrypt_private_key(Ed25519PrivateKey.generate(), b"right", rounds=CHEAP)
    with pytest.raises(KeyPassphraseError) as caught:
        decrypt_private_key(blob, b"wrong")
    assert isinstance(caught.value, RegistryError)
    with pytest.raises(KeyPassphraseError):
        decrypt_private_key(blob, b"")
    with pytest.raises(KeyPassphraseError):
        encrypt_private_key(Ed25519PrivateKey.generate(), b"  ")


def test_not_an_encrypted_key_is_a_format_error() -> None:
    with pytest.raises(KeyFormatError):
        decrypt_private_key(b"-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n", b"x")
    with pytest.raises(KeyFormatError):
        decrypt_private_key(b"junk", b"x")


def _record(did: str, key: Ed25519PrivateKey, created: dt.datetime, **extra: object) -> KeyRecord:
    multibase = encode_public_key(key.public_key())
    fields: dict[str, object] = {"state": "retired", "compromised_at": None, "reason": None}
    fields.update(extra)
    return KeyRecord(
        verification_method=f"{did}#{multibase}",
        public_key_multibase=multibase,
        created_at=created,
        **fields,  # type: ignore[arg-type]
    )


def test_did_document_has_exactly_the_agreed_shape() -> None:
    did = "did:web:registry.example"
    t0 = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    first, second, third = (Ed25519PrivateKey.generate() for _ in range(3))
    records = [
        _record(did, first, t0),
        _record(
            did,
            second,
            t0 + dt.timedelta(days=1),
            state="compromised",
            compromised_at=dt.datetime(
                2026, 11, 30, 11, 0, tzinfo=dt.timezone(dt.timedelta(hours=1))
            ),
            reason="laptop stolen",
        ),
        _record(did, third, t0 + dt.timedelta(days=2), state="active"),
    ]
    mb = [r.public_key_multibase for r in records]
    assert all(m.startswith("z6Mk") for m in mb)
    assert did_document(did, records) == {
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
        "id": did,
        "verificationMethod": [
            {"id": f"{did}#{mb[0]}", "type": "Multikey", "controller": did,
             "publicKeyMultibase": mb[0]},
            {"id": f"{did}#{mb[1]}", "type": "Multikey", "controller": did,
             "publicKeyMultibase": mb[1], "revoked": "2026-11-30T10:00:00Z"},
            {"id": f"{did}#{mb[2]}", "type": "Multikey", "controller": did,
             "publicKeyMultibase": mb[2]},
        ],
        "assertionMethod": [f"{did}#{m}" for m in mb],
    }  # fmt: skip
    assert did_document(did, []) == {
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
        "id": did,
        "verificationMethod": [],
        "assertionMethod": [],
    }


def test_key_records_are_consistent() -> None:
    did = "did:web:registry.example"
    key = Ed25519PrivateKey.generate()
    now = dt.datetime.now(dt.UTC)
    with pytest.raises(ValueError, match="compromised_at"):
        _record(did, key, now, state="compromised")
    with pytest.raises(ValueError, match="compromised_at"):
        _record(did, key, now, state="active", compromised_at=now)
    with pytest.raises(ValueError, match="timezone"):
        _record(did, key, now.replace(tzinfo=None))
    with pytest.raises(ValueError, match="state"):
        _record(did, key, now, state="lost")
    other = _record("did:web:other.example", key, now)
    with pytest.raises(ValueError, match="not a verification method"):
        did_document(did, [other])
    with pytest.raises(ValueError, match="twice"):
        did_document(did, [_record(did, key, now), _record(did, key, now)])
