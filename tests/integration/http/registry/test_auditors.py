"""Accreditation and conflicts of interest over HTTP."""

from __future__ import annotations

import httpx
import pytest

from registry.accounts import Role
from registry.db.tables import AccreditationRow, ConflictRow
from tests.support.http import assert_problem, bearer, make_account
from tests.support.providers import Headers, days, make_auditor, register_provider

Client = httpx.AsyncClient


def _grant(**overrides: object) -> dict[str, object]:
    body: dict[str, object] = {
        "provider_types": ["recruiter"],
        "countries": ["PH", "ae"],
        "valid_from": days(-10),
        "valid_until": days(365),
    }
    body.update(overrides)
    return body


async def test_accredit_list_and_suspend_keeps_history(
    client: Client, secretariat: Headers
) -> None:
    auditor_id, auditor = await make_auditor()
    url = f"/api/v1/auditors/{auditor_id}/accreditations"
    created = await client.post(url, json=_grant(), headers=secretariat)
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["countries"] == ["AE", "PH"]
    assert body["state"] == "active"
    suspended = await client.post(
        f"{url}/{body['id']}/suspend", json={"reason": "complaint"}, headers=secretariat
    )
    assert suspended.status_code == 200, suspended.text
    assert suspended.json()["state"] == "suspended"
    own = (await client.get(url, headers=auditor)).json()["items"]
    assert [(e["action"], e["reason"]) for e in own[0]["history"]] == [
        ("granted", None),
        ("suspended", "complaint"),
    ]
    again = await client.post(
        f"{url}/{body['id']}/suspend", json={"reason": "x"}, headers=secretariat
    )
    assert_problem(again, 409)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"countries": ["PH", "XX"]}, "countries[1]"),
        ({"provider_types": ["smuggler"]}, "provider_types"),
        ({"valid_until": days(-20)}, "valid_until"),
        ({"countries": []}, "countries"),
    ],
)
async def test_invalid_accreditation_is_refused(
    client: Client, secretariat: Headers, overrides: dict[str, object], field: str
) -> None:
    auditor_id, _ = await make_auditor()
    url = f"/api/v1/auditors/{auditor_id}/accreditations"
    assert_problem(
        await client.post(url, json=_grant(**overrides), headers=secretariat), 422, field
    )
    assert await AccreditationRow.count().run() == 0


async def test_only_auditor_accounts_are_accredited(client: Client, secretariat: Headers) -> None:
    provider_id, _ = await register_provider(client, secretariat)
    other = await client.get("/api/v1/accounts?role=secretariat", headers=secretariat)
    account_id = other.json()["items"][0]["id"]
    url = f"/api/v1/auditors/{account_id}/accreditations"
    assert_problem(await client.post(url, json=_grant(), headers=secretariat), 422, "account_id")
    missing = "/api/v1/auditors/acc_missing/accreditations"
    assert_problem(await client.post(missing, json=_grant(), headers=secretariat), 404)
    assert provider_id


async def test_wrong_roles_cannot_accredit_or_read_others(
    client: Client, secretariat: Headers
) -> None:
    auditor_id, auditor = await make_auditor()
    _, other_auditor = await make_auditor("Other")
    _, provider = await register_provider(client, secretariat)
    url = f"/api/v1/auditors/{auditor_id}/accreditations"
    assert_problem(await client.post(url, json=_grant(), headers=auditor), 403)
    assert_problem(await client.post(url, json=_grant(), headers=provider), 403)
    assert_problem(await client.get(url, headers=other_auditor), 403)
    assert_problem(await client.get(url, headers=provider), 403)
    assert_problem(await client.get(url), 401)


async def test_conflicts_declared_by_either_side_listed_for_secretariat(
    client: Client, secretariat: Headers
) -> None:
    auditor_id, auditor = await make_auditor()
    provider_id, provider = await register_provider(client, secretariat)
    by_auditor = await client.post(
        "/api/v1/conflicts",
        json={"provider_id": provider_id, "reason": "former employer"},
        headers=auditor,
    )
    assert by_auditor.status_code == 201, by_auditor.text
    assert by_auditor.json()["declared_by_role"] == "auditor"
    by_provider = await client.post(
        "/api/v1/conflicts",
        json={"auditor_id": auditor_id, "reason": "family ties"},
        headers=provider,
    )
    assert by_provider.status_code == 201, by_provider.text
    assert by_provider.json()["provider_id"] == provider_id
    listed = await client.get(f"/api/v1/conflicts?provider_id={provider_id}", headers=secretariat)
    items = listed.json()["items"]
    assert [c["declared_by_role"] for c in items] == ["auditor", "provider"]
    # either side's declaration waits for the secretariat: pending, in force for nothing
    assert {(c["state"], c["review_state"], c["in_force"]) for c in items} == {
        ("pending", "pending", False)
    }
    assert all(c["reviewed_at"] is None for c in items)
    assert_problem(await client.get("/api/v1/conflicts", headers=auditor), 403)
    assert_problem(await client.get("/api/v1/conflicts", headers=provider), 403)


