"""What `rightsmark lifecycle run` plans for one valid certificate, inside the certificate's
transaction (`registry.surveillance`): the next surveillance audit, and recertification.

1. Surveillance: once the next audit is within the standard's `surveillance_lead_days`
   (default 60) of its due date, it is planned for 14 days before that date (today if that
   has passed) with an auditor the registry picks: eligible under the assignment rules
   (`registry.assignment.refusal`: active account, no accepted conflict of interest,
   accreditation covering the scope on the audit date) and, under rotation, not the
   auditor of the certificate's last audit (the certifying assessment, or the latest
   surveillance or special audit) whenever another auditor is eligible; then the fewest
   planned audits, then the lowest account id. It is unannounced when the standard sets
   `unannounced_surveillance`. None eligible: planned unassigned and reported; each later
   run tries again. No surveillance is planned on or after expiry: recertification is.
2. Recertification: within `recertification_lead_days` (default 90) of expiry the next
   cycle's application is opened for the provider against the latest published version of
   the standard, with the certified scope, and assigned an auditor (the rules above; the
   cycle rotation rule of `registry.assignment` applies) for 30 days before expiry. If the
   provider already applied, that application is the recertification. If it cannot be
   opened or no auditor is eligible, it is reported to the secretariat.

Each piece of work is one `scheduled_audits` row whose `slot` is unique: planned once.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections import Counter
from dataclasses import dataclass
from typing import Any

from registry import applications, assignment
from registry.accounts import Actor, Role
from registry.applications import Application, ApplicationState
from registry.assessments.tables import AssessmentRow
from registry.db.tables import AccountRow, ApplicationRow
from registry.errors import RegistryError
from registry.schedule.tables import ScheduledAuditRow
from registry.standards.service import latest_published
from standards.model import RuleSet

DEFAULT_SURVEILLANCE_LEAD_DAYS = 60
DEFAULT_RECERTIFICATION_LEAD_DAYS = 90
# How far before the due date (expiry) the audit is planned: room to move it if needed.
SURVEILLANCE_MARGIN = dt.timedelta(days=14)
RECERTIFICATION_MARGIN = dt.timedelta(days=30)
# The registry opens recertification applications in its own name.
SYSTEM = Actor(account_id="lifecycle", role=Role.SECRETARIAT, provider_id=None, token_id="")


@dataclass(frozen=True, slots=True)
class Planned:
    # surveillance_scheduled | surveillance_unassigned | recertification_opened |
    # recertification_unassigned
    action: str
    reason: str


async def _slot(slot: str) -> dict[str, Any] | None:
    row: dict[str, Any] | None = (
        await ScheduledAuditRow.select().where(ScheduledAuditRow.slot == slot).first()
    )
    return row


async def _last_auditor(application_id: str) -> str | None:
    row = (
        await AssessmentRow.select(AssessmentRow.auditor_id)
        .where(AssessmentRow.application_id == application_id)
        .order_by(AssessmentRow.filed_at, ascending=False)
        .first()
    )
    return None if row is None else str(row["auditor_id"])


async def choose_auditor(
    application: Application, on: dt.date, *, avoid: str | None
) -> tuple[str | None, str]:
    """(the auditor, why) or (None, the refusals): eligible, `avoid` only when alone."""
    candidates = [
        row["public_id"]
        for row in await AccountRow.select(AccountRow.public_id)
        .where((AccountRow.role == Role.AUDITOR.value) & AccountRow.revoked_at.is_null())
        .order_by(AccountRow.public_id)
    ]
    load = Counter(
        row["auditor_id"]
        for row in await ScheduledAuditRow.select(ScheduledAuditRow.auditor_id).where(
            ScheduledAuditRow.state == "scheduled"
        )
    )
    eligible: list[tuple[bool, int, str]] = []
    refused: list[str] = []
    for candidate in candidates:
        reason = await assignment.refusal(candidate, application, on)
        if reason is None:
            # Sorting puts the last audit's auditor behind every other eligible one.
            eligible.append((candidate == avoid, load[candidate], candidate))
        else:
            refused.append(reason)
    if not eligible:
        return None, "no eligible auditor: " + (" | ".join(refused[:10]) or "no auditor account")
    rotated, _, chosen = min(eligible)
    why = "the only eligible auditor, also of the last audit" if rotated else "eligible"
    return chosen, why


async def _insert(**values: Any) -> dict[str, Any]:
    public_id = f"sch_{secrets.token_hex(8)}"
    await ScheduledAuditRow.insert(ScheduledAuditRow(public_id=public_id, **values)).run()
    saved = await _slot(values["slot"])
    assert saved is not None
    return saved


async def _update(row: dict[str, Any], now: dt.datetime, **values: Any) -> None:
    changes = {getattr(ScheduledAuditRow, k): v for k, v in values.items()}
    changes[ScheduledAuditRow.updated_at] = now
    await ScheduledAuditRow.update(changes).where(ScheduledAuditRow.id == row["id"]).run()


async def settle_filed(
    cert: dict[str, Any], audits: list[dict[str, Any]], now: dt.datetime
) -> None:
    """A planned surveillance audit is done once any surveillance or special audit of the
    certificate is filed after it was planned (by its auditor through the portal, or by
    another route): the calendar then no longer lists it."""
    rows = await ScheduledAuditRow.select().where(
        (ScheduledAuditRow.certificate_id == cert["public_id"])
        & (ScheduledAuditRow.kind == "surveillance")
        & (ScheduledAuditRow.state != "filed")
    )
    for row in rows:
        later = [a for a in audits if a["filed_at"] >= row["created_at"]]
        if later:
            await _update(row, now, state="filed", assessment_id=later[0]["public_id"])


async def plan_surveillance(
    cert: dict[str, Any], ruleset: RuleSet, due: dt.datetime, now: dt.datetime
) -> Planned | None:
    rules = ruleset.certificate
    lead = rules.surveillance_lead_days or DEFAULT_SURVEILLANCE_LEAD_DAYS
    if due >= cert["valid_until"] or now < due - dt.timedelta(days=lead):
        return None
    slot = f"{cert['public_id']}|surveillance|{due.date().isoformat()}"
    existing = await _slot(slot)
    if existing is not None and existing["state"] != "unassigned":
        return None
    application = await applications.get_application(cert["application_id"])
    on = max((due - SURVEILLANCE_MARGIN).date(), now.date())
    chosen, why = await choose_auditor(
        application, on, avoid=await _last_auditor(cert["application_id"])
    )
    unannounced = bool(rules.unannounced_surveillance)
    if existing is None:
        existing = await _insert(
            kind="surveillance",
            slot=slot,
            certificate_id=cert["public_id"],
            application_id=cert["application_id"],
            provider_id=cert["provider_id"],
            due_on=due.date(),
            unannounced=unannounced,
            state="unassigned",
            created_at=now,
            updated_at=now,
        )
    elif chosen is None:
        return None  # still nobody: reported when first planned, and on the calendar
    what = f"surveillance audit {existing['public_id']} due by {due.date().isoformat()}"
    if chosen is None:
        await _update(existing, now, note=why)
        return Planned("surveillance_unassigned", f"{what}: {why}")
    await _update(existing, now, auditor_id=chosen, audit_date=on, state="scheduled", note=None)
    kind = "unannounced " if unannounced else ""
    return Planned(
        "surveillance_scheduled",
        f"{what}: {kind}audit on {on.isoformat()} by auditor {chosen} ({why})",
    )


async def _later_application(cert: dict[str, Any], application: Application) -> str | None:
    """An application the provider made for the next cycle (open or already decided)."""
    slug = application.standard.partition("@")[0]
    row = (
        await ApplicationRow.select(ApplicationRow.public_id)
        .where(
            (ApplicationRow.provider_id == cert["provider_id"])
            & (ApplicationRow.standard_slug == slug)
            & (ApplicationRow.cycle > application.cycle)
            & (ApplicationRow.state != ApplicationState.WITHDRAWN.value)
        )
        .order_by(ApplicationRow.id)
        .first()
    )
    return None if row is None else str(row["public_id"])


async def plan_recertification(
    cert: dict[str, Any], ruleset: RuleSet, now: dt.datetime
) -> Planned | None:
    lead = ruleset.certificate.recertification_lead_days or DEFAULT_RECERTIFICATION_LEAD_DAYS
    expiry = cert["valid_until"]
    if now < expiry - dt.timedelta(days=lead) or now >= expiry:
        return None
    slot = f"{cert['public_id']}|recertification"
    existing = await _slot(slot)
    if existing is not None and existing["state"] != "unassigned":
        return None
    certified = await applications.get_application(cert["application_id"])
    on = max((expiry - RECERTIFICATION_MARGIN).date(), now.date())
    if existing is None:
        existing = await _insert(
            kind="recertification",
            slot=slot,
            certificate_id=cert["public_id"],
            provider_id=cert["provider_id"],
            due_on=expiry.date(),
            state="unassigned",
            created_at=now,
            updated_at=now,
        )
        first = True
    else:
        first = False
    what = f"recertification of {cert['code']} before {expiry.date().isoformat()}"
    next_id = existing["application_id"] or await _later_application(cert, certified)
    if next_id is None:
        latest = await latest_published(ruleset.slug)
        try:
            opened = await applications.apply(
                provider_id=cert["provider_id"],
                standard=(latest or ruleset).ref,
                provider_types=certified.provider_types,
                corridors=certified.corridors,
                actor=SYSTEM,
            )
        except RegistryError as exc:
            await _update(existing, now, note=f"cannot open an application: {exc}")
            return Planned("recertification_unassigned", f"{what}: {exc}") if first else None
        next_id = opened.id
        await _update(existing, now, application_id=next_id)
    application = await applications.get_application(next_id)
    if application.state != ApplicationState.SUBMITTED:
        # The provider's own application, already assigned or further on: nothing to assign.
        await _update(
            existing,
            now,
            application_id=next_id,
            auditor_id=application.auditor_id,
            audit_date=dt.date.fromisoformat(application.audit_date)
            if application.audit_date
            else None,
            state="scheduled",
            note=None,
        )
        return Planned("recertification_opened", f"{what}: application {next_id}")
    chosen, why = await choose_auditor(application, on, avoid=None)
    if chosen is None:
        await _update(existing, now, application_id=next_id, note=why)
        message = f"{what}: application {next_id} opened, {why}"
        return Planned("recertification_unassigned", message) if first else None
    await applications.record_transition(
        next_id,
        ApplicationState.AUDITOR_ASSIGNED,
        actor="system:lifecycle",
        reason=f"recertification: auditor {chosen}, audit date {on.isoformat()}",
        changes={"auditor_id": chosen, "audit_date": on},
    )
    await _update(
        existing,
        now,
        application_id=next_id,
        auditor_id=chosen,
        audit_date=on,
        state="scheduled",
        note=None,
    )
    return Planned(
        "recertification_opened",
        f"{what}: application {next_id}, audit on {on.isoformat()} by auditor {chosen}",
    )
