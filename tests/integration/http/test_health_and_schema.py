"""The app shell: health, OpenAPI, problem details, logs."""

from __future__ import annotations

import json

import httpx
import pytest

from registry.accounts import Role
from registry.settings import get_settings
from tests.support.http import assert_problem, bearer, make_account


async def test_health_reports_database(client: httpx.AsyncClient) -> None:
    response = await client.get("/health")
    assert response.status_code == 200
    body = response.json()
    if get_settings().is_postgres:  # a single server here: no standby, reads on the primary
        assert body.pop("replication") == {"standbys": [], "replica": None}
    assert body == {"status": "ok", "database": True}


async def test_openapi_documents_every_operation(client: httpx.AsyncClient) -> None:
    response = await client.get("/schema/openapi.json")
    assert response.status_code == 200
    document = response.json()
    assert document["openapi"].startswith("3.1")
    operation_ids = []
    for path, item in document["paths"].items():
        for method, operation in item.items():
            assert operation.get("operationId"), f"{method} {path} has no operation_id"
            assert operation.get("summary") or operation.get("description"), path
            operation_ids.append(operation["operationId"])
    assert len(operation_ids) == len(set(operation_ids))
    assert "getStandardVersion" in operation_ids
    page = await client.get("/schema")
    assert page.status_code == 200
    assert "<script" not in page.text  # rendered by the server: tests/web/test_api_reference.py
    assert "operations" in page.text


async def test_unknown_route_is_problem_details(client: httpx.AsyncClient) -> None:
    assert_problem(await client.get("/api/v1/nothing-here"), 404)


async def test_wrong_method_is_problem_details(client: httpx.AsyncClient) -> None:
    assert_problem(await client.delete("/api/v1/standards"), 405)


async def test_logs_never_contain_tokens(
    client: httpx.AsyncClient, capsys: pytest.CaptureFixture[str]
) -> None:
    from api.http.middleware.logging import configure_logging
    from tests.support.database import app_client

    token = await make_account(Role.SECRETARIAT)
    logged = app_client(access_log=True)
    configure_logging("info")  # after create_app, which configures the settings' level
    try:
        async with logged:
            response = await logged.get("/api/v1/accounts/me", headers=bearer(token))
            assert response.status_code == 200
            await logged.get("/api/v1/accounts/me", headers=bearer(token + "x"))
    finally:
        configure_logging("warning")
    out = capsys.readouterr()
    logged_text = out.out + out.err
    assert "/api/v1/accounts/me" in logged_text
    assert token not in logged_text
    assert token[3:20] not in logged_text
    lines = [json.loads(line) for line in out.out.splitlines() if line.startswith("{")]
    assert any(line.get("path") == "/api/v1/accounts/me" for line in lines)
