"""The certificate API's cast: `certified`, a world whose application was certified, and
`clock`, which moves the clock of the verifier and of the certificate summaries only."""

from __future__ import annotations

import datetime as dt

import pytest

from registry.certificates import service as certificates_service
from registry.certificates import verifier
from tests.support.assessments import World
from tests.support.certified import Certified, Clock, certify, fetch_credential


@pytest.fixture
async def certified(world: World) -> Certified:
    decided = await certify(world)
    assert decided.status_code == 201, decided.text
    decision = decided.json()
    certificate = decision["certificate"]
    assert certificate is not None, decision
    credential = await fetch_credential(world.client, certificate["id"])
    return Certified(world, decision, certificate, credential)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    """`clock(when)` makes the verifier and the certificate summaries see `when` as now."""

    def travel(when: dt.datetime) -> None:
        for module in (verifier, certificates_service):
            monkeypatch.setattr(module, "utc_now", lambda: when)

    return travel
