"""Reading and writing action rows: views, history, visibility. Shared by the use cases."""

from __future__ import annotations

import datetime as dt
import json
import secrets
from typing import Any

from registry.accounts import Actor, Role
from registry.applications import Application, get_application
from registry.clock import iso_utc, utc_now
from registry.corrective.records import ActionEvent, CorrectiveAction
from registry.corrective.rules import State, needs_visit, secretariat_may_review, shown_state
from registry.corrective.rules import suspends_on as suspension_day
from registry.corrective.tables import CorrectiveActionRow, CorrectiveEventRow
from registry.errors import NotFoundError
from registry.standards.service import get_ruleset
from standards.model import NonConformityClass, NonConformityRule


def new_id() -> str:
    return f"cap_{secrets.token_hex(8)}"


async def rule_of(standard: str, klass: str) -> NonConformityRule:
    slug, _, version = standard.partition("@")
    ruleset = await get_ruleset(slug, version)
    return ruleset.non_conformities[NonConformityClass(klass)]


def _date(value: dt.date | None) -> str | None:
    return None if value is None else value.isoformat()


def _when(value: dt.datetime | None) -> str | None:
    return None if value is None else iso_utc(value)


async def view(row: dict[str, Any], *, history: bool = False) -> CorrectiveAction:
    rule = await rule_of(row["standard"], row["klass"])
    suspends = suspension_day(row["close_by"], rule) if row["escalated_at"] else None
    events: tuple[ActionEvent, ...] = ()
    if history:
        events = tuple(
            ActionEvent(
                event=e["event"],
                from_state=e["from_state"],
                to_state=e["to_state"],
                actor=e["actor"],
                reason=e["reason"],
                at=iso_utc(e["at"]),
            )
            for e in await CorrectiveEventRow.select()
            .where(CorrectiveEventRow.action_id == row["public_id"])
            .order_by(CorrectiveEventRow.id)
        )
    return CorrectiveAction(
        id=row["public_id"],
        application_id=row["application_id"],
        provider_id=row["provider_id"],
        assessment_id=row["assessment_id"],
        standard=row["standard"],
        indicator=row["indicator"],
        category=row["category"],
        class_=row["klass"],
        finding=row["finding"],
        plan_due=_date(row["plan_due"]),
        close_by=_date(row["close_by"]),
        close_by_next_surveillance=bool(row["close_by_next_surveillance"]),
        state=row["state"],
        progress=row["progress"],
        root_cause=row["root_cause"],
        plan=row["plan"],
        evidence=tuple(f"sha256:{d}" for d in json.loads(row["evidence"])),
        evidence_note=row["evidence_note"],
        escalated_at=_when(row["escalated_at"]),
        suspends_on=_date(suspends),
        suspended_certificate=row["suspended_at"] is not None,
        closed_at=_when(row["closed_at"]),
        closed_by=row["closed_by"],
        closed_how=row["closed_how"],
        follow_up=row["follow_up"],
        closure_needs_visit=needs_visit(rule),
        secretariat_may_review=secretariat_may_review(rule),
        opened_at=iso_utc(row["opened_at"]),
        history=events,
    )


def may_see(application: Application, actor: Actor) -> bool:
    if actor.role is Role.SECRETARIAT:
        return True
    if actor.role is Role.AUDITOR:
        return bool(application.auditor_id) and application.auditor_id == actor.account_id
    return actor.provider_id is not None and application.provider_id == actor.provider_id


async def row_of(action_id: str) -> dict[str, Any] | None:
    if not action_id.startswith("cap_") or len(action_id) > 40 or "\x00" in action_id:
        return None
    row: dict[str, Any] | None = (
        await CorrectiveActionRow.select().where(CorrectiveActionRow.public_id == action_id).first()
    )
    return row


async def visible_row(action_id: str, actor: Actor) -> tuple[dict[str, Any], Application]:
    """The action and its application, or NotFoundError when it does not exist *or* the
    actor may not see it (another provider's actions do not exist for it)."""
    row = await row_of(action_id)
    if row is not None:
        application = await get_application(row["application_id"])
        if may_see(application, actor):
            return row, application
    raise NotFoundError(f"corrective action {action_id} does not exist")


async def move(
    row: dict[str, Any],
    event: str,
    actor: str,
    reason: str | None,
    *,
    at: dt.datetime | None = None,
    **changes: Any,
) -> dict[str, Any]:
    """Apply `changes` to the action, recompute its shown state and record the event."""
    at = at or utc_now()
    merged = {**row, **changes}
    state = shown_state(
        State(merged["progress"]),
        plan_overdue=merged["plan_overdue_at"] is not None,
        escalated=merged["escalated_at"] is not None,
    )
    changes["state"] = state.value
    changes["updated_at"] = at
    await (
        CorrectiveActionRow.update(
            {getattr(CorrectiveActionRow, name): value for name, value in changes.items()}
        )
        .where(CorrectiveActionRow.public_id == row["public_id"])
        .run()
    )
    await CorrectiveEventRow.insert(
        CorrectiveEventRow(
            action_id=row["public_id"],
            event=event,
            from_state=row["state"],
            to_state=state.value,
            actor=actor,
            reason=reason,
            at=at,
        )
    ).run()
    return {**merged, "state": state.value, "updated_at": at}
