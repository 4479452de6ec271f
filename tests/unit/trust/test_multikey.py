"""Ed25519 Multikey encoding, checked against the vc-di-eddsa example key pair."""

from __future__ import annotations

import json

import base58
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given
from hypothesis import strategies as st

from registry.errors import MultikeyError
from registry.trust.multikey import (
    KeyRing,
    b58decode,
    decode_private_key,
    decode_public_key,
    did_key_verification_method,
    encode_private_key,
    encode_public_key,
    private_key_from_multibase,
    public_key_bytes,
    public_key_from_multibase,
    resolve_did_key,
)
from tests.support.conformance import conformance_file

KEY_PAIR = json.loads(conformance_file("vc-di-eddsa/keyPair.json").read_text())
PUBLIC = KEY_PAIR["publicKeyMultibase"]
SECRET = KEY_PAIR["privateKeyMultibase"]


def test_vector_secret_key_derives_vector_public_key() -> None:
    private_key = private_key_from_multibase(SECRET)
    assert encode_public_key(private_key.public_key()) == PUBLIC
    assert encode_private_key(private_key) == SECRET
    assert public_key_bytes(public_key_from_multibase(PUBLIC)) == decode_public_key(PUBLIC)


def test_headers_are_the_multicodec_ones() -> None:
    assert base58.b58decode(PUBLIC[1:])[:2] == b"\xed\x01"
    assert base58.b58decode(SECRET[1:])[:2] == b"\x80\x26"


def test_fresh_public_keys_start_z6mk_and_round_trip() -> None:
    for _ in range(20):
        private_key = Ed25519PrivateKey.generate()
        encoded = encode_public_key(private_key.public_key())
        assert encoded.startswith("z6Mk")
        assert decode_public_key(encoded) == public_key_bytes(private_key.public_key())
        secret = encode_private_key(private_key)
        assert encode_private_key(private_key_from_multibase(secret)) == secret


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("f" + PUBLIC[1:], "prefix 'z'"),
        (PUBLIC[:-1] + "0", "base58btc"),  # '0' is not in the Bitcoin alphabet
        (SECRET, "header"),  # a secret key is never accepted as a public one
        ("z" + base58.b58encode(b"\xed\x01" + bytes(31)).decode(), "32 key bytes"),
        ("z1" + PUBLIC[1:], "header"),  # a leading '1' adds a zero byte: no second spelling
        ("", "prefix 'z'"),
    ],
)
def test_bad_public_keys_are_refused(value: str, message: str) -> None:
    with pytest.raises(MultikeyError, match=message):
        decode_public_key(value)


def test_public_key_is_refused_as_secret_key() -> None:
    with pytest.raises(MultikeyError, match="header"):
        decode_private_key(PUBLIC)


def test_encoding_refuses_wrong_key_length() -> None:
    with pytest.raises(MultikeyError, match="32 bytes"):
        encode_public_key(bytes(31))


@given(st.binary(max_size=80))
def test_b58decode_matches_reference(raw: bytes) -> None:
    assert b58decode(base58.b58encode(raw).decode()) == raw


def test_b58decode_refuses_characters_outside_alphabet() -> None:
    with pytest.raises(ValueError, match="base58btc"):
        b58decode("abc0")


def test_did_key_resolution() -> None:
    method = did_key_verification_method(public_key_from_multibase(PUBLIC))
    assert method == f"did:key:{PUBLIC}#{PUBLIC}"
    key = resolve_did_key(method)
    assert key is not None
    assert public_key_bytes(key) == decode_public_key(PUBLIC)
    assert resolve_did_key(f"did:key:{PUBLIC}") is not None
    assert resolve_did_key(f"did:key:{PUBLIC}#other") is None
    assert resolve_did_key("did:web:example.com#key-1") is None
    assert resolve_did_key("did:key:zBad") is None


def test_key_ring_parses_once_and_answers_none_for_unknown_methods() -> None:
    ring = KeyRing({"did:web:r.example#k1": PUBLIC})
    first = ring("did:web:r.example#k1")
    assert first is not None
    assert first is ring("did:web:r.example#k1")
    assert ring("did:web:r.example#k2") is None
    assert "did:web:r.example#k1" in ring
    assert len(ring) == 1
    with pytest.raises(MultikeyError):
        KeyRing({"did:web:r.example#k3": SECRET})
