"""Appeals: a provider appeals a refusal, a suspension, a revocation or a complaint's outcome
within the window (`RIGHTSMARK_APPEAL_WINDOW_DAYS`); a complainant asks for a review of an
outcome the same way, by reference and key. A secretariat member who took no part in the
original decision decides it (enforced: the deciders are recorded when the appeal is lodged
and checked again when it is decided). Overturned means reinstated (a suspension), or
re-opened to be decided again (a refusal, a complaint's outcome)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import AsyncIterator
from typing import Any

from registry.accounts import Actor, Role
from registry.applications import ApplicationState, lock_application, record_transition
from registry.assessments.tables import DecisionRow
from registry.certificates import service as certificates
from registry.certificates.tables import CertificateEventRow
from registry.clock import iso_utc, utc_now
from registry.complaints import cases, rules, sealing
from registry.complaints.filing import store_attachment
from registry.complaints.handling import text
from registry.complaints.records import Appeal, Attachment
from registry.complaints.tables import AppealRow, ComplaintRow
from registry.db.database import lock_row, write_transaction
from registry.db.races import unique_violation_raises
from registry.errors import ConflictError, ForbiddenError, InvalidRequestError, NotFoundError
from registry.settings import get_settings
from registry.transparency.log import append_event
from registry.trust.tlog_entries import actor_role

Subject = rules.AppealSubject
_EFFECTS = {
    Subject.SUSPENSION: "certificate reinstated",
    Subject.REVOCATION: "revocation set aside; a revocation is final in the status lists, "
    "so the provider is certified again through a new decision",
    Subject.REFUSAL: "application re-opened for a new decision",
    Subject.COMPLAINT_OUTCOME: "complaint re-opened for a new outcome",
    Subject.COMPLAINT_REVIEW: "complaint re-opened for a new outcome",
}


def _view(row: dict[str, Any], files: tuple[Attachment, ...]) -> Appeal:
    state = rules.AppealState(row["state"])
    appeal_id = row["public_id"]
    return Appeal(
        id=appeal_id,
        subject=Subject(row["subject"]),
        target=row["target"],
        provider_id=row["provider_id"],
        state=state,
        lodged_at=iso_utc(row["lodged_at"]),
        reasons=sealing.unseal_optional(row["reasons_sealed"], case=appeal_id, field="reasons"),
        attachments=files,
        decided_at=iso_utc(row["decided_at"]),
        decided_by=row["decided_by"],
        decision_reasons=sealing.unseal_optional(
            row["decision_reasons_sealed"], case=appeal_id, field="decision"
        ),
        effect=_EFFECTS[Subject(row["subject"])] if state is rules.AppealState.OVERTURNED else None,
    )


async def _row(appeal_id: str) -> dict[str, Any]:
    if len(appeal_id) > 40 or "\x00" in appeal_id:
        raise NotFoundError(f"appeal {appeal_id} does not exist")
    row = await AppealRow.select().where(AppealRow.public_id == appeal_id).first()
    if row is None:
        raise NotFoundError(f"appeal {appeal_id} does not exist")
    return dict(row)


async def view(row: dict[str, Any]) -> Appeal:
    return _view(row, await cases.attachments(row["public_id"]))


def _within_window(decided: dt.datetime, what: str) -> None:
    days = get_settings().appeal_window_days
    if not rules.appeal_open(decided, utc_now(), days):
        raise ConflictError(
            f"{what} was decided on {iso_utc(decided)}; it could be appealed for {days} days"
        )


async def _certificate_decision(target: str, provider_id: str, action: str) -> tuple[str, set[str]]:
    try:
        cert = await certificates.find(target)
    except NotFoundError:
        cert = None
    if cert is None or cert["provider_id"] != provider_id:
        raise InvalidRequestError(f"certificate {target} is not yours", field="target")
    wanted = "suspended" if action == "suspension" else "revoked"
    if cert["state"] != wanted:
        raise ConflictError(f"certificate {cert['public_id']} is not {wanted}")
    event = (
        await CertificateEventRow.select()
        .where(
            (CertificateEventRow.certificate_id == cert["public_id"])
            & (CertificateEventRow.action == wanted)
        )
        .order_by(CertificateEventRow.id, ascending=False)
        .first()
    )
    assert event is not None
    _within_window(event["at"], f"the {action} of {cert['public_id']}")
    deciders = {event["actor"]}
    cause = event["cause"]
    if isinstance(cause, str) and cause.startswith("RMC-"):  # suspended on a complaint
        deciders |= await cases.deciders(cause)
    return cert["public_id"], deciders


async def _refusal(target: str, provider_id: str) -> tuple[str, set[str]]:
    row = await DecisionRow.select().where(DecisionRow.application_id == target).first()
    if row is None or row["provider_id"] != provider_id:
        raise NotFoundError(f"application {target} has no decision of yours")
    if row["outcome"] != "not_certified":
        raise ConflictError(f"application {target} was not refused")
    _within_window(row["decided_at"], f"the refusal of {target}")
    return target, {row["decided_by"]}


async def _outcome(row: dict[str, Any]) -> tuple[str, set[str]]:
    if row["outcome"] is None or row["closed_at"] is None:
        raise ConflictError(f"complaint {row['reference']} has no outcome yet")
    _within_window(row["closed_at"], f"the outcome of complaint {row['reference']}")
    return row["reference"], await cases.deciders(row["reference"])


async def _insert(
    subject: Subject,
    target: str,
    provider_id: str | None,
    reasons: str,
    deciders: set[str],
    lodged_by: str,
) -> dict[str, Any]:
    appeal_id = cases.public_id("apc")
    busy = ConflictError(f"an appeal against this {subject.value} is already pending")
    async with unique_violation_raises(busy):
        await AppealRow.insert(
            AppealRow(
                public_id=appeal_id,
                subject=subject.value,
                target=target,
                provider_id=provider_id,
                pending_key=f"{subject.value}:{target}",
                lodged_by=lodged_by,
                lodged_at=utc_now(),
                reasons_sealed=sealing.seal(reasons, case=appeal_id, field="reasons"),
                original_deciders=json.dumps(sorted(deciders)),
                state=rules.AppealState.PENDING.value,
            )
        ).run()
    if subject in (Subject.COMPLAINT_OUTCOME, Subject.COMPLAINT_REVIEW):
        await cases.record(target, "appeal_lodged", lodged_by, appeal_id)
    await append_event(
        "appeal.lodged",
        {
            "appeal": appeal_id,
            "decision": subject.value,
            "target": target,
            "provider": provider_id or "unregistered",
        },
        actor_role="provider" if lodged_by.startswith("provider:") else "system",
        at=utc_now(),
    )
    return await _row(appeal_id)


async def lodge(subject: Subject, target: str, reasons: str, actor: Actor) -> Appeal:
    """A provider appeals one of its decisions, with its reasons, within the window."""
    if actor.role is not Role.PROVIDER or actor.provider_id is None:
        raise ForbiddenError("appeals are lodged by the provider the decision concerns")
    reasons = text(reasons, field="reasons")
    if len(target) > 40 or "\x00" in target:
        raise InvalidRequestError("target is not an id", field="target")
    provider_id = actor.provider_id
    async with write_transaction():
        if subject is Subject.REFUSAL:
            target, deciders = await _refusal(target, provider_id)
        elif subject in (Subject.SUSPENSION, Subject.REVOCATION):
            target, deciders = await _certificate_decision(target, provider_id, subject.value)
        elif subject is Subject.COMPLAINT_OUTCOME:
            try:
                row = await cases.locked(target)
            except NotFoundError:
                row = None
            if row is None or row["provider_id"] != provider_id:
                raise NotFoundError(f"complaint {target} does not exist")
            target, deciders = await _outcome(row)
        else:
            raise InvalidRequestError(
                "a complainant asks for a review by reference", field="subject"
            )
        return await view(
            await _insert(subject, target, provider_id, reasons, deciders, actor.label)
        )


async def request_review(reference: str, key: str | None, reasons: str) -> Appeal:
    """The complainant asks for a review of the outcome, by reference and access key."""
    reasons = text(reasons, field="reasons")
    async with write_transaction():
        row = await cases.row_by_key(reference, key)
        await cases.locked(reference)
        target, deciders = await _outcome(row)
        saved = await _insert(
            Subject.COMPLAINT_REVIEW,
            target,
            row["provider_id"],
            reasons,
            deciders,
            cases.COMPLAINANT,
        )
        return await view(saved)


async def attach(
    appeal_id: str,
    actor: Actor,
    chunks: AsyncIterator[bytes],
    *,
    declared_type: str | None,
    filename: str | None,
) -> Attachment:
    """Evidence for a provider's pending appeal."""
    row = await _visible(appeal_id, actor)
    if actor.role is not Role.PROVIDER or row["state"] != rules.AppealState.PENDING.value:
        raise ConflictError(f"appeal {appeal_id} takes files from its provider while pending")
    return await store_attachment(
        appeal_id,
        rules.Party.PROVIDER,
        chunks,
        declared_type=declared_type,
        filename=filename,
        actor=actor.label,
        case=None,
    )


