"""Applications over HTTP: apply within scope, against a published version; history; withdraw;
who may see what. Another provider's application answers 404, as if it did not exist."""

from __future__ import annotations

import asyncio

import httpx
import pytest
import yaml

from registry import applications
from registry.accounts import Role
from registry.applications import ApplicationState
from registry.db.database import write_transaction
from registry.db.tables import ApplicationEventRow, ApplicationRow
from registry.errors import ConflictError
from registry.standards import service
from tests.support.http import assert_problem, bearer, make_account
from tests.support.paths import LIBRARY
from tests.support.providers import (
    STANDARD,
    Headers,
    apply,
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


async def _decide(application_id: str, outcome: ApplicationState) -> None:
    async with write_transaction():
        for state in (ApplicationState.AUDITOR_ASSIGNED, ApplicationState.ASSESSED, outcome):
            await applications.record_transition(application_id, state, actor="test")


async def test_provider_applies_and_history_is_recorded(
    client: Client, provider: tuple[str, Headers]
) -> None:
    provider_id, headers = provider
    response = await apply(client, headers, corridors=["PH-QA"])
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["provider_id"] == provider_id
    assert body["standard"] == STANDARD
    assert body["state"] == "submitted"
    assert body["countries"] == ["PH", "QA"]
    assert body["cycle"] == 1
    assert body["auditor_id"] is None
    detail = (await client.get(f"/api/v1/applications/{body['id']}", headers=headers)).json()
    assert [(e["from_state"], e["to_state"]) for e in detail["events"]] == [(None, "submitted")]
    assert detail["events"][0]["actor"].startswith("provider:acc_")
    interface = await applications.get_application(body["id"])
    assert interface.corridors == ["PH-QA"]
    assert interface.provider_types == ["recruiter"]


async def test_secretariat_applies_on_behalf_naming_the_provider(
    client: Client, secretariat: Headers, provider: tuple[str, Headers]
) -> None:
    assert_problem(await apply(client, secretariat), 422, "provider_id")
    response = await apply(client, secretariat, provider_id=provider[0])
    assert response.status_code == 201, response.text
    assert response.json()["provider_id"] == provider[0]


async def test_provider_cannot_apply_for_another(
    client: Client, secretariat: Headers, provider: tuple[str, Headers]
) -> None:
    other_id, _ = await register_provider(client, secretariat, legal_name="Bravo")
    assert_problem(await apply(client, provider[1], provider_id=other_id), 403)
    assert await ApplicationRow.count().run() == 0


async def test_auditor_cannot_apply(client: Client, provider: tuple[str, Headers]) -> None:
    _, auditor = await make_auditor()
    assert_problem(await apply(client, auditor, provider_id=provider[0]), 403)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"provider_types": ["lender"]}, "provider_types[0]"),
        ({"corridors": ["PH-AE", "NP-QA"]}, "corridors[1]"),
        ({"corridors": ["PH-PH"]}, "corridors[0]"),
        ({"corridors": ["PH-ZZ"]}, "corridors[0]"),
        ({"provider_types": ["smuggler"]}, "provider_types"),
        ({"standard": "core-rights"}, "standard"),
        ({"standard": "core-rights@9.9.9"}, "standard"),
    ],
)
async def test_out_of_scope_or_invalid_application_is_refused(
    client: Client, provider: tuple[str, Headers], overrides: dict[str, object], field: str
) -> None:
    assert_problem(await apply(client, provider[1], **overrides), 422, field)
    assert await ApplicationRow.count().run() == 0


async def test_draft_standard_is_refused(client: Client, provider: tuple[str, Headers]) -> None:
    document = yaml.safe_load((LIBRARY / "core-rights" / "3.0.0.yaml").read_text())
    document.update(version="3.1.0", supersedes="3.0.0")
    await service.save_draft(document, actor="test")
    response = await apply(client, provider[1], standard="core-rights@3.1.0")
    assert_problem(response, 422, "standard")


