"""Unsigned certificate and status list credentials (W3C VC Data Model 2.0).

`build_certificate` turns the facts of a certification decision into the credential the
registry signs with `registry.trust.proofs.create_proof`; `build_status_list_credential` does
the same for a revocation or suspension Bitstring Status List (W3C Bitstring Status List v1.0,
section 2.2). Both are plain JSON values built fresh on every call, so callers may sign them
directly.

Every term used here is defined by the W3C credentials v2 context or by the registry's own
`rightsmark-v1` context, which `tests/certificates/test_jsonld.py` proves with an independent
JSON-LD processor.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from audits.published import published_score
from registry.clock import iso_utc
from registry.trust.contexts import CREDENTIALS_V2

CERTIFICATE_TYPE: Final = "RightsmarkCertificate"
SUBJECT_TYPE: Final = "CertifiedProvider"
PROVIDER_TYPE: Final = "RecruitmentProvider"
LICENCE_TYPE: Final = "RecruitmentLicence"
STANDARD_TYPE: Final = "CoreRightsStandard"
SCOPE_TYPE: Final = "CertificationScope"
STATUS_ENTRY_TYPE: Final = "BitstringStatusListEntry"
STATUS_LIST_CREDENTIAL_TYPE: Final = "BitstringStatusListCredential"
STATUS_LIST_TYPE: Final = "BitstringStatusList"
STATUS_PURPOSES: Final = ("revocation", "suspension")

# Licence fact keys -> credential properties (rightsmark-v1 terms).
_LICENCE_FIELDS: Final = (
    ("country", "country"),
    ("number", "licenceNumber"),
    ("issuing_authority", "issuingAuthority"),
    ("expires_on", "expiresOn"),
)


@dataclass(frozen=True, slots=True)
class StatusEntry:
    purpose: str  # "revocation" | "suspension"
    list_url: str  # the status list credential's URL (its `id`)
    index: int  # position in the list's bitstring


@dataclass(frozen=True, slots=True)
class CertificateFacts:
    credential_url: str  # the credential id, a stable URL
    code: str  # RM-XXXX-XXXX
    issuer: str  # did:web:...
    context_url: str  # registry_context_url(public_url)
    valid_from: datetime  # aware, UTC
    valid_until: datetime
    provider_id: str
    legal_name: str
    country: str
    licences: Sequence[Mapping[str, str]]  # country, number, issuing_authority, expires_on
    standard_slug: str
    standard_version: str
    standard_digest: str
    standard_url: str
    provider_types: Sequence[str]  # scope, e.g. ["recruiter"]
    corridors: Sequence[str]  # scope, e.g. ["PH-AE"]
    grade: str
    score: float
    report_digest: str
    statuses: Sequence[StatusEntry]


def status_entry(entry: StatusEntry) -> dict[str, Any]:
    """A `BitstringStatusListEntry` (Bitstring Status List v1.0, section 2.1)."""
    return {
        "id": f"{entry.list_url}#{entry.index}",
        "type": STATUS_ENTRY_TYPE,
        "statusPurpose": entry.purpose,
        "statusListIndex": str(entry.index),
        "statusListCredential": entry.list_url,
    }


def _licence(licence: Mapping[str, str]) -> dict[str, Any]:
    out: dict[str, Any] = {"type": LICENCE_TYPE}
    for fact, prop in _LICENCE_FIELDS:
        value = licence.get(fact)
        if value is not None:
            out[prop] = str(value)
    return out


def build_certificate(facts: CertificateFacts) -> dict[str, Any]:
    """The unsigned VC 2.0 certificate for one certification decision."""
    return {
        "@context": [CREDENTIALS_V2, facts.context_url],
        "id": facts.credential_url,
        "type": ["VerifiableCredential", CERTIFICATE_TYPE],
        "issuer": facts.issuer,
        "name": f"Rightsmark certificate {facts.code}",
        "description": (
            f"{facts.legal_name} is certified against {facts.standard_slug} "
            f"{facts.standard_version} at grade {facts.grade}."
        ),
        "validFrom": iso_utc(facts.valid_from),
        "validUntil": iso_utc(facts.valid_until),
        "credentialSubject": {
            "type": SUBJECT_TYPE,
            "certificateCode": facts.code,
            "provider": {
                "type": PROVIDER_TYPE,
                "registryId": facts.provider_id,
                "legalName": facts.legal_name,
                "country": facts.country,
                "licence": [_licence(licence) for licence in facts.licences],
            },
            "standard": {
                "id": facts.standard_url,
                "type": STANDARD_TYPE,
                "slug": facts.standard_slug,
                "version": facts.standard_version,
                "digest": facts.standard_digest,
            },
            "scope": {
                "type": SCOPE_TYPE,
                "providerType": list(facts.provider_types),
                "corridor": list(facts.corridors),
            },
            "grade": facts.grade,
            "score": published_score(facts.score),
            "reportDigest": facts.report_digest,
        },
        "credentialStatus": [status_entry(entry) for entry in facts.statuses],
    }


def build_status_list_credential(
    *,
    url: str,
    purpose: str,
    encoded_list: str,
    issuer: str,
    valid_from: datetime,
    valid_until: datetime | None,
    ttl_ms: int,
) -> dict[str, Any]:
    """An unsigned `BitstringStatusListCredential` (Bitstring Status List v1.0, section 2.2)."""
    credential: dict[str, Any] = {
        "@context": [CREDENTIALS_V2],
        "id": url,
        "type": ["VerifiableCredential", STATUS_LIST_CREDENTIAL_TYPE],
        "issuer": issuer,
        "validFrom": iso_utc(valid_from),
    }
    if valid_until is not None:
        credential["validUntil"] = iso_utc(valid_until)
    credential["credentialSubject"] = {
        "id": f"{url}#list",
        "type": STATUS_LIST_TYPE,
        "statusPurpose": purpose,
        "encodedList": encoded_list,
        "ttl": ttl_ms,
    }
    return credential