async def _visible(appeal_id: str, actor: Actor) -> dict[str, Any]:
    row = await _row(appeal_id)
    if actor.role is Role.SECRETARIAT:
        return row
    if (
        actor.role is Role.PROVIDER
        and row["provider_id"] == actor.provider_id
        and (row["subject"] != Subject.COMPLAINT_REVIEW.value)
    ):
        return row
    raise NotFoundError(f"appeal {appeal_id} does not exist")


async def get(appeal_id: str, actor: Actor) -> Appeal:
    return await view(await _visible(appeal_id, actor))


async def list_appeals(actor: Actor, *, pending_only: bool = False) -> list[Appeal]:
    query = AppealRow.select().order_by(AppealRow.id)
    if actor.role is Role.PROVIDER:
        query = query.where(
            (AppealRow.provider_id == (actor.provider_id or "-"))
            & (AppealRow.subject != Subject.COMPLAINT_REVIEW.value)
        )
    elif actor.role is not Role.SECRETARIAT:
        return []
    if pending_only:
        query = query.where(AppealRow.state == rules.AppealState.PENDING.value)
    return [await view(r) for r in await query]


async def _barred(row: dict[str, Any]) -> set[str]:
    """Who may not decide: the original deciders, and for a complaint, anybody who has acted
    on the case since (its trail is read again now)."""
    barred = set(json.loads(row["original_deciders"]))
    if row["subject"] in (Subject.COMPLAINT_OUTCOME.value, Subject.COMPLAINT_REVIEW.value):
        barred |= await cases.deciders(row["target"])
    return barred


