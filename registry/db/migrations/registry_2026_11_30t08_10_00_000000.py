"""Backfill `applications.cycle_key` and make it unique (SQLite and PostgreSQL alike).

Only applications that are not withdrawn hold a key. Should existing data already hold two
live applications of one provider, slug and cycle, only the oldest gets the key.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.finder import engine_finder

ID = "2026-11-30T08:10:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "unique index on applications.cycle_key, backfilled"

_BACKFILL = """
UPDATE applications
SET cycle_key = provider_id || '|' || standard_slug || '|' || CAST(cycle AS VARCHAR(12))
WHERE state <> 'withdrawn'
  AND id = (
    SELECT MIN(other.id) FROM applications AS other
    WHERE other.provider_id = applications.provider_id
      AND other.standard_slug = applications.standard_slug
      AND other.cycle = applications.cycle
      AND other.state <> 'withdrawn'
  )
"""
_INDEX = "CREATE UNIQUE INDEX applications_cycle_key_unique ON applications (cycle_key)"
_DROP = "DROP INDEX applications_cycle_key_unique"


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="registry", description=DESCRIPTION)

    async def run() -> None:
        engine = engine_finder()
        assert engine is not None
        await engine.run_ddl(_BACKFILL)
        await engine.run_ddl(_INDEX)

    async def run_backwards() -> None:
        engine = engine_finder()
        assert engine is not None
        await engine.run_ddl(_DROP)

    manager.add_raw(run)
    manager.add_raw_backwards(run_backwards)
    return manager
