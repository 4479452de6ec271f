"""RFC 9457 problem details for every error the API can answer with.

Domain packages raise their own errors; this module is the one place that maps them to an
HTTP status and a JSON body naming the offending fields. Nothing here ever echoes a
traceback: unexpected errors are logged server-side and answered with a generic 500.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final

import structlog
from litestar import Litestar, Request, Response
from litestar.constants import RESERVED_KWARGS
from litestar.exceptions import HTTPException, ValidationException
from litestar.handlers import HTTPRouteHandler
from litestar.openapi.datastructures import ResponseSpec
from litestar.routes import HTTPRoute
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR
from pydantic import BaseModel, ConfigDict, Field

from api import i18n
from api.i18n import N_
from audits.errors import AuditError
from registry.db.failover import RETRY_AFTER_SECONDS, database_unavailable
from registry.errors import (
    ConflictError,
    ForbiddenError,
    InvalidRequestError,
    NotFoundError,
    RegistryError,
)
from registry.notifications.ssrf import RefusedUrlError
from registry.signing.errors import SigningUnavailableError
from registry.watchlists.suppliers import SupplierListTooLarge
from standards.errors import (
    LifecycleError,
    LintError,
    StandardConflict,
    StandardNotFound,
    StandardsError,
    VersionOrderError,
)

PROBLEM_JSON = "application/problem+json"
log = structlog.get_logger("rightsmark.api")

# Titles by status, in English; marked for the catalogs (docs/languages.md), so a client
# that sends Accept-Language gets `title` (and a `detail` the catalogs have) in its language.
_TITLES = {
    400: N_("Bad request"),
    401: N_("Authentication required"),
    403: N_("Not allowed"),
    404: N_("Not found"),
    405: N_("Method not allowed"),
    409: N_("Conflict"),
    413: N_("Request body too large"),
    415: N_("Unsupported media type"),
    422: N_("Invalid content"),
    429: N_("Too many requests"),
    500: N_("Internal error"),
    503: N_("Service unavailable"),
}
# A stable code per status, the same in every language: what a client tests, not the title.
CODES: Final = {
    400: "bad_request",
    401: "authentication_required",
    403: "not_allowed",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    415: "unsupported_media_type",
    422: "invalid_content",
    429: "too_many_requests",
    500: "internal_error",
    503: "unavailable",
}
# Details the API writes itself, translated like the titles.
TOO_LARGE: Final = N_("the request body exceeds the limit this endpoint accepts")
TOO_DEEP: Final = N_("the body is not JSON this server can read: it is nested too deeply")
UNEXPECTED: Final = N_("an unexpected error occurred; it was logged")
CANNOT_SIGN: Final = N_("the registry cannot sign right now; the error was logged")


def _localised(english: str) -> str:
    """`english` in the language the client asked for (`api.i18n.api_language`), itself when
    the catalogs have no translation."""
    lang = i18n.api_language()
    if lang == i18n.DEFAULT:
        return english
    return i18n.translations(lang).gettext(english)


def problem(
    status: int,
    detail: str,
    *,
    errors: list[dict[str, Any]] | None = None,
    type_: str = "about:blank",
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> Response[dict[str, Any]]:
    body: dict[str, Any] = {
        "type": type_,
        "title": _localised(_TITLES.get(status, "Error")),
        "status": status,
        "code": CODES.get(status, "error"),
        "detail": _localised(detail),
    }
    if errors:
        body["errors"] = errors
    body.update(extra)
    sent = {**(headers or {}), "Content-Language": i18n.api_language(), "Vary": "Accept-Language"}
    return Response(content=body, status_code=status, media_type=PROBLEM_JSON, headers=sent)


def _validation_errors(extra: Any) -> list[dict[str, Any]]:
    errors: list[dict[str, Any]] = []
    for item in extra if isinstance(extra, list) else []:
        if isinstance(item, dict):
            errors.append(
                {
                    "field": str(item.get("key") or ""),
                    "message": str(item.get("message", "")),
                    "source": str(item.get("source") or "body").rsplit(".", 1)[-1].lower(),
                }
            )
    return errors


def http_exception_handler(request: Request[Any, Any, Any], exc: HTTPException) -> Response[Any]:
    errors = _validation_errors(exc.extra) if isinstance(exc, ValidationException) else None
    status = exc.status_code
    if isinstance(exc, ValidationException):
        # Litestar says 400 for every validation failure. A readable body whose content breaks
        # the schema is 422, so clients can tell it from a malformed request or bad parameter.
        status = (
            422 if errors and any(e["field"] and e["source"] == "body" for e in errors) else 400
        )
    detail = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
    if status == 413:
        detail = TOO_LARGE
    return problem(status, detail, errors=errors, headers=exc.headers)


def _standards_status(exc: StandardsError) -> int:
    if isinstance(exc, LintError):
        return 422
    if isinstance(exc, StandardNotFound):
        return 404
    if isinstance(exc, StandardConflict | VersionOrderError | LifecycleError):
        return 409
    return 400


def standards_error_handler(request: Request[Any, Any, Any], exc: StandardsError) -> Response[Any]:
    errors = None
    if isinstance(exc, LintError):
        errors = [
            {"field": p.field, "message": p.message, "code": p.code, "line": p.line}
            for p in exc.problems
        ]
    detail = f"the rule set has {len(errors)} problem(s)" if errors else str(exc)
    return problem(_standards_status(exc), detail, errors=errors)


def registry_error_handler(request: Request[Any, Any, Any], exc: RegistryError) -> Response[Any]:
    if isinstance(exc, SigningUnavailableError):  # the operator's problem: details in the log
        log.error("signing_unavailable", error_type=type(exc).__name__, error=str(exc))
        return problem(503, CANNOT_SIGN)
    if isinstance(exc, NotFoundError):
        return problem(404, str(exc))
    if isinstance(exc, ConflictError):
        named = [{"field": exc.field, "message": str(exc)}] if exc.field else None
        return problem(409, str(exc), errors=named)
    if isinstance(exc, ForbiddenError):
        return problem(403, str(exc))
    if isinstance(exc, RefusedUrlError):  # a bad address, not a bad shape: 400
        return problem(400, str(exc), errors=[{"field": "url", "message": str(exc)}])
    if isinstance(exc, InvalidRequestError):
        errors = [{"field": exc.field, "message": str(exc)}] if exc.field else None
        # A supplier list over its limits is too large, not merely invalid.
        return problem(
            413 if isinstance(exc, SupplierListTooLarge) else 422, str(exc), errors=errors
        )
    return problem(400, str(exc))


def audit_error_handler(request: Request[Any, Any, Any], exc: AuditError) -> Response[Any]:
    problems = getattr(exc, "problems", None) or []
    errors = [{"field": p.path, "message": p.message, "code": p.code} for p in problems]
    return problem(422, str(exc), errors=errors or None)


def too_deep_handler(request: Request[Any, Any, Any], exc: RecursionError) -> Response[Any]:
    """JSON nested deeper than the decoder's recursion limit, on any endpoint: a 400."""
    return problem(400, TOO_DEEP)


