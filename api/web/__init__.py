"""The public web pages (no account): registry search, provider and certificate pages,
verification, standards and statistics, over the same services as the API.

`web_router` is registered in `api.app`. Its error handlers answer HTML pages, so the
API's problem details are untouched; its handlers stay out of the OpenAPI schema.
"""

from __future__ import annotations

from litestar import Router
from litestar.datastructures import CacheControlHeader
from litestar.static_files import create_static_files_router

from api.web.errors import HANDLERS
from api.web.language import language_middleware
from api.web.pages.certificates import CertificatePages
from api.web.pages.complaints import ComplaintPages
from api.web.pages.employers import EmployerPages
from api.web.pages.open_data import OpenDataPages
from api.web.pages.registry import RegistryPages
from api.web.pages.standards import StandardPages
from api.web.pages.stats import StatisticsPages
from api.web.pages.unsubscribe import UnsubscribePages
from api.web.pages.verify import VerifyPages
from api.web.portal.router import portal_router
from api.web.render.html import STATIC

static_files = create_static_files_router(
    path="/static",
    directories=[STATIC],
    name="web:static",
    cache_control=CacheControlHeader(max_age=3600, public=True),
    include_in_schema=False,
)

web_router = Router(
    path="/",
    route_handlers=[
        RegistryPages,
        CertificatePages,
        VerifyPages,
        ComplaintPages,
        EmployerPages,
        StandardPages,
        StatisticsPages,
        OpenDataPages,
        UnsubscribePages,
        portal_router,
        static_files,
    ],
    exception_handlers=HANDLERS,
    # every page in the reader's language (docs/languages.md)
    middleware=[language_middleware],
    include_in_schema=False,
)

__all__ = ["web_router"]
