"""The registry's data version: one row, moved on by every committed write transaction.

Every process keeps read caches (`registry.db.cache`). A write in this process clears them
after its commit; a write in another process (a second server worker, `rightsmark
lifecycle run` from cron, an import) is seen when the cache next asks the database for
this number, at most every `registry.db.cache.WINDOW_SECONDS`. One number for every kind
of change, so that nothing cached (a certificate's surveillance flag, a provider's name,
a status) can depend on a change that forgot to announce itself.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.finder import engine_finder

ID = "2026-12-02T12:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "data_version: one row moved on by every committed write transaction"

_CREATE = (
    "CREATE TABLE IF NOT EXISTS data_version (id INTEGER PRIMARY KEY CHECK (id = 1), "
    "version BIGINT NOT NULL)",
    "INSERT INTO data_version (id, version) VALUES (1, 0) ON CONFLICT (id) DO NOTHING",
)
_DROP = "DROP TABLE IF EXISTS data_version"


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="registry", description=DESCRIPTION)

    async def run() -> None:
        engine = engine_finder()
        assert engine is not None
        for statement in _CREATE:
            await engine.run_ddl(statement)

    async def run_backwards() -> None:
        engine = engine_finder()
        assert engine is not None
        await engine.run_ddl(_DROP)

    manager.add_raw(run)
    manager.add_raw_backwards(run_backwards)
    return manager
