"""Notifications' cast: a certified certificate, an employer with a token and an e-mail
address, a real webhook receiver, and settings that allow delivering to 127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from registry import accounts
from registry.accounts import Role
from tests.support.assessments import World
from tests.support.certified import Certified, certify, fetch_credential
from tests.support.http import bearer
from tests.support.webhooks import Receiver, receiver, registry_env


@pytest.fixture
async def certified(world: World) -> Certified:
    decided = await certify(world)
    assert decided.status_code == 201, decided.text
    decision = decided.json()
    credential = await fetch_credential(world.client, decision["certificate"]["id"])
    return Certified(world, decision, decision["certificate"], credential)


@pytest.fixture
async def employer(db: None) -> dict[str, str]:
    """Headers of a fresh employer account (with an e-mail address)."""
    _, token, _ = await accounts.create_account(
        name="Buyer Ltd", role=Role.EMPLOYER, actor="test", ttl_days=30,
        email="alerts@buyer.example",
    )  # fmt: skip
    return bearer(token)


@pytest.fixture
def allow_private() -> Iterator[None]:
    with registry_env(webhook_allow_private="true"):
        yield


@pytest.fixture
def hooks(allow_private: None) -> Iterator[Receiver]:
    with receiver() as found:
        yield found
