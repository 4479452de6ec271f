"""The secretariat's decide queue: every assessed application with the facts a decision
rests on, and for one of them what deciding would do (the engine's outcome, its reasons,
and what the certificate would say), read without writing anything.

The preview runs the same pure `audits.decision.decide` as `decisions.decide_application`,
on the same latest assessment, so what the confirmation page shows is what is signed; the
decision itself re-checks that the assessment shown is still the latest one
(`expect_assessment`), so an amendment filed in between is never signed unseen.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any, Literal

import msgspec

from audits.decision import decide
from audits.model import Report
from audits.published import published_score
from registry.accounts import Actor, Role
from registry.applications import Application, ApplicationState, get_application, list_for
from registry.assessments.tables import AssessmentRow
from registry.clock import add_months, iso_utc, utc_now, whole_seconds
from registry.db.names import account_names, provider_names
from registry.errors import ConflictError, ForbiddenError
from registry.standards import service as standards
from registry.standards.service import get_ruleset

_REPORT = msgspec.json.Decoder(Report)
QUEUE_LIMIT = 200


class NonConformityCounts(msgspec.Struct, frozen=True, kw_only=True):
    critical: int = 0
    major: int = 0
    minor: int = 0

    @property
    def total(self) -> int:
        return self.critical + self.major + self.minor


class AssessedApplication(msgspec.Struct, frozen=True, kw_only=True):
    """An application and the facts of its latest assessment (the one a decision rests
    on, or the latest surveillance or special audit once certified)."""

    application_id: str
    provider_id: str
    provider_name: str | None  # None if the organisation's row is gone
    standard: str
    provider_types: tuple[str, ...]
    auditor_id: str | None
    auditor_name: str | None
    assessment_id: str
    amendments: int  # how many times the first filing was corrected
    filed_at: str
    score: int | float  # published
    grade: str | None  # the report's grade; the decision recomputes it
    floor_holds: bool
    non_conformities: NonConformityCounts


class DecisionPreview(msgspec.Struct, frozen=True, kw_only=True):
    """What deciding now would do: the engine's outcome and, if certified, the
    certificate's grade and validity (from today, as issuance computes it)."""

    pending: AssessedApplication
    outcome: Literal["certified", "not_certified"]
    grade: str | None
    reasons: tuple[str, ...]
    valid_from: str | None
    valid_until: str | None
    validity_months: int | None


def _counts(report: dict[str, Any]) -> NonConformityCounts:
    found = {"critical": 0, "major": 0, "minor": 0}
    for item in report.get("non_conformities", []):
        kind = item.get("class")
        if kind in found:
            found[kind] += 1
    return NonConformityCounts(**found)


def _facts(
    application: Application,
    chain: list[dict[str, Any]],
    providers: dict[str, str],
    auditors: dict[str, str],
) -> AssessedApplication:
    current = chain[-1]
    report = json.loads(current["report"])
    return AssessedApplication(
        application_id=application.id,
        provider_id=application.provider_id,
        provider_name=providers.get(application.provider_id),
        standard=application.standard,
        provider_types=tuple(application.provider_types),
        auditor_id=application.auditor_id,
        auditor_name=auditors.get(application.auditor_id or ""),
        assessment_id=current["public_id"],
        amendments=sum(1 for row in chain if row["amends"]),
        filed_at=iso_utc(current["filed_at"]),
        score=published_score(current["score"]),
        grade=current["grade"],
        floor_holds=current["floor_holds"],
        non_conformities=_counts(report),
    )


async def _chains(application_ids: list[str]) -> dict[str, list[dict[str, Any]]]:
    if not application_ids:
        return {}
    rows = await (
        AssessmentRow.select()
        .where(AssessmentRow.application_id.is_in(application_ids))
        .order_by(AssessmentRow.application_id)
        .order_by(AssessmentRow.sequence)
    )
    chains: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        chains.setdefault(row["application_id"], []).append(row)
    return chains


async def with_facts(visible: list[Application]) -> list[AssessedApplication]:
    """The applications among `visible` (already filtered by who may see them) that have
    an assessment, each with its latest assessment's facts and the names behind the ids."""
    chains = await _chains([a.id for a in visible])
    having = [a for a in visible if chains.get(a.id)]
    providers = await provider_names(a.provider_id for a in having)
    auditors = await account_names(a.auditor_id for a in having)
    return [_facts(a, chains[a.id], providers, auditors) for a in having]


def _secretariat(actor: Actor) -> None:
    if actor.role is not Role.SECRETARIAT:
        raise ForbiddenError("only the secretariat decides on applications")


async def awaiting_decision(actor: Actor) -> list[AssessedApplication]:
    """Every assessed application (oldest first, up to QUEUE_LIMIT) with its facts."""
    _secretariat(actor)
    assessed = await list_for(actor, state=ApplicationState.ASSESSED, limit=QUEUE_LIMIT, offset=0)
    return await with_facts(assessed)


async def preview(application_id: str, actor: Actor) -> DecisionPreview:
    """The decision an assessed application would get now; ConflictError if it is not
    awaiting one (decided, withdrawn, not yet assessed)."""
    _secretariat(actor)
    application = await get_application(application_id)
    chain = (await _chains([application_id])).get(application_id)
    if application.state != ApplicationState.ASSESSED or not chain:
        raise ConflictError(
            f"application {application_id} is {application.state.value}: it is not "
            "awaiting a decision"
        )
    pending = _facts(
        application,
        chain,
        await provider_names([application.provider_id]),
        await account_names([application.auditor_id]),
    )
    report = _REPORT.decode(chain[-1]["report"].encode())
    slug, _, version = report.standard.partition("@")
    decision = decide(report, await get_ruleset(slug, version))
    valid_from = valid_until = months = None
    if decision.outcome == "certified":
        rules = (await standards.get_version(slug, version))["rule_set"]["certificate"]
        months = int(rules["validity_months"])
        start = whole_seconds(utc_now())
        valid_from, valid_until = _date(start), _date(add_months(start, months))
    return DecisionPreview(
        pending=pending,
        outcome=decision.outcome,
        grade=decision.grade,
        reasons=decision.reasons,
        valid_from=valid_from,
        valid_until=valid_until,
        validity_months=months,
    )


def _date(value: dt.datetime) -> str:
    return value.date().isoformat()
