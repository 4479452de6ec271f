"""Errors of the signing sub-package, within the registry's one hierarchy.

Two families: state errors a caller can act on (no active key, key already active, unknown
key), which derive from the generic `ConflictError` / `NotFoundError`; and
`SigningUnavailableError`, a server-side configuration problem (passphrase missing, empty or
wrong, damaged key) that the API answers with 503 without echoing the details.
"""

from __future__ import annotations

from registry.errors import ConflictError, NotFoundError, RegistryError


class SigningError(RegistryError):
    """Base of the signing sub-package's errors."""


class PublicUrlError(SigningError, ValueError):
    """The public URL cannot be turned into a did:web identifier."""


class SigningUnavailableError(SigningError):
    """The registry cannot use its signing keys: a configuration problem for the operator."""


class KeyPassphraseError(SigningUnavailableError):
    """The key passphrase is missing, empty or does not decrypt the stored key."""


class KeyFormatError(SigningUnavailableError):
    """A stored key is not an encrypted OpenSSH Ed25519 key, or not the key it claims to be."""


class NoActiveKeyError(SigningError, ConflictError):
    """There is no active signing key (never generated, or the active one was compromised)."""


class ActiveKeyExistsError(SigningError, ConflictError):
    """`generate` was asked for while a key is active: rotating is the way to replace it."""


class KeyStateError(SigningError, ConflictError):
    """The key's state does not allow the change (e.g. already compromised, and earlier)."""


class KeyNotFoundError(SigningError, NotFoundError):
    """No signing key has the given public id, multibase or verification method."""
