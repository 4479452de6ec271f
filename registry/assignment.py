"""Assigning an auditor to an application.

An auditor is eligible when, in this order of checks:
1. the account is an active auditor account;
2. no conflict of interest between them is in force: declared by either side (or the
   secretariat), accepted by the secretariat and not withdrawn (`registry.conflicts`);
3. the rotation rule holds: the auditor did not audit this provider against the same
   standard slug in EACH of the two previous certification cycles (cycle-1 and cycle-2);
4. one accreditation - active, valid on the audit date - covers every provider type of the
   scope and every country of the application (registration country and corridor ends).
   Accreditations are not pooled: competence for recruiters in PH and for training in AE
   says nothing about training in PH.

A chosen auditor who fails answers 422 naming `auditor_id` and the first failing check.
Automatic assignment takes the eligible auditor with the fewest open assignments, then the
lowest account id, so the same state always gives the same choice; none eligible is 409.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from typing import Any

import msgspec

from registry import applications
from registry.accounts import Actor, Role
from registry.applications import Application, ApplicationState
from registry.db.database import write_transaction
from registry.db.tables import AccountRow, AccreditationRow, ApplicationRow, ConflictRow
from registry.errors import ConflictError, InvalidRequestError

_OPEN = [ApplicationState.AUDITOR_ASSIGNED.value, ApplicationState.ASSESSED.value]
_DECIDED = [ApplicationState.CERTIFIED.value, ApplicationState.NOT_CERTIFIED.value]


def _coverage(row: dict[str, Any], application: Application | Scope, on: dt.date) -> str | None:
    """Why one accreditation does not cover the scope on `on`, or None if it does."""
    name = f"accreditation {row['public_id']}"
    if row["state"] != "active":
        return f"{name} is {row['state']}"
    if on < row["valid_from"]:
        return f"{name} is not valid until {row['valid_from'].isoformat()}"
    if on > row["valid_until"]:
        return f"{name} expired on {row['valid_until'].isoformat()}"
    types = sorted(set(application.provider_types) - set(json.loads(row["provider_types"])))
    if types:
        return f"{name} does not cover provider type {', '.join(types)}"
    countries = sorted(set(application.countries) - set(json.loads(row["countries"])))
    if countries:
        return f"{name} does not cover country {', '.join(countries)}"
    return None


class Scope(msgspec.Struct, frozen=True, kw_only=True):
    """What an auditor must be accredited for: an application's scope, or a provider's."""

    provider_types: list[str]
    countries: list[str]


async def _previous_auditors(application: Application) -> list[str | None]:
    """The auditors of the provider's two previous decided cycles for this standard slug."""
    cycle = application.cycle
    if cycle < 3:
        return []
    slug = application.standard.partition("@")[0]
    rows = (
        await ApplicationRow.select(ApplicationRow.cycle, ApplicationRow.auditor_id)
        .where(
            (ApplicationRow.provider_id == application.provider_id)
            & (ApplicationRow.standard_slug == slug)
            & ApplicationRow.state.is_in(_DECIDED)
            & ApplicationRow.cycle.is_in([cycle - 1, cycle - 2])
        )
        .run()
    )
    by_cycle = {row["cycle"]: row["auditor_id"] for row in rows}
    return [by_cycle.get(cycle - 1), by_cycle.get(cycle - 2)]


async def refusal(auditor_id: str, application: Application, on: dt.date) -> str | None:
    """Why `auditor_id` may not audit `application` on `on`; None when eligible."""
    account = await AccountRow.select().where(AccountRow.public_id == auditor_id).first().run()
    if account is None:
        return f"account {auditor_id} does not exist"
    if account["role"] != Role.AUDITOR.value:
        return f"account {auditor_id} is a {account['role']} account, not an auditor"
    if account["revoked_at"] is not None:
        return f"auditor {auditor_id} is revoked"
    # Only a conflict the secretariat accepted bars: a pending declaration is a warning on
    # the assign screen, so that no provider picks its auditor by declaring (issue 16).
    conflict = (
        await ConflictRow.select()
        .where(
            (ConflictRow.auditor_id == auditor_id)
            & (ConflictRow.provider_id == application.provider_id)
            & (ConflictRow.review_state == "accepted")
            & ConflictRow.withdrawn_at.is_null()
        )
        .first()
        .run()
    )
    if conflict is not None:
        return (
            f"auditor {auditor_id} has a conflict of interest with provider "
            f"{application.provider_id}, declared by the {conflict['declared_by_role']} "
            f"({conflict['public_id']})"
        )
    previous = await _previous_auditors(application)
    if len(previous) == 2 and all(p == auditor_id for p in previous):
        return (
            f"rotation: auditor {auditor_id} audited provider {application.provider_id} "
            f"in each of the two previous cycles ({application.cycle - 2} and "
            f"{application.cycle - 1})"
        )
    return await accreditation_refusal(auditor_id, application, on)


