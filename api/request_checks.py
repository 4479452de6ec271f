"""Checks on every request before its handler runs (application-wide guards).

No control characters in the URL: a path segment or query value holding NUL and the like
is never a name anybody means, and PostgreSQL cannot even compare a text column with a
string holding NUL (an error, not "not found"). Such a request is a 400 at the door.

A JSON body must say it is JSON.

Litestar decodes a `data` parameter as JSON whatever the `Content-Type` says, so a body
declared `text/plain` or `application/x-www-form-urlencoded` (what an HTML form or a
careless `curl -d` sends) would be accepted and stored. A client that declares the wrong
type is told so (415) before anything is parsed or written.
"""

from __future__ import annotations

import re
from typing import Any, Final

from litestar.connection import ASGIConnection
from litestar.enums import RequestEncodingType
from litestar.exceptions import HTTPException
from litestar.handlers import BaseRouteHandler
from litestar.params import BodyKwarg
from litestar.status_codes import HTTP_400_BAD_REQUEST, HTTP_415_UNSUPPORTED_MEDIA_TYPE

_JSON: Final = "application/json"
_CONTROL: Final = re.compile("[\x00-\x1f\x7f]")


async def no_control_characters_in_url(
    connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler
) -> None:
    """An application-wide guard: 400 when the decoded path or a query value holds a C0
    control character or DEL."""
    pairs = connection.query_params.multi_items()
    values = [connection.scope["path"], *(part for pair in pairs for part in pair)]
    for value in values:
        if found := _CONTROL.search(value):
            raise HTTPException(
                status_code=HTTP_400_BAD_REQUEST,
                detail=f"the URL holds a control character (U+{ord(found[0]):04X}); "
                "no path or query parameter may",
            )


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


def _has_body(connection: ASGIConnection[Any, Any, Any, Any]) -> bool:
    length = connection.headers.get("content-length")
    if length is not None:
        return length.strip() not in {"", "0"}
    return "transfer-encoding" in connection.headers


def is_json_media_type(content_type: str) -> bool:
    media = content_type.partition(";")[0].strip().lower()
    return media == _JSON or (media.startswith("application/") and media.endswith("+json"))


async def json_body_declared(
    connection: ASGIConnection[Any, Any, Any, Any], handler: BaseRouteHandler
) -> None:
    """An application-wide guard: a request with a body, to a handler that reads it as JSON,
    must declare `application/json` (or a `+json` type); anything else is a 415 problem."""
    if not takes_json_body(handler) or not _has_body(connection):
        return
    declared = connection.headers.get("content-type", "")[:100]
    if not is_json_media_type(declared):
        raise HTTPException(
            status_code=HTTP_415_UNSUPPORTED_MEDIA_TYPE,
            detail=f"send the body as application/json, not {declared or 'an undeclared type'}",
        )
