"""The JSON API's cast: the secretariat's headers and the assessments world."""

from __future__ import annotations

import shutil

import httpx
import pytest

from registry.accounts import Role
from registry.settings import get_settings
from tests.support.assessments import World, build_world
from tests.support.http import bearer, make_account
from tests.support.providers import Headers


@pytest.fixture
async def secretariat(db: None) -> Headers:
    """Headers of a fresh secretariat account with a real token."""
    return bearer(await make_account(Role.SECRETARIAT))


@pytest.fixture
async def world(client: httpx.AsyncClient) -> World:
    """A registry with an application assigned, made through the API."""
    shutil.rmtree(get_settings().data_dir / "evidence", ignore_errors=True)  # per-test store
    return await build_world(client)
