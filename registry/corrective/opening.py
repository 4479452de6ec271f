"""Actions from a filed assessment, in the filing's transaction (called by
`registry.assessments.filing.insert_assessment`, so no path of filing can skip it).

- A first filing, surveillance, special or recertification audit: each non-conformity
  becomes an action, unless an unfinished action for the same indicator exists (then that
  one records that the audit found it again).
- An amendment replaces the actions of the assessment it corrects: an unfinished action
  whose indicator still fails moves to the amendment with its history, the finding, class
  and deadlines corrected; one the amendment no longer finds is withdrawn; closed ones stay.
- A follow-up visit (audit type follow_up) verifies closure: an unfinished action whose
  indicator now holds is closed by visit, and may reinstate the certificate it suspended.
"""

from __future__ import annotations

import json
from typing import Any

from audits.model import AuditType, NonConformity, Report
from registry.clock import utc_now
from registry.corrective.reinstatement import reinstate_if_clear
from registry.corrective.rules import FINISHED, State
from registry.corrective.store import move, new_id
from registry.corrective.tables import CorrectiveActionRow, CorrectiveEventRow

ACTOR_SYSTEM = "system:filing"


def _findings(submission: bytes) -> dict[str, dict[str, Any]]:
    doc = json.loads(submission)
    return {f["indicator"]: f for f in doc.get("findings", [])}


def finding_text(indicator: str, found: dict[str, Any] | None) -> str:
    """What the auditor recorded for the indicator: the value and the auditor's notes."""
    if found is None:
        return f"{indicator} not met"
    text = f"{indicator} not met: recorded {json.dumps(found.get('value'))}"
    notes = str(found.get("notes") or "").strip()
    return f"{text}. {notes}" if notes else text


def _deadlines(nc: NonConformity) -> dict[str, Any]:
    return {
        "klass": nc.class_.value,
        "category": nc.category,
        "plan_due": nc.corrective_plan_due,
        "close_by": nc.close_by,
        "close_by_next_surveillance": nc.close_by_next_surveillance,
    }


async def on_filed(assessment: dict[str, Any], report: Report, submission: bytes) -> None:
    application_id = assessment["application_id"]
    findings = _findings(submission)
    ncs = {nc.indicator: nc for nc in report.non_conformities}
    actor = assessment["filed_by"]
    unfinished = [
        a
        for a in await CorrectiveActionRow.select().where(
            CorrectiveActionRow.application_id == application_id
        )
        if a["progress"] not in FINISHED
    ]
    if assessment["amends"]:
        for action in unfinished:
            if action["assessment_id"] != assessment["amends"]:
                continue
            nc = ncs.pop(action["indicator"], None)
            why = f"assessment {assessment['amends']} amended by {assessment['public_id']}"
            if nc is None:
                await move(action, "withdrawn", actor, f"{why}, which no longer finds it",
                           progress=State.WITHDRAWN.value)  # fmt: skip
                continue
            await move(
                action, "amended", actor, why,
                assessment_id=assessment["public_id"],
                finding=finding_text(nc.indicator, findings.get(nc.indicator)),
                **_deadlines(nc),
            )  # fmt: skip
    else:
        passed = {r.indicator for r in report.indicators if r.passed}
        for action in unfinished:
            indicator = action["indicator"]
            if indicator in ncs:
                ncs.pop(indicator)
                await _note(action, assessment, f"{report.audit_type} audit "
                            f"{assessment['public_id']} found it not met again")  # fmt: skip
            elif report.audit_type is AuditType.FOLLOW_UP and indicator in passed:
                closed = await move(
                    action, "verified", actor,
                    f"met at follow-up visit {assessment['public_id']}",
                    progress=State.CLOSED.value, closed_at=utc_now(), closed_by=actor,
                    closed_how="visit", follow_up=assessment["public_id"],
                )  # fmt: skip
                await reinstate_if_clear(closed, actor)
    for nc in ncs.values():
        await _open(assessment, nc, finding_text(nc.indicator, findings.get(nc.indicator)))


async def _note(action: dict[str, Any], assessment: dict[str, Any], reason: str) -> None:
    await CorrectiveEventRow.insert(
        CorrectiveEventRow(
            action_id=action["public_id"],
            event="found_again",
            from_state=action["state"],
            to_state=action["state"],
            actor=assessment["filed_by"],
            reason=reason,
            at=utc_now(),
        )
    ).run()


async def _open(assessment: dict[str, Any], nc: NonConformity, finding: str) -> None:
    now = utc_now()
    public_id = new_id()
    await CorrectiveActionRow.insert(
        CorrectiveActionRow(
            public_id=public_id,
            application_id=assessment["application_id"],
            provider_id=assessment["provider_id"],
            assessment_id=assessment["public_id"],
            standard=assessment["standard"],
            indicator=nc.indicator,
            finding=finding,
            progress=State.OPEN.value,
            state=State.OPEN.value,
            evidence="[]",
            opened_at=now,
            updated_at=now,
            **_deadlines(nc),
        )
    ).run()
    await CorrectiveEventRow.insert(
        CorrectiveEventRow(
            action_id=public_id,
            event="opened",
            from_state=None,
            to_state=State.OPEN.value,
            actor=assessment["filed_by"],
            reason=f"{nc.class_.value} non-conformity found by {assessment['audit_type']} "
            f"assessment {assessment['public_id']}",
            at=now,
        )
    ).run()
