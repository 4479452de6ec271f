"""Issue 17's rows of the authorization matrix: corrective actions. One action of provider A
(its certified application, reviewed by the assigned auditor) is made before the first row;
the rows then take it through plan, review, evidence and verified closure. Another
provider's action, or an action of an application assigned to another auditor, is a 404.
The portal's rows take a second action the same way through the portal's forms."""

from __future__ import annotations

import datetime as dt

import httpx

from registry.clock import utc_now
from registry.corrective.tables import CorrectiveActionRow
from registry.db.database import write_transaction
from tests.integration.http.authz.expectations import Spec, allow, api, body, form, get, page
from tests.integration.http.authz.world import AUDITORS, PROVIDERS, STANDARD, Who, World

C = "/api/v1/corrective-actions"
ACTION = "cap_authzmatrix01"
PORTAL_ACTION = "cap_authzportal01"
P = f"/portal/corrective-actions/{PORTAL_ACTION}"
_REVIEWERS_HIDDEN = (Who.OTHER_AUDITOR, Who.EXPIRED_AUDITOR)


async def _action(w: World, public_id: str = ACTION) -> None:
    now = utc_now()
    async with write_transaction():
        await CorrectiveActionRow.insert(
            CorrectiveActionRow(
                public_id=public_id, application_id=w.app_a, provider_id=w.provider_a,
                assessment_id=w.assessment_a, standard=STANDARD, indicator="GRV-2",
                category="GRV", klass="major", finding="private finding",
                plan_due=dt.date.today() + dt.timedelta(days=14),
                close_by=dt.date.today() + dt.timedelta(days=60),
                progress="open", state="open", evidence="[]", opened_at=now, updated_at=now,
            )
        ).run()  # fmt: skip


_ALL_TOKENS: dict[Who, int] = {
    who: 200 for who in Who if who not in (Who.ANON, Who.REVOKED, Who.EXPIRED)
}

CORRECTIVE_SPECS: list[Spec] = [
    Spec("GET /api/v1/corrective-actions", get(C), api(_ALL_TOKENS), before=_action),
    Spec(
        "GET /api/v1/corrective-actions/{action_id:str}",
        get(lambda w: f"{C}/{ACTION}"),
        api(
            {Who.SECRETARIAT: 200, Who.PROV_A: 200, Who.AUDITOR: 200},
            hidden=(Who.PROV_B, *_REVIEWERS_HIDDEN),
        ),
    ),
    Spec(
        "POST /api/v1/corrective-actions/{action_id:str}/plan",
        body(lambda w: f"{C}/{ACTION}/plan", {"root_cause": "no owner", "plan": "name one"}),
        api({Who.PROV_A: 200}, hidden=(Who.PROV_B,)),
    ),
    Spec(
        "POST /api/v1/corrective-actions/{action_id:str}/plan-review",
        body(lambda w: f"{C}/{ACTION}/plan-review", {"accept": True}),
        # The matrix's standard (core-rights 1.0.0) allows no desk review by the secretariat.
        api({Who.AUDITOR: 200}, hidden=_REVIEWERS_HIDDEN),
    ),
    Spec(
        "POST /api/v1/corrective-actions/{action_id:str}/evidence",
        body(lambda w: f"{C}/{ACTION}/evidence", {"note": "owner named"}),
        api({Who.PROV_A: 200}, hidden=(Who.PROV_B,)),
    ),
    Spec(
        "POST /api/v1/corrective-actions/{action_id:str}/closure-review",
        body(lambda w: f"{C}/{ACTION}/closure-review", {"accept": True}),
        api({Who.AUDITOR: 200}, hidden=_REVIEWERS_HIDDEN),
    ),
]


async def _portal_action(w: World) -> None:
    await _action(w, PORTAL_ACTION)


def _only_theirs(w: World, who: Who, response: httpx.Response) -> str | None:
    """A list shows A's actions to A and to A's auditor only."""
    sees_a = who in (Who.PROV_A, Who.AUDITOR)
    if not sees_a and PORTAL_ACTION in response.text:
        return f"A's action {PORTAL_ACTION}"
    return None


_AT = allow(303, P)  # the form done: back to the action's page

CORRECTIVE_SPECS += [
    Spec(
        "GET /portal/corrective-actions/{action_id:str}",
        get(lambda w: P),
        page(
            {Who.SECRETARIAT: 200, Who.PROV_A: 200, Who.AUDITOR: 200},
            hidden=(Who.PROV_B, *_REVIEWERS_HIDDEN),
        ),
        before=_portal_action,
    ),
    Spec(
        "GET /portal/provider/corrective-actions",
        get("/portal/provider/corrective-actions"),
        page(dict.fromkeys(PROVIDERS, 200)),
        check=_only_theirs,
    ),
    Spec(
        "GET /portal/auditor/corrective-actions",
        get("/portal/auditor/corrective-actions"),
        page(dict.fromkeys(AUDITORS, 200)),
        check=_only_theirs,
    ),
    Spec(
        "GET /portal/secretariat/corrective-actions",
        get("/portal/secretariat/corrective-actions"),
        page({Who.SECRETARIAT: 200}),
    ),
    Spec(
        "GET /portal/secretariat/corrective-actions/overdue",
        get("/portal/secretariat/corrective-actions/overdue"),
        page({Who.SECRETARIAT: 200}),
    ),
    Spec(
        "POST /portal/corrective-actions/{action_id:str}/plan",
        form(lambda w: f"{P}/plan", root_cause="no owner", plan="name one"),
        page({Who.PROV_A: _AT}, hidden=(Who.PROV_B,)),
    ),
    Spec(
        "POST /portal/corrective-actions/{action_id:str}/plan-review",
        form(lambda w: f"{P}/plan-review", decision="accept"),
        # core-rights 1.0.0 allows the secretariat no desk review: refused on the page.
        page({Who.AUDITOR: _AT}, hidden=_REVIEWERS_HIDDEN),
    ),
    Spec(
        "POST /portal/corrective-actions/{action_id:str}/evidence",
        form(lambda w: f"{P}/evidence", note="owner named"),
        page({Who.PROV_A: _AT}, hidden=(Who.PROV_B,)),
    ),
    Spec(
        "POST /portal/corrective-actions/{action_id:str}/closure-review",
        form(lambda w: f"{P}/closure-review", decision="accept"),
        page({Who.AUDITOR: _AT}, hidden=_REVIEWERS_HIDDEN),
    ),
]
