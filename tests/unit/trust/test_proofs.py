"""`eddsa-jcs-2022` Data Integrity proofs against the W3C vc-di-eddsa test vectors."""

from __future__ import annotations

import copy
import hashlib
import json
from collections.abc import Callable
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from registry.errors import MultikeyError, ProofError
from registry.trust.multikey import (
    KeyRing,
    did_key_verification_method,
    private_key_from_multibase,
    resolve_did_key,
)
from registry.trust.proofs import Failure, create_proof, verify_proof
from standards.canonical import canonical_json
from tests.support.conformance import conformance_file

Doc = dict[str, Any]


def vector(name: str) -> str:
    return conformance_file(f"vc-di-eddsa/eddsa-jcs-2022/{name}").read_text()


KEY_PAIR = json.loads(conformance_file("vc-di-eddsa/keyPair.json").read_text())
PRIVATE_KEY = private_key_from_multibase(KEY_PAIR["privateKeyMultibase"])
UNSIGNED: Doc = json.loads(conformance_file("vc-di-eddsa/unsigned.json").read_text())
SIGNED: Doc = json.loads(vector("signedJCS.json"))
PROOF_CONFIG: Doc = json.loads(vector("proofConfigJCS.json"))
METHOD = SIGNED["proof"]["verificationMethod"]
CREATED = SIGNED["proof"]["created"]


def signed_copy() -> Doc:
    return copy.deepcopy(SIGNED)


# --- creation reproduces every intermediate value of the vectors --------------------------


def test_signing_reproduces_the_signed_vector_byte_for_byte() -> None:
    signed = create_proof(UNSIGNED, PRIVATE_KEY, METHOD, CREATED)
    assert signed == SIGNED
    assert canonical_json(signed) == canonical_json(SIGNED)


def test_proof_configuration_and_canonical_forms() -> None:
    proof_config = {k: v for k, v in SIGNED["proof"].items() if k != "proofValue"}
    assert proof_config == PROOF_CONFIG
    assert canonical_json(PROOF_CONFIG) == vector("proofCanonJCS.txt").encode()
    assert canonical_json(UNSIGNED) == vector("canonDocJCS.txt").encode()


def test_hashes_and_signature() -> None:
    proof_hash = hashlib.sha256(canonical_json(PROOF_CONFIG)).digest()
    doc_hash = hashlib.sha256(canonical_json(UNSIGNED)).digest()
    assert proof_hash.hex() == vector("proofHashJCS.txt").strip()
    assert doc_hash.hex() == vector("docHashJCS.txt").strip()
    assert (proof_hash + doc_hash).hex() == vector("combinedHashJCS.txt").strip()
    signature = PRIVATE_KEY.sign(proof_hash + doc_hash)
    assert signature.hex() == vector("sigHexJCS.txt").strip()
    assert SIGNED["proof"]["proofValue"] == vector("sigBTC58JCS.txt").strip()


def test_create_proof_copies_and_leaves_input_alone() -> None:
    original = copy.deepcopy(UNSIGNED)
    signed = create_proof(UNSIGNED, PRIVATE_KEY, METHOD, CREATED)
    assert original == UNSIGNED
    signed["credentialSubject"]["id"] = "changed"
    assert UNSIGNED["credentialSubject"]["id"] == "did:example:abcdefgh"


@pytest.mark.parametrize(
    ("document", "created", "message"),
    [
        ({**UNSIGNED, "proof": {}}, CREATED, "already has a proof"),
        (UNSIGNED, "2023-02-24 23:36:38", "dateTime"),
        ({**UNSIGNED, "n": float("nan")}, CREATED, "canonicalisable"),
        ({**UNSIGNED, "n": 2**60}, CREATED, "canonicalisable"),
    ],
)
def test_create_proof_refuses_bad_input(document: Doc, created: str, message: str) -> None:
    with pytest.raises(ProofError, match=message):
        create_proof(document, PRIVATE_KEY, METHOD, created)


# --- verification accepts what it should ---------------------------------------------------


def test_signed_vector_verifies_with_did_key() -> None:
    result = verify_proof(SIGNED, resolve_did_key)
    assert result.verified
    assert result.failure is None
    assert bool(result)
    assert result.verification_method == METHOD
    assert result.verified_document == UNSIGNED


def test_round_trip_through_the_rfc8785_fallback() -> None:
    # Floats and astral-plane keys take the slow canonicalisation path on both sides.
    document = {"@context": ["https://www.w3.org/ns/credentials/v2"], "x": 1.5, "\U0001f600": "é"}
    key = Ed25519PrivateKey.generate()
    method = did_key_verification_method(key.public_key())
    assert verify_proof(create_proof(document, key, method, CREATED), resolve_did_key)


