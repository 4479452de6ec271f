"""Issue 17's rows of the authorization matrix: corrective actions. One action of provider A
(its certified application, reviewed by the assigned auditor) is made before the first row;
the rows then take it through plan, review, evidence and verified closure. Another
provider's action, or an action of an application assigned to another auditor, is a 404."""

from __future__ import annotations

import datetime as dt

from registry.clock import utc_now
from registry.corrective.tables import CorrectiveActionRow
from registry.db.database import write_transaction
from tests.integration.http.authz.expectations import Spec, api, body, get
from tests.integration.http.authz.world import STANDARD, Who, World

C = "/api/v1/corrective-actions"
ACTION = "cap_authzmatrix01"
_REVIEWERS_HIDDEN = (Who.OTHER_AUDITOR, Who.EXPIRED_AUDITOR)


async def _action(w: World) -> None:
    now = utc_now()
    async with write_transaction():
        await CorrectiveActionRow.insert(
            CorrectiveActionRow(
                public_id=ACTION, application_id=w.app_a, provider_id=w.provider_a,
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
