"""Standards over HTTP: public reads, the secretariat's lifecycle, and every refusal."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from registry.accounts import Role
from registry.standards import service
from standards.digest import ruleset_digest
from standards.loader import load_ruleset
from tests.support.http import assert_problem, bearer, make_account

Client = httpx.AsyncClient
V100 = "/api/v1/standards/core-rights/versions/1.0.0"
YAML = {"Content-Type": "application/yaml"}


@pytest.fixture
async def published(client: Client, library: Path) -> Client:
    await service.publish_library(library, actor="test")
    return client


def _library_doc(library: Path, version: str = "1.0.0") -> dict[str, Any]:
    loaded = yaml.safe_load((library / "core-rights" / f"{version}.yaml").read_text())
    plain: dict[str, Any] = json.loads(json.dumps(loaded, default=str))  # dates as strings
    return plain


def _as_yaml(document: dict[str, Any]) -> bytes:
    return yaml.safe_dump(document, sort_keys=False).encode()


async def _snapshot() -> list[dict[str, Any]]:
    return [v.to_dict() for v in await service.list_versions(include_drafts=True)]


async def test_list_and_read_published_version(published: Client, library: Path) -> None:
    listing = (await published.get("/api/v1/standards")).json()["items"]
    assert [v["ref"] for v in listing] == [
        "core-rights@1.0.0",
        "core-rights@1.1.0",
        "core-rights@2.0.0",
        "core-rights@3.0.0",
    ]
    response = await published.get(V100)
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "published"
    expected = ruleset_digest(load_ruleset(library / "core-rights" / "1.0.0.yaml"))
    assert body["digest"] == expected
    assert len(body["rule_set"]["categories"]) == 12
    assert body["published_at"]
    # served from cache on the second read, byte for byte the same
    assert (await published.get(V100)).content == response.content


async def test_diff_between_versions(published: Client) -> None:
    response = await published.get("/api/v1/standards/core-rights/diff?from=1.0.0&to=1.1.0")
    assert response.status_code == 200
    body = response.json()
    assert body["indicators_added"] == ["WAG-4"]
    assert body["implied_bump"] == "minor"
    assert any(change["id"] == "REM-2" for change in body["indicators_changed"])


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/api/v1/standards/core-rights/versions/9.9.9", 404),
        ("/api/v1/standards/no-such/versions/1.0.0", 404),
        ("/api/v1/standards/core-rights/versions/1.x", 400),
        ("/api/v1/standards/Bad_Slug/versions/1.0.0", 400),
        ("/api/v1/standards/core-rights/diff?from=1.0.0", 400),
        ("/api/v1/standards/core-rights/diff?from=1.0.0&to=7.0.0", 404),
    ],
)
async def test_bad_reads_are_precise(published: Client, path: str, status: int) -> None:
    assert_problem(await published.get(path), status)


async def test_upload_publish_retire_lifecycle(
    published: Client, secretariat: dict[str, str], library: Path
) -> None:
    document = _library_doc(library, "3.0.0")
    document.update(version="3.1.0", supersedes="3.0.0", title="Core rights, draft 3.1")
    created = await published.post(
        "/api/v1/standards", content=_as_yaml(document), headers={**secretariat, **YAML}
    )
    assert created.status_code == 201, created.text
    assert created.json()["status"] == "draft"
    # drafts are invisible to the public, visible to the secretariat
    assert_problem(await published.get("/api/v1/standards/core-rights/versions/3.1.0"), 404)
    draft = await published.get("/api/v1/standards/core-rights/drafts/3.1.0", headers=secretariat)
    assert draft.json()["rule_set"]["title"] == "Core rights, draft 3.1"
    # replacing a draft is allowed (200), as JSON this time
    document["title"] = "Core rights 3.1"
    replaced = await published.post("/api/v1/standards", json=document, headers=secretariat)
    assert replaced.status_code == 200
    url = "/api/v1/standards/core-rights/versions/3.1.0"
    first = await published.post(f"{url}/publish", headers=secretariat)
    assert first.status_code == 200
    assert first.json()["status"] == "published"
    again = await published.post(f"{url}/publish", headers=secretariat)
    assert again.json() == first.json()  # idempotent: the same published version
    public = (await published.get(url)).json()
    assert public["title"] == "Core rights 3.1"
    # the identical rule set uploaded again is a no-op
    same = await published.post("/api/v1/standards", json=document, headers=secretariat)
    assert same.status_code == 200
    assert same.json()["published_at"] == first.json()["published_at"]
    retired = await published.post(f"{url}/retire", headers=secretariat)
    assert retired.json()["status"] == "retired"
    assert (await published.get(url)).json()["status"] == "retired"
    assert_problem(await published.post(f"{url}/retire", headers=secretariat), 409)


async def test_different_rule_set_under_published_version_is_refused(
    published: Client, secretariat: dict[str, str], library: Path
) -> None:
    before = await _snapshot()
    document = _library_doc(library)
    document["title"] = "Quietly changed"
    response = await published.post("/api/v1/standards", json=document, headers=secretariat)
    body = assert_problem(response, 409)
    assert "already published" in body["detail"]
    assert await _snapshot() == before


async def test_versions_only_increase(
    published: Client, secretariat: dict[str, str], library: Path
) -> None:
    before = await _snapshot()
    document = _library_doc(library)
    document["version"] = "1.0.5"
    response = await published.post("/api/v1/standards", json=document, headers=secretariat)
    assert "not greater" in assert_problem(response, 409)["detail"]
    assert await _snapshot() == before


async def test_malformed_yaml_names_the_line(
    published: Client, secretariat: dict[str, str]
) -> None:
    before = await _snapshot()
    text = b"slug: core-rights\nversion: 2.0.0\ncategories: [\n  - id: FEE\n"
    response = await published.post(
        "/api/v1/standards", content=text, headers={**secretariat, **YAML}
    )
    body = assert_problem(response, 422)
    assert body["errors"][0]["line"] is not None
    assert await _snapshot() == before


async def test_schema_violations_are_all_reported_with_fields(
    published: Client, secretariat: dict[str, str], library: Path
) -> None:
    before = await _snapshot()
    document = _library_doc(library)
    document["version"] = "2.0.0"
    document["surprise"] = True
    document["categories"][0]["weight"] = -1
    document["categories"][1]["indicators"][0]["measure"] = {"type": "scale", "pass_mark": 9}
    response = await published.post(
        "/api/v1/standards", content=_as_yaml(document), headers={**secretariat, **YAML}
    )
    body = assert_problem(
        response, 422, "surprise", "categories[1].indicators[0].measure.pass_mark"
    )
    assert all(error["line"] for error in body["errors"])
    assert await _snapshot() == before


@pytest.mark.parametrize(
    ("headers", "status"),
    [
        ({}, 401),
        ({"Authorization": "Bearer rm_not-a-real-token"}, 401),
        ({"Authorization": "Basic x"}, 401),
    ],
)
async def test_writes_need_a_valid_token(
    published: Client, library: Path, headers: dict[str, str], status: int
) -> None:
    url = "/api/v1/standards/core-rights/versions/1.1.0/retire"
    response = await published.post(url, headers=headers)
    assert_problem(response, status)
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert (await published.get("/api/v1/standards/core-rights/versions/1.1.0")).json()[
        "status"
    ] == "published"


@pytest.mark.parametrize("role", [Role.AUDITOR, Role.PROVIDER])
async def test_writes_are_for_the_secretariat(published: Client, library: Path, role: Role) -> None:
    headers = bearer(await make_account(role))
    before = await _snapshot()
    assert_problem(
        await published.post("/api/v1/standards", json=_library_doc(library), headers=headers), 403
    )
    assert_problem(
        await published.post(
            "/api/v1/standards/core-rights/versions/1.1.0/retire", headers=headers
        ),
        403,
    )
    assert_problem(await published.get("/api/v1/standards/drafts", headers=headers), 403)
    assert await _snapshot() == before


async def test_oversized_and_mistyped_bodies(
    published: Client, secretariat: dict[str, str]
) -> None:
    before = await _snapshot()
    huge = b"x: " + b"a" * 2_000_000
    assert_problem(
        await published.post("/api/v1/standards", content=huge, headers={**secretariat, **YAML}),
        413,
    )
    assert_problem(
        await published.post(
            "/api/v1/standards",
            content=b"<xml/>",
            headers={**secretariat, "Content-Type": "text/xml"},
        ),
        415,
    )
    assert_problem(
        await published.post("/api/v1/standards", content=b"", headers={**secretariat, **YAML}), 400
    )
    assert await _snapshot() == before


async def test_publishing_unknown_draft_is_404(
    published: Client, secretariat: dict[str, str]
) -> None:
    response = await published.post(
        "/api/v1/standards/core-rights/versions/4.0.0/publish", headers=secretariat
    )
    assert_problem(response, 404)