async def test_bad_conflict_declarations_are_refused(client: Client, secretariat: Headers) -> None:
    auditor_id, auditor = await make_auditor()
    _, provider = await register_provider(client, secretariat)
    cases = [
        (auditor, {"reason": "x"}, 422, "provider_id"),
        (auditor, {"provider_id": "RMP-00000000", "reason": "x"}, 422, "provider_id"),
        (provider, {"reason": "x"}, 422, "auditor_id"),
        (provider, {"auditor_id": "acc_nobody", "reason": "x"}, 422, "auditor_id"),
        (secretariat, {"auditor_id": auditor_id, "reason": "x"}, 422, "provider_id"),
        (secretariat, {"provider_id": "RMP-00000000", "reason": "x"}, 422, "auditor_id"),
    ]
    for headers, body, status, field in cases:
        response = await client.post("/api/v1/conflicts", json=body, headers=headers)
        assert_problem(response, status, *([field] if field else []))
    assert await ConflictRow.count().run() == 0


async def test_secretariat_reinstates_a_suspended_accreditation(
    client: Client, secretariat: Headers
) -> None:
    auditor_id, auditor = await make_auditor()
    url = f"/api/v1/auditors/{auditor_id}/accreditations"
    accreditation = (await client.post(url, json=_grant(), headers=secretariat)).json()
    one = f"{url}/{accreditation['id']}"
    # an active accreditation is not reinstated: 409, and no event is written
    assert_problem(
        await client.post(f"{one}/reinstate", json={"reason": "x"}, headers=secretariat), 409
    )
    await client.post(f"{one}/suspend", json={"reason": "complaint"}, headers=secretariat)
    # only the secretariat, with a reason
    for headers in (auditor, bearer(await make_account(Role.AUDITOR))):
        assert_problem(
            await client.post(f"{one}/reinstate", json={"reason": "x"}, headers=headers), 403
        )
    assert_problem(await client.post(f"{one}/reinstate", json={"reason": "x"}), 401)
    assert_problem(
        await client.post(f"{one}/reinstate", json={"reason": ""}, headers=secretariat),
        422,
        "reason",
    )
    assert_problem(
        await client.post(f"{one}/reinstate", json={}, headers=secretariat), 422, "reason"
    )
    assert_problem(
        await client.post(
            f"{url}/acr_missing/reinstate", json={"reason": "x"}, headers=secretariat
        ),
        404,
    )
    reinstated = await client.post(
        f"{one}/reinstate", json={"reason": "complaint dismissed"}, headers=secretariat
    )
    assert reinstated.status_code == 200, reinstated.text
    body = reinstated.json()
    assert body["state"] == "active"
    assert [(e["action"], e["reason"]) for e in body["history"]] == [
        ("granted", None),
        ("suspended", "complaint"),
        ("reinstated", "complaint dismissed"),
    ]
    assert body["history"][-1]["actor"].startswith("secretariat:")
    assert_problem(
        await client.post(f"{one}/reinstate", json={"reason": "x"}, headers=secretariat), 409
    )
    own = (await client.get(url, headers=auditor)).json()["items"][0]
    assert own["state"] == "active"
    assert len(own["history"]) == 3
    # suspend again after reinstatement works: the cycle can repeat
    again = await client.post(f"{one}/suspend", json={"reason": "again"}, headers=secretariat)
    assert again.json()["state"] == "suspended"


async def _declare(client: Client, headers: Headers, **body: str) -> dict[str, object]:
    response = await client.post("/api/v1/conflicts", json={"reason": "r", **body}, headers=headers)
    assert response.status_code == 201, response.text
    result: dict[str, object] = response.json()
    return result


