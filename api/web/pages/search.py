"""The registry search on the home page: the box and filters of `GET /api/v1/providers`
(`registry.provider_search`: names, codes, ids, numbers, countries, small typos; country,
corridor, provider type) plus certification status and grade.

A filter that names nothing (`?country=Narnia`) is not an error page: `problems` says what is
wrong with which field, and the page shows the form again with the message beside it.

Status and grade describe a provider's *standing* certificate (`data.standing`): a valid one
if it has any, else its most recent suspended, expired or revoked one; `never` matches
providers never certified. Without those two filters a page is one call to
`registry.provider_search.find`; with them, the search is walked in chunks and filtered, which
stays cheap at the register's size (thousands of providers, not millions).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Final
from urllib.parse import urlencode

from api.web.errors import BadParameter, PageNotFound
from api.web.pages import data
from registry import provider_search
from registry.certificates.records import CertificateSummary
from registry.certificates.service import STATUSES
from registry.errors import InvalidRequestError
from registry.provider_search import Exact

PER_PAGE: Final = 20
CHUNK: Final = 500
MAX_PAGE: Final = 10_000
CERT_STATUSES: Final = (*STATUSES, "never")


@dataclass(frozen=True)
class Filters:
    q: str = ""
    country: str = ""
    corridor: str = ""
    type: str = ""
    status: str = ""
    grade: str = ""
    page: int = 1

    def query(self, **changes: Any) -> str:
        """The query string of this search with `changes`: shareable links to other pages.
        Empty filters and page 1 are left out, so equal searches have equal URLs."""
        values = {**self.__dict__, **changes}
        kept = {k: str(v) for k, v in values.items() if v != "" and not (k == "page" and v == 1)}
        return urlencode(kept)


@dataclass
class Results:
    items: list[dict[str, Any]] = field(default_factory=list)  # provider + "standing"
    total: int = 0
    pages: int = 1
    exact: Exact | None = None  # what the box named exactly (listed first)
    corrections: dict[str, list[str]] = field(default_factory=dict)  # typo -> names tried


async def problems(filters: Filters) -> dict[str, str]:
    """What is wrong with each filter that names nothing, by field: every one at once, so a
    visitor fixes them in one go. Empty when the search can run."""
    found: dict[str, str] = {}
    for name, check in (
        ("country", lambda: provider_search.filter_clauses(filters.country, None, None)),
        ("corridor", lambda: provider_search.filter_clauses(None, None, filters.corridor)),
        ("type", lambda: provider_search.filter_clauses(None, filters.type, None)),
        ("status", lambda: check_status(filters.status)),
    ):
        try:
            check()
        except (InvalidRequestError, BadParameter) as error:
            found[name] = str(error).removeprefix(f"{name}: ")
    try:
        await check_grade(filters.grade)
    except BadParameter as error:
        found["grade"] = str(error).removeprefix("grade: ")
    return found


def parse_page(value: str | None) -> int:
    if value is None or value == "":
        return 1
    if not value.isdigit() or not 1 <= int(value) <= MAX_PAGE:
        raise BadParameter("page", f"{value!r} is not a page number from 1 to {MAX_PAGE}")
    return int(value)


def check_status(value: str) -> str:
    if value and value not in CERT_STATUSES:
        raise BadParameter("status", f"{value!r} is not one of {', '.join(CERT_STATUSES)}")
    return value


async def check_grade(value: str) -> str:
    if value and value not in await data.grade_names():
        known = ", ".join(await data.grade_names())
        raise BadParameter("grade", f"{value!r} is not a grade of any standard ({known})")
    return value


def _matches(standing: CertificateSummary | None, filters: Filters) -> bool:
    if filters.status == "never":
        return standing is None and not filters.grade
    if standing is None:
        return not filters.status and not filters.grade
    if filters.status and standing.status != filters.status:
        return False
    return not filters.grade or standing.grade == filters.grade


async def run(filters: Filters) -> Results:
    criteria = {
        "q": filters.q or None,
        "country": filters.country or None,
        "provider_type": filters.type or None,
        "corridor": filters.corridor or None,
    }
    start = (filters.page - 1) * PER_PAGE
    if not filters.status and not filters.grade:
        found = await provider_search.find(**criteria, limit=PER_PAGE, offset=start)
        exact, corrections = found.exact, found.corrections
        page, total = found.items, found.total
        owned = await data.certificates_of(p["id"] for p in page)
        items = [{**p, "standing": data.standing(owned[p["id"]])} for p in page]
    else:
        everything = await data.certificates_of_all()
        matched: list[dict[str, Any]] = []
        offset = 0
        exact, corrections = None, {}
        while True:
            found = await provider_search.find(**criteria, limit=CHUNK, offset=offset)
            chunk, total_all = found.items, found.total
            exact, corrections = exact or found.exact, corrections or found.corrections
            for provider in chunk:
                standing = data.standing(everything.get(provider["id"], []))
                if _matches(standing, filters):
                    matched.append({**provider, "standing": standing})
            offset += CHUNK
            if offset >= total_all or not chunk:
                break
        total = len(matched)
        items = matched[start : start + PER_PAGE]
    pages = max(1, -(-total // PER_PAGE))
    if filters.page > pages:
        raise PageNotFound(f"page {filters.page} does not exist: this search has {pages} page(s)")
    return Results(items, total, pages, exact if total else None, corrections)
