"""Errors on the public pages are pages too: a clear 4xx in HTML that says what was wrong
with the request and how to go on, never a 500 for anything a visitor can type.

These handlers are registered on the web router only, so the API keeps its problem details.
"""

from __future__ import annotations

from typing import Any, Final

import structlog
from litestar import Request, Response
from litestar.exceptions import HTTPException, ValidationException

from api.i18n import N_
from api.i18n import gettext as _
from api.web.render.html import page
from registry.db.failover import RETRY_AFTER_SECONDS, database_unavailable
from registry.errors import (
    ConflictError,
    ForbiddenError,
    InvalidRequestError,
    NotFoundError,
    RegistryError,
)
from standards.errors import StandardNotFound, StandardsError

log = structlog.get_logger("rightsmark.web")

TITLES: Final = {
    400: N_("Bad request"),
    403: N_("Not allowed"),
    404: N_("Not found"),
    405: N_("Method not allowed"),
    409: N_("Conflict"),
    413: N_("Too large"),
    415: N_("Unsupported content"),
    429: N_("Too many requests"),
    500: N_("Something went wrong"),
    503: N_("Service unavailable"),
}


class BadParameter(Exception):
    """A query or form value the page cannot use: answered 400, naming the parameter."""

    def __init__(self, name: str, message: str) -> None:
        super().__init__(f"{name}: {message}")
        self.name = name


class PageNotFound(Exception):
    """Something the URL names does not exist (a page past the last, say): 404."""


def error_page(status: int, detail: str) -> Response[str]:
    title = _(TITLES[status]) if status in TITLES else _("Error")
    return page("error.html", status=status, title=title, detail=detail)


def _validation_detail(exc: ValidationException) -> str:
    items = exc.extra if isinstance(exc.extra, list) else []
    parts = [
        f"{item.get('key') or _('request')}: {item.get('message') or _('is not valid')}"
        for item in items
        if isinstance(item, dict)
    ]
    return "; ".join(parts) or _("the request is not valid")


def on_http(request: Request[Any, Any, Any], exc: HTTPException) -> Response[str]:
    if isinstance(exc, ValidationException):
        return error_page(400, _validation_detail(exc))
    detail = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
    if exc.status_code == 413:
        detail = _("what you sent is larger than this page accepts")
    response = error_page(exc.status_code, detail)
    response.headers.update(exc.headers or {})  # Retry-After of a 429, say
    return response


def on_registry(request: Request[Any, Any, Any], exc: RegistryError) -> Response[str]:
    if isinstance(exc, NotFoundError):
        return error_page(404, str(exc))
    if isinstance(exc, ForbiddenError):
        return error_page(403, str(exc))
    if isinstance(exc, ConflictError):
        return error_page(409, str(exc))
    if isinstance(exc, InvalidRequestError):  # from a query parameter on these pages
        name = f"{exc.field}: " if exc.field else ""
        return error_page(400, f"{name}{exc}")
    log.error("web_registry_error", path=request.url.path, error_type=type(exc).__name__)
    return error_page(503, _("the registry cannot answer this right now; the error was logged"))


def on_standards(request: Request[Any, Any, Any], exc: StandardsError) -> Response[str]:
    return error_page(404 if isinstance(exc, StandardNotFound) else 400, str(exc))


def on_bad_parameter(request: Request[Any, Any, Any], exc: BadParameter) -> Response[str]:
    return error_page(400, str(exc))


def on_not_found(request: Request[Any, Any, Any], exc: PageNotFound) -> Response[str]:
    return error_page(404, str(exc))


def on_unexpected(request: Request[Any, Any, Any], exc: Exception) -> Response[str]:
    if database_unavailable(exc):  # a failover under way
        response = error_page(
            503, _("the registry is switching database servers: try again shortly")
        )
        response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    log.error("web_unhandled_error", path=request.url.path, error_type=type(exc).__name__)
    return error_page(500, _("an unexpected error occurred; it was logged"))


HANDLERS: Final[dict[type[Exception] | int, Any]] = {
    HTTPException: on_http,
    RegistryError: on_registry,
    StandardsError: on_standards,
    BadParameter: on_bad_parameter,
    PageNotFound: on_not_found,
    Exception: on_unexpected,
}