async def test_conflicts_are_withdrawn_by_declarer_or_secretariat_and_kept(
    client: Client, secretariat: Headers
) -> None:
    auditor_id, auditor = await make_auditor()
    _, other_auditor = await make_auditor("Other")
    provider_id, provider = await register_provider(client, secretariat)
    _, other_provider = await register_provider(client, secretariat, legal_name="Other Ltd")
    by_auditor = await _declare(client, auditor, provider_id=provider_id)
    by_provider = await _declare(client, provider, auditor_id=auditor_id)
    assert by_auditor["state"] == by_provider["state"] == "pending"
    assert by_auditor["withdrawn_at"] is None

    def url(conflict: dict[str, object]) -> str:
        return f"/api/v1/conflicts/{conflict['id']}/withdraw"

    reason = {"reason": "no longer related"}
    # the named side may not withdraw the other side's declaration (403) ...
    assert_problem(await client.post(url(by_auditor), json=reason, headers=provider), 403)
    assert_problem(await client.post(url(by_provider), json=reason, headers=auditor), 403)
    # ... strangers do not learn it exists (404); anonymous 401; a reason is required
    assert_problem(await client.post(url(by_auditor), json=reason, headers=other_auditor), 404)
    assert_problem(await client.post(url(by_provider), json=reason, headers=other_provider), 404)
    assert_problem(await client.post(url(by_auditor), json=reason), 401)
    assert_problem(
        await client.post(url(by_auditor), json={"reason": ""}, headers=auditor), 422, "reason"
    )
    assert_problem(
        await client.post(
            "/api/v1/conflicts/coi_missing/withdraw", json=reason, headers=secretariat
        ),
        404,
    )
    assert await ConflictRow.count().where(ConflictRow.withdrawn_at.is_not_null()).run() == 0

    # the declaring auditor withdraws its own
    done = await client.post(url(by_auditor), json=reason, headers=auditor)
    assert done.status_code == 200, done.text
    body = done.json()
    assert body["state"] == "withdrawn"
    assert body["withdrawn_by"] == f"auditor:{auditor_id}"
    assert body["withdrawal_reason"] == "no longer related"
    assert body["withdrawn_at"]
    assert_problem(await client.post(url(by_auditor), json=reason, headers=auditor), 409)
    # another account of the declaring provider withdraws the provider's
    second = bearer(await make_account(Role.PROVIDER, provider_id=provider_id))
    done = await client.post(url(by_provider), json=reason, headers=second)
    assert done.status_code == 200, done.text
    assert done.json()["withdrawn_by"].startswith("provider:")
    # both still listed, as withdrawn
    listed = (
        await client.get(f"/api/v1/conflicts?provider_id={provider_id}", headers=secretariat)
    ).json()["items"]
    assert [(c["id"], c["state"]) for c in listed] == [
        (by_auditor["id"], "withdrawn"),
        (by_provider["id"], "withdrawn"),
    ]
    assert await ConflictRow.count().run() == 2


async def test_secretariat_withdraws_any_conflict(client: Client, secretariat: Headers) -> None:
    auditor_id, auditor = await make_auditor()
    provider_id, _ = await register_provider(client, secretariat)
    declared = await _declare(client, auditor, provider_id=provider_id)
    response = await client.post(
        f"/api/v1/conflicts/{declared['id']}/withdraw",
        json={"reason": "declared in error"},
        headers=secretariat,
    )
    assert response.status_code == 200, response.text
    assert response.json()["withdrawn_by"].startswith("secretariat:")
    assert auditor_id


async def test_new_operations_are_described_in_openapi(client: Client) -> None:
    paths = (await client.get("/schema/openapi.json")).json()["paths"]
    expected = {
        "/api/v1/auditors/{account_id}/accreditations/{accreditation_id}/reinstate": (
            "reinstateAccreditation"
        ),
        "/api/v1/conflicts/{conflict_id}/withdraw": "withdrawConflict",
        "/api/v1/conflicts/{conflict_id}/review": "reviewConflict",
    }
    for path, operation_id in expected.items():
        operation = paths[path]["post"]
        assert operation["operationId"] == operation_id
        assert operation["summary"]


async def test_pending_provider_account_cannot_declare_a_conflict(
    client: Client, secretariat: Headers
) -> None:
    auditor_id, _ = await make_auditor()
    created = await client.post(
        "/api/v1/accounts", json={"name": "New agency", "role": "provider"}, headers=secretariat
    )
    pending = bearer(created.json()["token"])
    response = await client.post(
        "/api/v1/conflicts", json={"auditor_id": auditor_id, "reason": "x"}, headers=pending
    )
    assert "register it first" in assert_problem(response, 409)["detail"]
    assert await ConflictRow.count().run() == 0


