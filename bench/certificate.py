"""A real, signed certificate and its two signed status lists, built offline.

The same builders the registry issues with (`build_certificate`, `build_status_list_credential`,
`create_proof`, `did_document`, `StatusList`), so the verification figure times exactly what an
employer verifies. Nothing here touches a database.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from registry.clock import iso_utc
from registry.signing.keys import KeyRecord, did_document, did_web, verification_method_id
from registry.trust.contexts import registry_context_url
from registry.trust.credential import (
    CertificateFacts,
    StatusEntry,
    build_certificate,
    build_status_list_credential,
)
from registry.trust.multikey import encode_public_key
from registry.trust.proofs import create_proof
from registry.trust.statuslist import StatusList
from registry.trust.verify.engine import IssuerTrust

PUBLIC_URL = "http://127.0.0.1:8000"
REVOKED_INDEXES = (3, 70_001, 131_000)  # other certificates' bits, so the lists are not empty


@dataclass(frozen=True, slots=True)
class SignedWorld:
    certificate: dict[str, Any]
    status_lists: dict[str, dict[str, Any]]  # url -> signed status list credential
    did_document: dict[str, Any]
    did: str
    context_url: str
    now: dt.datetime

    def trust(self) -> IssuerTrust:
        return IssuerTrust.from_did_document(self.did_document, self.did)


def signed_world(score: float = 87.5, public_url: str = PUBLIC_URL) -> SignedWorld:
    """One valid certificate (index 94,567 in both lists, bits clear) and its lists."""
    key = Ed25519PrivateKey.generate()
    did = did_web(public_url)
    multibase = encode_public_key(key.public_key())
    method = verification_method_id(did, multibase)
    issued = dt.datetime(2026, 3, 10, 9, 30, tzinfo=dt.UTC)
    record = KeyRecord(method, multibase, issued, "active", None, None)
    created = iso_utc(issued)
    index = 94_567
    lists: dict[str, dict[str, Any]] = {}
    entries = []
    for purpose in ("revocation", "suspension"):
        url = f"{public_url}/api/v1/status/{purpose}/1"
        bits = StatusList()
        for other in REVOKED_INDEXES:
            bits.set(other)
        unsigned = build_status_list_credential(
            url=url, purpose=purpose, encoded_list=bits.encode(), issuer=did,
            valid_from=issued, valid_until=None, ttl_ms=300_000,
        )  # fmt: skip
        lists[url] = create_proof(unsigned, key, method, created)
        entries.append(StatusEntry(purpose, url, index))
    facts = CertificateFacts(
        credential_url=f"{public_url}/credentials/7f3c2a9e-5b1d-4c8e-9a2f-1e6d3b7c0a45",
        code="RM-7K3Q-9XPD",
        issuer=did,
        context_url=registry_context_url(public_url),
        valid_from=issued,
        valid_until=issued.replace(year=issued.year + 3),
        provider_id="prv_01JD8Z6Q4W2M7T0R9B3K5N1C8X",
        legal_name="Himalayan Overseas Employment Pvt. Ltd.",
        country="NP",
        licences=[
            {
                "country": "NP",
                "number": "1234/067/68",
                "issuing_authority": "Department of Foreign Employment",
                "expires_on": "2027-07-15",
            }
        ],
        standard_slug="core-rights",
        standard_version="1.0.0",
        standard_digest="sha256:" + "5e" * 32,
        standard_url=f"{public_url}/api/v1/standards/core-rights/versions/1.0.0",
        provider_types=["recruiter"],
        corridors=["NP-AE", "NP-QA"],
        grade="B",
        score=score,
        report_digest="sha256:" + "a7" * 32,
        statuses=entries,
    )
    certificate = create_proof(build_certificate(facts), key, method, created)
    return SignedWorld(
        certificate=certificate,
        status_lists=lists,
        did_document=did_document(did, [record]),
        did=did,
        context_url=facts.context_url,
        now=issued + dt.timedelta(days=30),
    )
