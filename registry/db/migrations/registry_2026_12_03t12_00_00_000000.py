"""Search by what employers type (issue 16): licence and registration numbers, and names with
a small typo, each found through an index on SQLite and PostgreSQL alike.

`provider_identifiers` holds every licence and registration number of every provider in the
compact form of `registry.search_terms.identifier_key` (ASCII upper case, the separators
` -/._#:,` left out), so an exact number typed any way is one B-tree look-up.

`provider_name_words` is the vocabulary of the names (words of 4 or more characters of
`providers.search_name`) with their symmetric deletion variants: each word under itself and
under every string one letter shorter. A query word finds the name words one edit away by
looking up its own variants (`variant IN (...)`), whatever the size of the register; Python
then checks the distance. Words are only ever added: a word no name has any more costs a
wasted candidate, never a wrong result, because the names themselves are searched next.

Both are kept by triggers, like the FTS5 index of 2026-12-01T09:00, so every writer
(registration, approved identity changes, bulk loads) keeps them right, and filled here from
the rows that exist. SQLite splits words with `json_each` (search names hold only letters,
digits, spaces and `|`, so quoting them as a JSON array is safe) and counts positions with a
constant JSON array; PostgreSQL uses plpgsql.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.finder import engine_finder
from piccolo.engine.sqlite import SQLiteEngine

ID = "2026-12-03T12:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "provider_identifiers and provider_name_words, kept by triggers (search)"

_TABLES = (
    "CREATE TABLE IF NOT EXISTS provider_identifiers (value TEXT NOT NULL, "
    "provider_id INTEGER NOT NULL, PRIMARY KEY (value, provider_id))",
    "CREATE INDEX IF NOT EXISTS provider_identifiers_provider "
    "ON provider_identifiers (provider_id)",
    "CREATE TABLE IF NOT EXISTS provider_name_words (variant TEXT NOT NULL, "
    "word TEXT NOT NULL, PRIMARY KEY (variant, word))",
)
_DROP = (
    "DROP TABLE IF EXISTS provider_identifiers",
    "DROP TABLE IF EXISTS provider_name_words",
)

# --- SQLite --------------------------------------------------------------------------------

_POSITIONS = "[" + ",".join(str(i) for i in range(41)) + "]"  # search_terms.MAX_DELETE_POSITIONS


def _sqlite_key(expression: str) -> str:
    """identifier_key in SQL: upper() is ASCII-only in SQLite, as the Python side is."""
    for separator in " -/._#:,":
        expression = f"replace({expression}, '{separator}', '')"
    return f"upper({expression})"


def _sqlite_array(column: str) -> str:
    return f"CASE WHEN json_valid({column}) AND json_type({column}) = 'array' THEN {column} ELSE '[]' END"


def _sqlite_identifiers(row: str) -> str:
    """INSERT of the identifiers of `row` (`new`, or the providers table when filling)."""
    source = "new" if row == "new" else "p"
    from_rows = "" if row == "new" else " FROM providers AS p,"
    parts = []
    for column in ("licences", "registration_numbers"):
        number = "json_extract(j.value, '$.number')"
        parts.append(
            f"SELECT {_sqlite_key(number)} AS v, {source}.id AS pid"
            + (from_rows or " FROM")
            + f" json_each({_sqlite_array(f'{source}.{column}')}) AS j "
            f"WHERE json_type(j.value) = 'object' AND {number} IS NOT NULL"
        )
    return (
        "INSERT OR IGNORE INTO provider_identifiers (value, provider_id) "
        f"SELECT v, pid FROM ({' UNION '.join(parts)}) WHERE v <> ''"
    )


def _sqlite_words(row: str) -> str:
    source = "new" if row == "new" else "p"
    from_rows = "FROM" if row == "new" else "FROM providers AS p,"
    array = (
        f"'[\"' || replace(replace({source}.search_name, '|', ' '), ' ', '\",\"') || '\"]'"
    )
    words = f"json_each(CASE WHEN json_valid({array}) THEN {array} ELSE '[]' END)"
    return (
        "INSERT OR IGNORE INTO provider_name_words (variant, word) "
        "SELECT CASE WHEN pos.value = 0 THEN w.value "
        "ELSE substr(w.value, 1, pos.value - 1) || substr(w.value, pos.value + 1) END, w.value "
        f"{from_rows} {words} AS w, json_each('{_POSITIONS}') AS pos "
        "WHERE length(w.value) >= 4 AND pos.value <= length(w.value)"
    )


_SQLITE_TRIGGERS = (
    "CREATE TRIGGER IF NOT EXISTS provider_identifiers_insert AFTER INSERT ON providers "
    f"BEGIN {_sqlite_identifiers('new')}; END",
    "CREATE TRIGGER IF NOT EXISTS provider_identifiers_update "
    "AFTER UPDATE OF licences, registration_numbers ON providers BEGIN "
    "DELETE FROM provider_identifiers WHERE provider_id = old.id; "
    f"{_sqlite_identifiers('new')}; END",
    "CREATE TRIGGER IF NOT EXISTS provider_identifiers_delete AFTER DELETE ON providers "
    "BEGIN DELETE FROM provider_identifiers WHERE provider_id = old.id; END",
    "CREATE TRIGGER IF NOT EXISTS provider_name_words_insert AFTER INSERT ON providers "
    f"BEGIN {_sqlite_words('new')}; END",
    "CREATE TRIGGER IF NOT EXISTS provider_name_words_update "
    f"AFTER UPDATE OF search_name ON providers BEGIN {_sqlite_words('new')}; END",
)
_SQLITE_FILL = (_sqlite_identifiers("providers"), _sqlite_words("providers"))
_SQLITE_DROP = tuple(
    f"DROP TRIGGER IF EXISTS {name}"
    for name in (
        "provider_identifiers_insert",
        "provider_identifiers_update",
        "provider_identifiers_delete",
        "provider_name_words_insert",
        "provider_name_words_update",
    )
)

# --- PostgreSQL ----------------------------------------------------------------------------

# identifier_key in SQL: translate() maps a-z to A-Z and drops the separators (ASCII only,
# as the Python side: upper() would also change other scripts' letters).
_PG_KEY = (
    "translate(item->>'number', 'abcdefghijklmnopqrstuvwxyz -/._#:,', "
    "'ABCDEFGHIJKLMNOPQRSTUVWXYZ')"
)


def _pg_array(column: str) -> str:
    return f"(CASE WHEN {column} LIKE '[%' THEN {column}::jsonb ELSE '[]'::jsonb END)"


def _pg_identifiers(row: str) -> str:
    source = "NEW" if row == "new" else "p"
    from_rows = "" if row == "new" else "providers AS p, "
    items = f"{_pg_array(f'{source}.licences')} || {_pg_array(f'{source}.registration_numbers')}"
    return (
        "INSERT INTO provider_identifiers (value, provider_id) "
        f"SELECT DISTINCT {_PG_KEY}, {source}.id FROM {from_rows}"
        f"jsonb_array_elements({items}) AS item "
        f"WHERE jsonb_typeof(item) = 'object' AND coalesce({_PG_KEY}, '') <> '' "
        "ON CONFLICT DO NOTHING"
    )


def _pg_words(row: str) -> str:
    source = "NEW" if row == "new" else "p"
    from_rows = "" if row == "new" else "providers AS p, "
    return (
        "INSERT INTO provider_name_words (variant, word) "
        "SELECT DISTINCT CASE WHEN pos = 0 THEN w "
        "ELSE overlay(w placing '' from pos for 1) END, w "
        f"FROM {from_rows}regexp_split_to_table({source}.search_name, '[ |]+') AS w, "
        "generate_series(0, least(char_length(w), 40)) AS pos "
        "WHERE char_length(w) >= 4 ON CONFLICT DO NOTHING"
    )


_PG_FUNCTIONS = (
    "CREATE OR REPLACE FUNCTION provider_identifiers_refresh() RETURNS trigger "
    "LANGUAGE plpgsql AS $$ BEGIN "
    "IF TG_OP <> 'INSERT' THEN DELETE FROM provider_identifiers WHERE provider_id = OLD.id; "
    "END IF; "
    f"IF TG_OP <> 'DELETE' THEN {_pg_identifiers('new')}; END IF; "
    "RETURN NULL; END $$",
    "CREATE OR REPLACE FUNCTION provider_name_words_add() RETURNS trigger "
    f"LANGUAGE plpgsql AS $$ BEGIN {_pg_words('new')}; RETURN NULL; END $$",
)
_PG_TRIGGERS = (
    "DROP TRIGGER IF EXISTS provider_identifiers_refresh ON providers",
    "CREATE TRIGGER provider_identifiers_refresh AFTER INSERT OR DELETE OR UPDATE OF "
    "licences, registration_numbers ON providers FOR EACH ROW "
    "EXECUTE FUNCTION provider_identifiers_refresh()",
    "DROP TRIGGER IF EXISTS provider_name_words_add ON providers",
    "CREATE TRIGGER provider_name_words_add AFTER INSERT OR UPDATE OF search_name "
    "ON providers FOR EACH ROW EXECUTE FUNCTION provider_name_words_add()",
)
_PG_FILL = (_pg_identifiers("providers"), _pg_words("providers"))
_PG_DROP = (
    "DROP TRIGGER IF EXISTS provider_identifiers_refresh ON providers",
    "DROP TRIGGER IF EXISTS provider_name_words_add ON providers",
    "DROP FUNCTION IF EXISTS provider_identifiers_refresh()",
    "DROP FUNCTION IF EXISTS provider_name_words_add()",
)


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="registry", description=DESCRIPTION)

    async def run() -> None:
        engine = engine_finder()
        assert engine is not None
        sqlite = isinstance(engine, SQLiteEngine)
        for statement in _TABLES:
            await engine.run_ddl(statement + (" WITHOUT ROWID" if sqlite and "TABLE" in statement else ""))
        steps = (
            (*_SQLITE_TRIGGERS, *_SQLITE_FILL) if sqlite else (*_PG_FUNCTIONS, *_PG_TRIGGERS, *_PG_FILL)
        )
        for statement in steps:
            await engine.run_ddl(statement)

    async def run_backwards() -> None:
        engine = engine_finder()
        assert engine is not None
        for statement in (*(_SQLITE_DROP if isinstance(engine, SQLiteEngine) else _PG_DROP), *_DROP):
            await engine.run_ddl(statement)

    manager.add_raw(run)
    manager.add_raw_backwards(run_backwards)
    return manager
