"""Certificates: the public register and each signed credential; the secretariat's
suspension, reinstatement and revocation; the status lists and the JSON-LD context."""

from __future__ import annotations

import datetime as dt
import math
from typing import Annotated, Any, cast

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.di import Provide
from litestar.params import JSONBody, PathParameter, QueryParameter

from api.http.auth import ActorDep, provide_actor, secretariat_only
from api.http.conditional import Built, Stored, answer, not_modified, remembered
from api.http.schemas.certificates import (
    CertificateAnswerOut,
    CertificateDetailOut,
    CertificateOut,
    CertificatePageOut,
    ReasonIn,
    StatusListOut,
    StatusListsOut,
)
from api.http.schemas.common import json_document
from registry.certificates import service, status
from registry.corrective import queries as corrective
from registry.db.cache import Region, read_cache
from registry.trust.contexts import registry_context_bytes

IdOrCode = Annotated[
    str, PathParameter(max_length=64, description="crt_... or a code such as RM-7K3Q-9XPD")
]
VC_MEDIA_TYPE = "application/vc"


def _vc_or_json(request: Request[Any, Any, Any], body: bytes, **headers: str) -> Response[bytes]:
    """`application/vc` unless the client asks for JSON only: both carry the same bytes."""
    accept = request.headers.get("accept", "")
    media = (
        "application/json" if "json" in accept and VC_MEDIA_TYPE not in accept else VC_MEDIA_TYPE
    )
    return Response(body, media_type=media, headers=headers)


# Answers of `GET /api/v1/certificates/{id or code}` as sent (docs/freshness.md).
_details: Region[str, Stored] = read_cache.region(
    "http.certificate_details", size=4096, volatile=True
)


async def _detail(certificate: str) -> Built:
    found = await service.get(certificate)
    out = CertificateDetailOut.model_validate(found)
    document = out.model_dump(mode="json")
    document["open_corrective_actions"] = msgspec.to_builtins(
        await corrective.open_by_class(found.application_id)
    )
    body = msgspec.json.encode(document)
    until = math.inf
    if found.status == "valid":  # it expires without anything committed
        until = dt.datetime.fromisoformat(found.valid_until).timestamp()
    topics = frozenset(service.certificate_topics(found.id, found.provider.id))
    return Built(body, "application/json", until, topics)


class CertificatesController(Controller):
    path = "/api/v1/certificates"
    tags = ["certificates"]
    dependencies = {"actor": Provide(provide_actor)}

    @get("/", operation_id="listCertificates", summary="List certificates (public)")
    async def list_certificates(
        self,
        provider: Annotated[str | None, QueryParameter(max_length=12)] = None,
        status_: Annotated[
            str | None,
            QueryParameter(
                name="status", max_length=16, description="valid, suspended, revoked or expired"
            ),
        ] = None,
        limit: Annotated[int, QueryParameter(ge=1, le=200)] = 50,
        offset: Annotated[int, QueryParameter(ge=0, le=1_000_000)] = 0,
    ) -> CertificatePageOut:
        """Newest first, with each certificate's id, code and current status."""
        page = await service.list_certificates(
            provider=provider, status_filter=status_, limit=limit, offset=offset
        )
        return CertificatePageOut.model_validate(page)

    @get("/{certificate:str}", operation_id="getCertificate", summary="A certificate's status")
    async def read(
        self, request: Request[Any, Any, Any], certificate: IdOrCode
    ) -> Response[CertificateAnswerOut]:
        """Summary, current status and history, by id or by code (any case, dashes optional).
        `ETag` and `Cache-Control: no-cache`: `If-None-Match` answers 304 while it holds."""
        stored = await remembered(_details, certificate, lambda: _detail(certificate))
        return cast("Response[CertificateAnswerOut]", answer(request, stored))

    async def _change(
        self, certificate: str, action: str, data: ReasonIn, actor: ActorDep
    ) -> CertificateOut:
        changed = await service.change_state(certificate, action, data.reason, actor.label)
        return CertificateOut.model_validate(changed)

    @post(
        "/{certificate:str}/suspend",
        operation_id="suspendCertificate",
        summary="Suspend a certificate (reversible)",
        guards=[secretariat_only],
        status_code=200,
    )
    async def suspend(
        self, certificate: IdOrCode, data: JSONBody[ReasonIn], actor: ActorDep
    ) -> CertificateOut:
        """Sets its suspension bit: verifiers see it as suspended from now on."""
        return await self._change(certificate, "suspend", data, actor)

    @post(
        "/{certificate:str}/reinstate",
        operation_id="reinstateCertificate",
        summary="Reinstate a suspended certificate",
        guards=[secretariat_only],
        status_code=200,
    )
    async def reinstate(
        self, certificate: IdOrCode, data: JSONBody[ReasonIn], actor: ActorDep
    ) -> CertificateOut:
        return await self._change(certificate, "reinstate", data, actor)

    @post(
        "/{certificate:str}/revoke",
        operation_id="revokeCertificate",
        summary="Revoke a certificate (final)",
        guards=[secretariat_only],
        status_code=200,
    )
    async def revoke(
        self, certificate: IdOrCode, data: JSONBody[ReasonIn], actor: ActorDep
    ) -> CertificateOut:
        """Sets its revocation bit for good; a revoked certificate cannot be reinstated."""
        return await self._change(certificate, "revoke", data, actor)


