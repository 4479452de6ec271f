"""What `rightsmark lifecycle run` does to corrective actions, for one certificate, inside
the certificate's transaction (`registry.surveillance`). Idempotent: each step is recorded
on the action (plan_overdue_at, escalated_at, suspended_at) and done once.

1. An action with no plan submitted after its plan deadline is marked overdue and reported
   to the secretariat (the lifecycle's output and the secretariat's queue of actions).
2. An action not closed after its closure deadline is escalated.
3. An escalated action of a class with `escalation_grace_days` suspends the certificate, with
   the reason, once the grace has run out (the normal suspension path, logged), if the
   certificate is active.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from registry.certificates import service as certificates
from registry.corrective.rules import FINISHED, State, escalates, plan_overdue, suspends_on
from registry.corrective.store import move
from registry.corrective.tables import CorrectiveActionRow
from registry.outbox.events import CORRECTIVE_ACTION_OVERDUE, certificate_event
from registry.transparency.log import append_event
from standards.model import NonConformityClass, RuleSet


@dataclass(frozen=True, slots=True)
class Enforced:
    action: str  # corrective_plan_overdue | corrective_escalated | suspended
    reason: str


async def enforce(
    cert: dict[str, Any], ruleset: RuleSet, now: dt.datetime, actor: str
) -> list[Enforced]:
    today = now.date()
    done: list[Enforced] = []
    rows = (
        await CorrectiveActionRow.select()
        .where(CorrectiveActionRow.application_id == cert["application_id"])
        .order_by(CorrectiveActionRow.id)
    )
    for row in rows:
        progress = State(row["progress"])
        if progress in FINISHED:
            continue
        what = f"corrective action {row['public_id']} ({row['klass']}, {row['indicator']})"
        if row["plan_overdue_at"] is None and plan_overdue(progress, row["plan_due"], today):
            reason = f"{what}: no plan submitted by {row['plan_due']}"
            row = await move(row, "plan_overdue", actor, reason, at=now, plan_overdue_at=now)
            done.append(Enforced("corrective_plan_overdue", reason))
        if row["escalated_at"] is None and escalates(progress, row["close_by"], today):
            reason = f"{what}: not closed by {row['close_by']}"
            row = await move(row, "escalated", actor, reason, at=now, escalated_at=now)
            await _notify_overdue(cert, row, now)
            done.append(Enforced("corrective_escalated", reason))
        rule = ruleset.non_conformities.get(NonConformityClass(row["klass"]))
        day = suspends_on(row["close_by"], rule) if rule else None
        if (
            row["escalated_at"] is not None
            and row["suspended_at"] is None
            and day is not None
            and today >= day
            and cert["state"] == "active"
            and now < cert["valid_until"]
        ):
            assert rule is not None
            assert rule.escalation_grace_days is not None
            reason = (
                f"{what} not closed by {row['close_by']} nor within the "
                f"{rule.escalation_grace_days}-day grace {ruleset.ref} allows"
            )
            cert = await _suspend(cert, reason, actor, now, row["public_id"])
            await move(row, "suspended_certificate", actor, reason, at=now, suspended_at=now)
            done.append(Enforced("suspended", reason))
    return done


async def _notify_overdue(cert: dict[str, Any], row: dict[str, Any], now: dt.datetime) -> None:
    """An action not closed by its deadline is public (the certificate page counts overdue
    actions): logged with what the public sees (never the finding), and notified."""
    subject = {
        "certificate": cert["public_id"],
        "corrective_action": row["public_id"],
        "class": row["klass"],
        "close_by": str(row["close_by"]),
    }
    index = await append_event("corrective.escalated", subject, actor_role="system", at=now)
    await certificate_event(
        CORRECTIVE_ACTION_OVERDUE, cert, at=now, log_index=index,
        corrective_action={"id": row["public_id"], "class": row["klass"],
                           "close_by": str(row["close_by"])},
    )  # fmt: skip


async def _suspend(
    cert: dict[str, Any], reason: str, actor: str, now: dt.datetime, cause: str
) -> dict[str, Any]:
    await certificates.apply_change(cert, "suspend", reason, actor, at=now, cause=cause)
    return await certificates.certificate_row(cert["public_id"])


async def mark_suspending(assessment_id: str, at: dt.datetime) -> None:
    """The lifecycle suspended a certificate for this audit's critical findings: their
    actions are what keeps it suspended until verified closed."""
    await (
        CorrectiveActionRow.update({CorrectiveActionRow.suspended_at: at})
        .where(
            (CorrectiveActionRow.assessment_id == assessment_id)
            & (CorrectiveActionRow.klass == NonConformityClass.CRITICAL.value)
            & CorrectiveActionRow.suspended_at.is_null()
        )
        .run()
    )
