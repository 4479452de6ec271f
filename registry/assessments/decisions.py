"""The certification decision on an application, from its latest assessment, and the
provider's own view of its reports, non-conformities and decisions."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import msgspec

from audits.decision import decide
from audits.model import Report
from audits.published import published_score
from registry.accounts import Actor, Role
from registry.applications import (
    ApplicationState,
    get_application,
    lock_application,
    record_transition,
)
from registry.assessments.access import race_is_conflict, visible_application
from registry.assessments.records import Decision, ProviderReport, ProviderReports
from registry.assessments.service import latest
from registry.assessments.tables import AssessmentRow, DecisionRow
from registry.certificates import issuance
from registry.certificates import service as certificates
from registry.certificates.records import CertificateSummary
from registry.clock import iso_utc as iso
from registry.clock import utc_now as now
from registry.db.database import write_transaction
from registry.errors import ConflictError, InvalidRequestError, NotFoundError
from registry.standards.service import get_ruleset

_REPORT = msgspec.json.Decoder(Report)
MAX_REFUSAL = 2000


def refusal_reason(reason: str) -> str:
    """A refusal's reason as stored: 1 to MAX_REFUSAL characters, no NUL."""
    reason = (reason or "").strip()
    if not reason or len(reason) > MAX_REFUSAL:
        raise InvalidRequestError(
            f"say why certification is refused (1 to {MAX_REFUSAL} characters)", field="reason"
        )
    if "\x00" in reason:  # PostgreSQL refuses NUL in text
        raise InvalidRequestError("reason must not contain NUL characters", field="reason")
    return reason


def decision_view(row: dict[str, Any], certificate: CertificateSummary | None) -> Decision:
    return Decision(
        application_id=row["application_id"],
        outcome=row["outcome"],
        grade=row["grade"],
        score=published_score(row["score"]),
        reasons=tuple(json.loads(row["reasons"])),
        assessment_id=row["assessment_id"],
        report_digest=row["report_digest"],
        standard=row["standard"],
        decided_by=row["decided_by"],
        decided_at=iso(row["decided_at"]),
        certificate=certificate,
    )


async def decide_application(
    application_id: str,
    actor: Actor,
    *,
    at: dt.datetime | None = None,
    expect_assessment: str | None = None,
    expect_certified: bool = False,
    refusal: str | None = None,
) -> Decision:
    """Certified when the floor holds and the score reaches the lowest grade; the grade is
    recomputed from the rule set, never trusted from the stored report. `at` back-dates the
    decision and its certificate (the demo data set's expired certificate); default now.

    What a person confirmed is checked in the decision's transaction, so nothing is signed
    that they did not see: `expect_assessment` must still be the latest assessment (not
    amended meanwhile), and with `expect_certified` an outcome other than certified is
    refused (ConflictError) instead of recorded. `refusal`, a reason, refuses certification
    whatever the engine says (not_certified, no grade), the reason kept with the engine's."""
    if refusal is not None:
        refusal = refusal_reason(refusal)
    async with race_is_conflict(f"application {application_id}"), write_transaction():
        await lock_application(application_id)  # decided on the latest assessment, once
        application = await get_application(application_id)
        current = await latest(application_id)
        if current is None:
            raise ConflictError(f"application {application_id} has no assessment to decide on")
        if application.state != ApplicationState.ASSESSED:
            raise ConflictError(
                f"application {application_id} is {application.state}, not assessed"
            )
        if expect_assessment is not None and current["public_id"] != expect_assessment:
            raise ConflictError(
                f"application {application_id} was amended since you reviewed it: its latest "
                f"assessment is {current['public_id']}, not {expect_assessment}; review it again"
            )
        report = _REPORT.decode(current["report"].encode())
        slug, _, version = report.standard.partition("@")
        decision = decide(report, await get_ruleset(slug, version))
        if refusal is not None:
            decision = msgspec.structs.replace(
                decision,
                outcome="not_certified",
                grade=None,
                reasons=(*decision.reasons, f"Refused by the secretariat: {refusal}"),
            )
        elif expect_certified and decision.outcome != "certified":
            raise ConflictError(
                f"application {application_id} does not earn certification "
                f"({'; '.join(decision.reasons)}); nothing was signed"
            )
        await DecisionRow.insert(
            DecisionRow(
                application_id=application_id,
                provider_id=application.provider_id,
                assessment_id=current["public_id"],
                outcome=decision.outcome,
                grade=decision.grade,
                score=float(report.score),
                reasons=json.dumps(list(decision.reasons)),
                report_digest=report.report_digest,
                standard=report.standard,
                decided_by=actor.label,
                decided_at=at or now(),
            )
        ).run()
        await record_transition(
            application_id,
            decision.outcome,
            actor=actor.label,
            reason="; ".join(decision.reasons),
        )
        row = await DecisionRow.select().where(DecisionRow.application_id == application_id).first()
        assert row is not None
        view = decision_view(row, None)
        if decision.outcome == "certified":
            # In the decision's transaction: a decision that cannot be signed is not stored.
            certificate = await issuance.issue(application, view, actor.label, issued_at=at)
            view = msgspec.structs.replace(view, certificate=certificate)
    return view


async def get_decision(application_id: str, actor: Actor) -> Decision:
    await visible_application(application_id, actor)
    row = await DecisionRow.select().where(DecisionRow.application_id == application_id).first()
    if row is None:
        raise NotFoundError(f"application {application_id} has not been decided")
    return decision_view(row, await certificates.of_application(application_id))


async def provider_reports(provider_id: str, actor: Actor) -> ProviderReports:
    """Per application of the provider: the current report's grade, score, non-conformities
    with their deadlines, how many amendments, and the decision."""
    if actor.role is not Role.SECRETARIAT and actor.provider_id != provider_id:
        raise NotFoundError(f"provider {provider_id} does not exist")
    rows = (
        await AssessmentRow.select()
        .where(AssessmentRow.provider_id == provider_id)
        .order_by(AssessmentRow.application_id)
        .order_by(AssessmentRow.sequence)
    )
    decisions = {
        d["application_id"]: decision_view(
            d, await certificates.of_application(d["application_id"])
        )
        for d in await DecisionRow.select().where(DecisionRow.provider_id == provider_id)
    }
    chains: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        chains.setdefault(row["application_id"], []).append(row)
    items = []
    for application_id, chain in chains.items():
        current = chain[-1]
        report = json.loads(current["report"])
        items.append(
            ProviderReport(
                application_id=application_id,
                assessment_id=current["public_id"],
                amendments=sum(1 for row in chain if row["amends"]),
                filed_at=iso(current["filed_at"]),
                standard=report["standard"],
                score=report["score"],
                grade=report["grade"],
                floor_holds=report["floor_holds"],
                report_digest=report["report_digest"],
                non_conformities=report["non_conformities"],
                report=report,
                decision=decisions.get(application_id),
            )
        )
    return ProviderReports(provider_id=provider_id, items=tuple(items))
