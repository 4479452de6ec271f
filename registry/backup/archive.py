"""The archive file: a zip whose members are hashed as they are written and checked against
the manifest before anything is read from them.

A zip rather than a tarball: the restore reads the manifest first and each member when it
needs it, without unpacking. The writer builds `<archive>.partial` beside the target and
renames it into place only once complete and flushed to disk, so a failed export never
leaves something that looks like a backup.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from types import TracebackType
from typing import IO

from registry.backup.errors import ArchiveError, TargetExistsError
from registry.backup.manifest import (
    MANIFEST_DIGEST_NAME,
    MANIFEST_NAME,
    Manifest,
    Member,
    check_manifest_digest,
    check_member,
    check_member_names,
    manifest_digest_line,
)

CHUNK = 1 << 20


class _HashingSink:
    def __init__(self, out: IO[bytes]) -> None:
        self.out, self.hasher, self.size = out, hashlib.sha256(), 0

    def write(self, data: bytes) -> None:
        self.hasher.update(data)
        self.size += len(data)
        self.out.write(data)


class ArchiveWriter:
    def __init__(self, target: Path) -> None:
        if target.exists():
            raise TargetExistsError(f"{target} already exists; choose a new file name")
        target.parent.mkdir(parents=True, exist_ok=True)
        self.target = target
        self.partial = target.with_name(target.name + ".partial")
        self.members: dict[str, Member] = {}
        self._zip = zipfile.ZipFile(self.partial, "w", compression=zipfile.ZIP_DEFLATED)

    def __enter__(self) -> ArchiveWriter:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if exc is not None:
            self._zip.close()
            self.partial.unlink(missing_ok=True)

    @contextlib.contextmanager
    def member(self, name: str) -> Iterator[_HashingSink]:
        """Write a member piece by piece (rows as they are read); it is hashed as written."""
        with self._zip.open(name, "w", force_zip64=True) as out:
            sink = _HashingSink(out)
            yield sink
        self.members[name] = Member(sha256=sink.hasher.hexdigest(), size=sink.size)

    def write(self, name: str, chunks: Iterable[bytes]) -> Member:
        """Add a member from its chunks; returns its SHA-256 and size."""
        with self.member(name) as sink:
            for chunk in chunks:
                sink.write(chunk)
        return self.members[name]

    def finish(self, manifest: Manifest) -> None:
        data = manifest.to_json()
        self._zip.writestr(MANIFEST_NAME, data)
        self._zip.writestr(MANIFEST_DIGEST_NAME, manifest_digest_line(data))
        self._zip.close()
        with self.partial.open("rb") as handle:
            os.fsync(handle.fileno())
        os.replace(self.partial, self.target)


class ArchiveReader:
    """An opened archive with its parsed manifest; `verify()` checks every member."""

    def __init__(self, path: Path) -> None:
        try:
            self._zip = zipfile.ZipFile(path)
        except FileNotFoundError as exc:
            raise ArchiveError(f"{path}: no such file") from exc
        except (zipfile.BadZipFile, OSError) as exc:
            raise ArchiveError(f"{path} is not a readable zip archive: {exc}") from exc
        try:
            data = self._zip.read(MANIFEST_NAME)
            check_manifest_digest(data, self._zip.read(MANIFEST_DIGEST_NAME))
            self.manifest = Manifest.from_json(data)
        except KeyError as exc:
            self._zip.close()
            raise ArchiveError(f"{path} has no {exc}: not a Rightsmark backup") from exc
        except (zipfile.BadZipFile, OSError) as exc:
            self._zip.close()
            raise ArchiveError(f"{path}: the manifest is damaged: {exc}") from exc
        except ArchiveError:
            self._zip.close()
            raise

    def close(self) -> None:
        self._zip.close()

    def verify(self) -> None:
        """Exactly the listed members, each with the manifest's SHA-256 and size."""
        check_member_names(self.manifest, self._zip.namelist())
        for name, expected in self.manifest.members.items():
            hasher, size = hashlib.sha256(), 0
            for chunk in self.chunks(name):
                hasher.update(chunk)
                size += len(chunk)
            check_member(name, expected, hasher.hexdigest(), size)

    def chunks(self, name: str) -> Iterator[bytes]:
        try:
            with self._zip.open(name) as handle:
                while chunk := handle.read(CHUNK):
                    yield chunk
        except (zipfile.BadZipFile, OSError, EOFError) as exc:
            # A zip-level CRC or length error: the member was damaged in place.
            raise ArchiveError(f"{name} is damaged: {exc}") from exc

    def lines(self, name: str) -> Iterator[bytes]:
        try:
            with self._zip.open(name) as handle:
                yield from handle
        except (zipfile.BadZipFile, OSError, EOFError) as exc:
            raise ArchiveError(f"{name} is damaged: {exc}") from exc

    def read(self, name: str) -> bytes:
        return b"".join(self.chunks(name))


@contextlib.contextmanager
def opened(path: Path) -> Iterator[ArchiveReader]:
    reader = ArchiveReader(path)
    try:
        yield reader
    finally:
        reader.close()