async def decide(appeal_id: str, overturn: bool, reasons: str, actor: Actor) -> Appeal:
    if actor.role is not Role.SECRETARIAT:
        raise ForbiddenError("appeals are decided by the secretariat")
    reasons = text(reasons, field="reasons")
    async with write_transaction():
        await lock_row(AppealRow.public_id, appeal_id)
        row = await _row(appeal_id)
        if row["state"] != rules.AppealState.PENDING.value:
            raise ConflictError(f"appeal {appeal_id} was already decided ({row['state']})")
        if actor.label in await _barred(row):
            raise ForbiddenError(
                f"you took part in the decision appealed against in {appeal_id}; another "
                "secretariat member must decide it"
            )
        superseded = await _overturn(row, actor) if overturn else None
        state = rules.AppealState.OVERTURNED if overturn else rules.AppealState.UPHELD
        await (
            AppealRow.update(
                {
                    AppealRow.state: state.value,
                    AppealRow.pending_key: None,
                    AppealRow.decided_by: actor.label,
                    AppealRow.decided_at: utc_now(),
                    AppealRow.decision_reasons_sealed: sealing.seal(
                        reasons, case=appeal_id, field="decision"
                    ),
                    AppealRow.superseded: superseded,
                }
            )
            .where(AppealRow.public_id == appeal_id)
            .run()
        )
        if row["subject"] in (Subject.COMPLAINT_OUTCOME.value, Subject.COMPLAINT_REVIEW.value):
            await cases.record(row["target"], f"appeal_{state.value}", actor.label, appeal_id)
        await append_event(
            "appeal.decided",
            {
                "appeal": appeal_id,
                "decision": row["subject"],
                "target": row["target"],
                "outcome": state.value,
                "provider": row["provider_id"] or "unregistered",
            },
            actor_role=actor_role(actor.label),
            at=utc_now(),
        )
        return await view(await _row(appeal_id))


async def _overturn(row: dict[str, Any], actor: Actor) -> str | None:
    """Undo the decision appealed against; what it set aside, as JSON, if anything."""
    subject, target = Subject(row["subject"]), row["target"]
    reason = f"appeal {row['public_id']} overturned the {subject.value}"
    if subject is Subject.SUSPENSION:
        await certificates.lock(target)
        cert = await certificates.certificate_row(target)
        await certificates.apply_change(cert, "reinstate", reason, actor.label)
        return None
    if subject is Subject.REVOCATION:
        return None  # final in the status lists: recorded, and re-certified by a new decision
    if subject is Subject.REFUSAL:
        await lock_application(target)
        decision = await DecisionRow.select().where(DecisionRow.application_id == target).first()
        assert decision is not None
        await DecisionRow.delete().where(DecisionRow.application_id == target).run()
        await record_transition(target, ApplicationState.ASSESSED, actor=actor.label, reason=reason)
        return json.dumps({k: str(v) for k, v in decision.items() if k != "id"})
    case = await cases.locked(target)
    superseded = json.dumps(
        {
            "outcome": case["outcome"],
            "closed_at": iso_utc(case["closed_at"]),
            "closed_by": case["closed_by"],
        }
    )
    await (
        ComplaintRow.update(
            {
                ComplaintRow.state: rules.CaseState.INVESTIGATING.value,
                ComplaintRow.outcome: None,
                ComplaintRow.outcome_reasons_sealed: None,
                ComplaintRow.closed_at: None,
                ComplaintRow.closed_by: None,
            }
        )
        .where(ComplaintRow.reference == target)
        .run()
    )
    await cases.log("complaint.reopened", case, actor.label)
    return superseded