async def accreditation_refusal(
    auditor_id: str, application: Application, on: dt.date
) -> str | None:
    """Why no accreditation of `auditor_id` covers `application` on `on`; None when one does.

    Checked when assigning (on the audit date) and again whenever the auditor files or amends
    (on that day): an accreditation that expired or was suspended since ends the work too."""
    rows = await AccreditationRow.select().where(AccreditationRow.auditor_id == auditor_id).run()
    if not rows:
        return f"auditor {auditor_id} has no accreditation"
    reasons = [_coverage(row, application, on) for row in rows]
    if any(reason is None for reason in reasons):
        return None
    return f"auditor {auditor_id} has no accreditation covering this application on {on}: " + (
        "; ".join(r for r in reasons if r)
    )


async def automatic_auditor(application: Application, on: dt.date) -> str:
    """The eligible auditor with the fewest open assignments (also for special audits)."""
    candidates = (
        await AccountRow.select(AccountRow.public_id)
        .where((AccountRow.role == Role.AUDITOR.value) & AccountRow.revoked_at.is_null())
        .order_by(AccountRow.public_id)
        .run()
    )
    if not candidates:
        raise ConflictError("no eligible auditor: there is no active auditor account")
    load = Counter(
        row["auditor_id"]
        for row in await ApplicationRow.select(ApplicationRow.auditor_id)
        .where(ApplicationRow.state.is_in(_OPEN))
        .run()
    )
    eligible: list[tuple[int, str]] = []
    refused: list[str] = []
    for candidate in candidates:
        reason = await refusal(candidate["public_id"], application, on)
        if reason is None:
            eligible.append((load[candidate["public_id"]], candidate["public_id"]))
        else:
            refused.append(reason)
    if not eligible:
        raise ConflictError("no eligible auditor: " + " | ".join(refused[:20]))
    return min(eligible)[1]


async def assign(
    application_id: str, *, auditor_id: str | None, audit_date: dt.date | None, actor: Actor
) -> Application:
    """Assign the chosen (or an automatically picked) auditor: submitted -> auditor_assigned."""
    on = audit_date or dt.date.today()
    if on < dt.date.today():
        raise InvalidRequestError("the audit date is in the past", field="audit_date")
    async with write_transaction():
        application = await applications.get_application(application_id)
        if application.state != ApplicationState.SUBMITTED.value:
            raise ConflictError(
                f"application {application_id} is {application.state}; only a submitted "
                "application gets an auditor assigned"
            )
        if auditor_id is None:
            chosen = await automatic_auditor(application, on)
        else:
            reason = await refusal(auditor_id, application, on)
            if reason is not None:
                raise InvalidRequestError(reason, field="auditor_id")
            chosen = auditor_id
        return await applications.record_transition(
            application_id,
            ApplicationState.AUDITOR_ASSIGNED.value,
            actor=actor.label,
            reason=f"auditor {chosen}, audit date {on.isoformat()}",
            changes={"auditor_id": chosen, "audit_date": on},
        )


async def accredited_auditors(application: Application | Scope, on: dt.date) -> list[str]:
    """Active auditor accounts with an accreditation covering `application` on `on`, by id.

    Only the accreditation check: a conflict of interest or the rotation rule may still
    refuse one of them (`refusal`), which is what a secretariat choosing one should see."""
    active = [
        row["public_id"]
        for row in await AccountRow.select(AccountRow.public_id)
        .where((AccountRow.role == Role.AUDITOR.value) & AccountRow.revoked_at.is_null())
        .run()
    ]
    if not active:
        return []
    rows = await AccreditationRow.select().where(AccreditationRow.auditor_id.is_in(active)).run()
    return sorted({row["auditor_id"] for row in rows if _coverage(row, application, on) is None})
