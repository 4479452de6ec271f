"""The demo data set `make run` seeds: every certificate state, and the right verdict for
each certificate when it is listed, fetched and verified over the API."""

from __future__ import annotations

import json
import stat

import httpx
import pytest

from api.cli import demo
from registry import keys as signing
from registry.db.database import write_transaction
from registry.settings import get_settings
from registry.standards import service as standards


@pytest.fixture
async def seeded(client: httpx.AsyncClient) -> list[str]:
    await standards.publish_library(get_settings().standards_library, actor="test")
    await signing.generate_key("test")
    assert await demo.needed()
    async with write_transaction():
        return await demo.seed()


async def test_demo_certificates_cover_every_state_and_verify_as_such(
    client: httpx.AsyncClient, seeded: list[str]
) -> None:
    listed = (await client.get("/api/v1/certificates", params={"limit": 200})).json()["items"]
    by_status: dict[str, list[str]] = {}
    for item in listed:
        by_status.setdefault(item["status"], []).append(item["grade"])
        credential = await client.get(item["url"].removeprefix(get_settings().public_url))
        assert credential.status_code == 200
        assert credential.headers["content-type"].startswith("application/vc")
        verdict = (await client.post("/api/v1/verify", content=credential.content)).json()
        assert verdict["status"] == item["status"], verdict
        assert verdict["valid"] is (item["status"] == "valid")
        by_code = await client.get(f"/api/v1/certificates/{item['code'].lower()}")
        assert by_code.json()["id"] == item["id"]
    assert sorted(by_status["valid"]) == ["bronze", "gold", "silver"]
    assert {"suspended", "revoked", "expired"} <= set(by_status)


async def test_demo_has_applications_in_the_other_states(
    client: httpx.AsyncClient, seeded: list[str]
) -> None:
    text = "\n".join(seeded)
    assert "not certified" in text
    assert "assessed, awaiting a decision" in text
    assert "submitted" in text


async def test_demo_tokens_are_owner_only_and_work(
    client: httpx.AsyncClient, seeded: list[str]
) -> None:
    path = get_settings().data_dir / "demo-tokens.json"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    tokens = json.loads(path.read_text())
    provider_token = next(v for k, v in tokens.items() if k.startswith("provider:"))
    me = await client.get(
        "/api/v1/accounts/me", headers={"Authorization": f"Bearer {provider_token}"}
    )
    assert me.status_code == 200, me.text


async def test_demo_is_seeded_only_into_an_empty_registry(
    client: httpx.AsyncClient, seeded: list[str]
) -> None:
    assert not await demo.needed()


async def test_demo_certificate_shows_open_corrective_actions(
    client: httpx.AsyncClient, seeded: list[str]
) -> None:
    """`make run` shows corrective actions: the silver certificate has open ones (on its
    page), and one has a plan awaiting the demo auditor's review."""
    assert any("has a plan awaiting the auditor's review" in line for line in seeded)
    listed = (await client.get("/api/v1/certificates", params={"limit": 200})).json()["items"]
    silver = next(c for c in listed if c["status"] == "valid" and c["grade"] == "silver")
    read = (await client.get(f"/api/v1/certificates/{silver['code']}")).json()
    assert sum(o["open"] for o in read["open_corrective_actions"]) > 0
    shown = await client.get(f"/certificates/{silver['code']}")
    assert "Open corrective actions, by class" in shown.text


async def test_demo_has_an_employer_watching_a_certificate_with_e_mail_alerts(
    client: httpx.AsyncClient, seeded: list[str]
) -> None:
    """A newcomer signs in as an employer: its token is beside the others, its watchlist
    holds a demo certificate, and e-mail alerts follow that watchlist."""
    tokens = json.loads((get_settings().data_dir / "demo-tokens.json").read_text())
    token = next(v for k, v in tokens.items() if k.startswith("employer:"))
    headers = {"Authorization": f"Bearer {token}"}
    (watchlist,) = (await client.get("/api/v1/watchlists", headers=headers)).json()["items"]
    read = await client.get(f"/api/v1/watchlists/{watchlist['id']}", headers=headers)
    assert read.status_code == 200, read.text
    (entry,) = read.json()["items"]
    assert entry["standing"]["status"] == "valid"
    (alert,) = (await client.get("/api/v1/email-alerts", headers=headers)).json()
    assert alert["watchlist"] == watchlist["id"]
    assert any(line.startswith("employer: watchlist") for line in seeded)