async def test_retired_standard_is_refused(client: Client, provider: tuple[str, Headers]) -> None:
    await service.retire("core-rights", "1.0.0", actor="test")
    body = assert_problem(await apply(client, provider[1]), 409)
    assert "retired" in body["detail"]
    assert await ApplicationRow.count().run() == 0


async def test_second_open_application_for_the_same_standard_is_refused(
    client: Client, provider: tuple[str, Headers]
) -> None:
    first = (await apply(client, provider[1])).json()
    body = assert_problem(await apply(client, provider[1], standard="core-rights@1.1.0"), 409)
    assert first["id"] in body["detail"]


async def test_cycle_counts_decided_applications(
    client: Client, provider: tuple[str, Headers]
) -> None:
    first = (await apply(client, provider[1])).json()
    await _decide(first["id"], ApplicationState.CERTIFIED)
    withdrawn = (await apply(client, provider[1])).json()
    assert withdrawn["cycle"] == 2
    await client.post(f"/api/v1/applications/{withdrawn['id']}/withdraw", headers=provider[1])
    again = (await apply(client, provider[1], standard="core-rights@1.1.0")).json()
    assert again["cycle"] == 2  # a withdrawn application is not a certification cycle


async def test_withdraw_records_reason_and_is_final(
    client: Client, provider: tuple[str, Headers]
) -> None:
    created = (await apply(client, provider[1])).json()
    url = f"/api/v1/applications/{created['id']}"
    response = await client.post(
        f"{url}/withdraw", json={"reason": "not ready"}, headers=provider[1]
    )
    assert response.status_code == 200, response.text
    assert response.json()["state"] == "withdrawn"
    events = (await client.get(url, headers=provider[1])).json()["events"]
    assert events[-1]["from_state"] == "submitted"
    assert events[-1]["to_state"] == "withdrawn"
    assert events[-1]["reason"] == "not ready"
    again = assert_problem(await client.post(f"{url}/withdraw", headers=provider[1]), 409)
    assert "withdrawn" in again["detail"]


async def test_withdraw_after_decision_is_refused(
    client: Client, secretariat: Headers, provider: tuple[str, Headers]
) -> None:
    created = (await apply(client, provider[1])).json()
    await _decide(created["id"], ApplicationState.NOT_CERTIFIED)
    url = f"/api/v1/applications/{created['id']}/withdraw"
    body = assert_problem(await client.post(url, headers=secretariat), 409)
    assert "not_certified" in body["detail"]
    assert await ApplicationEventRow.count().run() == 4


async def test_illegal_transition_names_both_states(
    client: Client, provider: tuple[str, Headers]
) -> None:
    created = (await apply(client, provider[1])).json()
    with pytest.raises(ConflictError, match="from submitted to certified"):
        async with write_transaction():
            await applications.record_transition(created["id"], "certified", actor="test")
    assert (await applications.get_application(created["id"])).state == "submitted"
    assert await ApplicationEventRow.count().run() == 1


async def test_other_provider_cannot_see_or_withdraw(
    client: Client, secretariat: Headers, provider: tuple[str, Headers]
) -> None:
    created = (await apply(client, provider[1])).json()
    _, other = await register_provider(client, secretariat, legal_name="Bravo")
    url = f"/api/v1/applications/{created['id']}"
    assert_problem(await client.get(url, headers=other), 404)
    assert_problem(await client.post(f"{url}/withdraw", headers=other), 404)
    assert (await client.get("/api/v1/applications", headers=other)).json()["items"] == []
    assert (await applications.get_application(created["id"])).state == "submitted"


async def test_unassigned_auditor_sees_nothing_and_cannot_withdraw(
    client: Client, provider: tuple[str, Headers]
) -> None:
    created = (await apply(client, provider[1])).json()
    _, auditor = await make_auditor()
    url = f"/api/v1/applications/{created['id']}"
    assert_problem(await client.get(url, headers=auditor), 404)
    assert_problem(await client.post(f"{url}/withdraw", headers=auditor), 403)
    assert (await client.get("/api/v1/applications", headers=auditor)).json()["items"] == []


