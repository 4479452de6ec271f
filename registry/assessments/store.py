"""Evidence bytes on disk, content-addressed: `<data_dir>/evidence/ab/cd/<sha256>`.

A file is written to a temporary name in the same tree, fsynced, then renamed atomically
onto its digest, so a reader never sees a partial file and a crash leaves at most a stray
temporary. The same bytes uploaded twice are stored once.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import tempfile
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import anyio.to_thread

from registry.assessments.errors import EvidenceTooLarge, UnsupportedEvidence
from registry.assessments.sniff import ContentCheck, UnsupportedContent
from registry.errors import InvalidRequestError
from registry.settings import get_settings

_DIGEST = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True)
class StoredBlob:
    sha256: str
    size: int
    path: Path


def evidence_root() -> Path:
    return get_settings().data_dir / "evidence"


def blob_path(sha256: str) -> Path:
    if not _DIGEST.fullmatch(sha256):  # never build a path from anything else
        raise ValueError("not a SHA-256 hex digest")
    return evidence_root() / sha256[:2] / sha256[2:4] / sha256


class _Checked:
    """The checks every stored file passes, fed chunk by chunk: the size limit, the bytes
    against the declared type, not empty."""

    def __init__(self, content_type: str, limit: int) -> None:
        self.hasher, self.check, self.size, self.limit = (
            hashlib.sha256(),
            ContentCheck(content_type),
            0,
            limit,
        )

    def feed(self, chunk: bytes) -> None:
        self.size += len(chunk)
        if self.size > self.limit:
            raise EvidenceTooLarge(f"the evidence file exceeds the limit of {self.limit} bytes")
        self.hasher.update(chunk)
        self.check.feed(chunk)

    def finish(self) -> str:
        if self.size == 0:
            raise InvalidRequestError("the evidence file is empty", field="file")
        try:
            self.check.finish()
        except UnsupportedContent as exc:
            raise UnsupportedEvidence(str(exc)) from exc
        return self.hasher.hexdigest()


async def write_blob(chunks: AsyncIterator[bytes], *, content_type: str, limit: int) -> StoredBlob:
    """Store a stream checked against its declared type and the size limit."""
    checked = _Checked(content_type, limit)

    async def written(out: BinaryIO) -> str:
        async for chunk in chunks:
            checked.feed(chunk)
            out.write(chunk)
        return checked.finish()

    return await _store(written)


async def read_checked(
    chunks: AsyncIterator[bytes], *, content_type: str, limit: int
) -> tuple[bytes, str]:
    """The whole stream and its SHA-256, checked as `write_blob` checks it but kept in
    memory (within `limit`), for a file that must be sealed before anything is written."""
    checked, parts = _Checked(content_type, limit), []
    async for chunk in chunks:
        checked.feed(chunk)
        parts.append(chunk)
    digest = checked.finish()
    return b"".join(parts), digest


async def write_bytes(data: bytes) -> StoredBlob:
    """Bytes already checked (a sealed file), stored by their own digest."""

    async def written(out: BinaryIO) -> str:
        out.write(data)
        return hashlib.sha256(data).hexdigest()

    return await _store(written)


async def _store(write: Callable[[BinaryIO], Awaitable[str]]) -> StoredBlob:
    """Write to a temporary file (`write` answers the digest of what it wrote), fsync it,
    and publish it at its content address."""
    tmp_dir = evidence_root() / "tmp"
    tmp_dir.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=tmp_dir, prefix="upload-")
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as out:
            digest = await write(out)
            out.flush()
            await anyio.to_thread.run_sync(os.fsync, out.fileno())
        target = blob_path(digest)
        size = tmp.stat().st_size
        await anyio.to_thread.run_sync(_publish, tmp, target)
        return StoredBlob(digest, size, target)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()


def _publish(tmp: Path, target: Path) -> None:
    if target.exists():  # same digest, same bytes: keep the one already there
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    os.replace(tmp, target)
    directory = os.open(target.parent, os.O_RDONLY)
    try:
        os.fsync(directory)  # make the rename itself durable
    finally:
        os.close(directory)
