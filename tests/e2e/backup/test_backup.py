"""Backup and restore (issue 7), end to end with real processes.

A demo registry serves while a thread keeps suspending and reinstating a certificate;
`rightsmark export` runs in the middle of that. The archive is restored into a new SQLite
registry and into PostgreSQL (and exported back from there), a server is started on each
restored database, and what it serves is compared with the original: certificates and their
statuses, credentials that verify, the log (its root, its entries, a consistency proof from a
checkpoint fetched before the export) and the evidence bytes. Damaged, forged and refused
imports must leave nothing behind.
"""

from __future__ import annotations

import json
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from registry.backup.archive import opened
from registry.backup.errors import ArchiveError, LogMismatchError
from registry.backup.restore import check_archive
from registry.trust.signed_note import Checkpoint, verify_note
from tests.e2e.backup.postgres import fresh_database
from tests.e2e.backup.world import (
    Served,
    Writer,
    check_consistent,
    files_under,
    flip_one_byte,
    read_served,
    rewrite,
    statuses_from_log,
)
from tests.support.server import cli, registry_server, serving

pytestmark = pytest.mark.e2e
EVIDENCE = [b"Payslip register, March: 14 workers, no deductions.\n", b"Interview notes.\n"]


@dataclass
class Original:
    archive: Path
    env: dict[str, str]
    token: str
    before: Checkpoint  # fetched before the export
    served: Served  # what the original served after the export (and more writes)
    manifest: dict[str, Any]
    digests: list[str]
    toggled: str  # the certificate the writer kept changing


def _upload_evidence(url: str, data_dir: Path) -> list[str]:
    tokens = json.loads((data_dir / "demo-tokens.json").read_text())
    auditor = next(token for name, token in tokens.items() if name.startswith("auditor:"))
    headers = {"Authorization": f"Bearer {auditor}"}
    with httpx.Client(base_url=url, headers=headers, timeout=30) as http:
        listed = http.get("/api/v1/applications", params={"state": "assessed"}).json()
        application = listed["items"][0]["id"]
        digests = []
        for number, data in enumerate(EVIDENCE):
            answer = http.post(
                "/api/v1/evidence",
                content=data,
                params={"application_id": application, "filename": f"file-{number}.txt"},
                headers={"Content-Type": "text/plain"},
            )
            assert answer.status_code == 201, answer.text
            digests.append(answer.json()["sha256"])
    return digests


@pytest.fixture(scope="module")
def original(tmp_path_factory: pytest.TempPathFactory) -> Original:
    root = tmp_path_factory.mktemp("backup")
    archive = root / "backup.zip"
    with registry_server(root / "original", demo=True) as server:
        token = server.secretariat_token
        digests = _upload_evidence(server.url, server.data_dir)
        key = httpx.get(f"{server.url}/log/key").text.strip()
        before = verify_note(httpx.get(f"{server.url}/log/checkpoint").text, key)
        listed = httpx.get(f"{server.url}/api/v1/certificates", params={"status": "valid"})
        toggled = listed.json()["items"][0]["id"]
        writer = Writer(server.url, token, toggled)
        writer.thread.start()
        try:
            writer.wait_for(3)  # writes before, during and after the export
            exported = server.cli("export", str(archive))
            writer.wait_for(writer.done + 2)
        finally:
            writer.stop.set()
            writer.thread.join(timeout=30)
        assert exported.returncode == 0, exported.stderr
        served = read_served(server.url, token, digests)
    with zipfile.ZipFile(archive) as opened:
        manifest = json.loads(opened.read("manifest.json"))
    return Original(archive, server.env, token, before, served, manifest, digests, toggled)


def _restore(original: Original, data_dir: Path, database_url: str = "") -> dict[str, str]:
    env = {
        **original.env,
        "RIGHTSMARK_DATA_DIR": str(data_dir),
        "RIGHTSMARK_DATABASE_URL": database_url,
    }
    imported = cli("import", str(original.archive), env=env)
    assert imported.returncode == 0, imported.stdout + imported.stderr
    assert "imported" in imported.stdout
    return env


def _check_restored(
    original: Original, env: dict[str, str], data_dir: Path, *, write: bool = False
) -> None:
    url = env["RIGHTSMARK_PUBLIC_URL"]
    with serving(env, data_dir / "serve.log"):
        restored = read_served(url, original.token, original.digests)
        if write:  # new rows get ids past the restored ones (PostgreSQL sequences moved on)
            answer = httpx.post(
                f"{url}/api/v1/accounts",
                json={"name": "After restore", "role": "auditor"},
                headers={"Authorization": f"Bearer {original.token}"},
                timeout=30,
            )
            assert answer.status_code == 201, answer.text
        size, root = original.manifest["log"]["size"], original.manifest["log"]["root_hash"]
        # The log: the same key, the manifest's root, the original's first entries, and a
        # proof that it extends the checkpoint a monitor fetched before the export.
        assert restored.key == original.served.key
        assert (restored.checkpoint.size, restored.checkpoint.root_hash.hex()) == (size, root)
        assert restored.entries == original.served.entries[:size]
        assert original.before.size <= size < original.served.checkpoint.size
        check_consistent(url, original.before, restored.checkpoint)
    # A consistent snapshot: every certificate's state is what the snapshot's log says.
    expected = statuses_from_log(restored.entries)
    assert {c: item["status"] for c, item in restored.certificates.items()} == expected
    for certificate, verdict in restored.verdicts.items():
        assert verdict["status"] == expected[certificate], (certificate, verdict)
        assert verdict["valid"] == (expected[certificate] == "valid"), verdict
        assert restored.credentials[certificate] == original.served.credentials[certificate]
        if certificate != original.toggled:
            assert restored.certificates[certificate] == original.served.certificates[certificate]
    assert restored.evidence == dict(zip(original.digests, EVIDENCE, strict=True))


