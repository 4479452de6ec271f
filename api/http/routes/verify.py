"""Public verification of certificates: one, or many at once. Rate limited per client."""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from typing import Any, Final

import msgspec
from litestar import Controller, Request, Response, post
from litestar.exceptions import ClientException
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import JSONBody

from api.http.schemas.certificates import CheckOut, VerifyBatchIn, VerifyBatchOut, VerifyOut
from registry.certificates import service
from registry.certificates.verifier import remembered, verify
from registry.corrective import queries as corrective
from registry.errors import NotFoundError
from registry.trust.verify.engine import Verdict


def _out(verdict: Verdict) -> VerifyOut:
    return VerifyOut(
        valid=verdict.valid,
        status=verdict.status,
        code=verdict.code,
        reason=verdict.reason,
        checks=[CheckOut(**check.to_dict()) for check in verdict.checks],
        certificate=verdict.certificate,
    )


_ENCODER: Final = msgspec.json.Encoder()


def _json_body(body: bytes) -> Any:
    """The decoded body; a body that is not JSON is a 400 (JSON that is not a credential is a
    verdict). Nesting too deep to decode raises RecursionError: a 400 (api.http.problems)."""
    try:
        return msgspec.json.decode(body)
    except msgspec.DecodeError as exc:
        raise ClientException(f"the body is not JSON: {exc}") from exc


_ENCODED_SIZE: Final = 1024
_encoded_verdicts: OrderedDict[int, tuple[Verdict, bytes]] = OrderedDict()


def _encoded(verdict: Verdict) -> bytes:
    """The verdict as JSON (the fields VerifyOut documents), encoded once per verdict: a
    remembered verdict is the same object, so repeated checks reuse its bytes."""
    hit = _encoded_verdicts.get(id(verdict))
    if hit is not None and hit[0] is verdict:
        return hit[1]
    body = _ENCODER.encode(verdict.to_dict())
    _encoded_verdicts[id(verdict)] = (verdict, body)  # holding it keeps its id unique
    if len(_encoded_verdicts) > _ENCODED_SIZE:
        _encoded_verdicts.popitem(last=False)
    return body


async def open_actions(verdict: Verdict) -> bytes | None:
    """A genuine certificate's open corrective actions by class (counts and dates), as JSON;
    None for anything else (a forgery names no provider)."""
    if verdict.status in ("invalid", "not_yet_valid") or not verdict.certificate:
        return None
    ident = str(verdict.certificate.get("id") or "").rpartition("/")[2]
    try:
        row = await service.find(ident)
    except NotFoundError:
        return None
    return _ENCODER.encode(await corrective.open_by_class(row["application_id"]))


class VerifyController(Controller):
    path = "/api/v1/verify"
    tags = ["verification"]

    @post(
        "/",
        operation_id="verifyCertificate",
        summary="Verify a certificate",
        status_code=200,
        responses={200: ResponseSpec(data_container=VerifyOut, description="The verdict")},
    )
    async def verify_one(self, request: Request[Any, Any, Any]) -> Response[bytes]:
        """The body is the credential (JSON). Every check is reported with its result and a
        plain-language detail; `valid` is true only when all of them passed. A revoked,
        suspended or expired certificate is `valid: false` with that `status` and reason."""
        body = await request.body()
        digest = hashlib.sha256(body).digest()
        verdict = await remembered(digest) or await verify(_json_body(body), body_digest=digest)
        encoded = _encoded(verdict)
        opened = await open_actions(verdict)
        if opened is not None:  # private to this answer: the encoded verdict is shared
            encoded = encoded[:-1] + b',"open_corrective_actions":' + opened + b"}"
        return Response(encoded, media_type="application/json")

    @post(
        "/batch",
        operation_id="verifyCertificates",
        summary="Verify up to 100 certificates",
        status_code=200,
    )
    async def verify_many(self, data: JSONBody[VerifyBatchIn]) -> VerifyBatchOut:
        """`{"credentials": [...]}`; the answers are in the same order."""
        items = [_out(await verify(credential)) for credential in data.credentials]
        valid = sum(1 for item in items if item.valid)
        return VerifyBatchOut(items=items, valid=valid, not_valid=len(items) - valid)
