"""Issuance with a certified decision, the public register, and the signed credential."""

from __future__ import annotations

import asyncio
import re

import httpx
import msgspec
import pytest

from registry.keys import issuer_did, list_keys
from registry.settings import get_settings
from registry.trust.contexts import CREDENTIALS_V2
from tests.support.assessments import _assigned_application
from tests.support.certified import Certified, certify, failing_core, fetch_credential
from tests.support.http import assert_problem

CODE = re.compile(r"RM-[0-9A-Z]{4}-[0-9A-Z]{4}")


async def test_certified_decision_issues_a_certificate(certified: Certified) -> None:
    certificate = certified.certificate
    assert certificate["id"].startswith("crt_")
    assert CODE.fullmatch(certificate["code"]), certificate["code"]
    assert certificate["url"] == f"{get_settings().public_url}/credentials/{certificate['id']}"
    assert certificate["status"] == "valid"
    assert certificate["grade"] == certified.decision["grade"]
    assert certificate["report_digest"] == certified.decision["report_digest"]
    assert certificate["provider"]["id"] == certified.world.provider_id
    assert certificate["standard"] == {"slug": "core-rights", "version": "1.0.0"}
    assert certificate["application_id"] == certified.world.application
    # The decision read back later carries the same certificate.
    again = await certified.client.get(
        f"/api/v1/applications/{certified.world.application}/decision",
        headers=certified.world.provider.headers,
    )
    assert again.status_code == 200, again.text
    assert again.json()["certificate"] == certificate


async def test_not_certified_decision_issues_none(certified: Certified) -> None:
    world = certified.world
    doc = world.submission()
    failing_core(world, doc)
    filed = await world.file(doc, application=world.other_application)
    assert filed.status_code == 201, filed.text
    decided = await world.client.post(
        f"/api/v1/applications/{world.other_application}/decision",
        headers=world.secretariat.headers,
    )
    assert decided.status_code == 201, decided.text
    assert decided.json()["outcome"] == "not_certified"
    assert decided.json()["certificate"] is None
    listed = (await world.client.get("/api/v1/certificates")).json()
    assert [item["id"] for item in listed["items"]] == [certified.id]


async def test_a_second_decision_issues_no_second_certificate(certified: Certified) -> None:
    world = certified.world
    again = await world.client.post(
        f"/api/v1/applications/{world.application}/decision", headers=world.secretariat.headers
    )
    assert_problem(again, 409)
    listed = (await world.client.get("/api/v1/certificates")).json()
    assert listed["total"] == 1


async def test_concurrent_decisions_issue_one_certificate_each(certified: Certified) -> None:
    """Two applications decided at once: distinct codes and status list slots."""
    world = certified.world
    filed = await world.file(world.submission(), application=world.other_application)
    assert filed.status_code == 201, filed.text
    decide = [
        world.client.post(
            f"/api/v1/applications/{application}/decision", headers=world.secretariat.headers
        )
        for application in (world.other_application, world.other_application)
    ]
    responses = await asyncio.gather(*decide)
    assert sorted(r.status_code for r in responses) == [201, 409], [r.text for r in responses]
    listed = (await world.client.get("/api/v1/certificates")).json()
    assert listed["total"] == 2
    [winner] = [r.json() for r in responses if r.status_code == 201]
    credential = await fetch_credential(world.client, winner["certificate"]["id"])
    slots = {
        (e["statusListCredential"], e["statusListIndex"])
        for vc in (certified.credential, credential)
        for e in vc["credentialStatus"]
    }
    assert len(slots) == 4
    assert (await certified.verify(credential))["valid"] is True