async def test_secretariat_reviews_pending_conflicts(client: Client, secretariat: Headers) -> None:
    auditor_id, auditor = await make_auditor()
    other_id, _ = await make_auditor("Other")
    provider_id, provider = await register_provider(client, secretariat)
    first = await _declare(client, provider, auditor_id=auditor_id)
    second = await _declare(client, auditor, provider_id=provider_id)

    def url(conflict: dict[str, object]) -> str:
        return f"/api/v1/conflicts/{conflict['id']}/review"

    accept = {"decision": "accept", "reason": "confirmed with the provider"}
    # only the secretariat reviews; strangers and parties alike
    for headers in (provider, auditor):
        assert_problem(await client.post(url(first), json=accept, headers=headers), 403)
    assert_problem(await client.post(url(first), json=accept), 401)
    # bad bodies name the field; an unknown conflict is 404
    for body, field in [
        ({"decision": "maybe", "reason": "x"}, "decision"),
        ({"decision": "accept", "reason": ""}, "reason"),
        ({"decision": "accept"}, "reason"),
    ]:
        assert_problem(await client.post(url(first), json=body, headers=secretariat), 422, field)
    assert_problem(
        await client.post("/api/v1/conflicts/coi_missing/review", json=accept, headers=secretariat),
        404,
    )
    pending = await client.get("/api/v1/conflicts?state=pending", headers=secretariat)
    assert [c["id"] for c in pending.json()["items"]] == [first["id"], second["id"]]

    done = await client.post(url(first), json=accept, headers=secretariat)
    assert done.status_code == 200, done.text
    body = done.json()
    assert (body["state"], body["review_state"], body["in_force"]) == ("accepted", "accepted", True)
    assert body["reviewed_by"].startswith("secretariat:")
    assert body["review_reason"] == "confirmed with the provider"
    assert body["reviewed_at"]
    # reviewed already: 409, whichever the decision
    for decision in ("accept", "reject"):
        again = await client.post(
            url(first), json={"decision": decision, "reason": "x"}, headers=secretariat
        )
        assert "already accepted" in assert_problem(again, 409)["detail"]
    # withdrawn: 409 too
    await client.post(
        f"/api/v1/conflicts/{second['id']}/withdraw", json={"reason": "x"}, headers=auditor
    )
    withdrawn = await client.post(url(second), json=accept, headers=secretariat)
    assert "withdrawn" in assert_problem(withdrawn, 409)["detail"]

    by_state = {
        state: [
            c["id"]
            for c in (
                await client.get(f"/api/v1/conflicts?state={state}", headers=secretariat)
            ).json()["items"]
        ]
        for state in ("pending", "accepted", "rejected", "withdrawn")
    }
    assert by_state == {
        "pending": [],
        "accepted": [first["id"]],
        "rejected": [],
        "withdrawn": [second["id"]],
    }
    assert_problem(await client.get("/api/v1/conflicts?state=active", headers=secretariat), 400)

    # the secretariat's own declaration is accepted at once
    own = await _declare(client, secretariat, provider_id=provider_id, auditor_id=other_id)
    assert (own["state"], own["declared_by_role"], own["in_force"]) == (
        "accepted",
        "secretariat",
        True,
    )


async def test_provider_cannot_veto_the_last_able_auditor(
    client: Client, secretariat: Headers
) -> None:
    """A provider naming every auditor accredited for its scope is refused at the last."""
    provider_id, provider = await register_provider(client, secretariat)
    ids = []
    for name in ("One", "Two"):
        auditor_id, _ = await make_auditor(name)
        granted = await client.post(
            f"/api/v1/auditors/{auditor_id}/accreditations",
            json=_grant(provider_types=["recruiter", "training"], countries=["PH", "AE", "QA"]),
            headers=secretariat,
        )
        assert granted.status_code == 201, granted.text
        ids.append(auditor_id)
    await _declare(client, provider, auditor_id=ids[0])
    last = await client.post(
        "/api/v1/conflicts", json={"auditor_id": ids[1], "reason": "r"}, headers=provider
    )
    assert "would leave no auditor" in assert_problem(last, 409)["detail"]
    assert await ConflictRow.count().run() == 1
    assert provider_id