def test_document_without_context_gets_proof_without_context() -> None:
    signed = create_proof({"a": 1}, PRIVATE_KEY, METHOD, CREATED)
    assert "@context" not in signed["proof"]
    assert verify_proof(signed, resolve_did_key)


def test_appended_document_context_is_allowed_but_not_returned() -> None:
    # vc-di-eddsa 3.3.2 step 4: the document's @context need only *start with* the proof's.
    document = signed_copy()
    document["@context"].append("https://extra.example/v1")
    result = verify_proof(document, resolve_did_key)
    assert result.verified
    assert result.verified_document is not None
    assert result.verified_document["@context"] == UNSIGNED["@context"]
    strict = verify_proof(document, resolve_did_key, exact_context=True)
    assert strict.failure is Failure.CONTEXT_MISMATCH


# --- verification rejects tampering, naming the failed check --------------------------------


def mutate(path: tuple[str, ...], value: Any) -> Callable[[Doc], None]:
    def apply(document: Doc) -> None:
        target = document
        for key in path[:-1]:
            target = target[key]
        if value is DELETE:
            del target[path[-1]]
        else:
            target[path[-1]] = value

    return apply


DELETE = object()


def shorten_both_contexts(document: Doc) -> None:
    # Consistent in itself, so it passes the prefix check but not the signature.
    document["@context"] = CONTEXT[:1]
    document["proof"]["@context"] = CONTEXT[:1]


def extend_both_contexts(document: Doc) -> None:
    document["@context"].append("https://x.example")
    document["proof"]["@context"].append("https://x.example")


OTHER_KEY = Ed25519PrivateKey.generate()
OTHER_METHOD = did_key_verification_method(OTHER_KEY.public_key())
CONTEXT = list(SIGNED["@context"])

TAMPERING: dict[str, tuple[Callable[[Doc], None], Failure]] = {
    # every top-level member of the credential
    **{
        f"{name}-changed": (mutate((name,), "tampered"), Failure.BAD_SIGNATURE)
        for name in UNSIGNED
        if name != "@context"
    },
    **{
        f"{name}-deleted": (mutate((name,), DELETE), Failure.BAD_SIGNATURE)
        for name in UNSIGNED
        if name != "@context"
    },
    "member-added": (mutate(("holder",), "did:example:x"), Failure.BAD_SIGNATURE),
    "type-reordered": (
        mutate(("type",), ["AlumniCredential", "VerifiableCredential"]),
        Failure.BAD_SIGNATURE,
    ),
    "issuer-as-object": (mutate(("issuer",), {"id": UNSIGNED["issuer"]}), Failure.BAD_SIGNATURE),
    "validFrom-one-second": (mutate(("validFrom",), "2023-01-01T00:00:01Z"), Failure.BAD_SIGNATURE),
    "subject-alumniOf": (
        mutate(("credentialSubject", "alumniOf"), "Other School"),
        Failure.BAD_SIGNATURE,
    ),
    "subject-id": (mutate(("credentialSubject", "id"), "did:example:other"), Failure.BAD_SIGNATURE),
    "subject-added": (mutate(("credentialSubject", "extra"), True), Failure.BAD_SIGNATURE),
    "subject-deleted": (mutate(("credentialSubject", "alumniOf"), DELETE), Failure.BAD_SIGNATURE),
    # the proof's own members
    "proof-created": (mutate(("proof", "created"), "2023-02-24T23:36:39Z"), Failure.BAD_SIGNATURE),
    "proof-created-invalid": (mutate(("proof", "created"), "yesterday"), Failure.MALFORMED),
    "proof-created-deleted": (mutate(("proof", "created"), DELETE), Failure.BAD_SIGNATURE),
    "proof-method-other-key": (
        mutate(("proof", "verificationMethod"), OTHER_METHOD),
        Failure.BAD_SIGNATURE,
    ),
    "proof-method-unknown": (
        mutate(("proof", "verificationMethod"), "did:web:x.example#k"),
        Failure.UNKNOWN_KEY,
    ),
    "proof-method-missing": (mutate(("proof", "verificationMethod"), DELETE), Failure.MALFORMED),
    "proof-value-char": (
        mutate(("proof", "proofValue"), SIGNED["proof"]["proofValue"][:-1] + "Y"),
        Failure.BAD_SIGNATURE,
    ),
    "proof-value-not-base58": (
        mutate(("proof", "proofValue"), SIGNED["proof"]["proofValue"][:-1] + "0"),
        Failure.MALFORMED,
    ),
    "proof-value-short": (
        mutate(("proof", "proofValue"), SIGNED["proof"]["proofValue"][:-2]),
        Failure.MALFORMED,
    ),
    "proof-value-multibase-u": (mutate(("proof", "proofValue"), "u" + "A" * 86), Failure.MALFORMED),
    "proof-value-missing": (mutate(("proof", "proofValue"), DELETE), Failure.MALFORMED),
    "proof-cryptosuite": (
        mutate(("proof", "cryptosuite"), "eddsa-rdfc-2022"),
        Failure.WRONG_CRYPTOSUITE,
    ),
    "proof-cryptosuite-missing": (
        mutate(("proof", "cryptosuite"), DELETE),
        Failure.WRONG_CRYPTOSUITE,
    ),
    "proof-type": (mutate(("proof", "type"), "Ed25519Signature2020"), Failure.WRONG_TYPE),
    "proof-purpose": (mutate(("proof", "proofPurpose"), "authentication"), Failure.BAD_SIGNATURE),
    "proof-purpose-missing": (mutate(("proof", "proofPurpose"), DELETE), Failure.MALFORMED),
    "proof-member-added": (mutate(("proof", "domain"), "example.com"), Failure.BAD_SIGNATURE),
    "proof-missing": (mutate(("proof",), DELETE), Failure.MALFORMED),
    "proof-as-list": (lambda d: d.update(proof=[d["proof"]]), Failure.MALFORMED),
    # @context handling (3.3.2 step 4)
    "context-reordered": (mutate(("@context",), CONTEXT[::-1]), Failure.CONTEXT_MISMATCH),
    "context-truncated": (mutate(("@context",), CONTEXT[:1]), Failure.CONTEXT_MISMATCH),
    "context-changed": (
        mutate(("@context",), [CONTEXT[0], "https://evil.example/v2"]),
        Failure.CONTEXT_MISMATCH,
    ),
    "context-deleted": (mutate(("@context",), DELETE), Failure.CONTEXT_MISMATCH),
    "context-as-string": (mutate(("@context",), CONTEXT[0]), Failure.CONTEXT_MISMATCH),
    "proof-context-changed-in-both": (shorten_both_contexts, Failure.BAD_SIGNATURE),
    "proof-context-deleted": (mutate(("proof", "@context"), DELETE), Failure.BAD_SIGNATURE),
    "proof-context-extended": (extend_both_contexts, Failure.BAD_SIGNATURE),
}


