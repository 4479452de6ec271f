"""The one certificate verification engine: API, offline CLI and bulk verification all use it.

`verify_certificate` runs every check in a fixed order and reports each with a plain-language
detail, so an employer sees *why* a certificate is or is not valid:

    format      a JSON object that is a well-formed VC 2.0 certificate with known contexts
    issuer      issued by this registry's DID
    key         signed by a key of the registry's DID document (assertionMethod) that was not
                compromised when the proof was created
    signature   the `eddsa-jcs-2022` Data Integrity proof verifies
    validity    validFrom <= now < validUntil
    revocation  the revocation status list (itself verified) does not have the bit set
    suspension  likewise for suspension
    standard    the standard version is published (when the caller can tell)

Later checks still run after an earlier failure when they can, and are skipped with a reason
when they cannot. Nothing here raises on hostile input: every answer is a `Verdict`.

The engine is split by concern; this module is its public face:

    results  Check, Verdict, the certificate summary, how a verdict follows from checks
    time     XML Schema dateTime parsing
    issuer   IssuerTrust: the DID document's keys, parsed once, and the status list memo
    format   the format check, reading what the later checks need
    checks   issuer, key, signature, validity and standard checks
    status   revocation and suspension against signed, memoised status lists

Performance: the trusted keys are parsed once (`IssuerTrust`), canonicalisation takes the
fast encoder (`standards.canonical`), and each status list credential is verified and decoded
once, then memoised in a bounded LRU keyed by its canonical bytes - so a list that differs from
a verified one in any byte is a cache miss and is verified afresh. Only time-dependent checks
(validity window) and the bit lookup run on a cache hit.
"""

from __future__ import annotations

from datetime import UTC, datetime

from registry.trust.verify.checks import (
    PROOF_PURPOSE,
    PublishedCheck,
    check_issuer,
    check_key,
    check_signature,
    check_standard,
    check_validity,
)
from registry.trust.verify.format import ParsedCertificate, check_format
from registry.trust.verify.issuer import STATUS_LIST_CACHE_SIZE, IssuerTrust, IssuerTrustError
from registry.trust.verify.results import (
    CHECK_NAMES,
    NOT_CHECKED,
    Check,
    CheckResult,
    Status,
    Verdict,
    genuine,
    is_object,
    skipped,
    summary,
    unprocessable,
    verdict,
    with_check,
)
from registry.trust.verify.status import StatusListSource, check_status
from registry.trust.verify.time import parse_datetime

__all__ = [
    "CHECK_NAMES",
    "PROOF_PURPOSE",
    "STATUS_LIST_CACHE_SIZE",
    "Check",
    "CheckResult",
    "IssuerTrust",
    "IssuerTrustError",
    "PublishedCheck",
    "Status",
    "StatusListSource",
    "Verdict",
    "parse_datetime",
    "verify_certificate",
    "with_check",
]


def verify_certificate(
    credential: object,
    *,
    trust: IssuerTrust,
    status_lists: StatusListSource,
    is_published: PublishedCheck,
    now: datetime,
    registry_context_url: str,
) -> Verdict:
    """Verify one certificate completely; never raises, always a `Verdict`."""
    try:
        return _verify(
            credential,
            trust=trust,
            status_lists=status_lists,
            is_published=is_published,
            now=now if now.tzinfo is not None else now.replace(tzinfo=UTC),
            registry_context_url=registry_context_url,
        )
    except Exception:  # last line of defence: a verifier answers, it does not crash
        return unprocessable("The credential could not be processed.")


def _verify(
    credential: object,
    *,
    trust: IssuerTrust,
    status_lists: StatusListSource,
    is_published: PublishedCheck,
    now: datetime,
    registry_context_url: str,
) -> Verdict:
    if not is_object(credential):
        return unprocessable("The credential is not a JSON object.")
    parsed = ParsedCertificate()
    format_check = check_format(credential, registry_context_url, parsed)
    issuer_check = check_issuer(trust, parsed)
    key_check, usable = check_key(trust, credential.get("proof"))
    signature_check = check_signature(trust, credential, usable)
    validity_check, time_status = check_validity(parsed, now)
    if genuine((format_check, issuer_check, key_check, signature_check)):
        revocation_check, revoked = check_status("revocation", parsed, trust, status_lists, now)
        suspension_check, suspended = check_status("suspension", parsed, trust, status_lists, now)
    else:
        # A forgery's status entries are the forger's: copied from a revoked certificate,
        # they would make it "revoked" and blame the provider it names. Nor is anything
        # fetched on its word.
        revocation_check, suspension_check = (
            skipped("revocation", NOT_CHECKED),
            skipped("suspension", NOT_CHECKED),
        )
        revoked = suspended = False
    standard_check = check_standard(parsed, is_published)
    checks = (
        format_check,
        issuer_check,
        key_check,
        signature_check,
        validity_check,
        revocation_check,
        suspension_check,
        standard_check,
    )
    return verdict(checks, revoked, suspended, time_status, summary(credential))
