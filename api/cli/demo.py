"""A small demo data set for `make run`: providers, auditors, applications in every state,
assessments, decisions, and certificates that are valid (at each grade), suspended, revoked
and expired, so that a newcomer sees every case the registry handles.

Everything goes through the registry's own services, exactly as the API would. The demo
is seeded only into an empty registry (no provider yet): real data is never touched. Demo
accounts' tokens are written, owner-only, to `<data_dir>/demo-tokens.json`.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from dataclasses import dataclass
from typing import Any

import msgspec

from audits.model import AuditType
from audits.scoring import score
from audits.template import failing_value, findings_template, passing_value
from registry import accounts, applications, assignment, auditors, providers
from registry import surveillance as lifecycle
from registry.accounts import Actor, Role
from registry.assessments import decisions
from registry.assessments import service as assessments
from registry.certificates import service as certificates
from registry.clock import utc_now
from registry.corrective import queries as corrective_queries
from registry.corrective import workflow as corrective_workflow
from registry.db.tables import ProviderRow
from registry.notifications import subscriptions
from registry.providers import Licence, ProviderInput
from registry.settings import get_settings
from registry.standards import service as standards
from registry.watchlists import service as watchlists
from standards.model import ProviderType, RuleSet

STANDARD = ("core-rights", "1.0.0")
ACTOR = "system:demo"


@dataclass(frozen=True)
class DemoProvider:
    name: str
    country: str
    types: tuple[str, ...]
    corridors: tuple[str, ...]
    outcome: str  # gold | silver | bronze | suspended | revoked | expired | not_certified
    # | submitted | assessed


_R = ("recruiter",)
PROVIDERS = (
    DemoProvider("Kathmandu Fair Recruitment Pvt. Ltd.", "NP", _R, ("NP-QA", "NP-AE"), "gold"),
    DemoProvider("Manila Ethical Placement Corp.", "PH", _R, ("PH-AE", "PH-SA"), "silver"),
    DemoProvider("Dhaka Overseas Careers Ltd.", "BD", _R, ("BD-MY",), "bronze"),
    DemoProvider("Colombo Travel & Visa Services", "LK", _R, ("LK-KW",), "suspended"),
    DemoProvider("Lahore Manpower Agency", "PK", _R, ("PK-SA",), "revoked"),
    DemoProvider("Jakarta Mitra Tenaga Kerja", "ID", _R, ("ID-MY",), "expired"),
    DemoProvider("Yangon Bright Future Agency", "MM", _R, ("MM-TH",), "not_certified"),
    DemoProvider("Hanoi Global Workforce JSC", "VN", _R, ("VN-JP",), "assessed"),
    DemoProvider("Addis Career Bridge PLC", "ET", _R, ("ET-SA",), "submitted"),
)
# Every country a demo application touches: the demo auditor is accredited for all of them.
_COUNTRIES = sorted(
    {p.country for p in PROVIDERS}
    | {c for p in PROVIDERS for x in p.corridors for c in x.split("-")}
)


async def needed() -> bool:
    """Seed only an empty registry."""
    return not await ProviderRow.exists()


async def _account(name: str, role: Role, tokens: dict[str, str], **extra: Any) -> Actor:
    _, token, _ = await accounts.create_account(
        name=name, role=role, actor=ACTOR, ttl_days=get_settings().token_ttl_days, **extra
    )
    tokens[f"{role.value}: {name}"] = token
    actor = await accounts.authenticate(token)
    assert actor is not None
    return actor


def _findings(ruleset: RuleSet, target: str, when: dt.date) -> dict[str, Any]:
    """A findings document whose report gets `target` grade (or fails the floor)."""
    doc = findings_template(ruleset, [ProviderType.RECRUITER], audit_type=AuditType.INITIAL)
    del doc["indicators_help"]
    measures = {ind.id: ind for _, ind in ruleset.indicators()}
    for finding in doc["findings"]:
        finding["value"] = passing_value(measures[finding["indicator"]].measure)
        finding["notes"] = "Demo finding: records reviewed and workers interviewed."
    doc.update(
        started_on=(when - dt.timedelta(days=2)).isoformat(),
        ended_on=when.isoformat(),
        sites=[{"name": "Head office", "country": "PH", "address": "Demo street 1"}],
        workers_interviewed=20,
    )
    if target == "not_certified":  # a failed core indicator: the floor does not hold
        core = next(f for f in doc["findings"] if measures[f["indicator"]].core)
        core["value"] = failing_value(measures[core["indicator"]].measure)
        return doc
    # Fail non-core indicators one by one until the score falls into the target grade.
    for finding in doc["findings"]:
        if _grade(ruleset, doc) == target:
            break
        if not measures[finding["indicator"]].core:
            finding["value"] = failing_value(measures[finding["indicator"]].measure)
    return doc


def _grade(ruleset: RuleSet, doc: dict[str, Any]) -> str | None:
    from audits.model import SubmissionDocument

    submission = msgspec.convert(doc, SubmissionDocument).submission()
    return score(ruleset, submission).grade


async def _file(application_id: str, doc: dict[str, Any], auditor: Actor) -> None:
    await assessments.file_assessment(application_id, msgspec.json.encode(doc), auditor)


async def seed() -> list[str]:
    """Create the demo data set; the lines to print about it."""
    settings = get_settings()
    ruleset = await standards.get_ruleset(*STANDARD)
    tokens: dict[str, str] = {}
    secretariat = await _account("Demo secretariat", Role.SECRETARIAT, tokens)
    auditor = await _account("Demo auditor (Asha Rai)", Role.AUDITOR, tokens)
    today = dt.date.today()
    await auditors.accredit(
        auditor.account_id,
        provider_types=[t.value for t in ProviderType],
        countries=_COUNTRIES,
        valid_from=today - dt.timedelta(days=5 * 365),
        valid_until=today + dt.timedelta(days=3 * 365),
        actor=secretariat,
    )
    lines: list[str] = []
    watched: str | None = None  # the gold provider: what the demo employer watches
    for demo in PROVIDERS:
        org = await providers.register(
            ProviderInput(
                legal_name=demo.name,
                country=demo.country,
                provider_types=list(demo.types),
                corridors=list(demo.corridors),
                licences=[
                    Licence(
                        country=demo.country,
                        number=f"LIC-{demo.country}-{len(lines) + 1:04d}",
                        issuing_authority=f"Labour ministry of {demo.country}",
                        expires_on=today + dt.timedelta(days=700),
                    )
                ],
                contact={
                    "email": f"office{len(lines) + 1}@example.org",
                    "phone": f"+00 555 01{len(lines) + 1:02d}",
                    "address": f"Head office, {demo.country}",
                },
            ),
            secretariat,
        )
        staff = None
        if demo.outcome == "gold":
            watched = org["id"]
        # Provider accounts, to see a provider's own view: the gold one's (listed first),
        # and the silver one's, whose corrective actions are open.
        if demo.outcome in ("gold", "silver"):
            staff = await _account(
                f"{demo.name} (staff)", Role.PROVIDER, tokens, provider_id=org["id"]
            )
        lines.append(await _application(demo, org["id"], ruleset, secretariat, auditor))
        if demo.outcome == "silver" and staff is not None:
            lines.append(await _corrective_plan(demo, staff))
    # The expired certificate's expiry is recorded (history and log) as cron would do it.
    for action in await lifecycle.run():
        lines.append(f"lifecycle: {action.code} {action.action} ({action.reason})")
    if watched is not None:
        lines.append(await _employer(watched, tokens))
    path = settings.data_dir / "demo-tokens.json"
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        json.dump(tokens, handle, indent=2)
    lines.append(f"demo account tokens: {path}")
    return lines


async def _employer(provider_id: str, tokens: dict[str, str]) -> str:
    """An employer who signs in to see a watchlist holding the gold certificate, followed by
    e-mail alerts: what an employer's portal and notifications look like (issue 18)."""
    employer = await _account(
        "Demo employer (Gulf Builders)", Role.EMPLOYER, tokens, email="buyer@example.org"
    )
    page = await certificates.list_certificates(
        provider=provider_id, status_filter="valid", limit=1, offset=0
    )
    code = page.items[0].code
    made = await watchlists.create(employer, "Demo suppliers")
    await watchlists.add(employer, made.id, code, label="Kathmandu Fair Recruitment")
    alert = await subscriptions.create_email(employer, digest=False, watchlist=made.id)
    return (
        f"employer: watchlist {made.id} holds {code}; e-mail alerts {alert.id} follow it "
        "(without an SMTP server: .eml files under <data_dir>/mail)"
    )


