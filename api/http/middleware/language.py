"""The language of the API's problem details (docs/languages.md): `Accept-Language` only
(Babel's negotiation), English otherwise. The API's other answers are English and are the
same bytes whatever the header says."""

from __future__ import annotations

from litestar.enums import ScopeType
from litestar.types import ASGIApp, Receive, Scope, Send

from api import i18n


def api_language_middleware(app: ASGIApp) -> ASGIApp:
    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP:
            await app(scope, receive, send)
            return
        header = next(
            (v.decode("latin-1") for k, v in scope.get("headers", []) if k == b"accept-language"),
            None,
        )
        with i18n.api_using(i18n.from_accept_language(header) or i18n.DEFAULT):
            await app(scope, receive, send)

    return middleware
