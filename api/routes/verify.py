"""Public verification of certificates: one, or many at once. Rate limited per client."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Controller, Request, post
from litestar.middleware.rate_limit import RateLimitConfig
from litestar.params import JSONBody

from api.schemas_certificates import CheckOut, VerifyBatchIn, VerifyBatchOut, VerifyOut
from registry.certificates.verification import Verdict
from registry.certificates.verifier import verify
from registry.errors import InvalidRequestError
from registry.settings import get_settings


def _out(verdict: Verdict) -> VerifyOut:
    return VerifyOut(
        valid=verdict.valid,
        status=verdict.status,
        reason=verdict.reason,
        checks=[CheckOut(**check.to_dict()) for check in verdict.checks],
        certificate=verdict.certificate,
    )


def rate_limit() -> RateLimitConfig:
    """Per client address, on the verify endpoints only (RIGHTSMARK_VERIFY_RATE_PER_MINUTE)."""
    return RateLimitConfig(
        rate_limit=("minute", get_settings().verify_rate_per_minute),
        check_throttle_handler=lambda request: request.url.path.startswith("/api/v1/verify"),
    )


class VerifyController(Controller):
    path = "/api/v1/verify"
    tags = ["verification"]

    @post("/", operation_id="verifyCertificate", summary="Verify a certificate", status_code=200)
    async def verify_one(self, request: Request[Any, Any, Any]) -> VerifyOut:
        """The body is the credential (JSON). Every check is reported with its result and a
        plain-language detail; `valid` is true only when all of them passed. A revoked,
        suspended or expired certificate is `valid: false` with that `status` and reason."""
        try:
            credential = msgspec.json.decode(await request.body())
        except msgspec.DecodeError as exc:
            raise InvalidRequestError(f"the body is not JSON: {exc}", field="body") from exc
        return _out(await verify(credential))

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
