from __future__ import annotations

import shutil

import httpx
import pytest

from registry.settings import get_settings
from tests.assessments_api.world import World, build_world


@pytest.fixture
async def world(client: httpx.AsyncClient) -> World:
    shutil.rmtree(get_settings().data_dir / "evidence", ignore_errors=True)  # per-test store
    return await build_world(client)
