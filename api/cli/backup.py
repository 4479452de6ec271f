"""`rightsmark export ARCHIVE` and `rightsmark import ARCHIVE`: backup and restore.

Exit codes: 0 done; 1 the export failed or the archive is damaged, tampered with or its log
does not verify; 2 a refused request (the target file exists, the database is not empty, the
archive is from another schema version). Details: docs/backup.md.
"""

from __future__ import annotations

from pathlib import Path

import click
from rich.markup import escape

from api.cli.support import console, err, fail, run
from registry.backup.errors import ArchiveError, RestoreRefusedError, TargetExistsError
from registry.errors import RegistryError
from registry.settings import get_settings


def _describe(path: Path, tables: dict[str, int], evidence: int, size: int, root: str) -> str:
    return (
        f"{escape(str(path))}: {sum(tables.values())} rows in {len(tables)} tables, "
        f"{evidence} evidence files, log size {size} root {root}"
    )


@click.command("export")
@click.argument("archive", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--without-private-keys",
    is_flag=True,
    help="Leave out the encrypted private keys (signing and log keys). A registry restored "
    "from such an archive serves and verifies but cannot sign until new keys are made.",
)
def export_command(archive: Path, without_private_keys: bool) -> None:
    """Write a consistent snapshot of the registry to the new zip file ARCHIVE while it keeps
    serving: every table, the evidence files, the public keys and DID document, and a
    manifest with the SHA-256 of every member and the log's size and root. Private keys are
    included encrypted, exactly as stored; the passphrase never is."""
    from registry.backup.snapshot import export_archive

    try:
        manifest = run(export_archive(archive, include_private_keys=not without_private_keys))
    except TargetExistsError as exc:
        fail(str(exc), 2)
    except (RegistryError, OSError) as exc:
        fail(f"export failed: {exc}")
    keys = "private keys included (encrypted)" if not without_private_keys else "no private keys"
    console.print(
        "exported "
        + _describe(
            archive,
            manifest.tables,
            manifest.evidence_files,
            manifest.log.size,
            manifest.log.root_hash,
        )
        + f"; {keys}",
        highlight=False,
        soft_wrap=True,
    )


@click.command("import")
@click.argument("archive", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_command(archive: Path) -> None:
    """Restore ARCHIVE into the configured database, which must be empty (any engine). Every
    checksum and the log are verified before anything is written; the rows are written in one
    transaction, and the restored log must recompute to the archive's root and extend every
    checkpoint signed before the export. A failed import leaves nothing behind."""
    from registry.backup.restore import import_archive

    settings = get_settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    try:
        report = run(import_archive(archive))
    except RestoreRefusedError as exc:
        fail(f"import refused, nothing written: {exc}", 2)
    except ArchiveError as exc:
        fail(f"import refused, nothing written: {exc}")
    except (RegistryError, OSError) as exc:
        fail(f"import failed, nothing written: {exc}")
    for warning in report.warnings:
        err.print(f"[bold yellow]warning:[/] {escape(warning)}", highlight=False)
    manifest = report.manifest
    console.print(
        "imported "
        + _describe(
            archive,
            manifest.tables,
            manifest.evidence_files,
            manifest.log.size,
            manifest.log.root_hash,
        )
        + f" (taken {manifest.created_at}); log verified against "
        f"{'no checkpoint' if manifest.log.checkpoint_size is None else 'its checkpoints'}",
        highlight=False,
        soft_wrap=True,
    )
    if manifest.private_keys == "excluded":
        console.print(
            "the archive has no private keys: run `rightsmark keys rotate` before signing",
            highlight=False,
        )
