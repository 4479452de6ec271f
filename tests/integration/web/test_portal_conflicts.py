"""Conflicts of interest in the portals (issue 16, finding 4), over HTTP in-process: a provider
and an auditor declare, see and withdraw their own; the secretariat reviews each with the
names and what accepting it would exclude; the assign screen warns of pending ones."""

from __future__ import annotations

import httpx
import pytest

from registry import conflicts
from registry.accounts import Role
from registry.db.tables import ConflictRow
from tests.integration.web.test_portal import _csrf, _page, _sign_in
from tests.support.http import bearer, make_account
from tests.support.providers import apply, days, make_auditor, publish_library, register_provider

Client = httpx.AsyncClient


class Cast:
    secretariat: str
    provider: str
    provider_id: str
    auditors: list[tuple[str, str]]  # (account id, token)


@pytest.fixture
async def cast(client: Client) -> Cast:
    """A provider (with an account) whose application waits for an auditor, and two auditors
    accredited for it."""
    await publish_library()
    c = Cast()
    c.secretariat = await make_account(Role.SECRETARIAT)
    c.provider_id, headers = await register_provider(client, bearer(c.secretariat))
    c.provider = headers["Authorization"].split()[1]
    assert (await apply(client, headers)).status_code == 201
    c.auditors = []
    for name in ("Asha Rai", "Bo Lindqvist"):
        auditor_id, auditor = await make_auditor(name)
        granted = await client.post(
            f"/api/v1/auditors/{auditor_id}/accreditations",
            json={
                "provider_types": ["recruiter", "training"],
                "countries": ["PH", "AE", "QA"],
                "valid_from": days(-1),
                "valid_until": days(365),
            },
            headers=bearer(c.secretariat),
        )
        assert granted.status_code == 201, granted.text
        c.auditors.append((auditor_id, auditor["Authorization"].split()[1]))
    return c


async def test_provider_declares_secretariat_reviews_provider_withdraws(
    client: Client, cast: Cast
) -> None:
    asha, _ = cast.auditors[0]
    await _sign_in(client, cast.provider)
    own = await _page(client, "/portal/provider/conflicts")
    # the auditors able to take its application, by name
    assert f'<option value="{asha}">Asha Rai</option>' in own
    assert "Bo Lindqvist" in own
    refused = await client.post(
        "/portal/provider/conflicts", data={"csrf": _csrf(own), "auditor_id": asha, "reason": ""}
    )
    assert refused.status_code == 422
    assert 'id="reason-error"' in refused.text
    assert await ConflictRow.count().run() == 0
    declared = await client.post(
        "/portal/provider/conflicts",
        data={"csrf": _csrf(own), "auditor_id": asha, "reason": "her brother is our director"},
    )
    assert declared.status_code == 303, declared.text[:2000]
    own = await _page(client, "/portal/provider/conflicts")
    assert "waits for the secretariat" in own
    assert "badge-pending" in own
    assert "her brother is our director" in own
    (conflict,) = await conflicts.conflicts()

    client.cookies.clear()  # another person, another browser
    await _sign_in(client, cast.secretariat)
    queue = await _page(client, "/portal/secretariat")
    assert "Conflict of interest pending review" in queue
    assert f"/portal/secretariat/conflicts#{conflict.id}" in queue
    screen = await _page(client, "/portal/secretariat/conflicts")
    assert "Agência Núñez &amp; Filhos, Ltd." in screen  # the provider's name, not only its id
    assert "Asha Rai" in screen
    assert "the provider" in screen
    assert "her brother is our director" in screen
    assert "1 of the 2 auditors able to take" in screen
    assert "<strong>1 would remain</strong>" in screen
    assert "the provider would choose its auditor" in screen
    action = f"/portal/secretariat/conflicts/{conflict.id}/review"
    forged = await client.post(action, data={"decision": "accept", "reason": "x"})
    assert forged.status_code == 403
    no_reason = await client.post(
        action, data={"csrf": _csrf(screen), "decision": "accept", "reason": " "}
    )
    assert no_reason.status_code == 400
    assert f'id="{conflict.id}-error"' in no_reason.text
    assert (await conflicts.conflicts())[0].state == "pending"
    accepted = await client.post(
        action,
        data={"csrf": _csrf(screen), "decision": "accept", "reason": "confirmed by registry"},
    )
    assert accepted.status_code == 303
    history = await _page(client, "/portal/secretariat/conflicts")
    assert "None waiting." in history
    assert "confirmed by registry" in history
    again = await client.post(
        action, data={"csrf": _csrf(history), "decision": "reject", "reason": "x"}
    )
    assert again.status_code == 409
    assert "already accepted" in again.text

    client.cookies.clear()
    await _sign_in(client, cast.provider)
    own = await _page(client, "/portal/provider/conflicts")
    assert "badge-accepted" in own
    assert "confirmed by registry" in own
    withdrawn = await client.post(
        f"/portal/provider/conflicts/{conflict.id}/withdraw",
        data={"csrf": _csrf(own), "reason": "he retired"},
    )
    assert withdrawn.status_code == 303
    assert (await conflicts.conflicts())[0].state == "withdrawn"


async def test_auditor_declares_by_registry_id(client: Client, cast: Cast) -> None:
    _, token = cast.auditors[1]
    await _sign_in(client, token)
    own = await _page(client, "/portal/auditor/conflicts")
    assert "None declared." in own
    unknown = await client.post(
        "/portal/auditor/conflicts",
        data={"csrf": _csrf(own), "provider_id": "RMP-00000000", "reason": "x"},
    )
    assert unknown.status_code == 422
    assert 'id="provider_id-error"' in unknown.text
    done = await client.post(
        "/portal/auditor/conflicts",
        data={"csrf": _csrf(own), "provider_id": cast.provider_id, "reason": "my old employer"},
    )
    assert done.status_code == 303
    own = await _page(client, "/portal/auditor/conflicts")
    assert "Agência Núñez &amp; Filhos, Ltd." in own
    assert "badge-pending" in own
    twice = await client.post(
        "/portal/auditor/conflicts",
        data={"csrf": _csrf(own), "provider_id": cast.provider_id, "reason": "again"},
    )
    assert twice.status_code == 409
    assert await ConflictRow.count().run() == 1


async def test_secretariat_records_a_conflict_accepted_at_once(client: Client, cast: Cast) -> None:
    asha, _ = cast.auditors[0]
    await _sign_in(client, cast.secretariat)
    screen = await _page(client, "/portal/secretariat/conflicts")
    recorded = await client.post(
        "/portal/secretariat/conflicts",
        data={
            "csrf": _csrf(screen),
            "provider_id": cast.provider_id,
            "auditor_id": asha,
            "reason": "reported by the ministry",
        },
    )
    assert recorded.status_code == 303
    (conflict,) = await conflicts.conflicts()
    assert (conflict.state, conflict.declared_by_role) == ("accepted", "secretariat")
