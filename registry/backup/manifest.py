"""The archive's manifest: what a backup holds and the SHA-256 of every member (pure).

The manifest is the one member not listed in itself. Its checksums detect corruption and
editing of any other member; the authenticity of the log's content rests on the signed
checkpoints the restore checks it against (`logcheck.py`), not on the manifest.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from registry.backup.errors import ArchiveError

FORMAT = "rightsmark-backup"
FORMAT_VERSION = 1
MANIFEST_NAME = "manifest.json"
# The manifest cannot list its own digest; this member holds it, so that a changed byte
# anywhere in the manifest (even in a field nothing else checks) is caught too.
MANIFEST_DIGEST_NAME = "manifest.json.sha256"
DID_MEMBER = "keys/did.json"
LOG_KEYS_MEMBER = "keys/log-keys.txt"
_HEX64 = re.compile(r"[0-9a-f]{64}")


def table_member(table: str) -> str:
    return f"tables/{table}.jsonl"


def evidence_member(sha256: str) -> str:
    return f"evidence/{sha256}"


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Member(_Frozen):
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    size: int = Field(ge=0)


class LogState(_Frozen):
    size: int = Field(ge=0, description="entries in the log at the snapshot")
    root_hash: str = Field(pattern=r"^[0-9a-f]{64}$", description="RFC 9162 root, hex")
    checkpoint_size: int | None = Field(
        default=None, description="size of the latest checkpoint signed before the snapshot"
    )


class Manifest(_Frozen):
    format: str
    format_version: int
    created_at: str  # ISO 8601 UTC: when the snapshot was taken
    engine: str  # sqlite | postgresql: where it was taken (informative only)
    public_url: str  # the issuer DID and the log origin derive from it
    private_keys: str  # "encrypted" (as stored at rest) | "excluded"
    migrations: tuple[str, ...]  # "<app>:<migration id>", sorted: the schema the rows fit
    tables: dict[str, int]  # table -> rows, in restore order (parents before children)
    evidence_files: int
    log: LogState
    members: dict[str, Member]

    def to_json(self) -> bytes:
        return (json.dumps(self.model_dump(mode="json"), indent=2) + "\n").encode("utf-8")

    @classmethod
    def from_json(cls, data: bytes) -> Manifest:
        try:
            body = json.loads(data)
        except ValueError as exc:
            raise ArchiveError(f"{MANIFEST_NAME} is not JSON: {exc}") from exc
        if not isinstance(body, dict) or body.get("format") != FORMAT:
            raise ArchiveError("this file is not a Rightsmark backup (no manifest format)")
        if body.get("format_version") != FORMAT_VERSION:
            raise ArchiveError(
                f"backup format version {body.get('format_version')!r} is not supported "
                f"(this version reads {FORMAT_VERSION})"
            )
        try:
            return cls.model_validate(body)
        except ValidationError as exc:
            raise ArchiveError(f"{MANIFEST_NAME} is malformed: {exc}") from exc


def check_member_names(manifest: Manifest, names: Iterable[str]) -> None:
    """The archive holds exactly the manifest and the members it lists, each once."""
    seen = list(names)
    if len(seen) != len(set(seen)):
        raise ArchiveError("the archive holds a member twice")
    present = set(seen) - {MANIFEST_NAME, MANIFEST_DIGEST_NAME}
    listed = set(manifest.members)
    if missing := sorted(listed - present):
        raise ArchiveError(f"members listed in the manifest are missing: {', '.join(missing)}")
    if extra := sorted(present - listed):
        raise ArchiveError(f"members not listed in the manifest: {', '.join(extra)}")
    expected = {table_member(t) for t in manifest.tables} | {DID_MEMBER, LOG_KEYS_MEMBER}
    if missing := sorted(expected - listed):
        raise ArchiveError(f"the manifest lacks required members: {', '.join(missing)}")
    evidence = [n for n in listed if n.startswith("evidence/")]
    if len(evidence) != manifest.evidence_files:
        raise ArchiveError(
            f"the manifest counts {manifest.evidence_files} evidence files but lists "
            f"{len(evidence)}"
        )
    for name in evidence:
        if not _HEX64.fullmatch(name.removeprefix("evidence/")):
            raise ArchiveError(f"{name} is not named by a SHA-256 digest")


def manifest_digest_line(manifest_bytes: bytes) -> bytes:
    """`<sha256>  manifest.json`, the format `sha256sum -c` reads."""
    return f"{hashlib.sha256(manifest_bytes).hexdigest()}  {MANIFEST_NAME}\n".encode("ascii")


def check_manifest_digest(manifest_bytes: bytes, digest_line: bytes) -> None:
    if digest_line != manifest_digest_line(manifest_bytes):
        raise ArchiveError(
            f"{MANIFEST_NAME} is damaged or was modified: its SHA-256 differs "
            f"from {MANIFEST_DIGEST_NAME}"
        )


def check_member(name: str, expected: Member, sha256: str, size: int) -> None:
    if size != expected.size or sha256 != expected.sha256:
        raise ArchiveError(
            f"{name} is damaged or was modified: SHA-256 {sha256} ({size} bytes), the manifest "
            f"says {expected.sha256} ({expected.size} bytes)"
        )