async def test_register_lists_and_filters(certified: Certified) -> None:
    world = certified.world
    second = await certify(world, world.other_application)
    assert second.status_code == 201, second.text
    other = second.json()["certificate"]
    suspended = await certified.change("suspend", "investigation")
    assert suspended.status_code == 200, suspended.text
    client = certified.client

    everything = (await client.get("/api/v1/certificates")).json()  # public: no token
    assert everything["total"] == 2
    assert {item["id"] for item in everything["items"]} == {certified.id, other["id"]}
    assert {item["code"] for item in everything["items"]} == {
        certified.certificate["code"],
        other["code"],
    }

    async def ids(**params: str) -> list[str]:
        response = await client.get("/api/v1/certificates", params=params)
        assert response.status_code == 200, response.text
        page = response.json()
        assert page["total"] == len(page["items"])
        return [item["id"] for item in page["items"]]

    assert await ids(provider=world.provider_id) == [certified.id]
    assert await ids(provider=world.other_provider_id) == [other["id"]]
    assert await ids(provider="prv_nobody") == []
    assert await ids(status="valid") == [other["id"]]
    assert await ids(status="suspended") == [certified.id]
    assert await ids(status="revoked") == []
    assert await ids(status="expired") == []
    assert await ids(status="suspended", provider=world.other_provider_id) == []
    page = (await client.get("/api/v1/certificates", params={"limit": 1})).json()
    assert page["total"] == 2
    assert len(page["items"]) == 1
    assert page["limit"] == 1
    rest = (await client.get("/api/v1/certificates", params={"limit": 1, "offset": 1})).json()
    assert {page["items"][0]["id"], rest["items"][0]["id"]} == {certified.id, other["id"]}


async def test_pages_neither_repeat_nor_skip(certified: Certified) -> None:
    """Certificates issued within the same second still page in one stable order."""
    world = certified.world
    ids = [certified.id]
    for _ in range(4):
        application = await _assigned_application(world.provider, world.provider_id, world.auditor)
        decided = await certify(world, application)
        assert decided.status_code == 201, decided.text
        ids.append(decided.json()["certificate"]["id"])
    seen: list[str] = []
    for offset in range(0, 6, 2):
        response = await world.client.get(
            "/api/v1/certificates", params={"limit": 2, "offset": offset}
        )
        assert response.status_code == 200, response.text
        assert response.json()["total"] == 5
        seen += [item["id"] for item in response.json()["items"]]
    assert sorted(seen) == sorted(ids)
    assert seen == list(reversed(ids))  # newest first


@pytest.mark.parametrize(
    ("params", "status", "field"),
    [
        ({"status": "active"}, 422, "status"),
        ({"status": "VALID"}, 422, "status"),
        ({"status": "x" * 17}, 400, "status"),
        ({"limit": "0"}, 400, "limit"),
        ({"limit": "201"}, 400, "limit"),
        ({"offset": "-1"}, 400, "offset"),
        ({"limit": "many"}, 400, "limit"),
    ],
)
async def test_register_refuses_bad_parameters(
    certified: Certified, params: dict[str, str], status: int, field: str
) -> None:
    response = await certified.client.get("/api/v1/certificates", params=params)
    assert_problem(response, status, field)


async def test_read_by_id_and_by_code(certified: Certified) -> None:
    code = certified.certificate["code"]
    spellings = [
        certified.id,
        code,
        code.lower(),
        code.replace("-", ""),
        code.lower().replace("-", ""),
    ]
    for spelling in spellings:
        response = await certified.client.get(f"/api/v1/certificates/{spelling}")
        assert response.status_code == 200, (spelling, response.text)
        body = response.json()
        assert body["id"] == certified.id
        assert body["code"] == code
        assert body["status"] == "valid"
        assert [event["action"] for event in body["history"]] == ["issued"]
        assert body["open_corrective_actions"] == []  # none: the assessment had no finding
        shown = {k: v for k, v in body.items() if k not in ("history", "open_corrective_actions")}
        assert shown == certified.certificate


@pytest.mark.parametrize(
    "name", ["crt_0000000000000000", "RM-0000-0000", "rm00000000", "nothing", "x" * 64]
)
async def test_unknown_certificate_is_404(certified: Certified, name: str) -> None:
    response = await certified.client.get(f"/api/v1/certificates/{name}")
    assert_problem(response, 404)


async def test_overlong_name_is_a_precise_problem(certified: Certified) -> None:
    response = await certified.client.get(f"/api/v1/certificates/{'x' * 65}")
    assert_problem(response, 400, "certificate")


