"""`rightsmark lifecycle run`: what time and surveillance audits do to certificates.

Safe to run from cron as often as wanted: each rule looks at the current state and at the
certificate's history, so a second run in the same situation changes nothing.

1. A surveillance audit with a non-conformity whose rule suspends certificates (a failed
   core indicator, under core-rights) suspends the certificate it was filed against,
   once per audit: a certificate the secretariat reinstated is not suspended again for it.
2. A suspension that outlives `withdraw_after_days` of that rule is turned into a revocation.
3. The next surveillance is due `surveillance_interval_months` after the certificate was
   issued or after its latest surveillance audit; past that date it is flagged overdue,
   and the flag clears when the audit arrives.
4. An expired certificate gets one `expired` event, so its history is complete.
5. Corrective actions (`registry.corrective.enforcement`): a plan not submitted in time is
   reported, an action not closed in time is escalated, and an escalated one suspends the
   certificate once the standard's grace has run out.
6. Surveillance overdue by more than the standard's `surveillance_overdue_grace_days`
   suspends the certificate, once per due date (none set: only the flag of rule 3).
7. The surveillance cycle (`registry.schedule.planning`): the next surveillance audit is
   scheduled with an auditor the registry picks once it is within the lead time of being
   due, and recertification is opened within its lead time of expiry.

Each certificate changes in its own transaction: one failure does not undo the others.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from registry.assessments.service import SURVEILLANCE_TYPES
from registry.assessments.tables import AssessmentRow
from registry.certificates import service
from registry.certificates.tables import CertificateEventRow, CertificateRow
from registry.clock import add_months, iso_utc, utc_now
from registry.corrective.enforcement import enforce, mark_suspending
from registry.db.database import write_transaction
from registry.outbox.events import (
    CERTIFICATE_EXPIRED,
    CERTIFICATE_EXPIRING,
    EXPIRY_WARNINGS,
    certificate_event,
)
from registry.schedule import planning
from registry.standards.service import get_ruleset
from registry.transparency.log import append_event
from standards.model import RuleSet

ACTOR = "system:lifecycle"


@dataclass(frozen=True, slots=True)
class Action:
    certificate: str
    code: str
    # suspended | revoked | surveillance_overdue | surveillance_received | expired |
    # corrective_plan_overdue | corrective_escalated | surveillance_scheduled |
    # surveillance_unassigned | recertification_opened | recertification_unassigned
    action: str
    reason: str

    def to_dict(self) -> dict[str, str]:
        return {
            "certificate": self.certificate,
            "code": self.code,
            "action": self.action,
            "reason": self.reason,
        }


class _Rules:
    """Rule sets by `slug@version`, loaded once per run."""

    def __init__(self) -> None:
        self._cache: dict[str, RuleSet] = {}

    async def of(self, standard: str) -> RuleSet:
        if standard not in self._cache:
            slug, _, version = standard.partition("@")
            self._cache[standard] = await get_ruleset(slug, version)
        return self._cache[standard]


async def run(now: dt.datetime | None = None) -> list[Action]:
    """Apply every rule to every certificate that is not revoked; the actions taken."""
    now = now or utc_now()
    rules = _Rules()
    actions: list[Action] = []
    rows = await CertificateRow.select().where(CertificateRow.state != "revoked")
    for row in rows:
        async with write_transaction():
            # Locked first: an overlapping run waits here, then sees what this one did.
            await service.lock(row["public_id"])
            fresh = await service.find(row["public_id"])  # as of this transaction
            actions += await _one(fresh, await rules.of(fresh["standard"]), now)
    return actions


async def _one(row: dict[str, Any], ruleset: RuleSet, now: dt.datetime) -> list[Action]:
    audits = await _surveillance_audits(row)
    if row["state"] == "active" and now < row["valid_until"]:
        await _expiring(row, now)
        action = await _suspend_on_critical(row, audits, ruleset, now)
        if action:
            return [action]
        actions = await _corrective(row, ruleset, now)
        if any(a.action == "suspended" for a in actions):
            return actions
        actions += await _surveillance_due(row, audits, ruleset, now)
        action = await _suspend_overdue(row, audits, ruleset, now)
        if action:
            return [*actions, action]
        return actions + await _plan(row, audits, ruleset, now)
    if row["state"] == "suspended":
        actions = await _corrective(row, ruleset, now)
        action = await _revoke_long_suspension(row, ruleset, now)
        return actions + ([action] if action else [])
    return await _expired(row, now)


async def _corrective(row: dict[str, Any], ruleset: RuleSet, now: dt.datetime) -> list[Action]:
    return [_action(row, e.action, e.reason) for e in await enforce(row, ruleset, now, ACTOR)]


async def _surveillance_audits(row: dict[str, Any]) -> list[dict[str, Any]]:
    audits: list[dict[str, Any]] = (
        await AssessmentRow.select(
            AssessmentRow.public_id, AssessmentRow.filed_at, AssessmentRow.report
        )
        .where(
            (AssessmentRow.application_id == row["application_id"])
            & AssessmentRow.audit_type.is_in(sorted(SURVEILLANCE_TYPES))
            & (AssessmentRow.filed_at >= row["issued_at"])
        )
        .order_by(AssessmentRow.filed_at)
    )
    return audits


async def _happened(row: dict[str, Any], action: str, cause: str) -> bool:
    return bool(
        await CertificateEventRow.exists().where(
            (CertificateEventRow.certificate_id == row["public_id"])
            & (CertificateEventRow.action == action)
            & (CertificateEventRow.cause == cause)
        )
    )


def _action(row: dict[str, Any], action: str, reason: str) -> Action:
    return Action(row["public_id"], row["code"], action, reason)


async def _suspend_on_critical(
    row: dict[str, Any], audits: list[dict[str, Any]], ruleset: RuleSet, now: dt.datetime
) -> Action | None:
    for audit in audits:
        suspending = [
            nc["indicator"]
            for nc in json.loads(audit["report"])["non_conformities"]
            if nc["suspends_certificate"]
        ]
        if not suspending or await _happened(row, "suspended", audit["public_id"]):
            continue
        reason = (
            f"surveillance audit {audit['public_id']} found "
            f"{', '.join(suspending)} not met, which suspends certificates under "
            f"{ruleset.slug}@{ruleset.version}"
        )
        await service.apply_change(row, "suspend", reason, ACTOR, at=now, cause=audit["public_id"])
        await mark_suspending(audit["public_id"], now)
        return _action(row, "suspended", reason)
    return None


async def _revoke_long_suspension(
    row: dict[str, Any], ruleset: RuleSet, now: dt.datetime
) -> Action | None:
    limits = [
        rule.withdraw_after_days
        for rule in ruleset.non_conformities.values()
        if rule.suspends_certificate and rule.withdraw_after_days
    ]
    if not limits:
        return None
    limit = min(limits)
    if now < row["state_changed_at"] + dt.timedelta(days=limit):
        return None
    reason = (
        f"suspended since {iso_utc(row['state_changed_at'])}, longer than the {limit} days "
        f"{ruleset.slug}@{ruleset.version} allows"
    )
    await service.apply_change(row, "revoke", reason, ACTOR, at=now)
    return _action(row, "revoked", reason)


def _due(row: dict[str, Any], audits: list[dict[str, Any]], ruleset: RuleSet) -> dt.datetime:
    since = audits[-1]["filed_at"] if audits else row["valid_from"]
    return add_months(since, ruleset.certificate.surveillance_interval_months)


async def _suspend_overdue(
    row: dict[str, Any], audits: list[dict[str, Any]], ruleset: RuleSet, now: dt.datetime
) -> Action | None:
    """Overdue surveillance past the standard's grace suspends, once per due date: a
    certificate the secretariat reinstated is not suspended again for the same audit."""
    grace = ruleset.certificate.surveillance_overdue_grace_days
    due = _due(row, audits, ruleset)
    if grace is None or now <= due + dt.timedelta(days=grace) or due >= row["valid_until"]:
        return None
    cause = f"surveillance:{due.date().isoformat()}"
    if await _happened(row, "suspended", cause):
        return None
    reason = (
        f"surveillance audit due by {iso_utc(due)} not received within the {grace}-day "
        f"grace {ruleset.ref} allows"
    )
    await service.apply_change(row, "suspend", reason, ACTOR, at=now, cause=cause)
    return _action(row, "suspended", reason)


async def _plan(
    row: dict[str, Any], audits: list[dict[str, Any]], ruleset: RuleSet, now: dt.datetime
) -> list[Action]:
    """Scheduled surveillance and recertification (`registry.schedule.planning`)."""
    await planning.settle_filed(row, audits, now)
    planned = [
        await planning.plan_surveillance(row, ruleset, _due(row, audits, ruleset), now),
        await planning.plan_recertification(row, ruleset, now),
    ]
    return [_action(row, p.action, p.reason) for p in planned if p is not None]


async def _surveillance_due(
    row: dict[str, Any], audits: list[dict[str, Any]], ruleset: RuleSet, now: dt.datetime
) -> list[Action]:
    due = _due(row, audits, ruleset)
    overdue = now > due
    if due == row["surveillance_due"] and overdue == row["surveillance_overdue"]:
        return []
    await (
        CertificateRow.update(
            {CertificateRow.surveillance_due: due, CertificateRow.surveillance_overdue: overdue}
        )
        .where(CertificateRow.public_id == row["public_id"])
        .run()
    )
    if overdue == row["surveillance_overdue"]:
        return []  # the due date moved, nothing to report
    action = "surveillance_overdue" if overdue else "surveillance_received"
    if overdue:
        reason = f"surveillance audit was due by {iso_utc(due)}"
    elif audits:
        reason = f"surveillance audit {audits[-1]['public_id']} received"
    else:  # run with an earlier `now` than a previous run
        reason = f"surveillance audit not due before {iso_utc(due)}"
    await service.record_event(row["public_id"], action, ACTOR, reason, now)
    return [_action(row, action, reason)]


async def _expired(row: dict[str, Any], now: dt.datetime) -> list[Action]:
    if row["state"] != "active" or now < row["valid_until"]:
        return []
    if await _happened(row, "expired", "validUntil"):
        return []
    reason = f"validity ended on {iso_utc(row['valid_until'])}"
    await service.record_event(row["public_id"], "expired", ACTOR, reason, now, cause="validUntil")
    index = await append_event(
        "certificate.expired",
        {"certificate": row["public_id"], "code": row["code"]},
        actor_role="system",
        at=now,
    )
    await certificate_event(
        CERTIFICATE_EXPIRED, row, at=now, log_index=index, status="expired",
        valid_until=iso_utc(row["valid_until"]),
    )  # fmt: skip
    return [_action(row, "expired", reason)]


async def _expiring(row: dict[str, Any], now: dt.datetime) -> None:
    """`certificate.expiring` 90, 30 and 7 days before expiry, each once: the nearest
    warning due is sent (a run that missed the 90-day one sends the 30-day one only). It
    changes nothing, so it carries the issuance's log index."""
    left = row["valid_until"] - now
    due = [days for days in EXPIRY_WARNINGS if left <= dt.timedelta(days=days)]
    if not due:
        return
    days = min(due)
    await certificate_event(
        CERTIFICATE_EXPIRING, row, at=now, log_index=row["log_index"], status="valid",
        days=days, valid_until=iso_utc(row["valid_until"]),
        dedupe=f"expiring:{row['public_id']}:{days}",
    )  # fmt: skip
