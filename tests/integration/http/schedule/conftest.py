"""A provider certified under core-rights 3.0.0 (unannounced surveillance, overdue grace)
and a second auditor: the cast of the surveillance-cycle tests."""

from __future__ import annotations

import datetime as dt
import shutil

import httpx
import pytest

from registry import auditors
from registry.settings import get_settings
from tests.support.assessments import World, build_world
from tests.support.certified import Certified, certify, fetch_credential

STANDARD = "core-rights@3.0.0"


async def accredit(world: World, auditor_id: str) -> None:
    today = dt.date.today()
    await auditors.accredit(
        auditor_id,
        provider_types=["recruiter"],
        countries=["PH", "AE"],
        valid_from=today - dt.timedelta(days=365),
        valid_until=today + dt.timedelta(days=4 * 365),
        actor=world.secretariat.actor,
    )


async def certified_under(client: httpx.AsyncClient, standard: str) -> Certified:
    shutil.rmtree(get_settings().data_dir / "evidence", ignore_errors=True)
    world = await build_world(client, standard)
    decided = await certify(world)
    assert decided.status_code == 201, decided.text
    decision = decided.json()
    credential = await fetch_credential(client, decision["certificate"]["id"])
    return Certified(world, decision, decision["certificate"], credential)


@pytest.fixture
async def scertified(client: httpx.AsyncClient) -> Certified:
    return await certified_under(client, STANDARD)
