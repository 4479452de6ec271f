"""Test set-up shared by every suite: the environment, and nothing heavier.

This file imports neither the app nor the database, so that collecting `tests/unit` stays
quick; the database and in-process app fixtures live in `tests/support/database.py`, which
`tests/integration/conftest.py` and `tests/e2e/conftest.py` bring in.

The database is real: a fresh SQLite file per test process (in WAL mode), or the PostgreSQL
named by RIGHTSMARK_TEST_DATABASE_URL (`make test-postgres` sets it when 127.0.0.1:5432
answers; each pytest-xdist worker gets its own database beside it, created on first use).
Tests that touch the database use the `db` fixture, which marks them `db`, so the PostgreSQL
run re-runs exactly those. The environment is set here, before any project module reads its
settings.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

from tests.support.paths import LIBRARY

WORKER = os.environ.get("PYTEST_XDIST_WORKER", "main")
_DATA_DIR = Path(tempfile.mkdtemp(prefix=f"rightsmark-test-{WORKER}-"))


def worker_database_url(url: str) -> str:
    """The PostgreSQL database this test process uses: the named one, or under pytest-xdist
    one per worker beside it (`test_gw0`), so that workers never drop each other's schema.
    Only the name: `tests.support.database` creates it when the first test needs it."""
    if not url or WORKER == "main":
        return url
    base, _, name = url.rpartition("/")
    return f"{base}/{name}_{WORKER}"


os.environ["RIGHTSMARK_DATA_DIR"] = str(_DATA_DIR)
os.environ["RIGHTSMARK_DATABASE_URL"] = worker_database_url(
    os.environ.get("RIGHTSMARK_TEST_DATABASE_URL", "")
)
os.environ.setdefault("RIGHTSMARK_LOG_LEVEL", "warning")
os.environ.setdefault("RIGHTSMARK_KEY_PASSPHRASE", "test-only-passphrase")
# The complaint channel's per-address limit counts every in-process request as one address;
# the tests of the limit (complaints/test_refusals.py, web/test_complaint_pages.py) build an
# app with a low limit themselves.
os.environ.setdefault("RIGHTSMARK_COMPLAINT_RATE_PER_MINUTE", "100000")
# Likewise the portal's sign-in limit (tests/e2e/security/test_limits_and_headers.py tests it).
os.environ.setdefault("RIGHTSMARK_SIGN_IN_RATE_PER_MINUTE", "100000")
# Likewise employers' sign-up and supplier-check uploads.
os.environ.setdefault("RIGHTSMARK_SIGN_UP_RATE_PER_MINUTE", "100000")
os.environ.setdefault("RIGHTSMARK_SUPPLIER_CHECK_RATE_PER_MINUTE", "100000")


def pytest_report_header() -> list[str]:
    from registry.settings import get_settings  # settings only: no app, no database

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


@pytest.fixture
def library() -> Path:
    return LIBRARY


@pytest.fixture
def data_dir() -> Path:
    return _DATA_DIR
