"""The signed revocation and suspension lists over HTTP: caching headers, bits, refusals."""

from __future__ import annotations

from typing import Any

import msgspec
import pytest

from registry.keys import did_document_json, issuer_did
from registry.trust.proofs import verify_proof
from registry.trust.statuslist import MIN_BITS, StatusList
from tests.support.certified import Certified
from tests.support.http import assert_problem

PURPOSES = ("revocation", "suspension")


async def _list(certified: Certified, purpose: str, **headers: str) -> tuple[Any, dict[str, Any]]:
    response = await certified.client.get(f"/api/v1/status/{purpose}/1", headers=headers)
    assert response.status_code == 200, response.text
    return response, msgspec.json.decode(response.content)


def _bit(certified: Certified, document: dict[str, Any], purpose: str) -> bool:
    bits = StatusList.decode(document["credentialSubject"]["encodedList"])
    assert len(bits) >= MIN_BITS
    return bits.get(int(certified.status_entry(purpose)["statusListIndex"]))


@pytest.mark.parametrize("purpose", PURPOSES)
async def test_list_is_a_signed_status_list_credential(certified: Certified, purpose: str) -> None:
    response, document = await _list(certified, purpose)
    assert response.headers["etag"].startswith('"')
    assert "max-age=300" in response.headers["cache-control"]
    assert document["id"] == certified.status_entry(purpose)["statusListCredential"]
    assert "BitstringStatusListCredential" in document["type"]
    assert document["issuer"] == issuer_did()
    subject = document["credentialSubject"]
    assert subject["type"] == "BitstringStatusList"
    assert subject["statusPurpose"] == purpose
    assert subject["ttl"] == 300_000
    assert not _bit(certified, document, purpose)
    # Signed by a key of the DID document, verifiable with the registry's own engine.
    from registry.trust.verify.engine import IssuerTrust

    trust = IssuerTrust.from_did_document(await did_document_json(), issuer_did())
    result = verify_proof(document, trust.keyring, expected_purpose="assertionMethod")
    assert result.verified, result


@pytest.mark.parametrize("purpose", PURPOSES)
async def test_if_none_match_answers_304(certified: Certified, purpose: str) -> None:
    first, _ = await _list(certified, purpose)
    etag = first.headers["etag"]
    again = await certified.client.get(
        f"/api/v1/status/{purpose}/1", headers={"If-None-Match": etag}
    )
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"] == etag
    for listed in ("*", f'"0000", W/{etag}'):
        also = await certified.client.get(
            f"/api/v1/status/{purpose}/1", headers={"If-None-Match": listed}
        )
        assert also.status_code == 304, listed
    stale = await certified.client.get(
        f"/api/v1/status/{purpose}/1", headers={"If-None-Match": '"0000"'}
    )
    assert stale.status_code == 200


async def test_suspension_sets_the_bit_and_changes_the_etag(certified: Certified) -> None:
    before = {purpose: await _list(certified, purpose) for purpose in PURPOSES}
    response = await certified.change("suspend", "complaint under investigation")
    assert response.status_code == 200, response.text
    after = {purpose: await _list(certified, purpose) for purpose in PURPOSES}
    assert after["suspension"][0].headers["etag"] != before["suspension"][0].headers["etag"]
    assert _bit(certified, after["suspension"][1], "suspension")
    assert not _bit(certified, after["revocation"][1], "revocation")
    # A client holding the old ETag gets the new list, not a 304.
    stale = await certified.client.get(
        "/api/v1/status/suspension/1",
        headers={"If-None-Match": before["suspension"][0].headers["etag"]},
    )
    assert stale.status_code == 200

    assert (await certified.change("reinstate", "cleared")).status_code == 200
    _, reinstated = await _list(certified, "suspension")
    assert not _bit(certified, reinstated, "suspension")

    assert (await certified.change("revoke", "fraud")).status_code == 200
    _, revocation = await _list(certified, "revocation")
    _, suspension = await _list(certified, "suspension")
    assert _bit(certified, revocation, "revocation")
    assert not _bit(certified, suspension, "suspension")


async def test_revoking_a_suspended_certificate_clears_suspension(certified: Certified) -> None:
    assert (await certified.change("suspend", "complaint")).status_code == 200
    assert (await certified.change("revoke", "confirmed")).status_code == 200
    _, revocation = await _list(certified, "revocation")
    _, suspension = await _list(certified, "suspension")
    assert _bit(certified, revocation, "revocation")
    assert not _bit(certified, suspension, "suspension")


async def test_lists_are_listed(certified: Certified) -> None:
    response = await certified.client.get("/api/v1/status")
    assert response.status_code == 200, response.text
    items = response.json()["items"]
    assert {(i["purpose"], i["number"]) for i in items} == {("revocation", 1), ("suspension", 1)}
    for item in items:
        assert item["size"] >= MIN_BITS
        assert item["url"].endswith(f"/api/v1/status/{item['purpose']}/1")


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/api/v1/status/status/1", 422),
        ("/api/v1/status/refresh/1", 422),
        ("/api/v1/status/revocation/2", 404),
        ("/api/v1/status/suspension/999999", 404),
        ("/api/v1/status/revocation/0", 400),
        ("/api/v1/status/revocation/abc", 404),
        ("/api/v1/status/revocation/-1", 400),
    ],
)
async def test_refusals_are_precise(certified: Certified, path: str, status: int) -> None:
    assert_problem(await certified.client.get(path), status)
