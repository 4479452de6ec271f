"""Integration tests: the real database (SQLite, or PostgreSQL under `make test-postgres`)
and the app in-process. The fixtures come from `tests.support.database`."""

from __future__ import annotations

from tests.support.database import _schema, client, db

__all__ = ["_schema", "client", "db"]
