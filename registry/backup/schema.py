"""Which tables a backup holds, in which order, and each column's kind.

Every table of every Piccolo app of the registry is backed up, except Piccolo's own
`migration` table: the target's migrations create the schema, and the archive records which
migrations its rows fit (`applied_migrations`). The order puts the tables a foreign key
points at first, so the restore can insert table by table.
"""

from __future__ import annotations

from piccolo.apps.migrations.commands.base import BaseMigrationManager
from piccolo.apps.migrations.tables import Migration
from piccolo.columns import Boolean, Date, Timestamptz
from piccolo.table import Table, sort_table_classes

from registry.backup.rows import Kind
from registry.db.piccolo_conf import APP_REGISTRY
from registry.signing.tables import SigningKeyRow
from registry.transparency.tables import LogKeyRow

# Tables whose rows hold an encrypted private key, and its column: `--without-private-keys`
# blanks it.
PRIVATE_KEY_TABLES: dict[str, str] = {
    SigningKeyRow._meta.tablename: "encrypted_private_key",
    LogKeyRow._meta.tablename: "encrypted_private_key",
}


def tables() -> list[type[Table]]:
    found = [t for app in APP_REGISTRY.app_configs.values() for t in app.table_classes]
    return sort_table_classes(found)


def by_name() -> dict[str, type[Table]]:
    return {table._meta.tablename: table for table in tables()}


def kinds(table: type[Table]) -> dict[str, Kind]:
    result: dict[str, Kind] = {}
    for column in table._meta.columns:
        if isinstance(column, Timestamptz):
            kind = Kind.TIMESTAMP
        elif isinstance(column, Date):
            kind = Kind.DATE
        elif isinstance(column, Boolean):
            kind = Kind.BOOLEAN
        else:
            kind = Kind.PLAIN
        result[column._meta.name] = kind
    return result


async def applied_migrations() -> tuple[str, ...]:
    rows = await Migration.select(Migration.app_name, Migration.name).run()
    return tuple(sorted(f"{row['app_name']}:{row['name']}" for row in rows))


def code_migrations() -> tuple[str, ...]:
    """The migrations this version of the code has, as `applied_migrations` names them: an
    archive's rows fit this code's schema only when the two sets are equal."""
    manager = BaseMigrationManager()
    names = []
    for app in APP_REGISTRY.app_configs.values():
        modules = manager.get_migration_modules(app.resolved_migrations_folder_path)
        names += [f"{app.app_name}:{migration_id}" for migration_id in modules]
    return tuple(sorted(names))


def migration_difference(found: tuple[str, ...], code: tuple[str, ...]) -> str:
    """What differs between two migration sets, for an error message."""
    missing, extra = sorted(set(code) - set(found)), sorted(set(found) - set(code))
    parts = [f"lacks {', '.join(missing)}"] if missing else []
    parts += [f"has {', '.join(extra)}, unknown to this version"] if extra else []
    return "; ".join(parts)
