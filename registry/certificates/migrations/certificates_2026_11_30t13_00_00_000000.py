"""Indexes for the status lists at scale (issue 7, load and scale).

Rendering a status list reads the certificates of one list in the state it publishes
(`WHERE suspension_list = n AND state = 'suspended'`), and allocating a slot at issuance
reads every index taken in the newest list (`WHERE revocation_list = n`). Without these
composite indexes both read all certificates (1,000,000 rows at the scale bench).
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.finder import engine_finder

ID = "2026-11-30T13:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "indexes on certificates (revocation_list, state), (suspension_list, state)"

_INDEXES = (
    "CREATE INDEX IF NOT EXISTS certificates_revocation_list_state "
    "ON certificates (revocation_list, state)",
    "CREATE INDEX IF NOT EXISTS certificates_suspension_list_state "
    "ON certificates (suspension_list, state)",
)
_DROPS = (
    "DROP INDEX IF EXISTS certificates_revocation_list_state",
    "DROP INDEX IF EXISTS certificates_suspension_list_state",
)


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="certificates", description=DESCRIPTION)

    async def run() -> None:
        engine = engine_finder()
        assert engine is not None
        for statement in _INDEXES:
            await engine.run_ddl(statement)

    async def run_backwards() -> None:
        engine = engine_finder()
        assert engine is not None
        for statement in _DROPS:
            await engine.run_ddl(statement)

    manager.add_raw(run)
    manager.add_raw_backwards(run_backwards)
    return manager
