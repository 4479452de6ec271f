"""The `revocation` and `suspension` checks against signed Bitstring Status List credentials.

A status list credential is itself verified (context, type, issuer, key, signature, dates,
purpose, an `encodedList` of at least 131,072 entries) before its bit is read. That part does
not depend on the time, so its outcome is memoised in the `IssuerTrust` it was verified
against, keyed by the list's RFC 8785 canonical bytes: only the validity dates and the bit
lookup run again on a hit.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any, Final

from registry.errors import StatusListError
from registry.trust.contexts import CREDENTIALS_V2
from registry.trust.credential import STATUS_LIST_CREDENTIAL_TYPE, STATUS_LIST_TYPE
from registry.trust.proofs import Failure, verify_proof
from registry.trust.statuslist import StatusList
from registry.trust.verify.checks import PROOF_PURPOSE, key_problem
from registry.trust.verify.format import ParsedCertificate, issuer_id, type_list
from registry.trust.verify.issuer import IssuerTrust
from registry.trust.verify.results import (
    Check,
    VerifiedList,
    failed,
    is_object,
    passed,
    skipped,
)
from registry.trust.verify.time import parse_datetime
from standards.canonical import canonical_json

StatusListSource = Callable[[str], Mapping[str, Any] | None]

_STATUS_OK: Final = {
    "revocation": passed("revocation", "The certificate has not been revoked."),
    "suspension": passed("suspension", "The certificate is not suspended."),
}


def verify_list(document: Mapping[str, Any], trust: IssuerTrust) -> VerifiedList | str:
    """Time-independent verification of a status list credential: facts, or a problem."""
    context = document.get("@context")
    if not isinstance(context, list) or context != [CREDENTIALS_V2]:
        return f"its @context is not [{CREDENTIALS_V2}]"
    types = type_list(document.get("type"))
    if "VerifiableCredential" not in types or STATUS_LIST_CREDENTIAL_TYPE not in types:
        return f"it is not a {STATUS_LIST_CREDENTIAL_TYPE}"
    if issuer_id(document.get("issuer")) != trust.did:
        return "it was not issued by this registry"
    proof = document.get("proof")
    if not is_object(proof):
        return "it is not signed"
    usable, problem = key_problem(trust, proof, "status list")
    if problem is not None:
        return problem[0].lower() + problem[1:].rstrip(".")
    if not usable:  # pragma: no cover - key_problem always explains an unusable key
        return "its signing key is not a registry key"
    result = verify_proof(
        document, trust.keyring, expected_purpose=PROOF_PURPOSE, exact_context=True
    )
    if not result.verified:
        if result.failure is Failure.BAD_SIGNATURE:
            return "its signature does not verify"
        return f"its proof is not acceptable ({result.detail})"
    valid_from = parse_datetime(document["validFrom"]) if "validFrom" in document else None
    valid_until = parse_datetime(document["validUntil"]) if "validUntil" in document else None
    if ("validFrom" in document and valid_from is None) or (
        "validUntil" in document and valid_until is None
    ):
        return "its validity period is not an XML Schema dateTime"
    subject = document.get("credentialSubject")
    if not is_object(subject):
        return "it has no credentialSubject"
    if subject.get("type") != STATUS_LIST_TYPE:
        return f"its credentialSubject is not a {STATUS_LIST_TYPE}"
    purpose = subject.get("statusPurpose")
    if not isinstance(purpose, str):
        return "it has no statusPurpose"
    try:
        bits = StatusList.decode(subject.get("encodedList"))  # type: ignore[arg-type]
    except StatusListError as exc:
        return f"its encodedList is unusable: {exc}"
    return VerifiedList(document.get("id"), purpose, bits, valid_from, valid_until)


def memo_key(document: Mapping[str, Any]) -> bytes | None:
    """The memo key of a status list credential: its complete RFC 8785 canonical bytes.

    Canonical bytes are a one-to-one rendering of a JSON value and cover the whole document,
    the unsigned `proofValue` included; a value that is not canonicalisable JSON has no key at
    all. So a list that differs from a verified one in any byte of what was signed (or of its
    signature) can never hit the verified entry, and key order cannot even cause a miss. With
    the fast canonical encoder this costs a few microseconds per list.
    """
    try:
        return canonical_json(document)
    except Exception:  # rfc8785 refusals, recursion: not JSON, never remembered
        return None


def _verified(document: Mapping[str, Any], key: bytes, trust: IssuerTrust) -> VerifiedList | str:
    verified = trust.cached(key)
    if verified is None:
        try:
            verified = verify_list(document, trust)
        except Exception:
            verified = "it cannot be processed"
        trust.remember(key, verified)
    return verified


def check_status(
    purpose: str,
    parsed: ParsedCertificate,
    trust: IssuerTrust,
    status_lists: StatusListSource,
    now: datetime,
) -> tuple[Check, bool]:
    """The revocation or suspension check, and whether the bit is set."""
    entry = (parsed.statuses or {}).get(purpose)
    if entry is None:
        return skipped(purpose, f"The credential has no {purpose} status entry."), False
    if isinstance(entry, str):
        return skipped(purpose, f"Cannot check {purpose}: {entry}."), False
    url, index = entry
    shown = url[:200]
    try:
        document = status_lists(url)
    except Exception:  # a fetcher's failure is "unavailable", never a crash
        document = None
    if document is None:
        return failed(purpose, f"The {purpose} status list {shown} is unavailable."), False
    if not is_object(document):
        return failed(purpose, f"The {purpose} status list {shown} is not a JSON object."), False
    key = memo_key(document)
    if key is None:
        return failed(purpose, f"The {purpose} status list {shown} is not valid JSON."), False
    verified = _verified(document, key, trust)
    if isinstance(verified, str):
        detail = f"The {purpose} status list {shown} is not trustworthy: {verified}."
        return failed(purpose, detail), False
    if verified.url != url:
        return failed(
            purpose, f"The {purpose} status list served for {shown} is a different list."
        ), False
    if verified.purpose != purpose:
        return failed(
            purpose, f"The status list {shown} is for {verified.purpose[:40]}, not {purpose}."
        ), False
    if verified.valid_from is not None and now < verified.valid_from:
        return failed(purpose, f"The {purpose} status list {shown} is not yet valid."), False
    if verified.valid_until is not None and now >= verified.valid_until:
        return failed(purpose, f"The {purpose} status list {shown} has expired."), False
    if index >= len(verified.bits):
        return failed(
            purpose,
            f"The {purpose} index {index} is beyond the list's {len(verified.bits)} entries.",
        ), False
    if verified.bits.get(index):
        verb = "revoked" if purpose == "revocation" else "suspended"
        return failed(purpose, f"The certificate has been {verb} by the registry."), True
    return _STATUS_OK.get(purpose) or passed(purpose, f"No {purpose} is recorded."), False
