"""Rendering the public pages: one Jinja environment, HTML escaping on, every answer with
headers that keep the page self-contained.

The environment is ours rather than Litestar's `template_config`, so the HTML pages need
nothing from the application object and cannot change how the API renders anything.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Final

from jinja2 import Environment, FileSystemLoader, select_autoescape
from litestar import Response

from api import i18n
from api.http.middleware.security_headers import CSP
from api.web.language import switcher

TEMPLATES: Final = Path(__file__).parents[1] / "templates"
STATIC: Final = Path(__file__).parents[1] / "static"

PAGE_HEADERS: Final = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


def _date(value: object) -> str:
    """An ISO timestamp (or date) as the calendar date people read: 2026-11-30 in English,
    the reader's language's long form otherwise (`api.i18n.format_day`)."""
    return i18n.format_day(value)


def _label(value: object) -> str:
    """`welfare_return` -> `welfare return`: enum values as words, in the reader's language
    where the catalog has the value (`api.web.render.labels` lists them)."""
    return i18n.gettext(str(value).replace("_", " "))


def _plain(value: object) -> str:
    """A changed value as people read it, not as Python prints it: lists joined with
    semicolons, mappings as `key: value`, nothing as a dash."""
    if value is None:
        return "-"
    if isinstance(value, list | tuple):
        return "; ".join(_plain(item) for item in value) or "(none)"
    if isinstance(value, dict):
        return ", ".join(f"{key}: {_plain(item)}" for key, item in value.items())
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html"], default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
        extensions=["jinja2.ext.i18n"],
    )
    # Jinja's i18n extension with callables that read the request's language
    # (`api.i18n.current`), not one catalog installed per request: the environment is shared
    # by concurrent requests in different languages. Newstyle: `_("%(n)s found", n=3)`
    # escapes and formats in one step, and `ngettext` picks the language's plural form.
    env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=i18n.gettext,
        ngettext=i18n.ngettext,
        pgettext=i18n.pgettext,
        npgettext=i18n.npgettext,
        newstyle=True,
    )
    env.filters["date"] = _date
    env.filters["label"] = _label
    env.filters["plain"] = _plain
    env.filters["number"] = i18n.format_number
    env.filters["country"] = i18n.country_name
    env.globals["lang"] = i18n.current
    env.globals["text_direction"] = i18n.direction
    env.globals["language_choices"] = switcher
    return env


ENV: Final = _environment()


def render(template: str, **context: Any) -> str:
    return ENV.get_template(template).render(**context)


def page(template: str, *, status: int = 200, **context: Any) -> Response[str]:
    """An HTML page answer with the self-containment headers."""
    return Response(
        render(template, **context),
        status_code=status,
        media_type="text/html",
        headers=PAGE_HEADERS,
    )
