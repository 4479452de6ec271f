"""The pure parts of backup and restore: row encoding, the manifest, the log recomputation."""

from __future__ import annotations

import base64
import datetime as dt

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from registry.backup.errors import ArchiveError, LogMismatchError
from registry.backup.logcheck import ArchivedCheckpoint, check_archived_log, verifier_keys
from registry.backup.manifest import (
    FORMAT,
    LogState,
    Manifest,
    Member,
    check_manifest_digest,
    check_member_names,
    manifest_digest_line,
)
from registry.backup.rows import Kind, decode_row, encode_row
from registry.trust import merkle
from registry.trust.multikey import public_key_bytes
from registry.trust.signed_note import sign_checkpoint
from registry.trust.tlog_entries import entry_leaf_hash

KINDS = {"id": Kind.PLAIN, "at": Kind.TIMESTAMP, "on": Kind.DATE, "flag": Kind.BOOLEAN}
ORIGIN = "127.0.0.1:8000/log"


def test_rows_round_trip_whatever_the_engine_returned() -> None:
    at = dt.datetime(2026, 11, 30, 12, 0, 0, 123456, tzinfo=dt.UTC)
    row = {"id": 7, "at": at, "on": dt.date(2027, 1, 1), "flag": True}
    assert decode_row("t", encode_row(row), KINDS) == row
    # SQLite may hand a boolean back as 0/1: the same JSON comes out as a boolean.
    assert decode_row("t", encode_row({**row, "flag": 1}), KINDS)["flag"] is True


def test_rows_refuse_naive_times_and_other_columns() -> None:
    with pytest.raises(ValueError, match="naive"):
        encode_row({"at": dt.datetime(2026, 1, 1)})  # a naive time: the point of the test
    with pytest.raises(ArchiveError, match="columns differ"):
        decode_row("t", b'{"id": 1}\n', KINDS)
    with pytest.raises(ArchiveError, match="malformed"):
        decode_row("t", b"not json\n", KINDS)


def _manifest(members: dict[str, Member], evidence: int = 0) -> Manifest:
    return Manifest(
        format=FORMAT,
        format_version=1,
        created_at="2026-11-30T12:00:00Z",
        engine="sqlite",
        public_url="http://127.0.0.1:8000",
        private_keys="encrypted",
        migrations=(),
        tables={"accounts": 0},
        evidence_files=evidence,
        log=LogState(size=0, root_hash=merkle.EMPTY_ROOT.hex()),
        members=members,
    )


def test_the_archive_holds_exactly_the_listed_members() -> None:
    member = Member(sha256="0" * 64, size=0)
    names = ["tables/accounts.jsonl", "keys/did.json", "keys/log-keys.txt"]
    manifest = _manifest(dict.fromkeys(names, member))
    check_member_names(manifest, [*names, "manifest.json", "manifest.json.sha256"])
    with pytest.raises(ArchiveError, match="missing"):
        check_member_names(manifest, names[:2])
    with pytest.raises(ArchiveError, match="not listed"):
        check_member_names(manifest, [*names, "evidence/" + "a" * 64])
    with pytest.raises(ArchiveError, match="lacks required"):
        check_member_names(_manifest({}), [])


def test_the_manifest_carries_its_own_digest_and_version() -> None:
    data = _manifest({}).to_json()
    assert Manifest.from_json(data) == _manifest({})
    check_manifest_digest(data, manifest_digest_line(data))
    with pytest.raises(ArchiveError, match="modified"):
        check_manifest_digest(data.replace(b"sqlite", b"sqlitf"), manifest_digest_line(data))
    with pytest.raises(ArchiveError, match="not supported"):
        Manifest.from_json(data.replace(b'"format_version": 1', b'"format_version": 9'))
    with pytest.raises(ArchiveError, match="not a Rightsmark backup"):
        Manifest.from_json(b'{"format": "zip"}')


def _log(count: int) -> tuple[list[tuple[int, str]], merkle.MemoryTree]:
    entries = [(i, f'{{"n":{i},"type":"certificate.issued"}}') for i in range(count)]
    tree = merkle.MemoryTree()
    for _, text in entries:
        tree.append_leaf_hash(entry_leaf_hash(text))
    return entries, tree


def _signed(tree: merkle.MemoryTree, size: int, key: Ed25519PrivateKey) -> ArchivedCheckpoint:
    root = tree.root(size)
    return ArchivedCheckpoint(size, root.hex(), sign_checkpoint(ORIGIN, size, root, key))


def test_the_log_recomputes_to_the_manifest_and_every_checkpoint() -> None:
    key = Ed25519PrivateKey.generate()
    keys = verifier_keys([(ORIGIN, base64.b64encode(public_key_bytes(key.public_key())).decode())])
    entries, tree = _log(11)
    checkpoints = [_signed(tree, 5, key), _signed(tree, 11, key)]
    state = LogState(size=11, root_hash=tree.root().hex(), checkpoint_size=11)
    check_archived_log(entries, checkpoints, keys, 11, state)

    rewritten = [*entries[:3], (3, '{"n":3,"type":"certificate.revoked"}'), *entries[4:]]
    with pytest.raises(LogMismatchError, match="root signed at size 5"):
        check_archived_log(rewritten, checkpoints, keys, 11, state)
    with pytest.raises(LogMismatchError, match="missing"):
        check_archived_log(entries[:4] + entries[5:], [], keys, 11, state)
    with pytest.raises(LogMismatchError, match="log head"):
        check_archived_log(entries, checkpoints, keys, 10, state)
    other = _signed(tree, 5, Ed25519PrivateKey.generate())
    with pytest.raises(LogMismatchError, match="not signed by the archived log key"):
        check_archived_log(entries, [other], keys, 11, state)
    with pytest.raises(LogMismatchError, match="recompute to root"):
        check_archived_log(entries[:10], [], keys, 10, LogState(size=10, root_hash="0" * 64))
