"""Issue 17's rows of the authorization matrix: self-assessments, their API and portal
pages. Spliced into `expectations.SPECS` before the portal sessions are signed out.

A's self-assessment is attached to a fresh application of A assigned to the assigned
auditor: the provider, the secretariat and that auditor read it; everybody else is told it
does not exist. Only providers file and attach."""

from __future__ import annotations

import datetime as dt

import httpx

from registry import applications
from registry.accounts import authenticate
from registry.applications import ApplicationState
from registry.db.database import write_transaction
from registry.self_assessments import service
from tests.integration.http.authz.expectations import (
    SCOPE,
    Req,
    Spec,
    _submission,
    allow,
    api,
    form,
    get,
    page,
)
from tests.integration.http.authz.world import AUDITORS, DEAD, PROVIDERS, STANDARD, Who, World

S = "/api/v1/self-assessments"
TOKENS = tuple(who for who in Who if who is not Who.ANON and who not in DEAD)
NEW = "/portal/provider/self-assessments/new"
OK = (Who.SECRETARIAT, Who.PROV_A, Who.AUDITOR)  # may read A's attached self-assessment
NOT = (Who.PROV_B, Who.OTHER_AUDITOR, Who.EXPIRED_AUDITOR)


async def _self_assessed(w: World) -> None:
    """A's self-assessment attached to a new application of A, assigned to the auditor; and
    one of B's, attached to nothing."""
    data = _submission(w)
    for who, key in ((Who.PROV_A, "sas_a"), (Who.PROV_B, "sas_b")):
        actor = await authenticate(w.tokens[who])
        assert actor is not None
        w.made[key] = (await service.file_self_assessment(data, actor)).id
    a = await authenticate(w.tokens[Who.PROV_A])
    assert a is not None
    made = await applications.apply(provider_id=w.provider_a, standard=STANDARD, actor=a, **SCOPE)
    async with write_transaction():
        await applications.record_transition(
            made.id,
            ApplicationState.AUDITOR_ASSIGNED,
            actor="test",
            changes={"auditor_id": w.ids[Who.AUDITOR], "audit_date": dt.date.today()},
        )
    await service.attach(made.id, w.made["sas_a"], a)
    w.made["app_sa"] = made.id


def _file(w: World, who: Who) -> Req:
    return Req(S, content=_submission(w), headers={"Content-Type": "application/json"})


def _listed_only_theirs(w: World, who: Who, response: httpx.Response) -> str | None:
    shown = {item["id"] for item in response.json()["items"]}
    if who in PROVIDERS:
        theirs = w.made["sas_b" if who is Who.PROV_A else "sas_a"]
        return f"another provider's {theirs}" if theirs in shown else None
    if who in AUDITORS and who is not Who.AUDITOR and shown:
        return f"self-assessments not attached to its applications: {shown}"
    return None


def _page_only_theirs(w: World, who: Who, response: httpx.Response) -> str | None:
    theirs = w.made["sas_b" if who is Who.PROV_A else "sas_a"]
    return f"another provider's {theirs}" if theirs in response.text else None


SELF_ASSESSMENT_SPECS: list[Spec] = [
    Spec(
        "POST /api/v1/self-assessments",
        _file,
        api({Who.PROV_A: 201, Who.PROV_B: 201}),
        before=_self_assessed,
    ),
    Spec(
        "GET /api/v1/self-assessments",
        get(S),
        api(dict.fromkeys(TOKENS, 200)),
        check=_listed_only_theirs,
    ),
    Spec(
        "GET /api/v1/self-assessments/{self_assessment_id:str}",
        get(lambda w: f"{S}/{w.made['sas_a']}"),
        api(dict.fromkeys(OK, 200), hidden=NOT),
    ),
    Spec(
        "POST /api/v1/applications/{application_id:str}/self-assessment",
        lambda w, _: Req(
            f"/api/v1/applications/{w.made['app_sa']}/self-assessment",
            json={"self_assessment_id": w.made["sas_a"]},
        ),
        api({Who.PROV_A: 200}, hidden=[Who.PROV_B]),
    ),
    Spec(
        "GET /portal/provider/self-assessments",
        get("/portal/provider/self-assessments"),
        page({Who.PROV_A: 200, Who.PROV_B: 200}),
        check=_page_only_theirs,
    ),
    Spec(
        "GET /portal/provider/self-assessments/new",
        get(NEW, standard=STANDARD, provider_types="recruiter"),
        page({Who.PROV_A: 200, Who.PROV_B: 200}),
    ),
    Spec(
        "POST /portal/provider/self-assessments/new",
        form(lambda w: NEW, standard=STANDARD, provider_types="recruiter", do="save"),
        page({who: allow(303, f"{NEW}?*") for who in PROVIDERS}),
    ),
    Spec(
        "GET /portal/self-assessments/{self_assessment_id:str}",
        get(lambda w: f"/portal/self-assessments/{w.made['sas_a']}"),
        page(dict.fromkeys(OK, 200), hidden=NOT),
    ),
    Spec(
        "POST /portal/provider/self-assessments/{self_assessment_id:str}/attach",
        form(
            lambda w: f"/portal/provider/self-assessments/{w.made['sas_a']}/attach",
            application_id="",
        ),
        # its provider reaches the use case, which asks which application (409)
        page({Who.PROV_A: 409}, hidden=[Who.PROV_B]),
    ),
]

__all__ = ["SELF_ASSESSMENT_SPECS"]
