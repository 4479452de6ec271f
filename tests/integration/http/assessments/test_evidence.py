"""Evidence upload and download: size limit, checked type, safe names, storage, visibility."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import pytest

from registry.assessments.tables import EvidenceRow
from registry.settings import get_settings
from tests.support.assessments import PDF, World
from tests.support.http import assert_problem

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def _blob(sha256: str) -> Path:
    return get_settings().data_dir / "evidence" / sha256[:2] / sha256[2:4] / sha256


@pytest.fixture
def small_limit(monkeypatch: pytest.MonkeyPatch) -> Iterator[int]:
    monkeypatch.setenv("RIGHTSMARK_EVIDENCE_MAX_BYTES", "2048")
    get_settings.cache_clear()
    yield 2048
    monkeypatch.undo()
    get_settings.cache_clear()


async def test_upload_is_stored_by_digest_and_deduplicated(world: World) -> None:
    first = await world.upload(PDF)
    assert first.status_code == 201, first.text
    body = first.json()
    sha = hashlib.sha256(PDF).hexdigest()
    assert body["ref"] == f"sha256:{sha}"
    assert body["size"] == len(PDF)
    assert body["content_type"] == "application/pdf"
    assert _blob(sha).read_bytes() == PDF
    again = await world.upload(PDF, filename="copy.pdf")
    assert again.status_code == 200
    assert again.json() == body
    assert await EvidenceRow.count().run() == 1
    assert not list((get_settings().data_dir / "evidence" / "tmp").iterdir())


async def test_multipart_upload(world: World) -> None:
    response = await world.client.post(
        "/api/v1/evidence",
        data={"application_id": world.application},
        files={"file": ("photo.png", PNG, "image/png")},
        headers=world.provider.headers,
    )
    assert response.status_code == 201, response.text
    assert response.json()["filename"] == "photo.png"
    assert response.json()["uploaded_by"] == world.provider.account_id


async def test_oversized_evidence_is_refused(world: World, small_limit: int) -> None:
    big = PDF + b"0" * small_limit
    assert_problem(await world.upload(big), 413)
    assert await EvidenceRow.count().run() == 0
    assert not _blob(hashlib.sha256(big).hexdigest()).exists()


@pytest.mark.parametrize(
    ("content", "declared"),
    [
        (b"<html>not a pdf</html>", "application/pdf"),
        (PDF, "image/png"),
        (PNG, "image/jpeg"),
        (PNG, "text/plain"),
        (PDF, "text/csv"),
        (b"caf\xe9 latin-1", "text/plain"),
        (PDF, "text/html"),
        (PDF, "application/octet-stream"),
    ],
)
async def test_content_type_lie_is_refused(world: World, content: bytes, declared: str) -> None:
    assert_problem(await world.upload(content, content_type=declared), 415)
    assert await EvidenceRow.count().run() == 0
    assert not _blob(hashlib.sha256(content).hexdigest()).exists()


async def test_text_and_csv_are_accepted(world: World) -> None:
    csv = b"worker,fee\nAna,0\n"
    response = await world.upload(csv, content_type="text/csv; charset=utf-8", filename="f.csv")
    assert response.status_code == 201, response.text
    assert response.json()["content_type"] == "text/csv"


@pytest.mark.parametrize(
    "declared",
    ["../../../etc/passwd", "..\\..\\windows\\evil.pdf", "/abs/path/..", ".."],
)
async def test_a_path_or_control_character_as_filename_is_refused(
    world: World, declared: str
) -> None:
    response = await world.upload(PDF, filename=declared)
    assert_problem(response, 422, "filename")
    root = get_settings().data_dir
    assert not (root.parent / "etc").exists()
    assert not [p for p in (root / "evidence").rglob("*") if p.is_file()]


@pytest.mark.parametrize(
    ("declared", "shown"),
    [("...hidden.pdf", "hidden.pdf"), ('say "hi"; rm.pdf', "say _hi_ rm.pdf")],
)
async def test_a_name_is_kept_as_a_clean_label(world: World, declared: str, shown: str) -> None:
    response = await world.upload(PDF, filename=declared)
    assert response.status_code == 201, response.text
    assert response.json()["filename"] == shown


async def test_download_headers_and_name(world: World) -> None:
    ref = (await world.upload(PDF, filename="contract.pdf")).json()["ref"]
    got = await world.client.get(f"/api/v1/evidence/{ref}", headers=world.secretariat.headers)
    assert got.status_code == 200
    assert got.content == PDF
    assert got.headers["x-content-type-options"] == "nosniff"
    assert 'filename="contract.pdf"' in got.headers["content-disposition"]


async def test_evidence_is_hidden_from_everybody_else(world: World) -> None:
    ref = (await world.upload(PDF)).json()["ref"]
    url = f"/api/v1/evidence/{ref}"
    for party in (world.secretariat, world.auditor, world.provider):
        assert (await world.client.get(url, headers=party.headers)).status_code == 200
    for party in (world.other_provider, world.other_auditor):
        assert_problem(await world.client.get(url, headers=party.headers), 404)
    assert_problem(await world.client.get(url), 401)
    assert_problem(
        await world.client.get("/api/v1/evidence/../../etc", headers=world.secretariat.headers),
        404,
    )


async def test_who_may_upload(world: World) -> None:
    assert_problem(await world.upload(PDF, who=world.secretariat), 403)
    assert_problem(await world.upload(PDF, who=world.other_provider), 404)
    assert_problem(await world.upload(PDF, who=world.other_auditor), 404)
    assert_problem(await world.upload(PDF, application="apl_missing"), 404)
    assert await EvidenceRow.count().run() == 0