@pytest.mark.parametrize("case", sorted(TAMPERING))
def test_tampered_copies_are_rejected(case: str) -> None:
    change, expected = TAMPERING[case]
    document = signed_copy()
    change(document)
    result = verify_proof(document, resolve_did_key)
    assert not result.verified
    assert result.failure is expected, result.detail
    assert result.verified_document is None


def test_every_single_character_change_is_rejected() -> None:
    text = canonical_json(SIGNED).decode()
    checked = 0
    for position, char in enumerate(text):
        for replacement in {chr(ord(char) ^ 1), "0", "a"} - {char}:
            try:
                document = json.loads(text[:position] + replacement + text[position + 1 :])
            except ValueError:
                continue  # no longer JSON: nothing to verify
            if not isinstance(document, dict) or document == SIGNED:
                continue
            assert not verify_proof(document, resolve_did_key).verified, (position, replacement)
            checked += 1
    assert checked > len(text)  # most positions give parseable variants


def test_expected_purpose() -> None:
    assert verify_proof(SIGNED, resolve_did_key, expected_purpose="assertionMethod")
    result = verify_proof(SIGNED, resolve_did_key, expected_purpose="authentication")
    assert result.failure is Failure.WRONG_PURPOSE


def test_non_object_document_is_malformed() -> None:
    assert verify_proof([SIGNED], resolve_did_key).failure is Failure.MALFORMED  # type: ignore[arg-type]


def test_resolver_errors_are_unknown_key() -> None:
    def broken(_method: str) -> Ed25519PublicKey | None:
        raise MultikeyError("bad key in DID document")

    assert verify_proof(SIGNED, broken).failure is Failure.UNKNOWN_KEY


def test_key_ring_resolves_registry_methods() -> None:
    ring = KeyRing({METHOD: KEY_PAIR["publicKeyMultibase"]})
    assert verify_proof(SIGNED, ring).verified
    assert verify_proof(SIGNED, KeyRing()).failure is Failure.UNKNOWN_KEY
