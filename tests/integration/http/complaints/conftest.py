"""The complaints API's cast: `certified` (a provider with a certificate) and `helpers`."""

from __future__ import annotations

import pytest

from tests.support.assessments import World
from tests.support.certified import Certified, certify, fetch_credential


@pytest.fixture
async def certified(world: World) -> Certified:
    decided = await certify(world)
    assert decided.status_code == 201, decided.text
    decision = decided.json()
    credential = await fetch_credential(world.client, decision["certificate"]["id"])
    return Certified(world, decision, decision["certificate"], credential)
