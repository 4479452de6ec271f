"""The registry package's error hierarchy.

Everything the registry raises on purpose derives from `RegistryError`, so the API layer can
map one family to problem details. The cryptographic centre (Multikey, Data Integrity proofs,
Merkle proofs, status lists, signed notes) raises `CryptoError` subclasses: each names what
was wrong precisely enough for a verifier to say *which* check failed.
"""

from __future__ import annotations


class RegistryError(Exception):
    """Base of every error the registry raises deliberately."""


class CryptoError(RegistryError):
    """Base of the pure cryptographic centre's errors."""


# --- keys -------------------------------------------------------------------------------


class MultikeyError(CryptoError):
    """A Multikey / multibase key string is malformed or of the wrong kind."""


# --- Data Integrity proofs ----------------------------------------------------------------


class ProofError(CryptoError):
    """A Data Integrity proof cannot be created (bad input document or options)."""


# --- Merkle tree ----------------------------------------------------------------------------


class MerkleError(CryptoError):
    """Base of transparency-log tree errors."""


class ProofVerificationError(MerkleError):
    """An inclusion or consistency proof does not verify."""


class InvalidProofError(ProofVerificationError):
    """The proof is structurally wrong: bad sizes, index, hash length or proof length."""


class RootMismatchError(ProofVerificationError):
    """The proof is well formed but leads to a root other than the one expected."""


class MissingSubtreeError(MerkleError):
    """The subtree store lacks a complete subtree hash that a proof needs."""


# --- Bitstring status lists ---------------------------------------------------------------


class StatusListError(CryptoError):
    """Base of Bitstring Status List errors."""


class StatusListDecodeError(StatusListError):
    """An `encodedList` is not multibase base64url gzip of a long enough bitstring."""


class StatusListFullError(StatusListError):
    """No free index is left to allocate."""


# --- signed notes, checkpoints, tlog proofs ---------------------------------------------------


class NoteError(CryptoError):
    """Base of C2SP signed-note, checkpoint and tlog-proof errors."""


class MalformedNoteError(NoteError):
    """The text is not a well-formed note, checkpoint, key string or proof bundle."""


class UnknownKeyError(NoteError):
    """No signature on the note comes from a trusted key."""


class InvalidSignatureError(NoteError):
    """A signature from a trusted key does not verify."""


# --- use cases -----------------------------------------------------------------------------


class NotFoundError(RegistryError):
    """The record named in the request does not exist (or is not visible to the caller)."""


class ConflictError(RegistryError):
    """The request contradicts the current state (already revoked, duplicate, ...); `field`
    names the part of the request that collides, where one does."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        self.field = field
        super().__init__(message)


class InvalidRequestError(RegistryError):
    """Input that passed the schema but breaks a rule; `field` names the offending part."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        self.field = field
        super().__init__(message)


class ForbiddenError(RegistryError):
    """The caller is authenticated but may not act on this record (not theirs, not assigned)."""
