"""`rightsmark export`: one consistent snapshot of the registry, taken while it serves.

Every row is read inside ONE read transaction: on SQLite a deferred transaction, whose first
read fixes a WAL snapshot that later commits do not change; on PostgreSQL a REPEATABLE READ,
READ ONLY transaction. Writers are never blocked. The log's size and root, the DID document
and the list of evidence files all come from that same snapshot. Evidence files are
immutable and written before the row that names them commits, so every file the snapshot
names exists; each is hashed while copied and must match its name.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from piccolo.engine.postgres import PostgresEngine
from piccolo.table import Table

from registry.assessments.store import blob_path
from registry.assessments.tables import EvidenceRow
from registry.backup import schema
from registry.backup.archive import CHUNK, ArchiveWriter
from registry.backup.errors import ExportError
from registry.backup.logcheck import verifier_keys
from registry.backup.manifest import (
    DID_MEMBER,
    FORMAT,
    FORMAT_VERSION,
    LOG_KEYS_MEMBER,
    LogState,
    Manifest,
    evidence_member,
    table_member,
)
from registry.backup.rows import encode_row
from registry.clock import utc_now
from registry.complaints.tables import ComplaintAttachmentRow
from registry.db.database import engine
from registry.keys import did_document_json
from registry.settings import get_settings
from registry.transparency import log
from registry.transparency.tables import LogCheckpointRow, LogKeyRow

BATCH = 1000


@asynccontextmanager
async def read_snapshot() -> AsyncIterator[None]:
    db = engine()
    async with db.transaction():
        if isinstance(db, PostgresEngine):
            # Must be the transaction's first statement: it fixes the snapshot for all reads.
            await EvidenceRow.raw(
                "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY"
            ).run()
        yield


async def _rows(table: type[Table]) -> AsyncIterator[dict[str, Any]]:
    """Every row by id, in pages (keyset pagination: each page is one indexed range)."""
    last = 0
    while True:
        page: list[dict[str, Any]] = (
            await table.select()
            .where(table._meta.primary_key > last)
            .order_by(table._meta.primary_key)
            .limit(BATCH)
            .run()
        )
        for row in page:
            yield row
        if len(page) < BATCH:
            return
        last = page[-1][table._meta.primary_key._meta.name]


async def _write_table(writer: ArchiveWriter, table: type[Table], blank: str | None) -> int:
    """Stream the table's rows into its member; returns how many."""
    count = 0
    with writer.member(table_member(table._meta.tablename)) as sink:
        async for row in _rows(table):
            if blank is not None:
                row[blank] = ""
            sink.write(encode_row(row))
            count += 1
    return count


async def complaint_files() -> set[str]:
    """The (sealed) files attached to complaints and appeals, in the same store as the
    evidence; those whose case was erased are gone (`registry.complaints.retention`)."""
    rows = await ComplaintAttachmentRow.select(ComplaintAttachmentRow.stored_sha256).where(
        ComplaintAttachmentRow.filename_sealed.is_not_null()
    )
    return {r["stored_sha256"] for r in rows}


def _file_chunks(sha256: str) -> Iterator[bytes]:
    path = blob_path(sha256)
    try:
        with path.open("rb") as handle:
            while chunk := handle.read(CHUNK):
                yield chunk
    except FileNotFoundError as exc:
        raise ExportError(f"evidence file {sha256} is missing from {path.parent}") from exc


async def export_archive(target: Path, *, include_private_keys: bool = True) -> Manifest:
    """Write the snapshot to `target` (a new file); returns its manifest."""
    settings = get_settings()
    with ArchiveWriter(target) as writer:
        async with read_snapshot():
            created_at = utc_now()
            migrations = await schema.applied_migrations()
            code = schema.code_migrations()
            if migrations != code:  # this code's tables would not read those rows right
                raise ExportError(
                    "the database's schema is not this version's (it "
                    f"{schema.migration_difference(migrations, code)}): run `rightsmark init` "
                    "to apply pending migrations, or export with the version that serves it"
                )
            counts: dict[str, int] = {}
            for table in schema.tables():
                name = table._meta.tablename
                blank = None if include_private_keys else schema.PRIVATE_KEY_TABLES.get(name)
                counts[name] = await _write_table(writer, table, blank)
            size = await log.current_size()
            log_state = LogState(
                size=size,
                root_hash=(await log.root_at(size)).hex(),
                checkpoint_size=await _latest_checkpoint_size(),
            )
            did = json.dumps(await did_document_json(), indent=2).encode("utf-8")
            key_rows = await LogKeyRow.select(LogKeyRow.name, LogKeyRow.public_key).run()
            digests = sorted(
                {r["sha256"] for r in await EvidenceRow.select(EvidenceRow.sha256).run()}
                | await complaint_files()
            )
        writer.write(DID_MEMBER, [did + b"\n"])
        keys = verifier_keys((row["name"], row["public_key"]) for row in key_rows)
        writer.write(LOG_KEYS_MEMBER, ["".join(k + "\n" for k in keys).encode("ascii")])
        for digest in digests:
            member = writer.write(evidence_member(digest), _file_chunks(digest))
            if member.sha256 != digest:
                raise ExportError(f"evidence file {digest} is damaged: its bytes hash otherwise")
        manifest = Manifest(
            format=FORMAT,
            format_version=FORMAT_VERSION,
            created_at=created_at.isoformat().replace("+00:00", "Z"),
            engine="postgresql" if settings.is_postgres else "sqlite",
            public_url=settings.public_url,
            private_keys="encrypted" if include_private_keys else "excluded",
            migrations=migrations,
            tables=counts,
            evidence_files=len(digests),
            log=log_state,
            members=dict(writer.members),
        )
        writer.finish(manifest)
    return manifest


async def _latest_checkpoint_size() -> int | None:
    row = (
        await LogCheckpointRow.select(LogCheckpointRow.size)
        .order_by(LogCheckpointRow.size, ascending=False)
        .first()
        .run()
    )
    return None if row is None else int(row["size"])
