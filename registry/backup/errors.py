"""Errors of backup and restore, within the registry's one hierarchy."""

from __future__ import annotations

from registry.errors import RegistryError


class BackupError(RegistryError):
    """Base of every backup and restore error."""


class ExportError(BackupError):
    """The snapshot could not be written (a damaged evidence file, an existing target)."""


class TargetExistsError(ExportError):
    """The export would overwrite an existing file."""


class ArchiveError(BackupError):
    """The archive is not a Rightsmark backup, or it is damaged or tampered with: a member's
    checksum, size or row count differs from the manifest, or a member is missing or extra."""


class RestoreRefusedError(BackupError):
    """The target cannot take this archive: the database is not empty, or its schema
    (migrations) differs from the archive's."""


class RestoreFailedError(BackupError):
    """The database refused the rows (e.g. a constraint); the transaction was rolled back."""


class LogMismatchError(ArchiveError):
    """The archived or restored transparency log does not recompute to the manifest's root,
    or contradicts a checkpoint signed before the export."""
