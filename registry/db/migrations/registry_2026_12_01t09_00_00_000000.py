"""Provider search that scales on SQLite too (issue 14), and providers' last change indexed.

`providers.search` matches every word of the query anywhere in a provider's names
(`search_name LIKE '%word%'`, one clause per word, in any order). PostgreSQL answers those
patterns from the pg_trgm GiST index of migration 2026-11-30T13:00. SQLite had no index
for them and read the whole table: here it gets an FTS5 table with the trigram tokenizer
(SQLite 3.34 and later) over `providers.search_name`, kept by triggers, where a quoted
word of three or more characters matches as a substring, as LIKE does. It is external
content (`content='providers'`): it stores only the index, not a second copy of the names.

On both engines: an index on `providers.updated_at`, so other processes' read caches can
ask cheaply when a provider last changed (`registry.providers.revision`).
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.finder import engine_finder
from piccolo.engine.sqlite import SQLiteEngine

ID = "2026-12-01T09:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "FTS5 trigram index of providers.search_name (SQLite only); providers.updated_at"

_UPDATED_INDEX = "CREATE INDEX IF NOT EXISTS providers_updated_at ON providers (updated_at)"
_UPDATED_DROP = "DROP INDEX IF EXISTS providers_updated_at"

_SQLITE = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS providers_search USING fts5("
    "search_name, content='providers', content_rowid='id', tokenize='trigram')",
    "CREATE TRIGGER IF NOT EXISTS providers_search_insert AFTER INSERT ON providers BEGIN "
    "INSERT INTO providers_search (rowid, search_name) VALUES (new.id, new.search_name); END",
    "CREATE TRIGGER IF NOT EXISTS providers_search_delete AFTER DELETE ON providers BEGIN "
    "INSERT INTO providers_search (providers_search, rowid, search_name) "
    "VALUES ('delete', old.id, old.search_name); END",
    "CREATE TRIGGER IF NOT EXISTS providers_search_update "
    "AFTER UPDATE OF search_name ON providers BEGIN "
    "INSERT INTO providers_search (providers_search, rowid, search_name) "
    "VALUES ('delete', old.id, old.search_name); "
    "INSERT INTO providers_search (rowid, search_name) VALUES (new.id, new.search_name); END",
    "INSERT INTO providers_search (providers_search) VALUES ('rebuild')",
)
_SQLITE_DROP = (
    "DROP TRIGGER IF EXISTS providers_search_insert",
    "DROP TRIGGER IF EXISTS providers_search_delete",
    "DROP TRIGGER IF EXISTS providers_search_update",
    "DROP TABLE IF EXISTS providers_search",
)


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="registry", description=DESCRIPTION)

    async def run() -> None:
        engine = engine_finder()
        assert engine is not None
        await engine.run_ddl(_UPDATED_INDEX)
        if isinstance(engine, SQLiteEngine):
            for statement in _SQLITE:
                await engine.run_ddl(statement)

    async def run_backwards() -> None:
        engine = engine_finder()
        assert engine is not None
        if isinstance(engine, SQLiteEngine):
            for statement in _SQLITE_DROP:
                await engine.run_ddl(statement)
        await engine.run_ddl(_UPDATED_DROP)

    manager.add_raw(run)
    manager.add_raw_backwards(run_backwards)
    return manager
