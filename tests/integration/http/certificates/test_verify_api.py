"""POST /api/v1/verify and /verify/batch against real certificates, and the secretariat's
suspend / reinstate / revoke that change their verdicts."""

from __future__ import annotations

import copy
import json
from typing import Any

import httpx
import pytest

from registry.trust.verify.engine import CHECK_NAMES
from tests.support.certified import Certified
from tests.support.http import assert_problem

EXTRA_CHECKS = {"log"}  # the API's own checks beyond the offline engine's (transparency log)


def _checks(verdict: dict[str, Any]) -> dict[str, dict[str, str]]:
    return {check["name"]: check for check in verdict["checks"]}


def _assert_valid(verdict: dict[str, Any]) -> None:
    assert verdict["valid"] is True, verdict
    assert verdict["status"] == "valid"
    names = [c["name"] for c in verdict["checks"]]
    assert names[: len(CHECK_NAMES)] == list(CHECK_NAMES)
    assert set(names[len(CHECK_NAMES) :]) <= EXTRA_CHECKS, names
    assert {c["result"] for c in verdict["checks"]} == {"passed"}, verdict["checks"]


async def test_a_fresh_certificate_verifies(certified: Certified) -> None:
    verdict = await certified.verify()
    _assert_valid(verdict)
    for check in verdict["checks"]:
        assert check["detail"]
    summary = verdict["certificate"]
    assert summary["id"] == certified.credential["id"]
    assert summary["code"] == certified.certificate["code"]
    assert summary["grade"] == certified.certificate["grade"]
    assert summary["provider"]["id"] == certified.world.provider_id


async def test_suspend_reinstate_revoke(certified: Certified) -> None:
    suspended = await certified.change("suspend", "worker complaint under investigation")
    assert suspended.status_code == 200, suspended.text
    assert suspended.json()["status"] == "suspended"
    assert suspended.json()["status_reason"] == "worker complaint under investigation"
    verdict = await certified.verify()
    assert verdict["valid"] is False
    assert verdict["status"] == "suspended"
    assert "suspended" in verdict["reason"]
    assert "worker complaint under investigation" in verdict["reason"]
    assert _checks(verdict)["suspension"]["result"] == "failed"
    assert _checks(verdict)["revocation"]["result"] == "passed"
    assert _checks(verdict)["signature"]["result"] == "passed"
    read = await certified.read()
    assert read["status"] == "suspended"
    assert read["status_reason"] == "worker complaint under investigation"

    # Suspending twice is a conflict, not a second event.
    assert_problem(await certified.change("suspend", "again"), 409)

    reinstated = await certified.change("reinstate", "complaint not substantiated")
    assert reinstated.status_code == 200, reinstated.text
    assert reinstated.json()["status"] == "valid"
    assert reinstated.json()["status_reason"] is None
    _assert_valid(await certified.verify())
    assert_problem(await certified.change("reinstate", "again"), 409)

    revoked = await certified.change("revoke", "fees charged to workers")
    assert revoked.status_code == 200, revoked.text
    assert revoked.json()["status"] == "revoked"
    verdict = await certified.verify()
    assert verdict["valid"] is False
    assert verdict["status"] == "revoked"
    assert "revoked" in verdict["reason"]
    assert "fees charged to workers" in verdict["reason"]
    assert _checks(verdict)["revocation"]["result"] == "failed"

    # Revocation is final.
    for action in ("reinstate", "suspend", "revoke"):
        assert_problem(await certified.change(action, "try"), 409)
    assert (await certified.verify())["status"] == "revoked"
    history = (await certified.read())["history"]
    assert [(e["action"], e["reason"]) for e in history] == [
        ("issued", f"decision on {certified.world.application}"),
        ("suspended", "worker complaint under investigation"),
        ("reinstated", "complaint not substantiated"),
        ("revoked", "fees charged to workers"),
    ]


async def test_changes_by_code(certified: Certified) -> None:
    code = certified.certificate["code"].lower().replace("-", "")
    response = await certified.client.post(
        f"/api/v1/certificates/{code}/suspend",
        json={"reason": "by code"},
        headers=certified.world.secretariat.headers,
    )
    assert response.status_code == 200, response.text
    assert response.json()["id"] == certified.id


@pytest.mark.parametrize("action", ["suspend", "reinstate", "revoke"])
@pytest.mark.parametrize(
    "body",
    [
        {},
        {"reason": ""},
        {"reason": "   "},
        {"reason": None},
        {"reason": "x" * 2001},
        {"reason": "nul\u0000byte"},
    ],
    ids=["missing", "empty", "blank", "null", "too-long", "nul"],
)
async def test_reason_is_required(certified: Certified, action: str, body: Any) -> None:
    if action == "reinstate":
        assert (await certified.change("suspend", "first")).status_code == 200
    response = await certified.client.post(
        f"/api/v1/certificates/{certified.id}/{action}",
        json=body,
        headers=certified.world.secretariat.headers,
    )
    assert_problem(response, 422, "reason")
    expected = "suspended" if action == "reinstate" else "valid"
    assert (await certified.read())["status"] == expected


