"""The parties' steps on an action: the provider submits a root-cause analysis and plan,
then evidence of closure; the reviewer (the assigned auditor, or the secretariat where the
standard allows a desk review) accepts or returns the plan, and verifies closure on paper
or returns the evidence. Each step is one transaction, the action's row locked first; a
closure verified may reinstate the certificate it suspended (`reinstatement`)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from registry.accounts import Actor, Role
from registry.applications import Application
from registry.assignment import accreditation_refusal
from registry.clock import utc_now
from registry.corrective.records import CorrectiveAction
from registry.corrective.reinstatement import reinstate_if_clear
from registry.corrective.rules import (
    FINISHED,
    MAX_FILES,
    MAX_TEXT,
    SUBMIT_EVIDENCE_FROM,
    SUBMIT_PLAN_FROM,
    State,
    needs_visit,
    secretariat_may_review,
)
from registry.corrective.store import move, rule_of, view, visible_row
from registry.corrective.tables import CorrectiveActionRow
from registry.db.database import lock_row, write_transaction
from registry.errors import ConflictError, ForbiddenError, InvalidRequestError


def text(value: str | None, field: str, *, required: bool = True) -> str | None:
    """Free text from a party: trimmed, 1 to MAX_TEXT characters, no NUL."""
    value = (value or "").strip()
    if not value:
        if required:
            raise InvalidRequestError(f"{field} is required (1 to {MAX_TEXT} characters)",
                                      field=field)  # fmt: skip
        return None
    if len(value) > MAX_TEXT:
        raise InvalidRequestError(f"{field} is longer than {MAX_TEXT} characters", field=field)
    if "\x00" in value:  # PostgreSQL refuses NUL in text
        raise InvalidRequestError(f"{field} must not contain NUL characters", field=field)
    return value


async def _locked(action_id: str, actor: Actor) -> tuple[dict[str, Any], Application]:
    await lock_row(CorrectiveActionRow.public_id, action_id)
    return await visible_row(action_id, actor)  # as of this transaction


def _provider(application: Application, actor: Actor) -> None:
    if actor.role is not Role.PROVIDER:
        raise ForbiddenError("only the provider answers its corrective actions")


async def _reviewer(row: dict[str, Any], application: Application, actor: Actor) -> None:
    """The assigned auditor, accredited today; or the secretariat where the standard lets
    it review on paper."""
    rule = await rule_of(row["standard"], row["klass"])
    if actor.role is Role.SECRETARIAT:
        if not secretariat_may_review(rule):
            raise ForbiddenError(
                f"{row['standard']} has the assigned auditor review {row['klass']} "
                "corrective actions; the secretariat may not review them on paper"
            )
        return
    if actor.role is not Role.AUDITOR or application.auditor_id != actor.account_id:
        raise ForbiddenError("only the assigned auditor (or the secretariat, where the "
                             "standard allows) reviews corrective actions")  # fmt: skip
    refused = await accreditation_refusal(actor.account_id, application, dt.date.today())
    if refused is not None:
        raise ForbiddenError(f"{refused}; an auditor reviews only while accredited")


def _progress(row: dict[str, Any], allowed: frozenset[State], doing: str) -> None:
    progress = State(row["progress"])
    if progress not in allowed:
        raise ConflictError(f"corrective action {row['public_id']} is {row['state']}; "
                            f"it cannot {doing} now")  # fmt: skip


async def submit_plan(
    action_id: str, actor: Actor, *, root_cause: str, plan: str
) -> CorrectiveAction:
    cause = text(root_cause, "root_cause")
    steps = text(plan, "plan")
    async with write_transaction():
        row, application = await _locked(action_id, actor)
        _provider(application, actor)
        _progress(row, SUBMIT_PLAN_FROM, "take a plan")
        row = await move(
            row, "plan_submitted", actor.label, None,
            progress=State.PLAN_SUBMITTED.value, root_cause=cause, plan=steps,
        )  # fmt: skip
    return await view(row, history=True)


async def review_plan(
    action_id: str, actor: Actor, *, accept: bool, reason: str | None
) -> CorrectiveAction:
    why = text(reason, "reason", required=not accept)
    async with write_transaction():
        row, application = await _locked(action_id, actor)
        await _reviewer(row, application, actor)
        _progress(row, frozenset({State.PLAN_SUBMITTED}), "have its plan reviewed")
        if accept:
            row = await move(row, "plan_accepted", actor.label, why,
                             progress=State.PLAN_ACCEPTED.value)  # fmt: skip
        else:
            row = await move(row, "plan_returned", actor.label, why, progress=State.OPEN.value)
    return await view(row, history=True)


async def submit_evidence(
    action_id: str, actor: Actor, *, digests: list[str], note: str | None
) -> CorrectiveAction:
    """`digests` are files already in the evidence store for the action's application (the
    caller, `registry.assessments.evidence.submit_corrective_evidence`, checks them)."""
    said = text(note, "note", required=False)
    if not digests and said is None:
        raise InvalidRequestError("give evidence files or a note", field="evidence")
    async with write_transaction():
        row, application = await _locked(action_id, actor)
        _provider(application, actor)
        _progress(row, SUBMIT_EVIDENCE_FROM, "take evidence (its plan must be accepted)")
        files = list(dict.fromkeys([*json.loads(row["evidence"]), *digests]))
        if len(files) > MAX_FILES:
            raise InvalidRequestError(f"at most {MAX_FILES} files per action", field="evidence")
        row = await move(row, "evidence_submitted", actor.label, said,
                         progress=State.EVIDENCE_SUBMITTED.value, evidence=json.dumps(files),
                         evidence_note=said or row["evidence_note"])  # fmt: skip
    return await view(row, history=True)


async def review_closure(
    action_id: str, actor: Actor, *, verify: bool, reason: str | None
) -> CorrectiveAction:
    """Desk review of the evidence: verified closed, or returned with a reason. Where the
    standard requires a visit, closure is verified only by a follow-up audit (409 here)."""
    why = text(reason, "reason", required=not verify)
    async with write_transaction():
        row, application = await _locked(action_id, actor)
        await _reviewer(row, application, actor)
        _progress(row, frozenset({State.EVIDENCE_SUBMITTED}), "have its closure reviewed")
        if verify and needs_visit(await rule_of(row["standard"], row["klass"])):
            raise ConflictError(
                f"{row['standard']} verifies {row['klass']} closures by a follow-up visit: "
                f"the assigned auditor files an assessment of type follow_up"
            )
        if not verify:
            row = await move(row, "evidence_returned", actor.label, why,
                             progress=State.PLAN_ACCEPTED.value)  # fmt: skip
        else:
            now = utc_now()
            row = await move(row, "verified", actor.label, why or "verified by desk review",
                             at=now, progress=State.CLOSED.value, closed_at=now,
                             closed_by=actor.label, closed_how="desk_review")  # fmt: skip
            await reinstate_if_clear(row, actor.label, at=now)
    return await view(row, history=True)


async def has_unfinished(application_id: str) -> bool:
    """Whether the application has an action not yet closed (evidence may still come)."""
    rows = await CorrectiveActionRow.select(CorrectiveActionRow.progress).where(
        CorrectiveActionRow.application_id == application_id
    )
    return any(r["progress"] not in FINISHED for r in rows)
