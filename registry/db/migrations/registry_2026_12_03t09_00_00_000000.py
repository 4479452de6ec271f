"""Conflicts of interest reviewed by the secretariat (issue 16, finding 4).

A declared conflict used to bar an assignment at once, so a provider could veto every
auditor but a friendly one. Now each conflict has a review state: `pending` when a provider
or an auditor declares it, `accepted` or `rejected` by the secretariat with who, when and
why; only an accepted, not withdrawn conflict bars an assignment (`registry.conflicts`).

Conflicts declared before this migration were in force: they become `accepted`, reviewed
"by" this migration at the time they were declared, so nothing changes for an assignment.

Backwards, the columns go; a rejected conflict that was not withdrawn would then bar
assignments again, so it is first recorded as withdrawn (by whoever rejected it, with the
rejection's reason). A pending one stays in force, as every declaration was before.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.finder import engine_finder

ID = "2026-12-03T09:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "conflicts_of_interest: the secretariat's review (pending, accepted, rejected)"

_FORWARDS = (
    "ALTER TABLE conflicts_of_interest "
    "ADD COLUMN review_state VARCHAR(16) NOT NULL DEFAULT 'pending'",
    "ALTER TABLE conflicts_of_interest ADD COLUMN reviewed_at TIMESTAMPTZ NULL",
    "ALTER TABLE conflicts_of_interest ADD COLUMN reviewed_by VARCHAR(64) NULL",
    "ALTER TABLE conflicts_of_interest ADD COLUMN review_reason TEXT NULL",
    "UPDATE conflicts_of_interest SET review_state = 'accepted', reviewed_at = created_at, "
    "reviewed_by = 'migration', review_reason = 'in force before the secretariat reviewed "
    "conflicts (migration 2026-12-03T09:00)'",
    "CREATE INDEX IF NOT EXISTS conflicts_of_interest_review_state "
    "ON conflicts_of_interest (review_state)",
)
_BACKWARDS = (
    "UPDATE conflicts_of_interest SET withdrawn_at = reviewed_at, withdrawn_by = reviewed_by, "
    "withdrawal_reason = 'rejected by the secretariat: ' || COALESCE(review_reason, '') "
    "WHERE review_state = 'rejected' AND withdrawn_at IS NULL",
    "DROP INDEX IF EXISTS conflicts_of_interest_review_state",
    "ALTER TABLE conflicts_of_interest DROP COLUMN review_reason",
    "ALTER TABLE conflicts_of_interest DROP COLUMN reviewed_by",
    "ALTER TABLE conflicts_of_interest DROP COLUMN reviewed_at",
    "ALTER TABLE conflicts_of_interest DROP COLUMN review_state",
)


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="registry", description=DESCRIPTION)

    async def run() -> None:
        engine = engine_finder()
        assert engine is not None
        for statement in _FORWARDS:
            await engine.run_ddl(statement)

    async def run_backwards() -> None:
        engine = engine_finder()
        assert engine is not None
        for statement in _BACKWARDS:
            await engine.run_ddl(statement)

    manager.add_raw(run)
    manager.add_raw_backwards(run_backwards)
    return manager
