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
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

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


async def write_blob(chunks: AsyncIterator[bytes], *, content_type: str, limit: int) -> StoredBlob:
    """Store a stream checked against its declared type and the size limit."""
    tmp_dir = evidence_root() / "tmp"
    tmp_dir.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=tmp_dir, prefix="upload-")
    tmp = Path(tmp_name)
    try:
        hasher, check, size = hashlib.sha256(), ContentCheck(content_type), 0
        with os.fdopen(fd, "wb") as out:
            async for chunk in chunks:
                size += len(chunk)
                if size > limit:
                    raise EvidenceTooLarge(f"the evidence file exceeds the limit of {limit} bytes")
                hasher.update(chunk)
                check.feed(chunk)
                out.write(chunk)
            if size == 0:
                raise InvalidRequestError("the evidence file is empty", field="file")
            try:
                check.finish()
            except UnsupportedContent as exc:
                raise UnsupportedEvidence(str(exc)) from exc
            out.flush()
            await anyio.to_thread.run_sync(os.fsync, out.fileno())
        target = blob_path(hasher.hexdigest())
        await anyio.to_thread.run_sync(_publish, tmp, target)
        return StoredBlob(hasher.hexdigest(), size, target)
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
