"""Key rotation and compromise as employers see them through POST /api/v1/verify."""

from __future__ import annotations

import datetime as dt
from typing import Any

from registry import keys as signing
from registry.clock import utc_now
from registry.trust.verify.engine import parse_datetime
from tests.support.certified import Certified, certify, fetch_credential
from tests.support.http import assert_problem


def _checks(verdict: dict[str, Any]) -> dict[str, dict[str, str]]:
    return {check["name"]: check for check in verdict["checks"]}


async def _second_certificate(certified: Certified) -> dict[str, Any]:
    world = certified.world
    decided = await certify(world, world.other_application)
    assert decided.status_code == 201, decided.text
    return await fetch_credential(world.client, decided.json()["certificate"]["id"])


def _created(credential: dict[str, Any]) -> dt.datetime:
    created = parse_datetime(credential["proof"]["created"])
    assert created is not None
    return created


async def test_rotation_keeps_old_certificates_valid(certified: Certified) -> None:
    old_method = certified.credential["proof"]["verificationMethod"]
    new_key, retired = await signing.rotate_key("test")
    assert retired is not None
    assert retired.verification_method == old_method
    verdict = await certified.verify()
    assert verdict["valid"] is True, verdict
    newer = await _second_certificate(certified)
    assert newer["proof"]["verificationMethod"] == new_key.verification_method != old_method
    assert (await certified.verify(newer))["valid"] is True
    # Status lists are now signed with the new key, and still accepted for the old certificate.
    listed = (await certified.client.get("/api/v1/status/revocation/1")).json()
    assert listed["proof"]["verificationMethod"] == new_key.verification_method
    document = (await certified.client.get("/.well-known/did.json")).json()
    assert document["assertionMethod"] == [old_method, new_key.verification_method]


async def test_compromise_before_the_proof_voids_the_certificate(certified: Certified) -> None:
    old = certified.credential["proof"]["verificationMethod"]
    await signing.rotate_key("test")
    newer = await _second_certificate(certified)
    since = _created(certified.credential) - dt.timedelta(seconds=1)
    await signing.mark_compromised(old, since, "key file leaked", "test")
    verdict = await certified.verify()
    assert verdict["valid"] is False
    assert verdict["status"] == "invalid"
    key = _checks(verdict)["key"]
    assert key["result"] == "failed"
    assert "compromised" in key["detail"]
    assert old in key["detail"]
    assert verdict["reason"].startswith("Not a genuine certificate of this registry: ")
    assert key["detail"].rstrip(".") in verdict["reason"]
    # Certificates signed by the new key are unaffected.
    assert (await certified.verify(newer))["valid"] is True


async def test_compromise_after_the_proof_keeps_it_valid(certified: Certified) -> None:
    old = certified.credential["proof"]["verificationMethod"]
    await signing.rotate_key("test")
    since = utc_now()
    assert since > _created(certified.credential)
    await signing.mark_compromised(old, since, "key file leaked later", "test")
    verdict = await certified.verify()
    assert verdict["valid"] is True, verdict
    document = (await certified.client.get("/.well-known/did.json")).json()
    [method] = [m for m in document["verificationMethod"] if m["id"] == old]
    assert "revoked" in method


async def test_compromising_the_only_key_blocks_issuance(certified: Certified) -> None:
    """No active key: a certified decision is refused with 409 and leaves nothing behind."""
    world = certified.world
    old = certified.credential["proof"]["verificationMethod"]
    _, was_active = await signing.mark_compromised(old, utc_now(), "lost", "test")
    assert was_active
    filed = await world.file(world.submission(), application=world.other_application)
    assert filed.status_code == 201, filed.text
    decided = await world.client.post(
        f"/api/v1/applications/{world.other_application}/decision",
        headers=world.secretariat.headers,
    )
    problem = assert_problem(decided, 409)
    assert "key" in problem["detail"]
    for who in (world.secretariat, world.other_provider):
        decision = await world.client.get(
            f"/api/v1/applications/{world.other_application}/decision", headers=who.headers
        )
        assert_problem(decision, 404)
    application = await world.client.get(
        f"/api/v1/applications/{world.other_application}", headers=world.secretariat.headers
    )
    assert application.status_code == 200, application.text
    assert application.json()["state"] == "assessed"
    listed = (await world.client.get("/api/v1/certificates")).json()
    assert [item["id"] for item in listed["items"]] == [certified.id]
    # Once a key is there again, the same decision goes through.
    await signing.rotate_key("test")
    decided = await world.client.post(
        f"/api/v1/applications/{world.other_application}/decision",
        headers=world.secretariat.headers,
    )
    assert decided.status_code == 201, decided.text
    assert decided.json()["certificate"] is not None
    # The old certificate (signed before the compromise time) still verifies.
    assert (await certified.verify())["valid"] is True


async def test_without_any_active_key_lists_are_unavailable_not_500(
    certified: Certified,
) -> None:
    old = certified.credential["proof"]["verificationMethod"]
    await signing.mark_compromised(old, utc_now(), "lost", "test")
    response = await certified.client.get("/api/v1/status/revocation/1")
    assert "no active signing key" in assert_problem(response, 409)["detail"]
    verdict = await certified.verify()
    assert verdict["valid"] is False
    assert _checks(verdict)["revocation"]["result"] == "failed"
    assert "unavailable" in _checks(verdict)["revocation"]["detail"]
