"""`rightsmark import`: restore an archive into an empty database, all or nothing.

Order matters, so that a refused or damaged archive writes nothing at all:

1. every member's SHA-256 and size against the manifest, every row decoded against this
   code's columns, the row counts, and the log recomputed from its entries against the
   manifest's root and every signed checkpoint (`logcheck.py`) - before any write;
2. the target must be empty and the archive's migrations this code's migrations;
3. one write transaction inserts every row (ids kept, so references stay valid), moves the
   PostgreSQL sequences past them, checks the restored log again through the registry's own
   stored proofs (root at the snapshot size, a consistency proof from every checkpoint) and
   copies the evidence files; any failure rolls back and removes the files it created.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from piccolo.engine.postgres import PostgresEngine
from piccolo.table import Table

from registry.assessments.store import blob_path, evidence_root
from registry.assessments.tables import EvidenceRow
from registry.backup import schema
from registry.backup.archive import ArchiveReader, opened
from registry.backup.errors import (
    ArchiveError,
    BackupError,
    LogMismatchError,
    RestoreFailedError,
    RestoreRefusedError,
)
from registry.backup.logcheck import ArchivedCheckpoint, check_archived_log
from registry.backup.manifest import LOG_KEYS_MEMBER, LogState, Manifest, table_member
from registry.backup.rows import decode_row
from registry.db.database import engine, migrate, write_transaction
from registry.errors import ProofVerificationError
from registry.settings import get_settings
from registry.transparency import log
from registry.transparency.tables import LogCheckpointRow, LogEntryRow, LogHeadRow
from registry.trust import merkle
from registry.trust.tlog_errors import LogError, LogIntegrityError

PARAMETERS_PER_INSERT = 5000  # well under SQLite's 32766 and PostgreSQL's 32767 bound values


@dataclass
class RestoreReport:
    manifest: Manifest
    evidence_written: int = 0
    warnings: list[str] = field(default_factory=list)


def _rows(archive: ArchiveReader, table: type[Table]) -> Iterator[dict[str, Any]]:
    name, kinds = table._meta.tablename, schema.kinds(table)
    for line in archive.lines(table_member(name)):
        yield decode_row(name, line, kinds)


def _check_rows(archive: ArchiveReader, tables: list[type[Table]]) -> None:
    """Every row decodes to this code's columns; the counts are the manifest's; every
    evidence row's file is in the archive."""
    manifest = archive.manifest
    for table in tables:
        name = table._meta.tablename
        count = 0
        for row in _rows(archive, table):
            count += 1
            if table is EvidenceRow and f"evidence/{row['sha256']}" not in manifest.members:
                raise ArchiveError(f"evidence file {row['sha256']} is not in the archive")
        if count != manifest.tables[name]:
            raise ArchiveError(
                f"table {name} has {count} rows, the manifest says {manifest.tables[name]}"
            )


def _check_log(archive: ArchiveReader, by_name: dict[str, type[Table]]) -> None:
    def rows(table: type[Table]) -> Iterator[dict[str, Any]]:
        return _rows(archive, by_name[table._meta.tablename])

    checkpoints = [
        ArchivedCheckpoint(row["size"], row["root_hash"], row["note"])
        for row in rows(LogCheckpointRow)
    ]
    keys = archive.read(LOG_KEYS_MEMBER).decode("ascii").split()
    heads = [row["size"] for row in rows(LogHeadRow) if row["name"] == log.LOG_NAME]
    # The archive's rows are in id order; the log's order is its positions.
    entries = sorted((row["position"], row["entry"]) for row in rows(LogEntryRow))
    check_archived_log(entries, checkpoints, keys, heads[0] if heads else 0, archive.manifest.log)


def check_archive(archive: ArchiveReader) -> list[type[Table]]:
    """Step 1: everything that can be checked without the target. Returns the tables."""
    archive.verify()
    manifest = archive.manifest
    tables = schema.tables()
    if list(manifest.tables) != [t._meta.tablename for t in tables]:
        raise RestoreRefusedError(
            "the archive's tables are not this version's tables: restore it with the "
            "Rightsmark version that made it"
        )
    _check_rows(archive, tables)
    _check_log(archive, schema.by_name())
    return tables


async def _non_empty(tables: list[type[Table]]) -> list[str]:
    found = []
    for table in tables:
        if await table.table_exists().run() and await table.count().run():
            found.append(table._meta.tablename)
    return found


async def _refuse_unless_ready(manifest: Manifest, tables: list[type[Table]]) -> None:
    code = schema.code_migrations()
    if manifest.migrations != code:
        raise RestoreRefusedError(
            "the archive was made by a Rightsmark version with other migrations (it "
            f"{schema.migration_difference(manifest.migrations, code)}): restore it with that "
            "version, then upgrade (`rightsmark init` applies pending migrations)"
        )
    if busy := await _non_empty(tables):
        named = ", ".join(busy[:3]) + (f" and {len(busy) - 3} more" if len(busy) > 3 else "")
        raise RestoreRefusedError(
            f"the target database is not empty ({named} hold rows): import only into a new, "
            "empty database"
        )