@pytest.mark.parametrize(
    ("body", "status"),
    [
        (b"", 422),  # no body at all: `data` is missing
        (b"reason=x", 400),
        (b"[]", 400),
        (b'{"reason": "ok", "extra": 1}', 422),
    ],
)
async def test_change_body_must_be_a_reason_object(
    certified: Certified, body: bytes, status: int
) -> None:
    response = await certified.client.post(
        f"/api/v1/certificates/{certified.id}/suspend",
        content=body,
        headers={**certified.world.secretariat.headers, "Content-Type": "application/json"},
    )
    assert 400 <= response.status_code < 500
    assert_problem(response, status)
    assert (await certified.read())["status"] == "valid"


@pytest.mark.parametrize("action", ["suspend", "reinstate", "revoke"])
@pytest.mark.parametrize("who", ["provider", "auditor", "other_provider", "nobody", "bogus"])
async def test_only_the_secretariat_changes_a_certificate(
    certified: Certified, action: str, who: str
) -> None:
    world = certified.world
    headers = {
        "provider": world.provider.headers,
        "auditor": world.auditor.headers,
        "other_provider": world.other_provider.headers,
        "nobody": {},
        "bogus": {"Authorization": "Bearer rm_not_a_token"},
    }[who]
    response = await certified.client.post(
        f"/api/v1/certificates/{certified.id}/{action}", json={"reason": "x"}, headers=headers
    )
    assert_problem(response, 401 if who in ("nobody", "bogus") else 403)
    assert (await certified.read())["status"] == "valid"


async def test_changing_an_unknown_certificate_is_404(certified: Certified) -> None:
    for name in ("crt_0000000000000000", "RM-0000-0000"):
        response = await certified.client.post(
            f"/api/v1/certificates/{name}/suspend",
            json={"reason": "x"},
            headers=certified.world.secretariat.headers,
        )
        assert_problem(response, 404)


def _set(document: dict[str, Any], path: tuple[str | int, ...], value: Any) -> None:
    target: Any = document
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = value


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("credentialSubject", "grade"), "platinum"),
        (("credentialSubject", "score"), 55.5),
        (("credentialSubject", "provider", "legalName"), "Someone Else"),
        (("validUntil",), "2099-01-01T00:00:00Z"),
        (("credentialStatus", 0, "statusListIndex"), "7"),
        (("name",), "Rightsmark certificate RM-0000-0000"),
    ],
)
async def test_tampering_fails_the_signature(
    certified: Certified, path: tuple[str | int, ...], value: Any
) -> None:
    tampered = copy.deepcopy(certified.credential)
    _set(tampered, path, value)
    verdict = await certified.verify(tampered)
    assert verdict["valid"] is False
    assert verdict["status"] == "invalid"
    signature = _checks(verdict)["signature"]
    assert signature["result"] == "failed"
    assert "altered" in signature["detail"]


async def test_tampered_context_fails_format(certified: Certified) -> None:
    tampered = copy.deepcopy(certified.credential)
    tampered["@context"].append("https://example.org/evil/v1")
    verdict = await certified.verify(tampered)
    assert verdict["valid"] is False
    assert _checks(verdict)["format"]["result"] == "failed"


async def test_proof_removed(certified: Certified) -> None:
    tampered = copy.deepcopy(certified.credential)
    del tampered["proof"]
    verdict = await certified.verify(tampered)
    assert verdict["valid"] is False
    assert _checks(verdict)["signature"]["result"] == "failed"


@pytest.mark.parametrize(
    "body",
    [b"", b"not json", b"{", b'{"a": 1', b"\xff\xfe", b'{"a": NaN}'],
    ids=["empty", "text", "brace", "unterminated", "binary", "nan"],
)
async def test_body_that_is_not_json_is_400(certified: Certified, body: bytes) -> None:
    response = await certified.client.post(
        "/api/v1/verify", content=body, headers={"Content-Type": "application/json"}
    )
    assert_problem(response, 400)


