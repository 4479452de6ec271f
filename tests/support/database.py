"""The database and in-process app fixtures: `db` (an empty, migrated database for one
test), `client` (an HTTP client for the app on the test's own event loop) and `app_client`.

Imported by `tests/integration/conftest.py` and `tests/e2e/conftest.py` only, so that the
unit tests never import the app, Litestar or Piccolo. The environment these read (the data
folder, the database URL) is set by the root `tests/conftest.py` before anything imports
this module.
"""

from __future__ import annotations

import contextlib
import io
import os
from collections.abc import AsyncIterator

import asyncpg
import httpx
import pytest

from api.app import create_app
from registry.settings import get_settings
from tests.support.pg_available import WIPE_PUBLIC_SCHEMA


async def _create_worker_database() -> None:
    """Under pytest-xdist on PostgreSQL, each worker's database (`test_gw0`) beside the named
    one, created when missing."""
    named = os.environ.get("RIGHTSMARK_TEST_DATABASE_URL", "")
    mine = get_settings().database_url
    if not get_settings().is_postgres or not named or mine == named:
        return
    database = mine.rpartition("/")[2]
    connection = await asyncpg.connect(named)
    try:
        if not await connection.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", database):
            await connection.execute(f'CREATE DATABASE "{database}"')
    finally:
        await connection.close()


async def _reset_schema() -> None:
    from registry.db.database import engine, migrate

    if get_settings().is_postgres:
        for statement in WIPE_PUBLIC_SCHEMA:
            await engine().run_ddl(statement)
    else:
        get_settings().sqlite_path.unlink(missing_ok=True)
    with contextlib.redirect_stdout(io.StringIO()):
        await migrate()


@pytest.fixture(scope="session")
async def _schema() -> AsyncIterator[None]:
    from registry.db.database import close_pool, start_pool

    await _create_worker_database()
    await start_pool()  # one pool, on the session's event loop, shared with in-process apps
    await _reset_schema()
    yield
    await close_pool()


@pytest.fixture
async def db(_schema: None) -> None:
    """An empty, migrated database for one test."""
    from registry.db.cache import read_cache
    from registry.db.piccolo_conf import APP_REGISTRY

    tables = [t for app in APP_REGISTRY.app_configs.values() for t in app.table_classes]
    for table in reversed(tables):  # children first: foreign keys
        await table.delete(force=True).run()
    read_cache.invalidate(everything=True)  # the database was emptied under the caches


def app_client(*, access_log: bool = False) -> httpx.AsyncClient:
    """An HTTP client for an in-process app running on the test's own event loop."""
    app = create_app(access_log=access_log, manage_pool=False)
    transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]  # Litestar's ASGI types are narrower
    return httpx.AsyncClient(transport=transport, base_url="http://test")


@pytest.fixture
async def client(db: None) -> AsyncIterator[httpx.AsyncClient]:
    async with app_client() as test_client:
        yield test_client
