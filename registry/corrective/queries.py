"""Reading actions: one, a party's list, and the public view (counts and dates only)."""

from __future__ import annotations

import datetime as dt
import statistics
from typing import Any

from registry.accounts import Actor, Role
from registry.applications import get_application
from registry.corrective.records import ActionPage, ClosureTimes, CorrectiveAction, OpenByClass
from registry.corrective.rules import FINISHED, State
from registry.corrective.store import may_see, view, visible_row
from registry.corrective.tables import CorrectiveActionRow
from registry.errors import InvalidRequestError
from standards.model import NonConformityClass

STATES = tuple(s.value for s in State)


async def get_action(action_id: str, actor: Actor) -> CorrectiveAction:
    row, _ = await visible_row(action_id, actor)
    return await view(row, history=True)


async def list_actions(
    actor: Actor,
    *,
    state: str | None = None,
    application_id: str | None = None,
    provider_id: str | None = None,
    limit: int = 100,
    offset: int = 0,
) -> ActionPage:
    """What the actor may see: the secretariat everything, a provider its own, an auditor
    the actions of the applications assigned to it. Newest first."""
    if state is not None and state not in STATES:
        raise InvalidRequestError(f"state must be one of {', '.join(STATES)}", field="state")
    for name, value in (("application_id", application_id), ("provider_id", provider_id)):
        if value is not None and "\x00" in value:
            raise InvalidRequestError(f"{name} must be an id", field=name)
    query = CorrectiveActionRow.select().order_by(CorrectiveActionRow.id, ascending=False)
    if actor.role is Role.PROVIDER:
        query = query.where(CorrectiveActionRow.provider_id == (actor.provider_id or ""))
    if state is not None:
        query = query.where(CorrectiveActionRow.state == state)
    if application_id is not None:
        query = query.where(CorrectiveActionRow.application_id == application_id)
    if provider_id is not None:
        query = query.where(CorrectiveActionRow.provider_id == provider_id)
    rows: list[dict[str, Any]] = await query
    if actor.role is Role.AUDITOR:  # by assignment, which lives on the application
        seen: dict[str, bool] = {}
        for row in rows:
            if row["application_id"] not in seen:
                application = await get_application(row["application_id"])
                seen[row["application_id"]] = may_see(application, actor)
        rows = [row for row in rows if seen[row["application_id"]]]
    page = rows[offset : offset + limit]
    return ActionPage(items=tuple([await view(r) for r in page]), total=len(rows))


async def open_by_class(application_id: str) -> tuple[OpenByClass, ...]:
    """Public: per class with unfinished actions, how many, how many escalated, and the
    nearest closure deadline. Counts and dates only."""
    rows = await CorrectiveActionRow.select(
        CorrectiveActionRow.klass,
        CorrectiveActionRow.progress,
        CorrectiveActionRow.close_by,
        CorrectiveActionRow.escalated_at,
    ).where(CorrectiveActionRow.application_id == application_id)
    result = []
    for klass in NonConformityClass:
        mine = [r for r in rows if r["klass"] == klass.value and r["progress"] not in FINISHED]
        if not mine:
            continue
        dates: list[dt.date] = [r["close_by"] for r in mine if r["close_by"] is not None]
        result.append(
            OpenByClass(
                class_=klass.value,
                open=len(mine),
                escalated=sum(1 for r in mine if r["escalated_at"] is not None),
                next_deadline=min(dates).isoformat() if dates else None,
                by_next_surveillance=sum(1 for r in mine if r["close_by"] is None),
            )
        )
    return tuple(result)


async def closure_times() -> tuple[ClosureTimes, ...]:
    """Public statistics: per class, how many actions were verified closed and the median
    number of days from opening to verified closure."""
    rows = await CorrectiveActionRow.select(
        CorrectiveActionRow.klass, CorrectiveActionRow.opened_at, CorrectiveActionRow.closed_at
    ).where(CorrectiveActionRow.progress == State.CLOSED.value)
    result = []
    for klass in NonConformityClass:
        days = [
            (r["closed_at"] - r["opened_at"]).total_seconds() / 86400
            for r in rows
            if r["klass"] == klass.value and r["closed_at"] is not None
        ]
        median = round(statistics.median(days), 1) if days else None
        result.append(ClosureTimes(class_=klass.value, closed=len(days), median_days=median))
    return tuple(result)
