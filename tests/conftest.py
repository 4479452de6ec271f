"""Test set-up shared by every suite.

The database is real: a fresh SQLite file per test process (in WAL mode), or the PostgreSQL
named by RIGHTSMARK_TEST_DATABASE_URL (`make test-postgres` sets it when 127.0.0.1:5432
answers; each pytest-xdist worker gets its own database beside it). Tests that touch the
database use the `db` fixture, which marks them `db`, so the PostgreSQL run re-runs exactly
those. The environment is set here, before any project module reads its settings.
"""

from __future__ import annotations

import asyncio
import os
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import pytest

_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "main")
_DATA_DIR = Path(tempfile.mkdtemp(prefix=f"rightsmark-test-{_WORKER}-"))


def _worker_database(url: str) -> str:
    """The PostgreSQL database this test process uses: the named one, or under pytest-xdist
    one per worker beside it (`test_gw0`, created when missing), so that workers never drop
    each other's schema."""
    if not url or _WORKER == "main":
        return url
    base, _, name = url.rpartition("/")
    mine = f"{name}_{_WORKER}"

    async def create() -> None:
        connection = await asyncpg.connect(url)
        try:
            if not await connection.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", mine):
                await connection.execute(f'CREATE DATABASE "{mine}"')
        finally:
            await connection.close()

    asyncio.run(create())
    return f"{base}/{mine}"


os.environ["RIGHTSMARK_DATA_DIR"] = str(_DATA_DIR)
os.environ["RIGHTSMARK_DATABASE_URL"] = _worker_database(
    os.environ.get("RIGHTSMARK_TEST_DATABASE_URL", "")
)
os.environ.setdefault("RIGHTSMARK_LOG_LEVEL", "warning")
os.environ.setdefault("RIGHTSMARK_KEY_PASSPHRASE", "test-only-passphrase")

import httpx  # noqa: E402

from api.app import create_app  # noqa: E402
from registry.settings import get_settings  # noqa: E402

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def pytest_report_header() -> list[str]:
    settings = get_settings()
    if settings.is_postgres:
        return [f"database: PostgreSQL ({settings.database_url})"]
    return [
        f"database: SQLite at {settings.sqlite_path}",
        "PostgreSQL: run separately by `make test-postgres` (part of `make test`)",
    ]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "db" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.db)


async def _reset_schema() -> None:
    from registry.db.database import engine, migrate
    from tests.pg_available import WIPE_PUBLIC_SCHEMA

    if get_settings().is_postgres:
        for statement in WIPE_PUBLIC_SCHEMA:
            await engine().run_ddl(statement)
    else:
        get_settings().sqlite_path.unlink(missing_ok=True)
    import contextlib
    import io

    with contextlib.redirect_stdout(io.StringIO()):
        await migrate()


@pytest.fixture(scope="session")
async def _schema() -> AsyncIterator[None]:
    from registry.db.database import close_pool, start_pool

    await start_pool()  # one pool, on the session's event loop, shared with in-process apps
    await _reset_schema()
    yield
    await close_pool()


@pytest.fixture
async def db(_schema: None) -> None:
    """An empty, migrated database for one test."""
    from registry.db.piccolo_conf import APP_REGISTRY

    tables = [t for app in APP_REGISTRY.app_configs.values() for t in app.table_classes]
    from registry.standards import service

    for table in reversed(tables):  # children first: foreign keys
        await table.delete(force=True).run()
    service._published_cache.clear()


def app_client(*, access_log: bool = False) -> httpx.AsyncClient:
    """An HTTP client for an in-process app running on the test's own event loop."""
    app = create_app(access_log=access_log, manage_pool=False)
    transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]  # Litestar's ASGI types are narrower
    return httpx.AsyncClient(transport=transport, base_url="http://test")


@pytest.fixture
async def client(db: None) -> AsyncIterator[httpx.AsyncClient]:
    async with app_client() as test_client:
        yield test_client


@pytest.fixture
def library() -> Path:
    return PROJECT_ROOT / "standards" / "library"


@pytest.fixture
def data_dir() -> Path:
    return _DATA_DIR
