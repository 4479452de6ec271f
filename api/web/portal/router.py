"""The signed-in portals' router, mounted inside the public web router (so its errors are
HTML pages too). The session middleware runs on `/portal` only: the public pages and the
API set no cookie and read none."""

from __future__ import annotations

from litestar import Router

from api.web.portal import accreditations as portal_accreditations
from api.web.portal import appeals as portal_appeals
from api.web.portal import assign as portal_assign
from api.web.portal import auditor as portal_auditor
from api.web.portal import base as portal
from api.web.portal import complaints as portal_complaints
from api.web.portal import conflicts as portal_conflicts
from api.web.portal import corrective as portal_corrective
from api.web.portal import corrective_review as portal_corrective_review
from api.web.portal import decide as portal_decide
from api.web.portal import directory as portal_directory
from api.web.portal import employer as portal_employer
from api.web.portal import employer_notifications as portal_employer_notifications
from api.web.portal import evidence as portal_evidence
from api.web.portal import identity_changes as portal_identity_changes
from api.web.portal import own_conflicts as portal_own_conflicts
from api.web.portal import provider_complaints as portal_provider_complaints
from api.web.portal import provider_organisation as portal_provider_organisation
from api.web.portal import reports as portal_reports
from api.web.portal import self_assessments as portal_self_assessments
from api.web.portal import standards as portal_standards
from api.web.portal import surveillance as portal_surveillance
from api.web.portal.session import SESSION

portal_router = Router(
    path="/portal",
    route_handlers=[
        *portal.HANDLERS,
        *portal_assign.HANDLERS,
        *portal_decide.HANDLERS,
        *portal_directory.HANDLERS,
        *portal_reports.HANDLERS,
        *portal_accreditations.HANDLERS,
        *portal_standards.HANDLERS,
        *portal_auditor.HANDLERS,
        *portal_evidence.HANDLERS,
        *portal_identity_changes.HANDLERS,
        *portal_complaints.HANDLERS,
        *portal_appeals.HANDLERS,
        *portal_provider_complaints.HANDLERS,
        *portal_provider_organisation.HANDLERS,
        *portal_conflicts.HANDLERS,
        *portal_own_conflicts.HANDLERS,
        *portal_self_assessments.HANDLERS,
        *portal_corrective.HANDLERS,
        *portal_corrective_review.HANDLERS,
        *portal_surveillance.HANDLERS,
        *portal_employer.HANDLERS,
        *portal_employer_notifications.HANDLERS,
    ],
    middleware=[SESSION.middleware],
    exception_handlers={portal.NotSignedIn: portal.to_sign_in},
    include_in_schema=False,
)

__all__ = ["portal_router"]
