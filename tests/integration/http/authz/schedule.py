"""Issue 17's rows of the authorization matrix: the surveillance cycle. Two surveillance
audits of A's certified application are scheduled to the assigned auditor before the first
row (as `rightsmark lifecycle run` writes them, one filed over the API, one drafted in the
portal). The calendar is the secretariat's; a scheduled audit exists for its auditor only:
to everybody else, the provider it may be unannounced to and the secretariat included, it
is a 404."""

from __future__ import annotations

import datetime as dt

import msgspec

from registry.clock import utc_now
from registry.db.database import write_transaction
from registry.schedule.tables import ScheduledAuditRow
from tests.integration.http.authz.expectations import Req, Spec, allow, api, get, page
from tests.integration.http.authz.world import AUDITORS, PROVIDERS, Who, World
from tests.support.assessments import submission

API_AUDIT = "sch_authzapi01"
PORTAL_AUDIT = "sch_authzportal01"
S = "/api/v1/scheduled-audits"
P = f"/portal/auditor/scheduled-audits/{PORTAL_AUDIT}"
# Everybody with a session or a token who is not the audit's auditor.
NOT_ITS_AUDITOR = (*PROVIDERS, Who.OTHER_AUDITOR, Who.EXPIRED_AUDITOR, Who.SECRETARIAT)


async def _scheduled(w: World) -> None:
    now = utc_now()
    today = dt.date.today()
    async with write_transaction():
        for public_id in (API_AUDIT, PORTAL_AUDIT):
            await ScheduledAuditRow.insert(
                ScheduledAuditRow(
                    public_id=public_id, kind="surveillance",
                    slot=f"{w.certificate_id}|surveillance|{public_id}",
                    certificate_id=w.certificate_id, application_id=w.app_a,
                    provider_id=w.provider_a, auditor_id=w.ids[Who.AUDITOR],
                    due_on=today + dt.timedelta(days=30), audit_date=today,
                    unannounced=True, state="scheduled", created_at=now, updated_at=now,
                )
            ).run()  # fmt: skip


def _filing(w: World, who: Who) -> Req:
    return Req(
        f"{S}/{API_AUDIT}/assessment",
        content=msgspec.json.encode(submission(w.ruleset, audit_type="surveillance")),
        headers={"Content-Type": "application/json"},
    )


SCHEDULE_SPECS: list[Spec] = [
    Spec(
        "GET /api/v1/surveillance-calendar",
        get("/api/v1/surveillance-calendar"),
        api({Who.SECRETARIAT: 200}),
        before=_scheduled,
    ),
    Spec("GET /api/v1/scheduled-audits", get(S), api(dict.fromkeys(AUDITORS, 200))),
    Spec(
        "GET /api/v1/scheduled-audits/{audit_id:str}",
        get(f"{S}/{API_AUDIT}"),
        api({Who.AUDITOR: 200}, hidden=NOT_ITS_AUDITOR),
    ),
    Spec(
        "POST /api/v1/scheduled-audits/{audit_id:str}/assessment",
        _filing,
        api({Who.AUDITOR: 201}, hidden=NOT_ITS_AUDITOR),
    ),
    Spec(
        "GET /portal/secretariat/surveillance",
        get("/portal/secretariat/surveillance"),
        page({Who.SECRETARIAT: 200}),
    ),
    Spec(
        "GET /portal/auditor/scheduled-audits/{audit_id:str}",
        get(P),
        page({Who.AUDITOR: 200}, hidden=NOT_ITS_AUDITOR),
    ),
    Spec(
        "POST /portal/auditor/scheduled-audits/{audit_id:str}",
        lambda w, who: Req(P, form={"do": "save", "site_name": "HQ"}),
        page({Who.AUDITOR: allow(303, f"{P}?saved=1")}, hidden=NOT_ITS_AUDITOR),
    ),
]
