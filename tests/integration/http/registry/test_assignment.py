"""Assigning auditors: scope, validity, suspension, conflicts, rotation, automatic choice."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from registry import applications
from registry.applications import ApplicationState
from registry.db.database import write_transaction
from registry.db.tables import ApplicationEventRow
from tests.support.http import assert_problem
from tests.support.providers import (
    Headers,
    apply,
    days,
    make_auditor,
    publish_library,
    register_provider,
)

Client = httpx.AsyncClient


@pytest.fixture
async def secretariat(secretariat: Headers) -> Headers:
    """The secretariat, with the standards library published."""
    await publish_library()
    return secretariat


@pytest.fixture
async def application(client: Client, provider: tuple[str, Headers]) -> str:
    response = await apply(client, provider[1])  # recruiter, PH-AE: countries PH and AE
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


async def _accredited(
    client: Client, secretariat: Headers, name: str = "Auditor", **overrides: Any
) -> tuple[str, Headers]:
    auditor_id, headers = await make_auditor(name)
    body: dict[str, Any] = {
        "provider_types": ["recruiter", "training"],
        "countries": ["PH", "AE", "QA"],
        "valid_from": days(-30),
        "valid_until": days(365),
    }
    body.update(overrides)
    response = await client.post(
        f"/api/v1/auditors/{auditor_id}/accreditations", json=body, headers=secretariat
    )
    assert response.status_code == 201, response.text
    return auditor_id, headers


async def _assign(
    client: Client, secretariat: Headers, application_id: str, **body: Any
) -> httpx.Response:
    return await client.post(
        f"/api/v1/applications/{application_id}/assign", json=body, headers=secretariat
    )


async def _refused(
    client: Client, secretariat: Headers, application_id: str, auditor_id: str, words: str
) -> None:
    response = await _assign(client, secretariat, application_id, auditor_id=auditor_id)
    body = assert_problem(response, 422, "auditor_id")
    assert words in body["detail"], body
    assert (await applications.get_application(application_id)).state == "submitted"
    assert await ApplicationEventRow.count().run() >= 1


async def test_chosen_auditor_is_assigned_and_recorded(
    client: Client, secretariat: Headers, application: str
) -> None:
    auditor_id, auditor = await _accredited(client, secretariat)
    response = await _assign(client, secretariat, application, auditor_id=auditor_id)
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["state"], body["auditor_id"]) == ("auditor_assigned", auditor_id)
    seen = await client.get(f"/api/v1/applications/{application}", headers=auditor)
    assert seen.status_code == 200
    assert seen.json()["events"][-1]["from_state"] == "submitted"
    assert auditor_id in seen.json()["events"][-1]["reason"]
    listed = (await client.get("/api/v1/applications", headers=auditor)).json()["items"]
    assert [a["id"] for a in listed] == [application]
    again = await _assign(client, secretariat, application, auditor_id=auditor_id)
    assert "auditor_assigned" in assert_problem(again, 409)["detail"]


async def test_automatic_picks_fewest_assignments_then_lowest_id(
    client: Client, secretariat: Headers, application: str
) -> None:
    first, _ = await _accredited(client, secretariat, "One")
    second, _ = await _accredited(client, secretariat, "Two")
    await _accredited(client, secretariat, "Out of scope", provider_types=["lender"])
    picked = (await _assign(client, secretariat, application)).json()["auditor_id"]
    assert picked == min(first, second)
    _, other = await register_provider(client, secretariat, legal_name="Bravo")
    other_application = (await apply(client, other)).json()["id"]
    response = await _assign(client, secretariat, other_application)
    assert response.json()["auditor_id"] == max(first, second)


async def test_automatic_without_eligible_auditor_is_a_conflict(
    client: Client, secretariat: Headers, application: str
) -> None:
    await _accredited(client, secretariat, countries=["PH"])
    body = assert_problem(await _assign(client, secretariat, application), 409)
    assert "no eligible auditor" in body["detail"]
    assert "does not cover country AE" in body["detail"]


async def test_out_of_scope_provider_type(
    client: Client, secretariat: Headers, application: str
) -> None:
    auditor_id, _ = await _accredited(client, secretariat, provider_types=["training"])
    await _refused(client, secretariat, application, auditor_id, "provider type recruiter")


async def test_out_of_scope_country(client: Client, secretariat: Headers, application: str) -> None:
    auditor_id, _ = await _accredited(client, secretariat, countries=["PH", "QA"])
    await _refused(client, secretariat, application, auditor_id, "does not cover country AE")


async def test_expired_accreditation(
    client: Client, secretariat: Headers, application: str
) -> None:
    auditor_id, _ = await _accredited(
        client, secretariat, valid_from=days(-400), valid_until=days(-1)
    )
    await _refused(client, secretariat, application, auditor_id, "expired on")


async def test_accreditation_not_yet_valid_on_audit_date(
    client: Client, secretariat: Headers, application: str
) -> None:
    auditor_id, _ = await _accredited(client, secretariat, valid_from=days(30))
    response = await _assign(
        client, secretariat, application, auditor_id=auditor_id, audit_date=days(10)
    )
    assert "not valid until" in assert_problem(response, 422, "auditor_id")["detail"]
    later = await _assign(
        client, secretariat, application, auditor_id=auditor_id, audit_date=days(31)
    )
    assert later.status_code == 200, later.text
    assert later.json()["audit_date"] == days(31)


async def test_suspended_accreditation(
    client: Client, secretariat: Headers, application: str
) -> None:
    auditor_id, _ = await _accredited(client, secretariat)
    url = f"/api/v1/auditors/{auditor_id}/accreditations"
    accreditation = (await client.get(url, headers=secretariat)).json()["items"][0]["id"]
    await client.post(f"{url}/{accreditation}/suspend", json={"reason": "r"}, headers=secretariat)
    await _refused(client, secretariat, application, auditor_id, "is suspended")


async def _accept(client: Client, secretariat: Headers, conflict_id: str) -> None:
    response = await client.post(
        f"/api/v1/conflicts/{conflict_id}/review",
        json={"decision": "accept", "reason": "checked with both sides"},
        headers=secretariat,
    )
    assert response.status_code == 200, response.text


@pytest.mark.parametrize("side", ["auditor", "provider"])
async def test_conflict_declared_by_either_side(
    client: Client,
    secretariat: Headers,
    provider: tuple[str, Headers],
    application: str,
    side: str,
) -> None:
    auditor_id, auditor = await _accredited(client, secretariat)
    other_id, _ = await _accredited(client, secretariat, "Other")
    if side == "auditor":
        body = {"provider_id": provider[0], "reason": "former employer"}
        headers = auditor
    else:
        body = {"auditor_id": auditor_id, "reason": "family ties"}
        headers = provider[1]
    declared = await client.post("/api/v1/conflicts", json=body, headers=headers)
    assert declared.status_code == 201, declared.text
    await _accept(client, secretariat, declared.json()["id"])
    await _refused(client, secretariat, application, auditor_id, f"declared by the {side}")
    automatic = await _assign(client, secretariat, application)
    assert automatic.status_code == 200, automatic.text
    assert automatic.json()["auditor_id"] == other_id


async def test_pending_conflict_does_not_bar_assignment(
    client: Client, secretariat: Headers, provider: tuple[str, Headers], application: str
) -> None:
    """A declaration alone changes no assignment: the provider cannot pick its auditor."""
    auditor_id, _ = await _accredited(client, secretariat)
    friendly, _ = await _accredited(client, secretariat, "Friendly")
    declared = await client.post(
        "/api/v1/conflicts",
        json={"auditor_id": auditor_id, "reason": "we prefer another"},
        headers=provider[1],
    )
    assert declared.json()["state"] == "pending"
    response = await _assign(client, secretariat, application, auditor_id=auditor_id)
    assert response.status_code == 200, response.text
    assert friendly


async def _certify_with(
    client: Client, secretariat: Headers, provider: Headers, auditor_id: str
) -> None:
    application_id = (await apply(client, provider)).json()["id"]
    response = await _assign(client, secretariat, application_id, auditor_id=auditor_id)
    assert response.status_code == 200, response.text
    async with write_transaction():
        for state in (ApplicationState.ASSESSED, ApplicationState.CERTIFIED):
            await applications.record_transition(application_id, state, actor="test")


async def test_rotation_after_two_consecutive_cycles(
    client: Client, secretariat: Headers, provider: tuple[str, Headers]
) -> None:
    usual, _ = await _accredited(client, secretariat, "Usual")
    other, _ = await _accredited(client, secretariat, "Other")
    await _certify_with(client, secretariat, provider[1], usual)
    await _certify_with(client, secretariat, provider[1], usual)
    third = (await apply(client, provider[1])).json()
    assert third["cycle"] == 3
    await _refused(client, secretariat, third["id"], usual, "rotation")
    automatic = await _assign(client, secretariat, third["id"])
    assert automatic.json()["auditor_id"] == other


async def test_rotation_allows_an_auditor_of_only_one_previous_cycle(
    client: Client, secretariat: Headers, provider: tuple[str, Headers]
) -> None:
    usual, _ = await _accredited(client, secretariat, "Usual")
    other, _ = await _accredited(client, secretariat, "Other")
    await _certify_with(client, secretariat, provider[1], usual)
    await _certify_with(client, secretariat, provider[1], other)
    third = (await apply(client, provider[1])).json()["id"]
    response = await _assign(client, secretariat, third, auditor_id=usual)
    assert response.status_code == 200, response.text


async def test_chosen_account_must_be_an_active_auditor(
    client: Client, secretariat: Headers, application: str
) -> None:
    await _refused(client, secretariat, application, "acc_nobody", "does not exist")
    accounts = (await client.get("/api/v1/accounts", headers=secretariat)).json()["items"]
    provider_account = next(a["id"] for a in accounts if a["role"] == "provider")
    await _refused(client, secretariat, application, provider_account, "not an auditor")
    auditor_id, _ = await _accredited(client, secretariat)
    await client.post(f"/api/v1/accounts/{auditor_id}/revoke", headers=secretariat)
    await _refused(client, secretariat, application, auditor_id, "revoked")


async def test_audit_date_in_the_past_is_refused(
    client: Client, secretariat: Headers, application: str
) -> None:
    auditor_id, _ = await _accredited(client, secretariat)
    response = await _assign(
        client, secretariat, application, auditor_id=auditor_id, audit_date=days(-1)
    )
    assert_problem(response, 422, "audit_date")


async def test_only_the_secretariat_assigns(
    client: Client, secretariat: Headers, provider: tuple[str, Headers], application: str
) -> None:
    auditor_id, auditor = await _accredited(client, secretariat)
    for headers in (provider[1], auditor):
        assert_problem(await _assign(client, headers, application, auditor_id=auditor_id), 403)
    assert_problem(await _assign(client, {}, application), 401)
    assert_problem(await _assign(client, secretariat, "apl_missing"), 404)
    assert (await applications.get_application(application)).state == "submitted"


async def test_withdrawn_conflict_no_longer_bars_assignment(
    client: Client, secretariat: Headers, provider: tuple[str, Headers], application: str
) -> None:
    auditor_id, auditor = await _accredited(client, secretariat)
    declared = await client.post(
        "/api/v1/conflicts",
        json={"provider_id": provider[0], "reason": "former employer"},
        headers=auditor,
    )
    await _accept(client, secretariat, declared.json()["id"])
    await _refused(client, secretariat, application, auditor_id, "conflict of interest")
    withdrawn = await client.post(
        f"/api/v1/conflicts/{declared.json()['id']}/withdraw",
        json={"reason": "left that employer five years ago"},
        headers=auditor,
    )
    assert withdrawn.status_code == 200, withdrawn.text
    response = await _assign(client, secretariat, application)
    assert response.status_code == 200, response.text
    assert response.json()["auditor_id"] == auditor_id


async def test_reinstated_accreditation_counts_again(
    client: Client, secretariat: Headers, application: str
) -> None:
    auditor_id, _ = await _accredited(client, secretariat)
    url = f"/api/v1/auditors/{auditor_id}/accreditations"
    accreditation = (await client.get(url, headers=secretariat)).json()["items"][0]["id"]
    await client.post(f"{url}/{accreditation}/suspend", json={"reason": "r"}, headers=secretariat)
    await _refused(client, secretariat, application, auditor_id, "is suspended")
    reinstated = await client.post(
        f"{url}/{accreditation}/reinstate", json={"reason": "cleared"}, headers=secretariat
    )
    assert reinstated.status_code == 200, reinstated.text
    response = await _assign(client, secretariat, application, auditor_id=auditor_id)
    assert response.status_code == 200, response.text
