"""A small self-contained registry for certificate tests: keys, DID document, status lists."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from registry.clock import iso_utc
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
from registry.trust.verify.engine import IssuerTrust, Verdict, verify_certificate

Doc = dict[str, Any]

PUBLIC_URL = "https://registry.example"
DID = "did:web:registry.example"
CONTEXT_URL = registry_context_url(PUBLIC_URL)
NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
SIGNED_AT = "2026-01-15T09:30:00Z"
LIST_URLS = {
    "revocation": f"{PUBLIC_URL}/status/revocation/1",
    "suspension": f"{PUBLIC_URL}/status/suspension/1",
}


@dataclass
class Key:
    private: Ed25519PrivateKey
    multikey: str
    method: str
    revoked: str | None = None


def new_key(revoked: str | None = None) -> Key:
    private = Ed25519PrivateKey.generate()
    multikey = encode_public_key(private.public_key())
    return Key(private, multikey, f"{DID}#{multikey}", revoked)


def facts(**changes: Any) -> CertificateFacts:
    values: dict[str, Any] = {
        "credential_url": f"{PUBLIC_URL}/credentials/3f0c6b1e",
        "code": "RM-7K3Q-9XPD",
        "issuer": DID,
        "context_url": CONTEXT_URL,
        "valid_from": datetime(2026, 1, 15, tzinfo=UTC),
        "valid_until": datetime(2029, 1, 15, tzinfo=UTC),
        "provider_id": "prv_01HZX3",
        "legal_name": "Kalayaan Manpower Services Inc.",
        "country": "PH",
        "licences": [
            {
                "country": "PH",
                "number": "DMW-123-LB-2025",
                "issuing_authority": "Department of Migrant Workers",
                "expires_on": "2028-03-31",
            }
        ],
        "standard_slug": "core-rights",
        "standard_version": "1.2.0",
        "standard_digest": "sha256:" + "ab" * 32,
        "standard_url": f"{PUBLIC_URL}/standards/core-rights/1.2.0",
        "provider_types": ["recruiter"],
        "corridors": ["PH-AE", "PH-SA"],
        "grade": "A",
        "score": 92.0,
        "report_digest": "sha256:" + "cd" * 32,
        "statuses": [
            StatusEntry("revocation", LIST_URLS["revocation"], 94_567),
            StatusEntry("suspension", LIST_URLS["suspension"], 12_001),
        ],
    }
    values.update(changes)
    return CertificateFacts(**values)


@dataclass
class World:
    keys: list[Key] = field(default_factory=lambda: [new_key()])
    bits: dict[str, StatusList] = field(
        default_factory=lambda: {purpose: StatusList() for purpose in LIST_URLS}
    )
    lists: dict[str, Doc] = field(default_factory=dict)
    published: bool | None = True

    def __post_init__(self) -> None:
        self.publish()

    def did_document(self) -> Doc:
        methods = []
        for key in self.keys:
            method: Doc = {
                "id": key.method,
                "type": "Multikey",
                "controller": DID,
                "publicKeyMultibase": key.multikey,
            }
            if key.revoked is not None:
                method["revoked"] = key.revoked
            methods.append(method)
        return {
            "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
            "id": DID,
            "verificationMethod": methods,
            "assertionMethod": [key.method for key in self.keys],
        }

    def trust(self) -> IssuerTrust:
        return IssuerTrust.from_did_document(self.did_document(), DID)

    def sign(
        self, document: Mapping[str, Any], key: Key | None = None, created: str = SIGNED_AT
    ) -> Doc:
        key = key or self.keys[-1]
        return create_proof(document, key.private, key.method, created)

    def status_list(self, purpose: str, *, encoded: str | None = None, **changes: Any) -> Doc:
        """An unsigned status list credential for `purpose` from the current bits."""
        arguments: dict[str, Any] = {
            "url": LIST_URLS[purpose],
            "purpose": purpose,
            "encoded_list": encoded if encoded is not None else self.bits[purpose].encode(),
            "issuer": DID,
            "valid_from": datetime(2026, 5, 31, tzinfo=UTC),
            "valid_until": datetime(2026, 6, 30, tzinfo=UTC),
            "ttl_ms": 300_000,
        }
        arguments.update(changes)
        return build_status_list_credential(**arguments)

    def publish(self, key: Key | None = None, created: str = "2026-05-31T00:00:00Z") -> None:
        for purpose in LIST_URLS:
            self.lists[LIST_URLS[purpose]] = self.sign(self.status_list(purpose), key, created)

    def certificate(self, key: Key | None = None, created: str = SIGNED_AT, **changes: Any) -> Doc:
        return self.sign(build_certificate(facts(**changes)), key, created)

    def verify(
        self,
        credential: object,
        *,
        now: datetime = NOW,
        trust: IssuerTrust | None = None,
        lists: Mapping[str, Doc] | None = None,
    ) -> Verdict:
        served = self.lists if lists is None else lists
        return verify_certificate(
            credential,
            trust=trust or self.trust(),
            status_lists=served.get,
            is_published=lambda slug, version: self.published,
            now=now,
            registry_context_url=CONTEXT_URL,
        )


def iso(when: datetime) -> str:
    return iso_utc(when)


def later(days: int) -> datetime:
    return NOW + timedelta(days=days)


def mutated(document: Doc, path: tuple[Any, ...], value: Any) -> Doc:
    """A deep copy with the value at `path` replaced (a `...` value deletes it)."""
    copied = copy.deepcopy(document)
    target: Any = copied
    for step in path[:-1]:
        target = target[step]
    if value is ...:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return copied
