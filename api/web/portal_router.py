"""The signed-in portals' router, mounted inside the public web router (so its errors are
HTML pages too). The session middleware runs on `/portal` only: the public pages and the
API set no cookie and read none."""

from __future__ import annotations

from litestar import Router

from api.web import (
    portal,
    portal_accreditations,
    portal_assign,
    portal_auditor,
    portal_evidence,
    portal_standards,
)
from api.web.portal_session import SESSION

portal_router = Router(
    path="/portal",
    route_handlers=[
        *portal.HANDLERS,
        *portal_assign.HANDLERS,
        *portal_accreditations.HANDLERS,
        *portal_standards.HANDLERS,
        *portal_auditor.HANDLERS,
        *portal_evidence.HANDLERS,
    ],
    middleware=[SESSION.middleware],
    exception_handlers={portal.NotSignedIn: portal.to_sign_in},
    include_in_schema=False,
)

__all__ = ["portal_router"]
