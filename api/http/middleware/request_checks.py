"""Checks on every request before its handler runs, as one ASGI middleware.

No control characters in the URL: a path segment or query value holding NUL and the like
is never a name anybody means, and PostgreSQL cannot even compare a text column with a
string holding NUL (an error, not "not found"). Such a request is a 400 at the door.

A JSON body must say it is JSON. Litestar decodes a `data` parameter as JSON whatever the
`Content-Type` says, so a body declared `text/plain` or `application/x-www-form-urlencoded`
(what an HTML form or a careless `curl -d` sends) would be accepted and stored. A client
that declares the wrong type is told so (415) before anything is parsed or written.

A middleware rather than application-wide guards: Litestar hands each guard a fresh copy
of the route handler, which cost more per request than verifying a certificate.
"""

from __future__ import annotations

import re
from typing import Any, Final
from urllib.parse import parse_qsl

from litestar.enums import RequestEncodingType, ScopeType
from litestar.exceptions import HTTPException
from litestar.handlers import BaseRouteHandler
from litestar.params import BodyKwarg
from litestar.status_codes import HTTP_400_BAD_REQUEST, HTTP_415_UNSUPPORTED_MEDIA_TYPE
from litestar.types import ASGIApp, Receive, Scope, Send

_JSON: Final = "application/json"
_CONTROL: Final = re.compile("[\x00-\x1f\x7f]")
_CONTROL_BYTES: Final = re.compile(b"[\x00-\x1f\x7f]")
_BODILESS: Final = frozenset({"GET", "HEAD", "OPTIONS"})
_JSON_BODY: dict[str, bool] = {}  # handler_id -> takes_json_body: handlers live with the app


def url_problem(scope: Scope) -> str | None:
    """Why the URL is refused (a C0 control character or DEL in the decoded path or in a
    query name or value), or None."""
    raw = (scope.get("raw_path") or b"") + (scope.get("query_string") or b"")
    if b"%" not in raw and not _CONTROL_BYTES.search(raw):
        return None  # nothing percent-encoded, nothing raw: decided without decoding
    query = (scope.get("query_string") or b"").decode("latin-1")
    values = [scope["path"]]
    values += [part for pair in parse_qsl(query, keep_blank_values=True) for part in pair]
    for value in values:
        if found := _CONTROL.search(value):
            return (
                f"the URL holds a control character (U+{ord(found[0]):04X}); "
                "no path or query parameter may"
            )
    return None


def takes_json_body(handler: BaseRouteHandler) -> bool:
    """Whether `handler` decodes its body as JSON: a `data` parameter with JSON encoding, or
    `opt={"json_body": True}` for handlers that read the raw body and parse it as JSON."""
    if handler.opt.get("json_body"):
        return True
    data = handler.parsed_fn_signature.parameters.get("data")
    if data is None:
        return False
    kwarg = data.kwarg_definition
    media = kwarg.media_type if isinstance(kwarg, BodyKwarg) else RequestEncodingType.JSON
    return media == RequestEncodingType.JSON


def is_json_media_type(content_type: str) -> bool:
    media = content_type.partition(";")[0].strip().lower()
    return media == _JSON or (media.startswith("application/") and media.endswith("+json"))


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope["headers"]:
        if key.lower() == name:
            return str(value.decode("latin-1"))
    return None


def body_problem(scope: Scope) -> str | None:
    """Why the body is refused (a body for a JSON handler, not declared as JSON), or None."""
    if scope["method"] in _BODILESS:  # type: ignore[typeddict-item]
        return None
    handler: Any = scope.get("route_handler")
    if handler is None:
        return None
    json_body = _JSON_BODY.get(handler.handler_id)
    if json_body is None:
        json_body = _JSON_BODY[handler.handler_id] = takes_json_body(handler)
    if not json_body:
        return None
    length = _header(scope, b"content-length")
    has_body = (
        length.strip() not in {"", "0"}
        if length is not None
        else (_header(scope, b"transfer-encoding") is not None)
    )
    declared = (_header(scope, b"content-type") or "")[:100]
    if not has_body or is_json_media_type(declared):
        return None
    return f"send the body as application/json, not {declared or 'an undeclared type'}"


def request_checks_middleware(app: ASGIApp) -> ASGIApp:
    """400 for a control character in the URL, 415 for a JSON body not declared as JSON."""

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == ScopeType.HTTP:
            problem = url_problem(scope)
            if problem is not None:
                raise HTTPException(status_code=HTTP_400_BAD_REQUEST, detail=problem)
            problem = body_problem(scope)
            if problem is not None:
                raise HTTPException(status_code=HTTP_415_UNSUPPORTED_MEDIA_TYPE, detail=problem)
        await app(scope, receive, send)

    return middleware