async def test_listing_by_role_and_state(
    client: Client, secretariat: Headers, provider: tuple[str, Headers]
) -> None:
    mine = (await apply(client, provider[1])).json()
    _, other = await register_provider(client, secretariat, legal_name="Bravo")
    theirs = (await apply(client, other)).json()
    await client.post(f"/api/v1/applications/{theirs['id']}/withdraw", headers=other)
    everything = (await client.get("/api/v1/applications", headers=secretariat)).json()
    assert {a["id"] for a in everything["items"]} == {mine["id"], theirs["id"]}
    withdrawn = await client.get("/api/v1/applications?state=withdrawn", headers=secretariat)
    assert [a["id"] for a in withdrawn.json()["items"]] == [theirs["id"]]
    own = (await client.get("/api/v1/applications", headers=provider[1])).json()["items"]
    assert [a["id"] for a in own] == [mine["id"]]
    assert_problem(await client.get("/api/v1/applications?state=dreaming", headers=other), 400)
    assert_problem(await client.get("/api/v1/applications"), 401)


async def _cycle_keys() -> dict[str, str | None]:
    rows = await ApplicationRow.select(ApplicationRow.public_id, ApplicationRow.cycle_key).run()
    return {row["public_id"]: row["cycle_key"] for row in rows}


async def test_cycle_key_is_set_on_insert_and_freed_by_withdrawal(
    client: Client, provider: tuple[str, Headers]
) -> None:
    provider_id, headers = provider
    first = (await apply(client, headers)).json()
    assert (await _cycle_keys())[first["id"]] == f"{provider_id}|core-rights|1"
    await client.post(f"/api/v1/applications/{first['id']}/withdraw", headers=headers)
    second = (await apply(client, headers)).json()
    assert second["cycle"] == 1
    keys = await _cycle_keys()
    assert keys == {first["id"]: None, second["id"]: f"{provider_id}|core-rights|1"}
    await _decide(second["id"], ApplicationState.CERTIFIED)
    third = (await apply(client, headers)).json()
    assert (await _cycle_keys())[third["id"]] == f"{provider_id}|core-rights|2"


async def test_the_database_refuses_a_second_live_application_in_a_cycle(
    client: Client, provider: tuple[str, Headers], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A writer that missed the open application (a race) is stopped by the unique index:
    409, not 500, and nothing of it is written."""
    first = (await apply(client, provider[1])).json()
    events = await ApplicationEventRow.count().run()
    monkeypatch.setattr(applications, "OPEN_STATES", frozenset())
    body = assert_problem(await apply(client, provider[1]), 409)
    assert "already has a live application for core-rights" in body["detail"]
    assert list(await _cycle_keys()) == [first["id"]]
    assert await ApplicationEventRow.count().run() == events


async def test_concurrent_applications_one_wins(
    client: Client, provider: tuple[str, Headers]
) -> None:
    responses = await asyncio.gather(*(apply(client, provider[1]) for _ in range(4)))
    assert sorted(r.status_code for r in responses) == [201, 409, 409, 409]
    for response in responses:
        if response.status_code == 409:
            assert_problem(response, 409)
    assert await ApplicationRow.count().run() == 1


async def test_pending_provider_account_must_register_before_applying(client: Client) -> None:
    secretariat = bearer(await make_account(Role.SECRETARIAT))
    created = await client.post(
        "/api/v1/accounts", json={"name": "New agency", "role": "provider"}, headers=secretariat
    )
    assert created.status_code == 201, created.text
    assert created.json()["account"]["provider_id"] is None
    headers = bearer(created.json()["token"])
    body = assert_problem(await apply(client, headers), 409)
    assert "register it first" in body["detail"]
    assert await ApplicationRow.count().run() == 0
