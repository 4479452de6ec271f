"""`rightsmark lifecycle run`, as a real process on a real registry's SQLite file.

The certificates are made through the HTTP API of a registry server in a subprocess (no
`db` fixture: that server has its own data folder); the lifecycle then runs from the shell
against the same database, at chosen moments (`--now`), and must be idempotent.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.support.server import RegistryServer, certify, change, cli, registry_server


def at(days: int) -> str:
    when = datetime.now(UTC) + timedelta(days=days)
    return when.isoformat().replace("+00:00", "Z")


def actions(result: Any) -> list[tuple[str, str]]:
    assert result.returncode == 0, result.stdout + result.stderr
    return [(a["certificate"], a["action"]) for a in json.loads(result.stdout)["actions"]]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RegistryServer]:
    with registry_server(tmp_path_factory.mktemp("lifecycle-registry")) as running:
        yield running


def test_an_empty_run_and_bad_input(tmp_path: Path) -> None:
    env = {"RIGHTSMARK_DATA_DIR": str(tmp_path), "RIGHTSMARK_DATABASE_URL": ""}
    assert cli("init", env=env).returncode == 0
    as_json = cli("lifecycle", "run", "--json", env=env)
    assert as_json.returncode == 0, as_json.stderr
    body = json.loads(as_json.stdout)
    assert body["actions"] == []
    assert body["now"].endswith("Z")
    human = cli("lifecycle", "run", "--now", "2027-01-01T00:00:00Z", env=env)
    assert human.returncode == 0, human.stderr
    assert "lifecycle as of 2027-01-01T00:00:00Z: nothing to do" in human.stdout
    bad = cli("lifecycle", "run", "--now", "next tuesday", env=env)
    assert bad.returncode == 2
    assert "not an ISO 8601 date-time" in bad.stderr
    assert "Traceback" not in bad.stderr


@pytest.mark.e2e
def test_long_suspension_is_revoked_and_surveillance_flagged_once(server: RegistryServer) -> None:
    kept = certify(server, "Agencia Uno, Inc.")
    suspended = certify(server, "Agencia Dos, Inc.")
    change(server, suspended, "suspend")

    assert actions(server.cli("lifecycle", "run", "--json")) == []  # nothing due today

    # 100 days on, the suspension has outlived core-rights' 90 days: revoked, once.
    later = at(100)
    assert actions(server.cli("lifecycle", "run", "--now", later, "--json")) == [
        (suspended["id"], "revoked")
    ]
    assert actions(server.cli("lifecycle", "run", "--now", later, "--json")) == []
    revoked = server.cli("verify", suspended["url"], "--registry", server.url)
    assert revoked.returncode == 1, revoked.stdout + revoked.stderr
    assert "NOT VALID (revoked)" in revoked.stdout  # visible in the status list at once
    still = server.cli("verify", kept["url"], "--registry", server.url)
    assert still.returncode == 0, still.stdout + still.stderr

    # 400 days on, the yearly surveillance audit is overdue: flagged once, shown as a table,
    # and scheduled at once with an auditor (docs/assurance.md, "The surveillance cycle").
    table = server.cli("lifecycle", "run", "--now", at(400))
    assert table.returncode == 0, table.stderr
    assert kept["id"] in table.stdout
    assert kept["code"] in table.stdout
    assert "surveillance_overdue" in table.stdout
    assert "surveillance_scheduled" in table.stdout
    assert "2 action(s)" in table.stdout
    assert actions(server.cli("lifecycle", "run", "--now", at(400), "--json")) == []
