"""Home (the registry search) and the provider pages."""

from __future__ import annotations

import math
import time
from typing import Annotated, Any, Final

from litestar import Controller, Request, Response, get
from litestar.params import PathParameter, QueryParameter

from api.http.conditional import Built, Stored, answer, remembered
from api.web.pages import data, search
from api.web.pages.certificates import fresh_until
from api.web.render.html import PAGE_HEADERS, render
from registry import identity
from registry.complaints import statistics
from registry.db.cache import Region, read_cache
from standards.model import ProviderType

# Rendered pages by what was asked (docs/freshness.md): cleared at every logged change and
# every provider registration or update, here at once and in other processes within the
# read cache's window. A search's standings can turn to `expired` with nothing committed:
# a search page is rebuilt after `SEARCH_SECONDS` at the latest.
SEARCH_SECONDS: Final = 60.0
_searches: Region[tuple[str, ...], Stored] = read_cache.region(
    "web.search_pages", size=1024, volatile=True
)
_providers: Region[str, Stored] = read_cache.region("web.provider_pages", size=1024, volatile=True)


def _filters(
    q: str, country: str, corridor: str, kind: str, status: str, grade: str, page_: str
) -> search.Filters:
    return search.Filters(
        q=q.strip(),
        country=country.strip(),
        corridor=corridor.strip(),
        type=kind.strip(),
        status=status.strip(),
        grade=grade.strip(),
        page=search.parse_page(page_),
    )


async def _render_home(
    filters: search.Filters, results: search.Results, problems: dict[str, str]
) -> str:
    return render(
        "home.html",
        filters=filters,
        results=results,
        problems=problems,
        types=[t.value for t in ProviderType],
        statuses=search.CERT_STATUSES,
        grades=await data.grade_names(),
        searched=any(
            (
                filters.q,
                filters.country,
                filters.corridor,
                filters.type,
                filters.status,
                filters.grade,
            )
        ),
    )


async def _home(
    q: str, country: str, corridor: str, kind: str, status: str, grade: str, page_: str
) -> Built:
    filters = _filters(q, country, corridor, kind, status, grade, page_)
    results = await search.run(filters)
    body = await _render_home(filters, results, {})
    # Without a status or grade filter the providers found do not depend on any certificate:
    # only their standings do. With one, a change to any certificate may add or remove one.
    if filters.status or filters.grade:
        topics = frozenset({"status-lists"})
    else:
        topics = frozenset(f"provider:{item['id']}" for item in results.items)
    return Built(body.encode(), "text/html", time.time() + SEARCH_SECONDS, topics)


async def _provider(provider_id: str) -> Built:
    record = await identity.public_record(provider_id)
    detailed = await data.certificates_in_detail(provider_id)
    body = render(
        "provider.html",
        provider=record,
        certificates=detailed,
        standing=data.standing(detailed),
        complaints=await statistics.provider_statistics(record["id"]),
    )
    until = min((fresh_until(c) for c in detailed), default=math.inf)
    return Built(body.encode(), "text/html", until, frozenset({f"provider:{record['id']}"}))


class RegistryPages(Controller):
    include_in_schema = False

    @get("/", name="web:home")
    async def home(
        self,
        request: Request[Any, Any, Any],
        q: Annotated[str, QueryParameter(name="q", max_length=100)] = "",
        country: Annotated[str, QueryParameter(name="country", max_length=64)] = "",
        corridor: Annotated[str, QueryParameter(name="corridor", max_length=64)] = "",
        kind: Annotated[str, QueryParameter(name="type", max_length=32)] = "",
        status: Annotated[str, QueryParameter(name="status", max_length=32)] = "",
        grade: Annotated[str, QueryParameter(name="grade", max_length=64)] = "",
        page_: Annotated[str, QueryParameter(name="page", max_length=8)] = "",
    ) -> Response[bytes]:
        """Search by name, code, id, number or country; filter by country, corridor, provider
        type, certification status, grade. A filter naming nothing answers 400 with the form
        and what to type instead beside the field (not kept: nothing was found)."""
        asked = (q, country, corridor, kind, status, grade, page_)
        filters = _filters(*asked)
        if problems := await search.problems(filters):
            body = await _render_home(filters, search.Results(), problems)
            return Response(
                body.encode(), status_code=400, media_type="text/html", headers=PAGE_HEADERS
            )
        stored = await remembered(_searches, asked, lambda: _home(*asked))
        return answer(request, stored, PAGE_HEADERS)

    @get("/providers/{provider_id:str}", name="web:provider")
    async def provider(
        self,
        request: Request[Any, Any, Any],
        provider_id: Annotated[str, PathParameter(max_length=64)],
    ) -> Response[bytes]:
        """Registration, licences, and every certificate with its history."""
        stored = await remembered(_providers, provider_id, lambda: _provider(provider_id))
        return answer(request, stored, PAGE_HEADERS)
