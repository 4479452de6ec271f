"""Signing-key use cases against the real database."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from registry import keys as service
from registry.clock import utc_now
from registry.errors import ConflictError, InvalidRequestError, NotFoundError
from registry.signing.decrypted import decrypted_keys
from registry.signing.errors import (
    ActiveKeyExistsError,
    KeyFormatError,
    KeyPassphraseError,
    NoActiveKeyError,
)
from registry.signing.keys import encrypt_private_key
from registry.signing.tables import SigningKeyRow
from registry.trust.multikey import public_key_from_multibase

DID = "did:web:127.0.0.1%3A8000"  # from the default RIGHTSMARK_PUBLIC_URL


async def test_no_key_means_no_signer_and_a_clear_error(db: None) -> None:
    assert await service.list_keys() == []
    with pytest.raises(NoActiveKeyError) as caught:
        await service.current_signer()
    assert isinstance(caught.value, ConflictError)
    assert "rightsmark keys generate" in str(caught.value)


async def test_generate_gives_an_active_key_that_signs(db: None) -> None:
    key = await service.generate_key("test")
    assert key.id.startswith("key_")
    assert key.state == "active"
    assert key.created_by == "test"
    assert key.public_key_multibase.startswith("z6Mk")
    assert key.verification_method == f"{DID}#{key.public_key_multibase}"
    assert key.created_at.utcoffset() == dt.timedelta(0)
    signer = await service.current_signer()
    assert signer.did == DID == service.issuer_did()
    assert signer.verification_method == key.verification_method
    signature = signer.private_key.sign(b"certificate")
    public_key_from_multibase(key.public_key_multibase).verify(signature, b"certificate")
    assert "private_key" not in repr(signer)
    assert "encrypted" not in str(key.to_dict())


async def test_generate_twice_is_refused_use_rotate(db: None) -> None:
    first = await service.generate_key("test")
    with pytest.raises(ActiveKeyExistsError) as caught:
        await service.generate_key("test")
    assert isinstance(caught.value, ConflictError)
    assert "use rotate" in str(caught.value)
    assert first.id in str(caught.value)
    assert [k.id for k in await service.list_keys()] == [first.id]


async def test_rotate_retires_and_keeps_the_old_key(db: None) -> None:
    first = await service.generate_key("test")
    new, retired = await service.rotate_key("rotator")
    assert retired is not None
    assert retired.id == first.id
    assert retired.state == "retired"
    assert retired.retired_at == new.created_at
    assert new.state == "active"
    assert new.created_by == "rotator"
    keys = await service.list_keys()
    assert [(k.id, k.state) for k in keys] == [(first.id, "retired"), (new.id, "active")]
    signer = await service.current_signer()
    assert signer.verification_method == new.verification_method
    document = await service.did_document_json()
    assert document["assertionMethod"] == [first.verification_method, new.verification_method]


async def test_rotate_without_an_active_key_just_activates_one(db: None) -> None:
    new, retired = await service.rotate_key("test")
    assert retired is None
    assert new.state == "active"


async def test_concurrent_rotations_leave_exactly_one_active_key(db: None) -> None:
    await service.generate_key("test")
    results = await asyncio.gather(
        service.rotate_key("a"), service.rotate_key("b"), return_exceptions=True
    )
    for result in results:
        assert not isinstance(result, BaseException) or isinstance(result, ConflictError), result
    states = [k.state for k in await service.list_keys()]
    assert states.count("active") == 1


async def test_compromising_the_active_key_leaves_none_until_rotate(db: None) -> None:
    key = await service.generate_key("test")
    since = utc_now() - dt.timedelta(hours=2)
    info, was_active = await service.mark_compromised(key.id, since, " stolen laptop ", "sec")
    assert was_active is True
    assert info.state == "compromised"
    assert info.compromised_at == since
    assert info.compromise_reason == "stolen laptop"
    assert info.compromised_by == "sec"
    with pytest.raises(NoActiveKeyError, match="rightsmark keys generate"):
        await service.current_signer()
    replacement = await service.generate_key("test")  # allowed again: nothing is active
    assert (await service.current_signer()).verification_method == replacement.verification_method
    method = (await service.did_document_json())["verificationMethod"][0]
    assert method["id"] == key.verification_method
    assert "revoked" in method


@pytest.mark.parametrize("naming", ["id", "multibase", "verification_method"])
async def test_compromise_finds_a_key_by_any_of_its_names(db: None, naming: str) -> None:
    first = await service.generate_key("test")
    await service.rotate_key("test")
    name = getattr(first, "public_key_multibase" if naming == "multibase" else naming)
    info, was_active = await service.mark_compromised(name, utc_now(), "leak", "sec")
    assert info.id == first.id
    assert was_active is False  # it was retired: the active key still signs
    assert (await service.current_signer()).verification_method != first.verification_method


async def test_compromise_time_can_only_move_earlier(db: None) -> None:
    key = await service.generate_key("test")
    now = utc_now()
    await service.mark_compromised(key.id, now - dt.timedelta(hours=1), "first report", "sec")
    with pytest.raises(ConflictError, match="only be moved earlier"):
        await service.mark_compromised(key.id, now, "later report", "sec")
    info, was_active = await service.mark_compromised(
        key.id, now - dt.timedelta(days=1), "forensics", "sec"
    )
    assert info.compromised_at == now - dt.timedelta(days=1)
    assert info.compromise_reason == "forensics"
    assert was_active is False


async def test_compromise_input_is_checked(db: None) -> None:
    key = await service.generate_key("test")
    with pytest.raises(NotFoundError):
        await service.mark_compromised("key_0000000000000000", utc_now(), "x", "sec")
    with pytest.raises(NotFoundError):
        await service.mark_compromised("z6MkNotAKey", utc_now(), "x", "sec")
    future = utc_now() + dt.timedelta(hours=1)
    with pytest.raises(InvalidRequestError, match="future") as caught:
        await service.mark_compromised(key.id, future, "x", "sec")
    assert caught.value.field == "since"
    with pytest.raises(InvalidRequestError, match="time zone"):
        await service.mark_compromised(key.id, dt.datetime(2026, 1, 1), "x", "sec")
    with pytest.raises(InvalidRequestError, match="reason"):
        await service.mark_compromised(key.id, utc_now(), "  ", "sec")
    assert (await service.list_keys())[0].state == "active"


async def test_a_key_that_does_not_decrypt_is_a_clear_error(db: None) -> None:
    key = await service.generate_key("test")
    other_passphrase = encrypt_private_key(Ed25519PrivateKey.generate(), b"other", rounds=16)
    await (
        SigningKeyRow.update({SigningKeyRow.encrypted_private_key: other_passphrase.decode()})
        .where(SigningKeyRow.public_id == key.id)
        .run()
    )
    decrypted_keys.clear()  # a fresh process
    with pytest.raises(KeyPassphraseError):
        await service.current_signer()
    swapped = encrypt_private_key(Ed25519PrivateKey.generate(), b"test-only-passphrase", rounds=16)
    await (
        SigningKeyRow.update({SigningKeyRow.encrypted_private_key: swapped.decode()})
        .where(SigningKeyRow.public_id == key.id)
        .run()
    )
    with pytest.raises(KeyFormatError, match="does not match"):
        await service.current_signer()


async def test_decrypted_keys_are_cached_per_key(db: None) -> None:
    key = await service.generate_key("test")
    decrypted_keys.clear()
    first = await service.current_signer()
    assert key.id in decrypted_keys
    second = await service.current_signer()
    assert second.private_key is first.private_key
