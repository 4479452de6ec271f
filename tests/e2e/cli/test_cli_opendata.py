"""`rightsmark opendata export` and `verify` as real processes on a real registry, with the
registry's DID document and log key fetched over HTTP; the export also checked with openssl
and sha256sum; and the Atom feed of the running server showing a suspension's log index."""

from __future__ import annotations

import base64
import json
import shutil
import subprocess
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.support.feeds import atom_feed
from tests.support.server import RegistryServer, certify, change, cli, registry_server


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RegistryServer]:
    with registry_server(tmp_path_factory.mktemp("opendata-registry")) as running:
        yield running


@pytest.mark.e2e
def test_export_verify_tamper_and_the_feed(server: RegistryServer, tmp_path: Path) -> None:
    certificate = certify(server, "Agencia Abierta, Inc.")
    change(server, certificate, "suspend")
    feed = atom_feed(httpx.get(f"{server.url}/feeds/status.atom", timeout=30).content)
    top = feed.entries[0]
    assert top.category == "suspended"
    assert certificate["code"] in top.title
    logged = httpx.get(
        f"{server.url}/log/entries", params={"start": top.log_index, "end": top.log_index + 1}
    ).json()["entries"][0]["entry"]
    assert json.loads(logged)["subject"]["certificate"] == certificate["id"]

    exported = server.cli("opendata", "export", str(tmp_path / "od"))
    assert exported.returncode == 0, exported.stdout + exported.stderr
    checked = cli("opendata", "verify", str(tmp_path / "od"), "--registry", server.url, "--json")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert json.loads(checked.stdout)["ok"] is True

    (folder,) = [p for p in (tmp_path / "od").iterdir() if p.is_dir()]
    if shutil.which("openssl") and shutil.which("sha256sum"):
        manifest = json.loads((folder / "manifest.json").read_text())
        sums = "".join(f"{f['sha256']}  {f['name']}\n" for f in manifest["files"])
        assert (
            subprocess.run(
                ["sha256sum", "-c", "--quiet"], input=sums, text=True, cwd=folder, check=False
            ).returncode
            == 0
        )
        (tmp_path / "manifest.sig").write_bytes(
            base64.b64decode((folder / "manifest.json.sig").read_text())
        )
        openssl = subprocess.run(
            ["openssl", "pkeyutl", "-verify", "-pubin", "-inkey", "signing-key.pem", "-rawin",
             "-in", "manifest.json", "-sigfile", str(tmp_path / "manifest.sig")],
            cwd=folder, capture_output=True, text=True, check=False,
        )  # fmt: skip
        assert openssl.returncode == 0, openssl.stdout + openssl.stderr

    data = bytearray((folder / "providers.jsonl").read_bytes())
    data[10] ^= 0x01  # one byte
    (folder / "providers.jsonl").write_bytes(bytes(data))
    tampered = cli("opendata", "verify", str(folder), "--registry", server.url)
    assert tampered.returncode == 1
    assert "providers.jsonl does not match" in tampered.stderr + tampered.stdout
    assert "Traceback" not in tampered.stderr

    served = httpx.get(f"{server.url}/open-data/", timeout=30)
    assert served.status_code == 200
    ET.fromstring(httpx.get(f"{server.url}/feeds/status.atom", timeout=30).content)


def test_a_run_of_lifecycle_writes_the_days_export(tmp_path: Path) -> None:
    env = {"RIGHTSMARK_DATA_DIR": str(tmp_path), "RIGHTSMARK_DATABASE_URL": ""}
    assert cli("init", env=env).returncode == 0
    first = cli("lifecycle", "run", "--json", env=env)
    assert first.returncode == 0, first.stderr
    name = json.loads(first.stdout)["open_data"]["exported"]
    assert (tmp_path / "open-data" / name / "manifest.json").is_file()
    again = json.loads(cli("lifecycle", "run", "--json", env=env).stdout)
    assert again["open_data"]["exported"] is None  # once a day
    assert cli("opendata", "verify", str(tmp_path / "open-data"), env=env).returncode == 0
    missing = cli("opendata", "verify", str(tmp_path / "nowhere"), env=env)
    assert missing.returncode == 2
    assert "Traceback" not in missing.stderr
