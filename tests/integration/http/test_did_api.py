"""GET /.well-known/did.json through the HTTP API: public, JSON, ETag, every key listed."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

import httpx

from api.http.problems import registry_error_handler
from registry import keys as service
from registry.clock import utc_now
from registry.signing.errors import KeyPassphraseError, NoActiveKeyError

DID = "did:web:127.0.0.1%3A8000"


async def test_did_document_lists_every_key_after_rotation(client: httpx.AsyncClient) -> None:
    empty = await client.get("/.well-known/did.json")
    assert empty.status_code == 200
    assert empty.json()["verificationMethod"] == []
    first = await service.generate_key("test")
    second, _ = await service.rotate_key("test")
    response = await client.get("/.well-known/did.json")  # no Authorization header: public
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    assert response.headers["etag"] != empty.headers["etag"]
    document = response.json()
    assert list(document) == ["@context", "id", "verificationMethod", "assertionMethod"]
    assert document["id"] == DID
    methods = document["verificationMethod"]
    assert [m["id"] for m in methods] == [first.verification_method, second.verification_method]
    assert document["assertionMethod"] == [m["id"] for m in methods]
    for method, key in zip(methods, (first, second), strict=True):
        assert method == {
            "id": f"{DID}#{key.public_key_multibase}",
            "type": "Multikey",
            "controller": DID,
            "publicKeyMultibase": key.public_key_multibase,
        }
    assert "BEGIN" not in response.text  # no private material, encrypted or not


async def test_compromised_key_carries_revoked(client: httpx.AsyncClient) -> None:
    key = await service.generate_key("test")
    since = (utc_now() - dt.timedelta(hours=1)).replace(microsecond=0)
    await service.mark_compromised(key.public_key_multibase, since, "leak", "test")
    document = (await client.get("/.well-known/did.json")).json()
    (method,) = document["verificationMethod"]
    assert method["revoked"] == since.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert document["assertionMethod"] == [method["id"]]


async def test_etag_revalidates_with_304(client: httpx.AsyncClient) -> None:
    await service.generate_key("test")
    first = await client.get("/.well-known/did.json")
    etag = first.headers["etag"]
    assert "no-cache" in first.headers["cache-control"]
    same = await client.get("/.well-known/did.json", headers={"If-None-Match": etag})
    assert same.status_code == 304
    assert same.headers["etag"] == etag
    assert same.content == b""
    await service.rotate_key("test")
    changed = await client.get("/.well-known/did.json", headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.headers["etag"] != etag


async def test_did_document_is_in_the_openapi_schema(client: httpx.AsyncClient) -> None:
    schema = (await client.get("/schema/openapi.json")).json()
    operation = schema["paths"]["/.well-known/did.json"]["get"]
    assert operation["operationId"] == "getDidDocument"
    assert operation["summary"]


def test_unusable_keys_are_a_503_that_echoes_nothing() -> None:
    response = registry_error_handler(
        cast(Any, None), KeyPassphraseError("cannot read /secret/path/key-passphrase")
    )
    assert response.status_code == 503
    assert response.media_type == "application/problem+json"
    body = cast(dict[str, Any], response.content)
    assert body["status"] == 503
    assert "/secret/path" not in body["detail"]
    conflict = registry_error_handler(cast(Any, None), NoActiveKeyError("no active key"))
    assert conflict.status_code == 409