@pytest.mark.parametrize(
    "credential",
    [[], [1, 2], "a string", 42, None, True, {}, {"@context": 5, "credentialStatus": "x"}],
    ids=["empty-list", "list", "string", "number", "null", "bool", "empty", "junk"],
)
async def test_json_that_is_not_a_credential_is_an_invalid_verdict(
    certified: Certified, credential: Any
) -> None:
    response = await certified.client.post(
        "/api/v1/verify",
        content=json.dumps(credential),
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 200, response.text
    verdict = response.json()
    assert verdict["valid"] is False
    assert verdict["status"] == "invalid"
    assert _checks(verdict)["format"]["result"] == "failed"
    names = [c["name"] for c in verdict["checks"]]
    assert names[: len(CHECK_NAMES)] == list(CHECK_NAMES)
    assert set(names[len(CHECK_NAMES) :]) <= EXTRA_CHECKS, names


async def test_deeply_nested_json_is_not_a_500(certified: Certified) -> None:
    deep = b"[" * 20_000 + b"]" * 20_000
    credential = json.dumps(certified.credential).encode()
    nested = credential[:-1] + b',"extra":' + b'{"x":' * 2_000 + b"{}" + b"}" * 2_000 + b"}"
    shallow = credential[:-1] + b',"extra":' + b'{"x":' * 200 + b"{}" + b"}" * 200 + b"}"
    for body in (deep, nested):
        response = await certified.client.post(
            "/api/v1/verify", content=body, headers={"Content-Type": "application/json"}
        )
        assert_problem(response, 400)
        assert "nested too deeply" in response.json()["detail"]
        batch = b'{"credentials":[' + body + b"]}"
        response = await certified.client.post(
            "/api/v1/verify/batch", content=batch, headers={"Content-Type": "application/json"}
        )
        assert_problem(response, 400)
    response = await certified.client.post(
        "/api/v1/verify", content=shallow, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 200, response.text
    assert response.json()["valid"] is False  # an added property breaks the signature


async def test_status_urls_of_other_servers_are_not_fetched(certified: Certified) -> None:
    forged = copy.deepcopy(certified.credential)
    forged["credentialStatus"][0]["statusListCredential"] = "https://evil.example/list/1"
    verdict = await certified.verify(forged)
    assert verdict["valid"] is False


async def test_verify_is_public_and_ignores_tokens(certified: Certified) -> None:
    for headers in ({}, certified.world.provider.headers, {"Authorization": "Bearer rm_bogus"}):
        response = await certified.client.post(
            "/api/v1/verify", json=certified.credential, headers=headers
        )
        assert response.status_code == 200, response.text
        assert response.json()["valid"] is True


async def test_batch(certified: Certified) -> None:
    tampered = copy.deepcopy(certified.credential)
    tampered["credentialSubject"]["grade"] = "platinum"
    credentials = [certified.credential, tampered, "nonsense", certified.credential]
    response = await certified.client.post(
        "/api/v1/verify/batch", json={"credentials": credentials}
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["valid"], body["not_valid"]) == (2, 2)
    assert [item["valid"] for item in body["items"]] == [True, False, False, True]
    assert body["items"][1]["status"] == "invalid"

    assert (await certified.change("suspend", "batch")).status_code == 200
    response = await certified.client.post(
        "/api/v1/verify/batch", json={"credentials": [certified.credential]}
    )
    assert response.status_code == 200, response.text
    assert response.json()["items"][0]["status"] == "suspended"
    assert (response.json()["valid"], response.json()["not_valid"]) == (0, 1)


async def test_batch_of_exactly_100(certified: Certified) -> None:
    response = await certified.client.post(
        "/api/v1/verify/batch", json={"credentials": [certified.credential] * 100}
    )
    assert response.status_code == 200, response.text
    assert response.json()["valid"] == 100


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"credentials": [{}] * 101}, 422, "credentials"),
        ({"credentials": []}, 422, "credentials"),
        ({}, 422, "credentials"),
        ({"credentials": {}}, 422, "credentials"),
        ({"credentials": [{}], "more": 1}, 422, "more"),
        ([{}], 400, None),
    ],
)
async def test_batch_refusals(
    certified: Certified, body: Any, status: int, field: str | None
) -> None:
    response = await certified.client.post("/api/v1/verify/batch", json=body)
    assert_problem(response, status, *([field] if field else []))


async def test_batch_not_json_is_400(certified: Certified) -> None:
    response = await certified.client.post(
        "/api/v1/verify/batch", content=b"{nope", headers={"Content-Type": "application/json"}
    )
    assert_problem(response, 400)


async def test_verify_with_no_keys_at_all(client: httpx.AsyncClient) -> None:
    """A registry that never had a key vouches for nothing: a verdict, not an error."""
    response = await client.post("/api/v1/verify", json={"id": "x"})
    assert response.status_code == 200, response.text
    verdict = response.json()
    assert verdict["valid"] is False
    assert verdict["status"] == "invalid"


@pytest.mark.parametrize(
    "path",
    [
        ("id",),
        ("credentialSubject", "standard", "slug"),
        ("credentialSubject", "standard", "version"),
        ("credentialStatus", 0, "statusListCredential"),
        ("credentialSubject", "certificateCode"),
    ],
)
async def test_nul_characters_in_a_credential(
    certified: Certified, path: tuple[str | int, ...]
) -> None:
    tampered = copy.deepcopy(certified.credential)
    target: Any = tampered
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = f"{target[path[-1]]}\u0000"
    verdict = await certified.verify(tampered)
    assert verdict["valid"] is False
    assert verdict["status"] == "invalid"