async def _insert(archive: ArchiveReader, table: type[Table]) -> None:
    per_batch = max(1, PARAMETERS_PER_INSERT // len(table._meta.columns))
    batch: list[Table] = []
    for row in _rows(archive, table):
        batch.append(table(_ignore_missing=True, **row))
        if len(batch) == per_batch:
            await table.insert(*batch).run()
            batch = []
    if batch:
        await table.insert(*batch).run()


async def _reset_sequences(tables: list[type[Table]]) -> None:
    """Rows were inserted with their ids, which PostgreSQL's sequences did not see: move
    each past the largest id, or the next insert would collide. (SQLite's rowids follow the
    largest id by themselves.)"""
    if not isinstance(engine(), PostgresEngine):
        return
    for table in tables:
        name = table._meta.tablename
        key = table._meta.primary_key._meta.db_column_name
        # Names from our own table classes, never from the archive.
        query = (
            f"SELECT setval(pg_get_serial_sequence('\"{name}\"', '{key}'), "  # noqa: S608
            f'COALESCE(MAX("{key}"), 0) + 1, false) FROM "{name}"'
        )
        await table.raw(query).run()


async def verify_restored_log(expected: LogState) -> None:
    """The restored log, read through the registry's own stored proofs: its root at the
    snapshot size is the manifest's, and it extends every checkpoint signed before."""
    try:
        size = await log.current_size()
        if size != expected.size:
            raise LogMismatchError(f"the restored log has {size} entries, not {expected.size}")
        root = await log.root_at(size)
        if root.hex() != expected.root_hash:
            raise LogMismatchError(
                f"the restored log's root is {root.hex()}, not {expected.root_hash}"
            )
        checkpoints = await LogCheckpointRow.select(
            LogCheckpointRow.size, LogCheckpointRow.root_hash
        ).run()
        for row in checkpoints:
            old_size, old_root = int(row["size"]), bytes.fromhex(row["root_hash"])
            if old_size > 0:
                proof = await log.consistency_proof(old_size, size)
                merkle.verify_consistency(old_size, size, proof, old_root, root)
    except (LogError, LogIntegrityError, ProofVerificationError) as exc:
        raise LogMismatchError(f"the restored log is not the exported one: {exc}") from exc


def _write_evidence(archive: ArchiveReader, created: list[Path]) -> int:
    """Copy each evidence file to its content address (temporary name, fsync, rename);
    files already there have the same bytes by construction and are kept."""
    tmp_dir = evidence_root() / "tmp"
    tmp_dir.mkdir(parents=True, exist_ok=True)
    for name in sorted(n for n in archive.manifest.members if n.startswith("evidence/")):
        digest = name.removeprefix("evidence/")
        target = blob_path(digest)
        if target.exists():
            continue
        fd, tmp_name = tempfile.mkstemp(dir=tmp_dir, prefix="restore-")
        try:
            hasher = hashlib.sha256()
            with os.fdopen(fd, "wb") as out:
                for chunk in archive.chunks(name):
                    hasher.update(chunk)
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
            if hasher.hexdigest() != digest:  # the archive changed since it was verified
                raise ArchiveError(f"{name} changed while it was being restored")
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(tmp_name, target)
            created.append(target)
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp_name)
    return len(created)


async def import_archive(path: Path) -> RestoreReport:
    with opened(path) as archive:
        manifest = archive.manifest
        tables = check_archive(archive)
        report = RestoreReport(manifest)
        if manifest.public_url != get_settings().public_url:
            report.warnings.append(
                f"the archive was made at {manifest.public_url}, this registry's public URL is "
                f"{get_settings().public_url}: its credentials name the issuer DID and log "
                "origin of the former; serve the restored registry at that URL"
            )
        await _refuse_unless_ready(manifest, tables)
        with contextlib.redirect_stdout(io.StringIO()):  # Piccolo's migration chatter
            await migrate()
        created: list[Path] = []
        try:
            async with write_transaction():
                await _refuse_unless_ready(manifest, tables)  # again, under the write lock
                for table in tables:
                    await _insert(archive, table)
                await _reset_sequences(tables)
                await verify_restored_log(manifest.log)
                report.evidence_written = _write_evidence(archive, created)
        except BaseException as exc:
            for written in created:
                written.unlink(missing_ok=True)
            if isinstance(exc, BackupError | OSError) or not isinstance(exc, Exception):
                raise
            # A constraint or driver error: the transaction is rolled back, say so plainly.
            raise RestoreFailedError(f"the database refused the rows: {exc}") from exc
        return report