@get(
    "/api/v1/certificates/{certificate:str}/log-proof",
    operation_id="getCertificateLogProof",
    summary="The certificate's transparency-log proof bundle",
    tags=["certificates", "transparency"],
    media_type="text/plain",
)
async def get_log_proof(certificate: IdOrCode) -> str:
    """A C2SP tlog-proof: its issuance entry's index, the inclusion proof and the signed
    checkpoint it is proved against, with the entry itself; checkable offline against the
    key at `GET /log/key`."""
    return await service.log_proof(certificate)


@get(
    "/credentials/{certificate_id:str}",
    operation_id="getCredential",
    summary="The signed credential (application/vc)",
    tags=["certificates"],
    operation_class=json_document(VC_MEDIA_TYPE, "application/json"),
)
async def get_credential(
    request: Request[Any, Any, Any],
    certificate_id: Annotated[str, PathParameter(max_length=40)],
) -> Response[bytes]:
    """The W3C Verifiable Credential exactly as signed; `Accept: application/json` for JSON."""
    return _vc_or_json(request, await service.credential(certificate_id))


@get(
    "/contexts/rightsmark/v1",
    operation_id="getContext",
    summary="The registry's JSON-LD context, version 1",
    tags=["certificates"],
    cache=86400,
    operation_class=json_document("application/ld+json"),
)
async def get_context() -> Response[bytes]:
    """Defines every term a certificate adds to the W3C credentials v2 context. Never edited."""
    return Response(
        registry_context_bytes(),
        media_type="application/ld+json",
        headers={"Cache-Control": "public, max-age=86400"},
    )


@get("/api/v1/status", operation_id="listStatusLists", summary="The status lists", tags=["status"])
async def list_status_lists() -> StatusListsOut:
    return StatusListsOut(items=[StatusListOut(**item) for item in await status.lists()])


@get(
    "/api/v1/status/{purpose:str}/{number:int}",
    operation_id="getStatusList",
    summary="A signed Bitstring Status List credential",
    tags=["status"],
    operation_class=json_document(VC_MEDIA_TYPE, "application/json"),
)
async def get_status_list(
    request: Request[Any, Any, Any],
    purpose: Annotated[str, PathParameter(max_length=16, description="revocation or suspension")],
    number: Annotated[int, PathParameter(ge=1, le=1_000_000)],
) -> Response[bytes]:
    """Current as of the last change; `ETag` and `Cache-Control: max-age` follow the list's
    `ttl`, and `If-None-Match` answers 304 when nothing changed."""
    rendered = await status.render(purpose, number)
    headers = {"ETag": rendered.etag, "Cache-Control": f"public, max-age={rendered.max_age}"}
    if not_modified(request, rendered.etag):
        return Response(b"", status_code=304, headers=headers)
    return _vc_or_json(request, rendered.body, **headers)
