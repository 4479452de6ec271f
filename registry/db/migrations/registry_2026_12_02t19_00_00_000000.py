"""data_changes: what each committed write transaction touched, under its data version.

Read caches (`registry.db.cache`) drop only the entries that depend on what a change
touched (a certificate, its provider, the status lists) instead of everything. Another
process learns what to drop by reading the records after the last data version it saw; a
record of "*" means anything may have changed. Only the latest records are kept
(`registry.db.database._KEEP_CHANGES`); a process further behind drops everything.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.finder import engine_finder

ID = "2026-12-02T19:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "data_changes: the topics each committed write transaction touched"

_CREATE = (
    "CREATE TABLE IF NOT EXISTS data_changes (version BIGINT PRIMARY KEY, topics TEXT NOT NULL)"
)
_DROP = "DROP TABLE IF EXISTS data_changes"


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="registry", description=DESCRIPTION)

    async def run() -> None:
        engine = engine_finder()
        assert engine is not None
        await engine.run_ddl(_CREATE)

    async def run_backwards() -> None:
        engine = engine_finder()
        assert engine is not None
        await engine.run_ddl(_DROP)

    manager.add_raw(run)
    manager.add_raw_backwards(run_backwards)
    return manager
