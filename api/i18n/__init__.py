"""The languages of the public pages (docs/languages.md): gettext catalogs managed with
Babel, the language of the request, and CLDR dates, numbers and country names.

The language of a request lives in a context variable, set by the web router's middleware
(`api.web.language`) from `?lang=`, the `lang` cookie or `Accept-Language`; everything that
renders reads it through `current()`. A context variable rather than a Jinja global
installed per request: one environment serves concurrent requests in different languages.

Catalogs are `locale/<lang>/LC_MESSAGES/messages.po` beside this file. `make` compiles each
to its `.mo` (`python -m api.i18n.compile`); a `.po` newer than its `.mo` (or without one,
as in a fresh clone run by `pytest` alone) is compiled in memory when first needed, so a
page never shows a stale translation.
"""

from __future__ import annotations

import datetime as dt
import gettext as _gettext
import io
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache
from pathlib import Path
from typing import Final

from babel import Locale, negotiate_locale
from babel.dates import format_date as _babel_date
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal

# BCP 47 tags, in the order the switcher lists them. `en` is the source language.
LANGUAGES: Final = ("en", "ar", "ne", "hi", "bn", "id", "fil", "fr", "es")
DEFAULT: Final = "en"
RIGHT_TO_LEFT: Final = frozenset({"ar"})
# Tags people's browsers send for the same language: Tagalog for Filipino, Indonesian's
# withdrawn code.
ALIASES: Final = {"tl": "fil", "in": "id"}
LOCALE_DIR: Final = Path(__file__).parent / "locale"
DOMAIN: Final = "messages"
COOKIE: Final = "lang"
# How speakers name their language where CLDR's name is not what they would look for.
OWN_NAMES: Final = {"id": "Bahasa Indonesia"}

_current: ContextVar[str] = ContextVar("rightsmark_language", default=DEFAULT)
# The API's language for problem details only (Accept-Language alone): its answers are
# otherwise English, and kept once for every language.
_api: ContextVar[str] = ContextVar("rightsmark_api_language", default=DEFAULT)


def api_language() -> str:
    return _api.get()


@contextmanager
def api_using(lang: str) -> Iterator[str]:
    token = _api.set(lang if lang in LANGUAGES else DEFAULT)
    try:
        yield _api.get()
    finally:
        _api.reset(token)


def current() -> str:
    """The language of what is being rendered now."""
    return _current.get()


@contextmanager
def using(lang: str) -> Iterator[str]:
    """Render in `lang` inside the block (a supported tag, else the default)."""
    token = _current.set(lang if lang in LANGUAGES else DEFAULT)
    try:
        yield _current.get()
    finally:
        _current.reset(token)


def direction(lang: str | None = None) -> str:
    """`rtl` or `ltr`, for `<html dir>`."""
    return "rtl" if (lang or current()) in RIGHT_TO_LEFT else "ltr"


def supported(tag: str | None) -> str | None:
    """The supported language a `?lang=` or cookie value names, case aside; else None."""
    if not tag:
        return None
    tag = tag.strip().lower().replace("_", "-")
    tag = ALIASES.get(tag, tag)
    return tag if tag in LANGUAGES else None


def _accepted(header: str) -> list[str]:
    """`Accept-Language` (RFC 9110 section 12.5.4) as tags, most wanted first; `q=0` out."""
    ranked: list[tuple[float, int, str]] = []
    for index, item in enumerate(header.split(",")):
        tag, _, params = item.strip().partition(";")
        quality = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if tag and tag != "*" and quality > 0:
            ranked.append((-quality, index, tag.strip()))
    return [tag for _, _, tag in sorted(ranked)]


def from_accept_language(header: str | None) -> str | None:
    """The best supported language for an `Accept-Language` header (Babel's
    `negotiate_locale`: `fr-CA` is served `fr`, `tl` `fil`), or None."""
    if not header:
        return None
    wanted = []
    for tag in _accepted(header[:500]):
        primary, _, rest = tag.partition("-")
        wanted.append(ALIASES.get(primary.lower(), primary) + (f"-{rest}" if rest else ""))
    found = negotiate_locale(wanted, list(LANGUAGES), sep="-", aliases=ALIASES)
    return supported(found)


def negotiate(query: str | None, cookie: str | None, accept_language: str | None) -> str:
    """The page's language: `?lang=`, then the cookie, then `Accept-Language`, then English."""
    return supported(query) or supported(cookie) or from_accept_language(accept_language) or DEFAULT


def catalog_path(lang: str, suffix: str = ".po") -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}{suffix}"


@lru_cache(maxsize=len(LANGUAGES))
def translations(lang: str) -> _gettext.NullTranslations:
    """The compiled catalog of `lang`: its `.mo` when it is up to date, else its `.po`
    compiled in memory; English (the source) and unknown tags translate to themselves."""
    po, mo = catalog_path(lang), catalog_path(lang, ".mo")
    if lang == DEFAULT or not po.is_file():
        return _gettext.NullTranslations()
    if mo.is_file() and mo.stat().st_mtime >= po.stat().st_mtime:
        with mo.open("rb") as stream:
            return _gettext.GNUTranslations(stream)
    with po.open("rb") as stream:
        catalog = read_po(stream, locale=lang, domain=DOMAIN)
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)  # a fuzzy entry is not a translation
    buffer.seek(0)
    return _gettext.GNUTranslations(buffer)


def gettext(message: str) -> str:
    return translations(current()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return translations(current()).ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    return translations(current()).pgettext(context, message)


def npgettext(context: str, singular: str, plural: str, n: int) -> str:
    return translations(current()).npgettext(context, singular, plural, n)


def N_(message: str) -> str:
    """Marks a string for extraction where it is defined; translated where it is shown."""
    return message


@lru_cache(maxsize=len(LANGUAGES))
def locale(lang: str) -> Locale:
    return Locale.parse(lang, sep="-")


def native_name(lang: str) -> str:
    """A language's name in itself (CLDR), as the switcher shows it: `नेपाली`, `Français`."""
    if lang in OWN_NAMES:
        return OWN_NAMES[lang]
    name = locale(lang).get_display_name(locale(lang)) or lang
    return name[:1].upper() + name[1:]


def format_day(value: object) -> str:
    """A date as the reader's language writes it (CLDR's long form: `30 novembre 2029`);
    English keeps ISO 8601 (`2029-11-30`), which every reader of the English pages, in any
    country, reads the same way."""
    if value is None or value == "":
        return ""
    if isinstance(value, dt.datetime):
        day = value.date()
    elif isinstance(value, dt.date):
        day = value
    else:
        try:
            day = dt.date.fromisoformat(str(value)[:10])
        except ValueError:
            return str(value)
    lang = current()
    if lang == DEFAULT:
        return day.isoformat()
    return _babel_date(day, format="long", locale=locale(lang))


def format_number(value: float | int, digits: int | None = None) -> str:
    """A number with the language's separators and grouping (CLDR): `1,234.5` in English,
    `1 234,5` in French, `12,34,567` in Hindi; `digits` fixes the decimals."""
    if digits is not None:
        pattern = "#,##0." + "0" * digits if digits else "#,##0"
        return format_decimal(value, format=pattern, locale=locale(current()))
    return format_decimal(value, locale=locale(current()))


def country_name(code: str) -> str:
    """A two-letter country code as the country's name in the reader's language (CLDR), the
    code itself when CLDR has no name for it."""
    if not code:
        return ""
    return str(locale(current()).territories.get(code.upper(), code))
