"""Smoke test of the bulk loader at a tiny size, on SQLite: counts and consistency, no speed.

`rightsmark init` prepares a registry in a temporary directory; the loader then runs in its
own process (the registry reads its settings once per process) with that environment. The
database file is read back directly: every certificate has its rows, every credential's
proof verifies with the registry's key, and the stored Merkle subtrees give the same root
as the log entries hashed afresh.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from bench.scale.names import PER_LIST
from bench.server import rightsmark_command
from registry.transparency.log import node_key
from registry.trust import merkle
from registry.trust.multikey import public_key_from_multibase
from registry.trust.proofs import verify_proof
from registry.trust.tlog_entries import entry_leaf_hash
from tests.support.paths import PROJECT_ROOT

PROVIDERS, CERTIFICATES = 50, 200

pytestmark = pytest.mark.skipif(
    rightsmark_command() is None, reason="the rightsmark command is not installed"
)


def _run(command: list[str], env: dict[str, str]) -> str:
    done = subprocess.run(
        command, cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, object], Path]:
    data_dir = tmp_path_factory.mktemp("bulk")
    env = {
        **os.environ,
        "RIGHTSMARK_DATA_DIR": str(data_dir),
        "RIGHTSMARK_DATABASE_URL": "",  # SQLite in the data directory, whatever the suite uses
        "RIGHTSMARK_KEY_PASSPHRASE": "bulk-smoke-passphrase",
        "RIGHTSMARK_LOG_LEVEL": "warning",
    }
    _run([rightsmark_command() or "rightsmark", "init"], env)
    out = _run(
        [sys.executable, "-m", "bench.scale.bulk", "--providers", str(PROVIDERS),
         "--certificates", str(CERTIFICATES), "--no-progress"],
        env,
    )  # fmt: skip
    return json.loads(out.strip().splitlines()[-1]), data_dir / "rightsmark.sqlite"


def _count(db: sqlite3.Connection, table: str, where: str = "") -> int:
    return int(db.execute(f"SELECT COUNT(*) FROM {table} {where}").fetchone()[0])


def test_counts(loaded: tuple[dict[str, object], Path]) -> None:
    report, path = loaded
    with sqlite3.connect(path) as db:
        assert _count(db, "providers") == PROVIDERS
        assert _count(db, "certificates") == CERTIFICATES
        assert _count(db, "applications", "WHERE state = 'certified'") == CERTIFICATES
        assert _count(db, "decisions", "WHERE outcome = 'certified'") == CERTIFICATES
        issued = _count(db, "certificate_events", "WHERE action = 'issued'")
        assert issued == CERTIFICATES
        changed = _count(db, "certificates", "WHERE state <> 'active'")
        assert 0 < changed < CERTIFICATES
        assert _count(db, "certificate_events") == CERTIFICATES + changed
        assert _count(db, "status_lists") == 2 * -(-CERTIFICATES // PER_LIST)
        # Every certificate points at its own issuance entry; slots are distinct.
        joined = db.execute(
            "SELECT COUNT(*) FROM certificates c JOIN log_entries e ON e.position = c.log_index "
            "WHERE e.kind = 'certificate.issued' AND e.entry LIKE '%' || c.public_id || '%'"
        ).fetchone()[0]
        assert joined == CERTIFICATES
        assert db.execute("SELECT COUNT(DISTINCT code) FROM certificates").fetchone()[0] == (
            CERTIFICATES
        )
    assert report["certificates"] == CERTIFICATES


def test_every_credential_verifies(loaded: tuple[dict[str, object], Path]) -> None:
    _, path = loaded
    with sqlite3.connect(path) as db:
        (multibase,) = db.execute(
            "SELECT public_key_multibase FROM signing_keys WHERE state = 'active'"
        ).fetchone()
        key = public_key_from_multibase(multibase)
        rows = db.execute("SELECT credential, verification_method FROM certificates").fetchall()
    for credential, method in rows:

        def resolve(wanted: str, method: str = method) -> Ed25519PublicKey | None:
            return key if wanted == method else None

        result = verify_proof(json.loads(credential), resolve)
        assert result.verified, result.detail


class _Stored:
    def __init__(self, hashes: dict[int, bytes]) -> None:
        self.hashes = hashes

    def subtree_hash(self, level: int, index: int) -> bytes:
        return self.hashes[node_key(level, index)]


def test_log_subtrees_match_the_entries(loaded: tuple[dict[str, object], Path]) -> None:
    report, path = loaded
    with sqlite3.connect(path) as db:
        (size,) = db.execute("SELECT size FROM log_head WHERE name = 'main'").fetchone()
        entries = db.execute("SELECT position, entry FROM log_entries ORDER BY position").fetchall()
        stored = {int(n): bytes.fromhex(h) for n, h in db.execute(
            "SELECT node, hash FROM log_subtrees")}  # fmt: skip
    assert size == report["log_size"] == len(entries)
    assert [p for p, _ in entries] == list(range(size))
    fresh = merkle.root_from_leaf_hashes([entry_leaf_hash(e) for _, e in entries])
    assert merkle.tree_root(_Stored(stored), size) == fresh
