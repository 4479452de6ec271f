"""`rightsmark licences import`, as a real process on a real registry's SQLite file: a
licence cancelled in the imported register suspends the certificate, which `rightsmark
verify --registry` then reports with the licence's state; a bad file imports nothing."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import httpx
import pytest

from registry.registers import formats
from registry.registers.model import file_digest
from tests.support.server import RegistryServer, certify, registry_server

NUMBER = "DMW-033-LB-050522-R"  # cancelled in the shipped sample


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RegistryServer]:
    with registry_server(tmp_path_factory.mktemp("licences-registry")) as running:
        yield running


def _add_licence(server: RegistryServer, provider_id: str) -> None:
    sec = {"Authorization": f"Bearer {server.secretariat_token}"}
    licence = {
        "country": "PH",
        "number": NUMBER,
        "issuing_authority": "Department of Migrant Workers",
        "expires_on": str(date.today() + timedelta(days=300)),
    }
    response = httpx.patch(
        f"{server.url}/api/v1/providers/{provider_id}",
        json={"licences": [licence], "explanation": "licence on file"},
        headers=sec,
        timeout=30,
    )
    assert response.status_code == 200, response.text


@pytest.mark.e2e
def test_import_suspends_and_verify_shows_the_licence(
    server: RegistryServer, tmp_path: Path
) -> None:
    certificate = certify(server, "Pacific Star Deployment Inc.")
    _add_licence(server, certificate["provider"]["id"])

    bad = tmp_path / "bad.csv"
    bad.write_text("License No,Agency Name,Status\nDMW-1,A,Valid\nDMW-2,B,Sleeping\n")
    refused = server.cli("licences", "import", "--country", "PH", str(bad))
    assert refused.returncode == 1, refused.stdout + refused.stderr
    assert "line 3: status 'Sleeping'" in refused.stderr
    assert "Traceback" not in refused.stderr
    still = server.cli("verify", certificate["url"], "--registry", server.url)
    assert still.returncode == 0, still.stdout + still.stderr
    assert "self-declared, not checked" in still.stdout

    imported = server.cli(
        "licences", "import", "--country", "PH", str(formats.sample("PH")), "--json"
    )
    assert imported.returncode == 0, imported.stdout + imported.stderr
    body = json.loads(imported.stdout)
    assert (body["country"], body["entries"], body["matched"]) == ("PH", 6, 1)
    assert [a["action"] for a in body["actions"]] == ["finding_opened", "suspended"]
    assert body["digest"] == file_digest(formats.sample("PH").read_bytes())

    verified = server.cli("verify", certificate["url"], "--registry", server.url)
    assert verified.returncode == 1, verified.stdout + verified.stderr
    assert "NOT VALID (suspended)" in verified.stdout
    assert f"PH {NUMBER}: cancelled in the national register" in verified.stdout
    as_json = server.cli("verify", certificate["url"], "--registry", server.url, "--json")
    [result] = json.loads(as_json.stdout)["results"]
    assert result["certificate"]["licences"][0]["registerStatus"] == "cancelled"
    offline = server.cli(
        "verify", certificate["url"], "--did", f"{server.url}/.well-known/did.json", "--json"
    )
    [result] = json.loads(offline.stdout)["results"]
    assert "licences" not in result["certificate"]  # not known without the registry

    # The schedule applies the register again: nothing new to do.
    run = server.cli("lifecycle", "run", "--json")
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout)["actions"] == []