def internal_error_handler(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    if database_unavailable(exc):  # a failover under way: nothing was acknowledged
        log.warning("database_unavailable", path=request.url.path, error_type=type(exc).__name__)
        return problem(
            503,
            "the database is failing over to another server; nothing of this request was "
            "acknowledged: retry it (with the same Idempotency-Key for a filing)",
            headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
        )
    log.error("unhandled_error", path=request.url.path, error_type=type(exc).__name__)
    return problem(HTTP_500_INTERNAL_SERVER_ERROR, UNEXPECTED)


EXCEPTION_HANDLERS: dict[type[Exception] | int, Any] = {
    HTTPException: http_exception_handler,
    StandardsError: standards_error_handler,
    RegistryError: registry_error_handler,
    AuditError: audit_error_handler,
    RecursionError: too_deep_handler,
    Exception: internal_error_handler,
}


# --- what the OpenAPI document says about these answers ---------------------------------


class ProblemField(BaseModel):
    """One offending field of a problem: where it is and what is wrong with it."""

    field: str | None = None
    message: str
    source: str | None = None
    code: str | None = None
    line: int | None = None


class ProblemDetail(BaseModel):
    """An RFC 9457 problem detail, as every error of the API is answered."""

    model_config = ConfigDict(extra="allow")

    type: str = "about:blank"
    title: str = Field(description="In the language of Accept-Language where translated")
    status: int
    code: str = Field(description="A stable code for the kind of problem, whatever the language")
    detail: str = Field(description="In the language of Accept-Language where translated")
    errors: list[ProblemField] | None = None


_WHY: Final = {
    400: "The request is malformed: a bad parameter, a control character in the URL, or a "
    "body that is not readable JSON",
    401: "No bearer token, or one that is unknown, expired or revoked",
    403: "The token's role or account may not do this",
    404: "Something the request names does not exist",
    409: "The request conflicts with the current state",
    413: "The request body is larger than the server accepts",
    415: "The body's content type is not one this operation reads",
    422: "The body or a parameter is readable but its content is invalid",
    429: "Too many requests from this address this minute; see Retry-After",
    503: "The registry cannot sign right now, or its database is failing over to a standby "
    "(nothing was acknowledged; retry after Retry-After seconds, a filing with the same "
    "Idempotency-Key)",
}
_BODY_METHODS: Final = {"POST", "PUT", "PATCH"}


def _problem_spec(status: int) -> ResponseSpec:
    return ResponseSpec(
        data_container=ProblemDetail,
        generate_examples=False,
        description=_WHY[status],
        media_type=PROBLEM_JSON,
    )


def _takes_parameters(handler: HTTPRouteHandler) -> bool:
    """Whether the handler reads path or query parameters (not counting its body,
    dependencies and Litestar's reserved arguments)."""
    skip = set(RESERVED_KWARGS) | set(handler.resolve_dependencies())
    return any(name not in skip for name in handler.parsed_fn_signature.parameters)


def _problem_statuses(
    route: HTTPRoute, handler: HTTPRouteHandler, *, rate_limited: bool, guarded: bool
) -> set[int]:
    statuses = {400}  # any request may be malformed (a control character in its URL, say)
    writes = bool(handler.http_methods & _BODY_METHODS)
    if route.path_parameters or _takes_parameters(handler) or writes:
        statuses |= {404, 422}  # what a request names (path, query or body) may not exist
    if writes:
        statuses |= {413, 415}
    if guarded:
        statuses |= {401, 403}
    if writes and guarded:  # changes to the registry: conflicts, and signing what changed
        statuses |= {409, 503}
    if rate_limited:
        statuses.add(429)
    return statuses


def document_problems(
    app: Litestar, rate_limited: Callable[[str, str], bool] = lambda method, path: False
) -> None:
    """Document, on every operation of the OpenAPI schema, the problem details it can answer
    with (`application/problem+json`, schema `ProblemDetail`), and the bearer token that
    guarded operations need. Explicit `responses=` of a handler win. Cheap: the schema
    itself is still built on its first request. `rate_limited(method, path)` tells which
    operations a rate limit may answer 429 on."""
    for route in app.routes:
        if not isinstance(route, HTTPRoute):
            continue
        for handler in route.route_handlers:
            if not handler.resolve_include_in_schema() or "OPTIONS" in handler.http_methods:
                continue
            limited = any(rate_limited(method, route.path) for method in handler.http_methods)
            # Guards of the application itself check requests, not who sends them. A handler
            # with `opt={"token_optional": True}` reads a bearer token when one is sent (a
            # complaint's routes: the complainant's key, or an account's token).
            optional = bool(handler.opt.get("token_optional"))
            guarded = optional or bool(set(handler.resolve_guards()) - set(app.guards))
            statuses = _problem_statuses(route, handler, rate_limited=limited, guarded=guarded)
            handler.responses = {
                **{status: _problem_spec(status) for status in sorted(statuses)},
                **(handler.responses or {}),
            }
            if guarded and not handler.security:
                handler.security = [{"bearer": []}, {}] if optional else [{"bearer": []}]
