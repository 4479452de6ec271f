"""The open data export: what it holds (public fields only), its signature and hashes
checked with the registry's own DID document and log key, tampering caught, and the
public download routes."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from registry.opendata import export
from registry.opendata.verify import verify_bundle
from tests.support.certified import Certified
from tests.support.http import assert_problem


async def _anchors(certified: Certified) -> tuple[dict[str, object], str]:
    did = (await certified.client.get("/.well-known/did.json")).json()
    key = (await certified.client.get("/log/key")).text.strip()
    return did, key


async def test_the_export_verifies_and_holds_the_public_register(
    certified: Certified, tmp_path: Path
) -> None:
    assert (await certified.change("suspend", "complaint under investigation")).status_code == 200
    done = await export.export(tmp_path)
    did, key = await _anchors(certified)
    report = verify_bundle(done.folder, did_document=did, log_key=key)
    assert report.ok, report.checks
    assert [c.name for c in report.checks] == ["signature", "files", "checkpoint", "log"]
    rows = [
        json.loads(line) for line in (done.folder / "certificates.jsonl").read_text().splitlines()
    ]
    (mine,) = [r for r in rows if r["id"] == certified.id]
    assert mine["status"] == "suspended"
    assert mine["status_reason"] == "complaint under investigation"
    assert mine["grade"] == certified.certificate["grade"]
    providers = (done.folder / "providers.csv").read_text()
    assert certified.world.provider_id in providers
    everything = "".join(p.read_text() for p in done.folder.iterdir())
    for private in ("office@example.org", "example.org"):  # the world's contact e-mail
        assert private not in everything
    assert "contact" not in providers
    assert "CC BY 4.0" in everything
    manifest = json.loads((done.folder / "manifest.json").read_text())
    assert manifest["checkpoint"]["size"] >= manifest["log"]["size"] > 0
    assert (tmp_path / "LATEST").read_text().strip() == done.name


async def test_one_changed_byte_is_caught(certified: Certified, tmp_path: Path) -> None:
    done = await export.export(tmp_path)
    did, key = await _anchors(certified)
    for name, check in (
        ("certificates.csv", "files"),
        ("manifest.json", "signature"),
        ("checkpoint.txt", "checkpoint"),
    ):
        copy = tmp_path / f"copy-{name}"
        shutil.copytree(done.folder, copy)
        data = bytearray((copy / name).read_bytes())
        data[len(data) // 2] ^= 0x01
        (copy / name).write_bytes(bytes(data))
        report = verify_bundle(copy, did_document=did, log_key=key)
        assert not report.ok
        assert not {c.name: c.ok for c in report.checks}.get(check, True), (name, report.checks)
    added = tmp_path / "added"
    shutil.copytree(done.folder, added)
    (added / "extra.csv").write_text("id\n")
    assert not verify_bundle(added, did_document=did, log_key=key).ok
    # A DID document without the signing key: the signature cannot be the registry's.
    assert not verify_bundle(done.folder, did_document={"verificationMethod": []}, log_key=key).ok


async def test_the_public_routes_serve_the_latest_export(certified: Certified) -> None:
    client = certified.client
    root = export.default_folder()
    shutil.rmtree(root, ignore_errors=True)
    assert "No export has been written yet" in (await client.get("/open-data/")).text
    assert_problem(await client.get("/open-data/latest/manifest.json"), 404)
    done = await export.export(root)
    page = await client.get("/open-data/")
    assert page.status_code == 200
    assert "providers.csv" in page.text
    assert "CC BY 4.0" in page.text
    manifest = await client.get("/open-data/latest/manifest.json")
    assert manifest.content == (done.folder / "manifest.json").read_bytes()
    assert manifest.headers["cache-control"] == "no-cache"
    csv = await client.get(f"/open-data/{done.name}/providers.csv")
    assert csv.headers["content-type"].startswith("text/csv")
    assert "immutable" in csv.headers["cache-control"]
    etag = csv.headers["etag"]
    again = await client.get(
        f"/open-data/{done.name}/providers.csv", headers={"If-None-Match": etag}
    )
    assert again.status_code == 304
    for missing in ("/open-data/latest/secrets.txt", "/open-data/1999-01-01/manifest.json",
                    "/open-data/latest/..%2FLATEST", "/open-data/nope/manifest.json"):  # fmt: skip
        assert_problem(await client.get(missing), 404)