@pytest.mark.parametrize(
    ("accept", "media"),
    [
        (None, "application/vc"),
        ("application/vc", "application/vc"),
        ("application/json", "application/json"),
        ("application/vc, application/json;q=0.5", "application/vc"),
        ("*/*", "application/vc"),
    ],
)
async def test_credential_media_types(certified: Certified, accept: str | None, media: str) -> None:
    headers = {} if accept is None else {"Accept": accept}
    response = await certified.client.get(f"/credentials/{certified.id}", headers=headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].split(";")[0] == media
    assert msgspec.json.decode(response.content) == certified.credential


async def test_credential_is_the_signed_vc(certified: Certified) -> None:
    vc = certified.credential
    public_url = get_settings().public_url
    assert vc["@context"] == [CREDENTIALS_V2, f"{public_url}/contexts/rightsmark/v1"]
    assert "VerifiableCredential" in vc["type"]
    assert "RightsmarkCertificate" in vc["type"]
    assert vc["id"] == certified.certificate["url"]
    assert vc["issuer"] == issuer_did() == "did:web:127.0.0.1%3A8000"
    assert vc["validFrom"] == certified.certificate["valid_from"]
    assert vc["validUntil"] == certified.certificate["valid_until"]
    subject = vc["credentialSubject"]
    assert subject["certificateCode"] == certified.certificate["code"]
    assert subject["provider"]["registryId"] == certified.world.provider_id
    assert subject["provider"]["legalName"] == "Agencia Uno"
    assert subject["standard"]["slug"] == "core-rights"
    assert subject["standard"]["version"] == "1.0.0"
    assert subject["grade"] == certified.decision["grade"]
    assert subject["score"] == certified.decision["score"]
    assert subject["reportDigest"] == certified.decision["report_digest"]
    statuses = {entry["statusPurpose"]: entry for entry in vc["credentialStatus"]}
    assert set(statuses) == {"revocation", "suspension"}
    for purpose, entry in statuses.items():
        assert entry["type"] == "BitstringStatusListEntry"
        assert entry["statusListCredential"] == f"{public_url}/api/v1/status/{purpose}/1"
        assert entry["statusListIndex"].isdigit()
    proof = vc["proof"]
    assert proof["type"] == "DataIntegrityProof"
    assert proof["cryptosuite"] == "eddsa-jcs-2022"
    assert proof["proofPurpose"] == "assertionMethod"
    [key] = await list_keys()
    assert proof["verificationMethod"] == key.verification_method


@pytest.mark.parametrize("name", ["crt_0000000000000000", "RM-0000-0000", "nothing"])
async def test_unknown_credential_is_404(certified: Certified, name: str) -> None:
    assert_problem(await certified.client.get(f"/credentials/{name}"), 404)


async def test_context_is_served(client: httpx.AsyncClient) -> None:
    response = await client.get("/contexts/rightsmark/v1")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/ld+json")
    assert "max-age" in response.headers["cache-control"]
    context = response.json()["@context"]
    for term in ("RightsmarkCertificate", "certificateCode", "grade", "reportDigest"):
        assert term in context, term


async def test_did_document_lists_the_signing_key(certified: Certified) -> None:
    response = await certified.client.get("/.well-known/did.json")
    assert response.status_code == 200, response.text
    document = response.json()
    assert document["id"] == certified.credential["issuer"]
    method = certified.credential["proof"]["verificationMethod"]
    assert method in document["assertionMethod"]
    assert any(m["id"] == method for m in document["verificationMethod"])


@pytest.mark.parametrize(
    ("method", "path", "params"),
    [
        ("GET", "/api/v1/certificates/crt_%00", None),
        ("GET", "/api/v1/certificates/RM%00", None),
        ("GET", "/credentials/crt_%00", None),
        ("GET", "/api/v1/certificates", {"provider": "prv\u0000"}),
        ("POST", "/api/v1/certificates/crt_%00/suspend", None),
    ],
)
async def test_nul_characters_are_refused_precisely(
    certified: Certified, method: str, path: str, params: dict[str, str] | None
) -> None:
    """PostgreSQL cannot store or compare NUL in text: refused before the database sees it."""
    response = await certified.client.request(
        method,
        path,
        params=params,
        json={"reason": "x"} if method == "POST" else None,
        headers=certified.world.secretariat.headers,
    )
    assert_problem(response, 400)
    assert "control character (U+0000)" in response.json()["detail"]
