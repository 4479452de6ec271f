"""The checks about who signed, what is signed and when: issuer, key, signature, validity,
and whether the standard version is published."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any, Final

from registry.trust.proofs import Failure, is_xsd_datetime, verify_proof
from registry.trust.verify.format import ParsedCertificate
from registry.trust.verify.issuer import IssuerTrust
from registry.trust.verify.results import Check, Status, failed, is_object, passed, skipped
from registry.trust.verify.time import format_utc, parse_datetime

PublishedCheck = Callable[[str, str], bool | None]

PROOF_PURPOSE: Final = "assertionMethod"

# Constant answers of the common path: built once, not per verification.
_ISSUER_OK: Final = passed("issuer", "The credential was issued by this registry.")
_KEY_OK: Final = passed(
    "key", "The signing key belongs to the registry and was not compromised when it was used."
)
_SIGNATURE_OK: Final = passed("signature", "The signature is genuine; nothing has been altered.")
_VALIDITY_OK: Final = passed("validity", "The certificate is within its validity period.")
_STANDARD_OK: Final = passed("standard", "The standard version is published.")


def check_issuer(trust: IssuerTrust, parsed: ParsedCertificate) -> Check:
    if parsed.issuer is None:
        return skipped("issuer", "The credential names no issuer.")
    if parsed.issuer != trust.did:
        return failed(
            "issuer", f"Issued by {parsed.issuer[:200]}, not by this registry ({trust.did})."
        )
    return _ISSUER_OK


def key_problem(trust: IssuerTrust, proof: Mapping[str, Any], what: str) -> tuple[bool, str | None]:
    """(usable, problem): whether the proof's key is trusted and was sound at `created`."""
    method = proof.get("verificationMethod")
    if not isinstance(method, str):
        return False, f"The {what} proof names no verification method."
    trusted = trust.key(method)
    if trusted is None:
        return False, f"The {what} was signed with {method[:200]}, which is not a registry key."
    created_raw = proof.get("created")
    if created_raw is None:
        return True, f"The {what} proof does not say when it was created."
    if not is_xsd_datetime(created_raw):
        return True, f"The {what} proof's created time is not an XML Schema dateTime."
    if trusted.revoked is not None:
        created = parse_datetime(created_raw)
        if created is None:
            return True, f"The {what} proof's created time cannot be read."
        if created >= trusted.revoked:
            return True, (
                f"The key {method} has been compromised since "
                f"{trusted.revoked.isoformat().replace('+00:00', 'Z')}; "
                f"the {what} was signed with it after that."
            )
    return True, None


def check_key(trust: IssuerTrust, proof: object) -> tuple[Check, bool]:
    """The key check, and whether the signature can be checked with a trusted key."""
    if not is_object(proof):
        return skipped("key", "The credential carries no proof, so no key to check."), False
    usable, problem = key_problem(trust, proof, "certificate")
    if problem is not None:
        return failed("key", problem), usable
    return _KEY_OK, True


def check_signature(trust: IssuerTrust, credential: Mapping[str, Any], usable: bool) -> Check:
    proof = credential.get("proof")
    if proof is None:
        return failed("signature", "The credential is not signed (it has no proof).")
    if not usable:
        return skipped("signature", "Cannot check the signature without a trusted key.")
    try:
        result = verify_proof(
            credential, trust.keyring, expected_purpose=PROOF_PURPOSE, exact_context=True
        )
    except Exception:  # hostile input (e.g. nesting too deep to serialise) is an answer too
        return failed("signature", "The credential cannot be processed for its signature.")
    if result.verified:
        return _SIGNATURE_OK
    if result.failure is Failure.BAD_SIGNATURE:
        return failed("signature", "The signature does not match: the credential has been altered.")
    return failed("signature", f"The proof is not acceptable: {result.detail}.")


def check_validity(parsed: ParsedCertificate, now: datetime) -> tuple[Check, Status | None]:
    if parsed.valid_from is None or parsed.valid_until is None:
        return skipped("validity", "The validity period cannot be read."), None
    try:
        if now < parsed.valid_from:
            return failed(
                "validity", f"The certificate is not valid before {format_utc(parsed.valid_from)}."
            ), "not_yet_valid"
        if now >= parsed.valid_until:
            return failed(
                "validity", f"The certificate expired on {format_utc(parsed.valid_until)}."
            ), "expired"
    except (TypeError, OverflowError):
        return skipped("validity", "The validity period cannot be compared."), None
    return _VALIDITY_OK, None


def check_standard(parsed: ParsedCertificate, is_published: PublishedCheck) -> Check:
    if parsed.slug is None or parsed.version is None:
        return skipped("standard", "The credential does not name a standard version.")
    try:
        published = is_published(parsed.slug, parsed.version)
    except Exception:
        published = None
    if published is None:
        return skipped(
            "standard", "Whether the standard version is published cannot be checked here."
        )
    if published:
        return _STANDARD_OK
    return failed(
        "standard",
        f"The standard {parsed.slug[:80]} {parsed.version[:40]} is not published or was retired.",
    )
