"""Who may see an application's assessment data: the secretariat, its assigned auditor, and
the provider it belongs to. Everybody else is told it does not exist."""

from __future__ import annotations

import datetime as dt
from contextlib import AbstractAsyncContextManager

from registry.accounts import Actor, Role
from registry.applications import Application, get_application
from registry.assignment import accreditation_refusal
from registry.db.races import unique_violation_raises
from registry.errors import ConflictError, ForbiddenError, NotFoundError


def can_see(application: Application, actor: Actor) -> bool:
    if actor.role is Role.SECRETARIAT:
        return True
    if actor.role is Role.AUDITOR:
        return bool(application.auditor_id) and application.auditor_id == actor.account_id
    return actor.provider_id is not None and application.provider_id == actor.provider_id


async def visible_application(application_id: str, actor: Actor) -> Application:
    """The application, or NotFoundError when it does not exist *or* the actor may not see it."""
    application = await get_application(application_id)
    if not can_see(application, actor):
        raise NotFoundError(f"application {application_id} does not exist")
    return application


async def assigned_application(application_id: str, actor: Actor) -> Application:
    """The application, when `actor` is its assigned auditor and still accredited for it
    today (403 for anybody else who sees it, and for an auditor whose accreditation lapsed)."""
    application = await visible_application(application_id, actor)
    if actor.role is not Role.AUDITOR or application.auditor_id != actor.account_id:
        raise ForbiddenError(f"only the auditor assigned to {application_id} may do this")
    refused = await accreditation_refusal(actor.account_id, application, dt.date.today())
    if refused is not None:
        raise ForbiddenError(f"{refused}; an auditor files and amends only while accredited")
    return application


def race_is_conflict(what: str) -> AbstractAsyncContextManager[None]:
    """Around a write transaction: when a concurrent request won the race to a unique row
    (the same place in a chain, the same decision, the same idempotency key), answer 409."""
    return unique_violation_raises(
        ConflictError(f"{what} was changed by a concurrent request; retry")
    )
