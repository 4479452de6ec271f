"""The verify page: paste or upload a credential, or type a short code; the verdict of the
same engine as `POST /api/v1/verify`, every check explained in plain words."""

from __future__ import annotations

from typing import Annotated, Any, Final

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.middleware.rate_limit import RateLimitConfig
from litestar.params import QueryParameter

from api.i18n import gettext as _
from api.web.render import explain
from api.web.render.html import page
from registry.certificates import service as certificates
from registry.certificates.verifier import verify
from registry.corrective import queries as corrective
from registry.corrective.records import OpenByClass
from registry.errors import NotFoundError
from registry.settings import get_settings
from registry.trust.verify.engine import Verdict

MAX_CREDENTIAL: Final = 256 * 1024  # a certificate is a few kilobytes
FORMS: Final = ("multipart/form-data", "application/x-www-form-urlencoded")


class Refused(Exception):
    """Input the page cannot verify; shown on the form with the status to answer."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def _decode(raw: bytes) -> Any:
    if len(raw) > MAX_CREDENTIAL:
        raise Refused(
            413,
            _("that is over %(size)s KB; a certificate is smaller")
            % {"size": MAX_CREDENTIAL // 1024},
        )
    try:
        return msgspec.json.decode(raw)
    except msgspec.DecodeError as exc:
        raise Refused(
            400, _("that is not a certificate file (not JSON: %(error)s)") % {"error": exc}
        ) from exc
    except RecursionError as exc:
        raise Refused(400, _("that is not a certificate file (JSON nested too deeply)")) from exc


async def _by_code(code: str) -> tuple[Any, str]:
    try:
        found = await certificates.get(code.strip())
    except NotFoundError as exc:
        raise Refused(
            404, _("no certificate has the code %(code)s") % {"code": repr(code.strip())}
        ) from exc
    return msgspec.json.decode(await certificates.credential(found.id)), found.code


async def _open_actions(verdict: Verdict) -> tuple[OpenByClass, ...] | None:
    """A genuine certificate's open corrective actions by class (counts and dates), as the
    API's verify answer has them; None for anything else (a forgery names no provider)."""
    if verdict.status in ("invalid", "not_yet_valid") or not verdict.certificate:
        return None
    ident = str(verdict.certificate.get("id") or "").rpartition("/")[2]
    try:
        row = await certificates.find(ident)
    except NotFoundError:
        return None
    return await corrective.open_by_class(row["application_id"])


async def _result(verdict: Verdict, source: str) -> dict[str, Any]:
    return {
        "verdict": verdict,
        "open_actions": await _open_actions(verdict),
        "source": source,
        "headline": explain.headline(verdict.status),
        "advice": explain.advice(verdict.status),
        "reason": explain.reason(verdict),
        "code": verdict.code,
        "checks": [
            {
                "name": check.name,
                "result": check.result,
                "answer": explain.answer(check.result),
                "question": explain.question(check.name),
                "why": explain.why(check.name),
                "detail": check.detail,
            }
            for check in verdict.checks
        ],
    }


def _form(status: int = 200, **context: Any) -> Response[str]:
    context.setdefault("code", "")
    context.setdefault("pasted", "")
    return page("verify.html", status=status, **context)


def _verifies(request: Request[Any, Any, Any]) -> bool:
    return request.method == "POST" or bool(request.query_params.get("code"))


# The same budget per client address as POST /api/v1/verify (and the same counter: the
# key is the client's), so the page is no way around the API's limit. Over it: a 429 page.
RATE_LIMIT: Final = RateLimitConfig(
    rate_limit=("minute", get_settings().verify_rate_per_minute),
    check_throttle_handler=_verifies,
)


class VerifyPages(Controller):
    path = "/verify"
    include_in_schema = False
    middleware = [RATE_LIMIT.middleware]

    @get("/", name="web:verify")
    async def form(
        self, code: Annotated[str, QueryParameter(name="code", max_length=64)] = ""
    ) -> Response[str]:
        """The form; `?code=RM-...` verifies that certificate (a shareable link)."""
        if not code.strip():
            return _form()
        try:
            credential, canonical = await _by_code(code)
        except Refused as refused:
            return _form(refused.status, error=str(refused), code=code)
        verdict = await verify(credential)
        source = _("the certificate %(code)s") % {"code": canonical}
        return _form(result=await _result(verdict, source), code=canonical)

    @post("/", name="web:verify-submit", status_code=200)
    async def submit(self, request: Request[Any, Any, Any]) -> Response[str]:
        """An uploaded file first, else pasted text, else a code."""
        if request.headers.get("content-type", "").split(";")[0].strip() not in FORMS:
            return _form(415, error=_("send the form from this page"))
        form = await request.form()
        upload, pasted, code = form.get("file"), form.get("credential"), form.get("code")
        pasted = pasted if isinstance(pasted, str) else ""
        code = code if isinstance(code, str) else ""
        try:
            if isinstance(upload, UploadFile) and (raw := await upload.read(MAX_CREDENTIAL + 1)):
                credential = _decode(raw)
                source = _("the file %(name)s") % {"name": upload.filename or "uploaded"}
            elif pasted.strip():
                credential, source = _decode(pasted.encode()), _("the pasted certificate")
            elif code.strip():
                credential, canonical = await _by_code(code)
                source, code = _("the certificate %(code)s") % {"code": canonical}, canonical
            else:
                raise Refused(400, _("choose a file, paste a certificate or type a code"))
        except Refused as refused:
            return _form(refused.status, error=str(refused), code=code, pasted=pasted[:4000])
        return _form(result=await _result(await verify(credential), source), code=code)
