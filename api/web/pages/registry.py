"""Home (the registry search) and the provider pages."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, Response, get
from litestar.params import PathParameter, QueryParameter

from api.web.pages import data, search
from api.web.render.html import page
from registry import providers
from registry.certificates import service as certificates
from standards.model import ProviderType


class RegistryPages(Controller):
    include_in_schema = False

    @get("/", name="web:home")
    async def home(
        self,
        q: Annotated[str, QueryParameter(name="q", max_length=100)] = "",
        country: Annotated[str, QueryParameter(name="country", max_length=64)] = "",
        corridor: Annotated[str, QueryParameter(name="corridor", max_length=64)] = "",
        kind: Annotated[str, QueryParameter(name="type", max_length=32)] = "",
        status: Annotated[str, QueryParameter(name="status", max_length=32)] = "",
        grade: Annotated[str, QueryParameter(name="grade", max_length=64)] = "",
        page_: Annotated[str, QueryParameter(name="page", max_length=8)] = "",
    ) -> Response[str]:
        """Search by name, country, corridor, provider type, certification status, grade."""
        filters = search.Filters(
            q=q.strip(),
            country=country.strip().upper(),
            corridor=corridor.strip().upper(),
            type=kind.strip(),
            status=search.check_status(status.strip()),
            grade=await search.check_grade(grade.strip()),
            page=search.parse_page(page_),
        )
        results = await search.run(filters)
        return page(
            "home.html",
            filters=filters,
            results=results,
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

    @get("/providers/{provider_id:str}", name="web:provider")
    async def provider(
        self, provider_id: Annotated[str, PathParameter(max_length=64)]
    ) -> Response[str]:
        """Registration, licences, and every certificate with its history."""
        record = await providers.get_public(provider_id)
        listed = await certificates.list_certificates(
            provider=provider_id, status_filter=None, limit=200, offset=0
        )
        detailed = [await certificates.get(item.id) for item in listed.items]
        return page(
            "provider.html",
            provider=record,
            certificates=detailed,
            standing=data.standing(detailed),
        )
