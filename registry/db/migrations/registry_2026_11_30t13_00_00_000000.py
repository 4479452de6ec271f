"""A trigram index for provider name search on PostgreSQL (issue 7, load and scale).

`providers.search` matches `search_name LIKE '%needle%'`: no B-tree can serve a leading
wildcard, so at 200,000 providers every search read the whole table (~50 ms). A pg_trgm
index answers such patterns (of three or more characters) from the index. GiST, not GIN:
a name holds common trigrams ("ltd", "recruitment") whose GIN posting lists span most of
the table, and intersecting them cost as much as the scan (~40 ms for a full name at
200,000 providers). GiST keeps a signature of each name's trigrams; with the default
12-byte signature a full name still visited ~180 index pages (~1-6 ms), with 256 bytes
(`siglen`, PostgreSQL 13 and later) ~20-30 pages (~0.1-0.3 ms), for an index of the same
size (26 MB at 200,000 providers). SQLite has no equivalent and keeps scanning, which is
fine at the sizes SQLite is meant for.

Needs the `pg_trgm` extension (in PostgreSQL's contrib, and allowed on the usual managed
services); creating it needs the CREATE privilege on the database.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.finder import engine_finder
from piccolo.engine.postgres import PostgresEngine

ID = "2026-11-30T13:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "pg_trgm GiST index on providers.search_name (PostgreSQL only)"

_EXTENSION = "CREATE EXTENSION IF NOT EXISTS pg_trgm"
_INDEX = (
    "CREATE INDEX IF NOT EXISTS providers_search_name_trgm "
    "ON providers USING gist (search_name gist_trgm_ops(siglen=256))"
)
_DROP = "DROP INDEX IF EXISTS providers_search_name_trgm"


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="registry", description=DESCRIPTION)

    async def run() -> None:
        engine = engine_finder()
        assert engine is not None
        if isinstance(engine, PostgresEngine):
            await engine.run_ddl(_EXTENSION)
            await engine.run_ddl(_INDEX)

    async def run_backwards() -> None:
        engine = engine_finder()
        assert engine is not None
        if isinstance(engine, PostgresEngine):
            await engine.run_ddl(_DROP)

    manager.add_raw(run)
    manager.add_raw_backwards(run_backwards)
    return manager
