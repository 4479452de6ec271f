"""Decrypted private keys, cached per process: the one home of the credential signer's keys
(`registry.signing.signer`) and the transparency log's checkpoint key
(`registry.transparency.checkpoints`).

Keys are stored encrypted (`keys.encrypt_private_key`); decryption is deliberately slow and
memory-hungry, so a key is decrypted once per process, one decryption at a time, and kept
here by its public id (`key_...` for signing keys, `lkey_...` for the log key: the prefixes
keep them apart). A key that must not sign any more is forgotten: `registry.keys` drops a
signing key when it is rotated out or marked compromised.
"""

from __future__ import annotations

import asyncio
import threading

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from registry.signing.errors import KeyFormatError
from registry.signing.keys import decrypt_private_key, public_multibase
from registry.signing.passphrase import resolve_passphrase


class DecryptedKeys:
    """Private keys by public id, decrypted at most once per process."""

    def __init__(self) -> None:
        self._keys: dict[str, Ed25519PrivateKey] = {}
        self._lock = threading.Lock()  # one slow, memory-hungry decryption at a time

    def __contains__(self, public_id: object) -> bool:
        return public_id in self._keys

    def get(self, public_id: str) -> Ed25519PrivateKey | None:
        return self._keys.get(public_id)

    def put(self, public_id: str, key: Ed25519PrivateKey) -> None:
        """A key this process just created (and so never needs to decrypt)."""
        self._keys[public_id] = key

    def forget(self, public_id: str) -> None:
        """Drop a key that must not sign any more (rotated out, compromised)."""
        self._keys.pop(public_id, None)

    def clear(self) -> None:
        """Forget every key, as a fresh process would."""
        self._keys.clear()

    def load(self, public_id: str, blob: str, multibase: str | None = None) -> Ed25519PrivateKey:
        """Runs in a worker thread: decrypt once and cache. With `multibase`, check first that
        it is the key the row says (KeyFormatError otherwise, and nothing is cached)."""
        with self._lock:
            cached = self._keys.get(public_id)
            if cached is not None:
                return cached
            key = decrypt_private_key(blob.encode("ascii"), resolve_passphrase())
            if multibase is not None and public_multibase(key) != multibase:
                raise KeyFormatError(f"signing key {public_id} does not match its public key")
            self._keys[public_id] = key
            return key

    async def obtain(
        self, public_id: str, blob: str, multibase: str | None = None
    ) -> Ed25519PrivateKey:
        """The cached key, or decrypted off the event loop (`load`)."""
        key = self._keys.get(public_id)
        if key is None:
            key = await asyncio.to_thread(self.load, public_id, blob, multibase)
        return key


decrypted_keys = DecryptedKeys()
