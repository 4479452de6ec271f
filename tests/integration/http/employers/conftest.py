"""The employers' cast: a certified provider (Agencia Uno) and an employer account."""

from __future__ import annotations

import pytest

from registry import accounts
from registry.accounts import Role
from tests.support.assessments import World
from tests.support.certified import Certified, certify, fetch_credential
from tests.support.http import bearer
from tests.support.providers import Headers


@pytest.fixture
async def certified(world: World) -> Certified:
    decided = await certify(world)
    assert decided.status_code == 201, decided.text
    decision = decided.json()
    credential = await fetch_credential(world.client, decision["certificate"]["id"])
    return Certified(world, decision, decision["certificate"], credential)


async def employer_headers(name: str = "Buyer") -> Headers:
    _, token, _ = await accounts.create_account(
        name=name,
        role=Role.EMPLOYER,
        email=f"{name.lower()}@example.org",
        actor="test",
        ttl_days=30,
    )
    return bearer(token)


@pytest.fixture
async def employer(db: None) -> Headers:
    return await employer_headers()
