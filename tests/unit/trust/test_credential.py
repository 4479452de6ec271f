"""The shape of certificates and status list credentials, and the shipped contexts."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

import pytest

from audits.published import published_score
from registry.trust.contexts import (
    CREDENTIALS_V2,
    CREDENTIALS_V2_SHA256,
    context_bytes,
    load_context,
    registry_context_bytes,
    registry_context_url,
)
from registry.trust.credential import build_certificate, build_status_list_credential
from registry.trust.statuslist import StatusList
from standards.canonical import canonical_json
from tests.support.credentials import CONTEXT_URL, DID, LIST_URLS, facts


def test_the_w3c_context_is_byte_exact() -> None:
    data = context_bytes("credentials-v2")
    assert hashlib.sha256(data).hexdigest() == CREDENTIALS_V2_SHA256
    assert len(data) == 10131
    context = json.loads(data)["@context"]
    assert context["@protected"] is True
    assert "BitstringStatusListEntry" in context
    assert "@vocab" not in context  # v2 final: undefined terms are not silently accepted


def test_the_registry_context() -> None:
    assert registry_context_url("https://registry.example") == CONTEXT_URL
    assert CONTEXT_URL == "https://registry.example/contexts/rightsmark/v1"
    document = json.loads(registry_context_bytes())
    assert document == load_context("rightsmark-v1")
    context = document["@context"]
    assert context["@protected"] is True
    assert "@vocab" not in context
    for term, definition in context.items():
        if term.startswith("@"):
            continue
        iri = definition if isinstance(definition, str) else definition["@id"]
        assert iri.startswith(("https://w3id.org/rightsmark#", "https://schema.org/")), term


def test_load_context_returns_fresh_copies() -> None:
    load_context("rightsmark-v1")["@context"]["grade"] = "changed"
    assert load_context("rightsmark-v1")["@context"]["grade"] != "changed"
    with pytest.raises(KeyError):
        load_context("nope")


def test_certificate_shape() -> None:
    certificate = build_certificate(facts())
    assert certificate["@context"] == [CREDENTIALS_V2, CONTEXT_URL]
    assert certificate["type"] == ["VerifiableCredential", "RightsmarkCertificate"]
    assert certificate["id"] == "https://registry.example/credentials/3f0c6b1e"
    assert certificate["issuer"] == DID
    assert certificate["validFrom"] == "2026-01-15T00:00:00Z"
    assert certificate["validUntil"] == "2029-01-15T00:00:00Z"
    assert "proof" not in certificate
    subject = certificate["credentialSubject"]
    assert subject["certificateCode"] == "RM-7K3Q-9XPD"
    assert subject["provider"] == {
        "type": "RecruitmentProvider",
        "registryId": "prv_01HZX3",
        "legalName": "Kalayaan Manpower Services Inc.",
        "country": "PH",
        "licence": [
            {
                "type": "RecruitmentLicence",
                "country": "PH",
                "licenceNumber": "DMW-123-LB-2025",
                "issuingAuthority": "Department of Migrant Workers",
                "expiresOn": "2028-03-31",
            }
        ],
    }
    assert subject["standard"] == {
        "id": "https://registry.example/standards/core-rights/1.2.0",
        "type": "CoreRightsStandard",
        "slug": "core-rights",
        "version": "1.2.0",
        "digest": "sha256:" + "ab" * 32,
    }
    assert subject["scope"] == {
        "type": "CertificationScope",
        "providerType": ["recruiter"],
        "corridor": ["PH-AE", "PH-SA"],
    }
    assert (subject["grade"], subject["score"]) == ("A", 92)
    assert subject["reportDigest"] == "sha256:" + "cd" * 32
    assert certificate["credentialStatus"] == [
        {
            "id": f"{LIST_URLS['revocation']}#94567",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": "94567",
            "statusListCredential": LIST_URLS["revocation"],
        },
        {
            "id": f"{LIST_URLS['suspension']}#12001",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "suspension",
            "statusListIndex": "12001",
            "statusListCredential": LIST_URLS["suspension"],
        },
    ]


def test_certificates_are_fresh_json_values() -> None:
    first, second = build_certificate(facts()), build_certificate(facts())
    assert first == second
    assert first is not second
    assert json.loads(json.dumps(first)) == first


@pytest.mark.parametrize(
    ("score", "expected", "kind"),
    [(92.0, 92, int), (92, 92, int), (0.0, 0, int), (87.5, 87.5, float), (100.0, 100, int)],
)
def test_integral_scores_are_ints(score: float, expected: Any, kind: type) -> None:
    value = published_score(score)
    assert value == expected
    assert type(value) is kind
    assert build_certificate(facts(score=score))["credentialSubject"]["score"] == expected


def test_integral_scores_sign_identically() -> None:
    assert canonical_json(build_certificate(facts(score=92.0))) == canonical_json(
        build_certificate(facts(score=92))
    )


def test_optional_licence_fields_are_left_out() -> None:
    certificate = build_certificate(facts(licences=[{"country": "NP", "number": "123"}]))
    assert certificate["credentialSubject"]["provider"]["licence"] == [
        {"type": "RecruitmentLicence", "country": "NP", "licenceNumber": "123"}
    ]


def test_status_list_credential_shape() -> None:
    encoded = StatusList().encode()
    credential = build_status_list_credential(
        url=LIST_URLS["revocation"],
        purpose="revocation",
        encoded_list=encoded,
        issuer=DID,
        valid_from=datetime(2026, 5, 31, tzinfo=UTC),
        valid_until=datetime(2026, 6, 30, tzinfo=UTC),
        ttl_ms=300_000,
    )
    assert credential == {
        "@context": [CREDENTIALS_V2],
        "id": LIST_URLS["revocation"],
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": DID,
        "validFrom": "2026-05-31T00:00:00Z",
        "validUntil": "2026-06-30T00:00:00Z",
        "credentialSubject": {
            "id": f"{LIST_URLS['revocation']}#list",
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": encoded,
            "ttl": 300_000,
        },
    }


def test_status_list_credential_without_an_end() -> None:
    credential = build_status_list_credential(
        url=LIST_URLS["suspension"],
        purpose="suspension",
        encoded_list=StatusList().encode(),
        issuer=DID,
        valid_from=datetime(2026, 5, 31, tzinfo=UTC),
        valid_until=None,
        ttl_ms=60_000,
    )
    assert "validUntil" not in credential
