"""Piccolo configuration: the engine is chosen from RIGHTSMARK_DATABASE_URL."""

from __future__ import annotations

from piccolo.conf.apps import AppRegistry

from registry.db.pooled import PooledPostgresEngine, PooledSQLiteEngine
from registry.settings import get_settings


def make_engine() -> PooledPostgresEngine | PooledSQLiteEngine:
    settings = get_settings()
    if settings.is_postgres:
        dsn = settings.database_url.replace("postgres://", "postgresql://", 1)
        # A write pool and a read pool on this server (a multi-host URL with
        # target_session_attrs=read-write follows the primary after a failover), and a pool
        # on a standby for public reads when one is named (registry.db.replica).
        standby = settings.database_replica_url.replace("postgres://", "postgresql://", 1)
        return PooledPostgresEngine(
            config={"dsn": dsn},
            replica_config={"dsn": standby} if standby and settings.is_postgres else None,
            log_queries=False,
        )
    settings.sqlite_path.parent.mkdir(parents=True, exist_ok=True)
    # Persistent reader and writer connections instead of one per query (registry.db.pooled).
    # A generous busy timeout: writers in other processes wait for the lock, not fail.
    return PooledSQLiteEngine(path=str(settings.sqlite_path), timeout=30)


DB = make_engine()

APP_REGISTRY = AppRegistry(
    apps=[
        "registry.standards.piccolo_app",
        "registry.db.piccolo_app",
        "registry.assessments.piccolo_app",
        "registry.certificates.piccolo_app",
        "registry.signing.piccolo_app",
        "registry.transparency.piccolo_app",
        "registry.complaints.piccolo_app",
        "registry.self_assessments.piccolo_app",
        "registry.registers.piccolo_app",
        "registry.corrective.piccolo_app",
        "registry.schedule.piccolo_app",
        "registry.outbox.piccolo_app",
        "registry.notifications.piccolo_app",
        "registry.watchlists.piccolo_app",
    ]
)