def test_export_while_serving_restores_into_a_new_sqlite_registry(
    original: Original, tmp_path: Path
) -> None:
    env = _restore(original, tmp_path / "restored")
    _check_restored(original, env, tmp_path / "restored", write=True)
    again = cli("import", str(original.archive), env=env)
    assert again.returncode == 2
    assert "not empty" in again.stderr
    assert "Traceback" not in again.stderr


def test_restore_into_postgresql_and_back_gives_the_same_rows(
    original: Original, tmp_path: Path
) -> None:
    url, why = fresh_database("rightsmark_backup_test")
    if url is None:
        pytest.skip(why)
    env = _restore(original, tmp_path / "pg", url)
    # Before the server signs anything new: an export from PostgreSQL holds the same rows,
    # byte for byte, as the one taken from SQLite.
    back = tmp_path / "from-postgres.zip"
    exported = cli("export", str(back), env=env)
    assert exported.returncode == 0, exported.stderr
    with zipfile.ZipFile(back) as opened:
        manifest = json.loads(opened.read("manifest.json"))
    assert manifest["engine"] == "postgresql"
    tables = {n: m for n, m in original.manifest["members"].items() if n.startswith("tables/")}
    assert {n: manifest["members"][n] for n in tables} == tables
    assert manifest["log"] == original.manifest["log"]
    _check_restored(original, env, tmp_path / "pg", write=True)


def _target_env(original: Original, target: Path) -> dict[str, str]:
    return {**original.env, "RIGHTSMARK_DATA_DIR": str(target), "RIGHTSMARK_DATABASE_URL": ""}


def test_a_changed_byte_is_refused_before_anything_is_written(
    original: Original, tmp_path: Path
) -> None:
    name = "tables/certificates.jsonl"
    damaged = tmp_path / "damaged.zip"
    rewrite(
        original.archive, damaged, lambda n, d: flip_one_byte(d) if n == name else d, rehash=False
    )
    target = tmp_path / "target"
    result = cli("import", str(damaged), env=_target_env(original, target))
    assert result.returncode == 1, result.stdout + result.stderr
    assert "nothing written" in result.stderr
    assert name in result.stderr
    assert "Traceback" not in result.stderr
    assert files_under(target) == []  # no database file, no evidence


@pytest.mark.parametrize("member", ["evidence", "keys/did.json", "manifest.json"])
def test_every_member_is_checked(original: Original, tmp_path: Path, member: str) -> None:
    """The checks `import` runs before writing, in process: any member, the manifest too."""
    name = f"evidence/{original.digests[0]}" if member == "evidence" else member
    damaged = tmp_path / "damaged.zip"
    rewrite(
        original.archive, damaged, lambda n, d: flip_one_byte(d) if n == name else d, rehash=False
    )
    with pytest.raises(ArchiveError, match=re.escape(name)), opened(damaged) as archive:
        check_archive(archive)


def test_a_forged_log_entry_is_refused(original: Original, tmp_path: Path) -> None:
    """Checksums recomputed to match (a forgery, not an accident): the log still betrays it."""

    def edit(name: str, data: bytes) -> bytes:
        if name != "tables/log_entries.jsonl":
            return data
        return data.replace(b"certificate.revoked", b"certificate.reinstated", 1)

    forged = tmp_path / "forged.zip"
    rewrite(original.archive, forged, edit, rehash=True)
    with pytest.raises(LogMismatchError, match="recompute"), opened(forged) as archive:
        check_archive(archive)


def test_a_failed_write_rolls_everything_back(original: Original, tmp_path: Path) -> None:
    """An account row twice (counts and checksums made to match): the database refuses the
    duplicate mid-import, and the one transaction leaves the target empty for a retry."""

    def edit(name: str, data: bytes) -> bytes:
        if name != "tables/accounts.jsonl":
            return data
        first = json.loads(data.splitlines()[0])
        return data + json.dumps({**first, "id": 999}, sort_keys=True).encode() + b"\n"

    broken = tmp_path / "broken.zip"
    rewrite(original.archive, broken, edit, rehash=True)
    _fix_count(broken, "accounts", +1)
    target = tmp_path / "target"
    env = _target_env(original, target)
    result = cli("import", str(broken), env=env)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "refused the rows" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (target / "evidence").exists() or files_under(target / "evidence") == []
    retried = cli("import", str(original.archive), env=env)  # nothing was left behind
    assert retried.returncode == 0, retried.stderr


def test_export_never_overwrites(original: Original) -> None:
    result = cli("export", str(original.archive), env=original.env)
    assert result.returncode == 2
    assert "already exists" in result.stderr


def _fix_count(archive: Path, table: str, delta: int) -> None:
    def edit(name: str, data: bytes) -> bytes:
        if name != "manifest.json":
            return data
        manifest = json.loads(data)
        manifest["tables"][table] += delta
        return json.dumps(manifest).encode()

    fixed = archive.with_name("fixed.zip")
    rewrite(archive, fixed, edit, rehash=True)
    fixed.replace(archive)
