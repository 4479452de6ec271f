"""RFC 9457 problem details for every error the API can answer with.

Domain packages raise their own errors; this module is the one place that maps them to an
HTTP status and a JSON body naming the offending fields. Nothing here ever echoes a
traceback: unexpected errors are logged server-side and answered with a generic 500.
"""

from __future__ import annotations

from typing import Any

import structlog
from litestar import Request, Response
from litestar.exceptions import HTTPException, ValidationException
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR

from audits.errors import AuditError
from registry.errors import (
    ConflictError,
    ForbiddenError,
    InvalidRequestError,
    NotFoundError,
    RegistryError,
)
from registry.signing.errors import SigningUnavailableError
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

_TITLES = {
    400: "Bad request",
    401: "Authentication required",
    403: "Not allowed",
    404: "Not found",
    405: "Method not allowed",
    409: "Conflict",
    413: "Request body too large",
    415: "Unsupported media type",
    422: "Invalid content",
    429: "Too many requests",
    500: "Internal error",
    503: "Service unavailable",
}


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
        "title": _TITLES.get(status, "Error"),
        "status": status,
        "detail": detail,
    }
    if errors:
        body["errors"] = errors
    body.update(extra)
    return Response(content=body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


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
        detail = "the request body exceeds the limit this endpoint accepts"
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
        return problem(503, "the registry cannot sign right now; the error was logged")
    if isinstance(exc, NotFoundError):
        return problem(404, str(exc))
    if isinstance(exc, ConflictError):
        return problem(409, str(exc))
    if isinstance(exc, ForbiddenError):
        return problem(403, str(exc))
    if isinstance(exc, InvalidRequestError):
        errors = [{"field": exc.field, "message": str(exc)}] if exc.field else None
        return problem(422, str(exc), errors=errors)
    return problem(400, str(exc))


def audit_error_handler(request: Request[Any, Any, Any], exc: AuditError) -> Response[Any]:
    problems = getattr(exc, "problems", None) or []
    errors = [{"field": p.path, "message": p.message, "code": p.code} for p in problems]
    return problem(422, str(exc), errors=errors or None)


def too_deep_handler(request: Request[Any, Any, Any], exc: RecursionError) -> Response[Any]:
    """JSON nested deeper than the decoder's recursion limit, on any endpoint: a 400."""
    return problem(400, "the body is not JSON this server can read: it is nested too deeply")


def internal_error_handler(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    log.error("unhandled_error", path=request.url.path, error_type=type(exc).__name__)
    return problem(HTTP_500_INTERNAL_SERVER_ERROR, "an unexpected error occurred; it was logged")


EXCEPTION_HANDLERS: dict[type[Exception] | int, Any] = {
    HTTPException: http_exception_handler,
    StandardsError: standards_error_handler,
    RegistryError: registry_error_handler,
    AuditError: audit_error_handler,
    RecursionError: too_deep_handler,
    Exception: internal_error_handler,
}
