"""`make run`'s promise: after `rightsmark init --demo`, every demo certificate gets the
right verdict from `rightsmark verify` against the running server, as from the API."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from tests.support.server import registry_server


@pytest.mark.e2e
def test_every_demo_certificate_verifies_as_the_register_says(tmp_path: Path) -> None:
    with registry_server(tmp_path / "registry", demo=True) as server:
        listed = httpx.get(f"{server.url}/api/v1/certificates", params={"limit": 200}).json()
        statuses = {item["url"]: item["status"] for item in listed["items"]}
        assert sorted(statuses.values()) == sorted(
            ["valid", "valid", "valid", "suspended", "revoked", "expired"]
        )
        result = server.cli("verify", *statuses, "--registry", server.url, "--json")
        assert result.returncode == 1, result.stderr  # not every certificate is valid
        verdicts = json.loads(result.stdout)["results"]
        assert {v["source"]: v["status"] for v in verdicts} == statuses
        for verdict in verdicts:
            checks = {c["name"]: c["result"] for c in verdict["checks"]}
            assert checks["signature"] == checks["log"] == "passed", verdict
        api = [
            httpx.post(f"{server.url}/api/v1/verify", content=httpx.get(url).content).json()
            for url in statuses
        ]
        assert [v["status"] for v in api] == list(statuses.values())
