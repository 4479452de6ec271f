"""The API reference page at /schema: every documented operation, rendered on the server,
self-contained like every other page; the OpenAPI document itself stays machine-readable."""

from __future__ import annotations

import httpx

from api.web.render.api_reference import operations
from tests.integration.web.test_pages import EXTERNAL


async def test_reference_lists_every_operation_and_fetches_nothing_outside(
    client: httpx.AsyncClient,
) -> None:
    document = (await client.get("/schema/openapi.json")).json()
    ops = operations(document)
    assert len(ops) > 40  # the whole API, not a sample
    for path in ("/schema", "/schema/reference"):
        response = await client.get(path)
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/html")
        body = response.text
        assert "<script" not in body
        assert not EXTERNAL.search(body), EXTERNAL.search(body)
        assert f"{len(ops)} operations" in body
        for op in ops:
            assert f"<code>{op['path']}</code>" in body
    yaml = await client.get("/schema/openapi.yaml")
    assert yaml.status_code == 200
    assert "openapi:" in yaml.text


def test_operations_read_types_parameters_and_responses() -> None:
    document = {
        "paths": {
            "/things/{id}": {
                "parameters": [{"name": "id", "in": "path", "required": True}],
                "get": {
                    "tags": ["things"],
                    "summary": "A thing",
                    "security": [{"bearer": []}],
                    "parameters": [
                        {"name": "q", "in": "query", "schema": {"type": "string"}},
                    ],
                    "responses": {
                        "404": {"description": "No such thing"},
                        "200": {"description": "The thing"},
                    },
                },
                "post": {
                    "requestBody": {
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "array",
                                    "items": {"$ref": "#/components/schemas/Thing"},
                                }
                            }
                        }
                    },
                    "responses": {},
                },
            }
        }
    }
    post, get = operations(document)  # grouped by tag: "other" before "things"
    assert (get["method"], get["tag"], get["secured"]) == ("GET", "things", True)
    assert [p["name"] for p in get["parameters"]] == ["id", "q"]
    assert get["parameters"][1]["type"] == "string"
    assert [r["status"] for r in get["responses"]] == ["200", "404"]
    assert (post["tag"], post["secured"]) == ("other", False)
    assert post["body"] == [{"media_type": "application/json", "type": "array of Thing"}]
