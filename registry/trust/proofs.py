"""W3C Data Integrity proofs with the `eddsa-jcs-2022` cryptosuite.

Implements "Data Integrity EdDSA Cryptosuites v1.0" (W3C Recommendation, 15 May 2025),
section 3.3: Create Proof (3.3.1), Verify Proof (3.3.2), Transformation (3.3.3), Hashing
(3.3.4), Proof Configuration (3.3.5), Proof Serialization/Verification (3.3.6-3.3.7):

    proofConfig   = proof options (without proofValue), whose @context is the document's
    hashData      = SHA-256(JCS(proofConfig)) || SHA-256(JCS(unsecured document))
    proofValue    = "z" + base58btc(Ed25519-sign(hashData))

Verification returns a `VerificationResult` instead of raising, because a bad signature is
an ordinary answer for a verifier, not an exceptional one; the result says which check
failed. It is on the hot path of every employer check, so it copies only the two top-level
maps it must change, canonicalises each object once, and leaves key parsing to a caching
resolver (`registry.trust.multikey.KeyRing` or `resolve_did_key`).
"""

from __future__ import annotations

import copy
import hashlib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import base58
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from registry.errors import CryptoError, ProofError
from registry.trust.multikey import b58decode
from standards.canonical import canonical_json

PROOF_TYPE = "DataIntegrityProof"
CRYPTOSUITE = "eddsa-jcs-2022"
SIGNATURE_SIZE = 64

# XML Schema 1.1 Part 2 dateTime lexical space (section 3.3.7), which proof `created` must
# match (vc-di-eddsa 3.3.5 step 3).
_XSD_DATETIME = re.compile(
    r"-?([1-9][0-9]{3,}|0[0-9]{3})-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])"
    r"T(([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]+)?|24:00:00(\.0+)?)"
    r"(Z|[+-]((0[0-9]|1[0-3]):[0-5][0-9]|14:00))?"
)

PublicKeyResolver = Callable[[str], Ed25519PublicKey | None]


class Failure(StrEnum):
    """Which verification check failed."""

    MALFORMED = "malformed"  # not a document with one well-formed proof object
    WRONG_TYPE = "wrong_type"  # proof.type is not DataIntegrityProof
    WRONG_CRYPTOSUITE = "wrong_cryptosuite"  # proof.cryptosuite is not eddsa-jcs-2022
    WRONG_PURPOSE = "wrong_purpose"  # proofPurpose is not the one the caller expects
    CONTEXT_MISMATCH = "context_mismatch"  # document @context does not start with the proof's
    UNKNOWN_KEY = "unknown_key"  # the resolver does not know the verification method
    BAD_SIGNATURE = "bad_signature"  # the Ed25519 signature does not verify


@dataclass(frozen=True, slots=True)
class VerificationResult:
    verified: bool
    failure: Failure | None = None
    detail: str = ""
    verification_method: str | None = None
    # Per 3.3.2 step 9: the unsecured document (with the proof's @context) when verified.
    verified_document: dict[str, Any] | None = None

    def __bool__(self) -> bool:
        return self.verified


def is_xsd_datetime(value: object) -> bool:
    return isinstance(value, str) and _XSD_DATETIME.fullmatch(value) is not None


def _hash_data(proof_config: Mapping[str, Any], unsecured: Mapping[str, Any]) -> bytes:
    return (
        hashlib.sha256(canonical_json(proof_config)).digest()
        + hashlib.sha256(canonical_json(unsecured)).digest()
    )


def create_proof(
    document: Mapping[str, Any],
    private_key: Ed25519PrivateKey,
    verification_method: str,
    created: str,
    proof_purpose: str = "assertionMethod",
) -> dict[str, Any]:
    """A deep copy of `document` with an `eddsa-jcs-2022` proof attached (3.3.1)."""
    if "proof" in document:
        raise ProofError("document already has a proof; proof sets are not supported")
    if not is_xsd_datetime(created):
        raise ProofError(f"created {created!r} is not an XML Schema dateTime")
    unsecured = copy.deepcopy(dict(document))
    proof: dict[str, Any] = {
        "type": PROOF_TYPE,
        "cryptosuite": CRYPTOSUITE,
        "created": created,
        "verificationMethod": verification_method,
        "proofPurpose": proof_purpose,
    }
    # Step 2: binds the document's contexts into the signed proof configuration.
    if "@context" in unsecured:
        proof["@context"] = copy.deepcopy(unsecured["@context"])
    try:
        hash_data = _hash_data(proof, unsecured)
    except (TypeError, ValueError) as exc:  # rfc8785 raises ValueError subclasses
        raise ProofError(f"document is not canonicalisable JSON: {exc}") from exc
    signature = private_key.sign(hash_data)
    proof["proofValue"] = "z" + base58.b58encode(signature).decode("ascii")
    unsecured["proof"] = proof
    return unsecured


def _fail(failure: Failure, detail: str, method: str | None = None) -> VerificationResult:
    return VerificationResult(False, failure, detail, method)


