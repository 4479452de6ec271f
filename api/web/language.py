"""The language of each web page (docs/languages.md): `?lang=`, then the `lang` cookie, then
`Accept-Language`, then English, chosen before the handler runs and held in
`api.i18n`'s context variable for everything that renders.

A page chosen by `?lang=` sets the cookie, so the next page a link opens stays in that
language. Every answer says its language (`Content-Language`) and that it depends on the
cookie and `Accept-Language` (`Vary`), so no shared cache hands one reader's language to
another.
"""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass
from http.cookies import SimpleCookie
from typing import Final
from urllib.parse import parse_qsl, urlencode

from litestar.enums import ScopeType
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from api import i18n

YEAR: Final = 365 * 24 * 3600

# The page being answered, without `lang`: the switcher's links open it in each language.
_here: ContextVar[tuple[str, str]] = ContextVar("rightsmark_page_here", default=("/", ""))


@dataclass(frozen=True)
class Choice:
    """One entry of the language switcher."""

    lang: str
    name: str  # in the language itself
    href: str
    current: bool


def switcher() -> list[Choice]:
    """A link to this page in every language, for the switcher at the top of every page."""
    path, query = _here.get()
    now = i18n.current()
    return [
        Choice(
            lang,
            i18n.native_name(lang),
            f"{path}?{query + '&' if query else ''}lang={lang}",
            lang == now,
        )
        for lang in i18n.LANGUAGES
    ]


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key.lower() == name:
            return str(value.decode("latin-1"))
    return None


def _cookie(scope: Scope) -> str | None:
    raw = _header(scope, b"cookie")
    if not raw:
        return None
    jar: SimpleCookie = SimpleCookie()
    try:
        jar.load(raw)
    except Exception:  # a malformed Cookie header: no language from it
        return None
    morsel = jar.get(i18n.COOKIE)
    return morsel.value if morsel else None


def chosen(scope: Scope) -> tuple[str, bool]:
    """The request's language, and whether `?lang=` chose it (then the cookie is set)."""
    pairs = parse_qsl(scope.get("query_string", b"").decode("latin-1"))
    query = next((value for name, value in pairs if name == "lang"), None)
    picked = i18n.supported(query)
    lang = i18n.negotiate(query, _cookie(scope), _header(scope, b"accept-language"))
    return lang, picked is not None


def language_middleware(app: ASGIApp) -> ASGIApp:
    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP:
            await app(scope, receive, send)
            return
        lang, from_query = chosen(scope)

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                vary = [v for k, v in headers if k.lower() == b"vary"]
                headers = [(k, v) for k, v in headers if k.lower() != b"vary"]
                headers.append((b"vary", b", ".join([*vary, b"Accept-Language, Cookie"])))
                headers.append((b"content-language", lang.encode()))
                if from_query:
                    headers.append(
                        (
                            b"set-cookie",
                            f"{i18n.COOKIE}={lang}; Path=/; Max-Age={YEAR}; "
                            "SameSite=Lax; HttpOnly".encode(),
                        )
                    )
                message = {**message, "headers": headers}
            await send(message)

        pairs = parse_qsl(scope.get("query_string", b"").decode("latin-1"))
        token = _here.set((scope["path"], urlencode([(k, v) for k, v in pairs if k != "lang"])))
        try:
            with i18n.using(lang):
                await app(scope, receive, sending)
        finally:
            _here.reset(token)

    return middleware
