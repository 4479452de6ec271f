"""The registry's DID document at `/.well-known/did.json` (did:web resolution): public."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from litestar import Request, Response, get

from api.http.conditional import not_modified
from api.http.schemas.common import json_document
from registry.keys import did_document_json


@get(
    "/.well-known/did.json",
    operation_id="getDidDocument",
    tags=["identity"],
    summary="The registry's DID document",
    response_description="DID document listing every signing key; compromised ones `revoked`",
    media_type="application/json",
    operation_class=json_document("application/json"),
)
async def did_document(request: Request[Any, Any, Any]) -> Response[bytes]:
    """The registry's did:web document. Every key it ever signed with is listed, in creation
    order, under `assertionMethod`; a compromised key carries `revoked`, the time from which
    its signatures must not be trusted. Served as `application/json` (not
    `application/did+json`, for broad client support) with an `ETag`; `If-None-Match` answers
    304. Clients may cache it but must revalidate (`no-cache`): a compromise shows at once."""
    body = json.dumps(await did_document_json(), separators=(",", ":")).encode("utf-8")
    etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    headers = {"ETag": etag, "Cache-Control": "public, no-cache"}
    if not_modified(request, etag):
        return Response(content=b"", status_code=304, headers=headers)
    return Response(content=body, media_type="application/json", headers=headers)