def _context_list(context: Any) -> list[Any]:
    return context if isinstance(context, list) else [context]


def _all_str(values: list[Any]) -> bool:
    return all(type(value) is str or isinstance(value, str) for value in values)


def _context_prefix_ok(document_context: Any, proof_context: Any, exact: bool) -> bool:
    if (
        type(document_context) is list
        and document_context == proof_context
        and _all_str(document_context)
    ):
        return True  # the usual case: the proof binds exactly the document's string contexts
    doc, prf = _context_list(document_context), _context_list(proof_context)
    if len(doc) < len(prf) or (exact and len(doc) != len(prf)):
        return False
    head = doc[: len(prf)]
    if _all_str(head) and _all_str(prf):
        return head == prf
    # Embedded context objects: compare canonical bytes, since Python's == says 1 == True.
    try:
        return canonical_json(head) == canonical_json(prf)
    except (TypeError, ValueError):
        return False


def verify_proof(
    document: Mapping[str, Any],
    resolve_public_key: PublicKeyResolver,
    *,
    expected_purpose: str | None = None,
    exact_context: bool = False,
) -> VerificationResult:
    """Verify the document's single `eddsa-jcs-2022` proof (3.3.2).

    `resolve_public_key` maps a verification method id to its key, or None when the method
    is not trusted. `expected_purpose`, when given, must equal `proofPurpose`. The spec lets
    a holder append contexts after the proof's (3.3.2 step 4.1); `exact_context=True` refuses
    that, and in either case `verified_document` carries only the signed contexts.
    """
    # 1. Shape: a JSON object holding exactly one proof object with the mandatory members.
    # (Exact type tests first: the ABC check costs more, and this runs on every verification.)
    if type(document) is not dict and not isinstance(document, Mapping):
        return _fail(Failure.MALFORMED, "document is not a JSON object")
    proof = document.get("proof")
    if type(proof) is not dict and not isinstance(proof, Mapping):
        return _fail(Failure.MALFORMED, "document has no single proof object")
    method = proof.get("verificationMethod")
    if not isinstance(method, str) or not method:
        return _fail(Failure.MALFORMED, "proof.verificationMethod must be a non-empty string")
    if proof.get("type") != PROOF_TYPE:
        return _fail(Failure.WRONG_TYPE, f"proof.type must be {PROOF_TYPE}", method)
    if proof.get("cryptosuite") != CRYPTOSUITE:
        return _fail(Failure.WRONG_CRYPTOSUITE, f"proof.cryptosuite must be {CRYPTOSUITE}", method)
    purpose = proof.get("proofPurpose")
    if not isinstance(purpose, str) or not purpose:
        return _fail(Failure.MALFORMED, "proof.proofPurpose must be a non-empty string", method)
    if expected_purpose is not None and purpose != expected_purpose:
        return _fail(Failure.WRONG_PURPOSE, f"proofPurpose is not {expected_purpose}", method)
    if "created" in proof and not is_xsd_datetime(proof["created"]):
        return _fail(Failure.MALFORMED, "proof.created is not an XML Schema dateTime", method)

    # 2-3. proofOptions = proof without proofValue; proofBytes = its base58btc decoding.
    proof_value = proof.get("proofValue")
    if not isinstance(proof_value, str) or proof_value[:1] != "z":
        return _fail(Failure.MALFORMED, "proof.proofValue must be base58btc multibase", method)
    try:
        signature = b58decode(proof_value[1:])
    except ValueError:
        return _fail(Failure.MALFORMED, "proof.proofValue is not valid base58btc", method)
    if len(signature) != SIGNATURE_SIZE:
        return _fail(Failure.MALFORMED, "proof.proofValue is not a 64-byte signature", method)
    options = {k: v for k, v in proof.items() if k != "proofValue"}
    unsecured = {k: v for k, v in document.items() if k != "proof"}

    # 4. A proof @context must prefix the document's; it then replaces the document's.
    if "@context" in options:
        if not _context_prefix_ok(document.get("@context"), options["@context"], exact_context):
            return _fail(
                Failure.CONTEXT_MISMATCH,
                "document @context does not start with the proof @context",
                method,
            )
        unsecured["@context"] = options["@context"]

    # Resolve the key only now: resolvers may do I/O, so malformed input never reaches them.
    try:
        public_key = resolve_public_key(method)
    except CryptoError as exc:
        return _fail(Failure.UNKNOWN_KEY, f"verification method unusable: {exc}", method)
    if public_key is None:
        return _fail(Failure.UNKNOWN_KEY, f"unknown verification method {method}", method)

    # 5-7. Transformation, proof configuration, hashing.
    try:
        hash_data = _hash_data(options, unsecured)
    except (TypeError, ValueError) as exc:
        return _fail(Failure.MALFORMED, f"not canonicalisable JSON: {exc}", method)

    # 8. The Ed25519 check itself.
    try:
        public_key.verify(signature, hash_data)
    except InvalidSignature:
        return _fail(Failure.BAD_SIGNATURE, "signature does not verify", method)
    return VerificationResult(True, None, "", method, unsecured)