async def _corrective_plan(demo: DemoProvider, staff: Actor) -> str:
    """The silver certificate's audit found non-conformities, each an open corrective
    action (shown on its certificate page): one has a plan awaiting the auditor's review."""
    listed = (await corrective_queries.list_actions(staff)).items
    first = next(a for a in reversed(listed) if a.class_ == "major")
    await corrective_workflow.submit_plan(
        first.id,
        staff,
        root_cause="Demo: recruitment fees were not checked against the fee schedule.",
        plan="Demo: a fee check on every contract by the compliance officer from next month.",
    )
    return (
        f"{demo.name}: {len(listed)} corrective actions open; {first.id} ({first.indicator}) "
        "has a plan awaiting the auditor's review"
    )


async def _application(
    demo: DemoProvider, provider_id: str, ruleset: RuleSet, secretariat: Actor, auditor: Actor
) -> str:
    application = await applications.apply(
        provider_id=provider_id,
        standard="@".join(STANDARD),
        provider_types=list(demo.types),
        corridors=list(demo.corridors),
        actor=secretariat,
    )
    app_id = application.id
    if demo.outcome == "submitted":
        return f"{demo.name}: application {app_id} submitted"
    await assignment.assign(
        app_id, auditor_id=auditor.account_id, audit_date=None, actor=secretariat
    )
    target = (
        demo.outcome if demo.outcome in ("gold", "silver", "bronze", "not_certified") else "silver"
    )
    await _file(app_id, _findings(ruleset, target, dt.date.today()), auditor)
    if demo.outcome == "assessed":
        return f"{demo.name}: application {app_id} assessed, awaiting a decision"
    # The expired certificate was decided 37 months ago: core-rights certificates last 36.
    at = utc_now() - dt.timedelta(days=37 * 31) if demo.outcome == "expired" else None
    decision = await decisions.decide_application(app_id, secretariat, at=at)
    certificate = decision.certificate
    if certificate is None:
        return f"{demo.name}: not certified ({decision.reasons[0].split(':')[0]})"
    if demo.outcome == "suspended":
        await certificates.change_state(
            certificate.id, "suspend", "Demo: complaint under investigation", secretariat.label
        )
    elif demo.outcome == "revoked":
        await certificates.change_state(
            certificate.id,
            "revoke",
            "Demo: worker-paid fees found and not refunded",
            secretariat.label,
        )
    summary = await certificates.get(certificate.id)
    state = f"{summary.status} ({summary.grade})"
    return f"{demo.name}: certificate {summary.code} {state} {summary.url}"
