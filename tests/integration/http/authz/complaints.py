"""Issue 15's rows of the authorization matrix: complaints, remedies, special audits,
appeals and the public complaint figures. Spliced into `expectations.SPECS` before the
destructive specs. The complainant's routes are judged twice: with the Complaint-Key
(the key opens the case whoever sends it; tokens are not read) and without it."""

from __future__ import annotations

import datetime as dt
from typing import Any

import httpx

from registry.accounts import Actor, Role
from registry.complaints import filing, handling, remedies, rules, special_audits
from registry.complaints.records import Contact
from tests.integration.http.authz.expectations import (
    Expect,
    Req,
    Spec,
    _submission,
    allow,
    api,
    body,
    deny,
    get,
    page,
    public,
    remember,
)
from tests.integration.http.authz.world import DEAD, PDF, Who, World

SECRET = "Ana Reyes Private"
# Another secretariat member closes the cases the matrix appeals, so that the matrix's
# secretariat took no part in them and may decide the appeal.
_CLOSER = Actor(account_id="acc_closer", role=Role.SECRETARIAT, provider_id=None, token_id="t")
C = "/api/v1/complaints"


def _complaint(w: World, **changes: Any) -> filing.NewComplaint:
    fields: dict[str, Any] = {
        "provider": w.provider_a,
        "categories": ("documents",),
        "description": f"{SECRET} says the passport was kept",
        "country": "PH",
        "workers_affected": 1,
        "contact": Contact(name=SECRET, email="ana@example.org"),
        **changes,
    }
    return filing.NewComplaint(**fields)


async def _case(
    w: World, name: str, *, to: str = "received", outcome: str = "substantiated"
) -> None:
    filed = await filing.file(_complaint(w))
    w.made[name], w.made[f"{name}_key"] = filed.reference, filed.access_key
    if to == "received":
        return
    await handling.acknowledge(filed.reference, _CLOSER)
    if to == "closed":
        await handling.close(filed.reference, rules.Outcome(outcome), "found", _CLOSER)


async def _cases(w: World) -> None:
    await _case(w, "c_main", to="acknowledged")
    await _case(w, "c_ack")
    await _case(w, "c_closed", to="closed")
    await _case(w, "c_erase", to="closed")
    await _case(w, "c_appeal", to="closed")  # nobody of the matrix acts on it before the appeal
    for who in Who:
        await _case(w, f"c_review_{who.value}", to="closed")


def _no_secret(w: World, who: Who, response: httpx.Response) -> str | None:
    if who is Who.SECRETARIAT or response.request.headers.get("complaint-key"):
        return None
    return "the complainant's name or words" if SECRET in response.text else None


def _keyed(path: str, case: str = "c_main", **kw: Any) -> Any:
    def build(w: World, who: Who) -> Req:
        return Req(
            path.format(ref=w.made[case]),
            headers={"Complaint-Key": w.made[f"{case}_key"], **kw.pop("headers", {})},
            **kw,
        )

    return build


def _review(w: World, who: Who) -> Req:
    case = f"c_review_{who.value}"
    return Req(
        f"{C}/{w.made[case]}/review",
        json={"reasons": "please look again"},
        headers={"Complaint-Key": w.made[f"{case}_key"]},
    )


def _file_body(w: World) -> dict[str, Any]:
    return {
        "provider": w.provider_a,
        "categories": ["fees"],
        "description": "charged a fee",
        "country": "PH",
        "workers_affected": 1,
    }


def _pdf(url: Any, *, keyed: bool = False) -> Any:
    def build(w: World, who: Who) -> Req:
        headers = {"Content-Type": "application/pdf"}
        if keyed:
            headers["Complaint-Key"] = w.made["c_main_key"]
        return Req(url(w), content=PDF + who.value.encode(), headers=headers)

    return build


def _no_key(owner_ok: int, *, secretariat: int, hidden_is: int = 404) -> dict[Who, Expect]:
    """A complainant route without the key: anonymous callers find nothing (404), dead
    tokens 401, the provider concerned and the secretariat what their role allows."""
    out: dict[Who, Expect] = {}
    for who in Who:
        if who is Who.ANON:
            out[who] = deny(404)
        elif who in DEAD:
            out[who] = deny(401)
        elif who is Who.SECRETARIAT:
            out[who] = allow(secretariat) if secretariat < 400 else deny(secretariat)
        elif who is Who.PROV_A:
            out[who] = allow(owner_ok)
        elif who is Who.PROV_B:
            out[who] = deny(hidden_is)
        else:
            out[who] = deny(403)
    return out


def _today(days: int) -> str:
    return (dt.date.today() + dt.timedelta(days=days)).isoformat()


COMPLAINT_SPECS: list[Spec] = [
    Spec(
        "POST /api/v1/complaints",
        lambda w, who: Req(C, json=_file_body(w)),
        public(201),
        before=_cases,
    ),
    Spec(
        "GET /api/v1/complaints/{reference:str}",
        _keyed(C + "/{ref}"),
        public(200),
        variant="with its Complaint-Key",
    ),
    Spec(
        "GET /api/v1/complaints/{reference:str}",
        get(lambda w: f"{C}/{w.made['c_main']}"),
        _no_key(200, secretariat=200),
        variant="with a token, no key",
        check=_no_secret,
    ),
    Spec(
        "POST /api/v1/complaints/{reference:str}/messages",
        _keyed(C + "/{ref}/messages", json={"body": "more"}),
        public(201),
    ),
    Spec(
        "POST /api/v1/complaints/{reference:str}/attachments",
        _pdf(lambda w: f"{C}/{w.made['c_main']}/attachments", keyed=True),
        public(201),
        variant="the complainant's, with its key",
        after=remember("c_file", who=Who.ANON),
    ),
    Spec(
        "POST /api/v1/complaints/{reference:str}/attachments",
        _pdf(lambda w: f"{C}/{w.made['c_main']}/attachments"),
        _no_key(201, secretariat=403),
        variant="the provider's, with its token",
        after=remember("p_file", who=Who.PROV_A),
    ),
    Spec("POST /api/v1/complaints/{reference:str}/review", _review, public(201)),
    Spec(
        "GET /api/v1/complaints",
        get(C),
        api({Who.SECRETARIAT: 200, Who.PROV_A: 200, Who.PROV_B: 200}),
        check=_no_secret,
    ),
    Spec(
        "POST /api/v1/complaints/{reference:str}/acknowledge",
        body(lambda w: f"{C}/{w.made['c_ack']}/acknowledge", {}),
        api({Who.SECRETARIAT: 200}),
    ),
    Spec(
        "POST /api/v1/complaints/{reference:str}/handler",
        lambda w, who: Req(
            f"{C}/{w.made['c_main']}/handler", json={"handler_id": w.ids[Who.SECRETARIAT]}
        ),
        api({Who.SECRETARIAT: 200}),
    ),
    Spec(
        "POST /api/v1/complaints/{reference:str}/questions",
        body(
            lambda w: f"{C}/{w.made['c_main']}/questions",
            {"to": "provider", "body": "respond", "response_due": _today(10)},
        ),
        api({Who.SECRETARIAT: 201}),
    ),
    Spec(
        "POST /api/v1/complaints/{reference:str}/response",
        body(lambda w: f"{C}/{w.made['c_main']}/response", {"body": "our answer"}),
        api({Who.PROV_A: 201}, hidden=[Who.PROV_B]),
    ),
    Spec(
        "POST /api/v1/complaints/{reference:str}/special-audits",
        lambda w, who: Req(
            f"{C}/{w.made['c_main']}/special-audits",
            json={"auditor_id": w.ids[Who.AUDITOR], "audit_date": _today(0)},
        ),
        api({Who.SECRETARIAT: 201}),
        after=remember("special_audit", who=Who.SECRETARIAT),
    ),
    Spec(
        "GET /api/v1/special-audits",
        get("/api/v1/special-audits"),
        api(
            dict.fromkeys(
                (Who.SECRETARIAT, Who.AUDITOR, Who.OTHER_AUDITOR, Who.EXPIRED_AUDITOR), 200
            )
        ),
    ),
    Spec(
        "POST /api/v1/special-audits/{audit_id:str}/assessment",
        lambda w, who: Req(
            f"/api/v1/special-audits/{w.made['special_audit']}/assessment",
            content=_submission(w, audit_type="special"),
            headers={"Content-Type": "application/json"},
        ),
        api({Who.AUDITOR: 201}, hidden=[Who.OTHER_AUDITOR, Who.EXPIRED_AUDITOR]),
    ),
    Spec(
        "POST /api/v1/complaints/{reference:str}/suspension",
        body(lambda w: f"{C}/{w.made['c_main']}/suspension", {"indicator": "DOC-1"}),
        api({Who.SECRETARIAT: 200}),
    ),
    Spec(
        "POST /api/v1/complaints/{reference:str}/close",
        body(
            lambda w: f"{C}/{w.made['c_main']}/close",
            {"outcome": "partly_substantiated", "reasons": "in part"},
        ),
        api({Who.SECRETARIAT: 200}),
    ),
    Spec(
        "POST /api/v1/complaints/{reference:str}/remedies",
        body(
            lambda w: f"{C}/{w.made['c_closed']}/remedies",
            {"kind": "returned_document", "deadline": _today(30)},
        ),
        api({Who.SECRETARIAT: 201}),
        after=remember("remedy", who=Who.SECRETARIAT),
    ),
    Spec(
        "GET /api/v1/remedies",
        get("/api/v1/remedies"),
        api({Who.SECRETARIAT: 200, Who.PROV_A: 200, Who.PROV_B: 200}),
    ),
    Spec(
        "POST /api/v1/remedies/{remedy_id:str}/confirm",
        body(lambda w: f"/api/v1/remedies/{w.made['remedy']}/confirm"),
        api({Who.SECRETARIAT: 200}),
    ),
    Spec(
        "GET /api/v1/providers/{provider_id:str}/complaint-statistics",
        get(lambda w: f"/api/v1/providers/{w.provider_a}/complaint-statistics"),
        public(200),
        check=_no_secret,
    ),
    Spec(
        "POST /api/v1/providers/{provider_id:str}/workforce",
        body(
            lambda w: f"/api/v1/providers/{w.provider_a}/workforce",
            {"workers_deployed": 1200, "period": "2026"},
        ),
        api({Who.SECRETARIAT: 200, Who.PROV_A: 200}, hidden=[Who.PROV_B]),
    ),
    Spec(
        "POST /api/v1/appeals",
        lambda w, who: Req(
            "/api/v1/appeals",
            json={
                "subject": "complaint_outcome",
                "target": w.made["c_appeal"],
                "reasons": "we disagree",
            },
        ),
        api({Who.PROV_A: 201}, hidden=[Who.PROV_B]),
        after=remember("appeal", who=Who.PROV_A),
    ),
    Spec(
        "GET /api/v1/appeals",
        get("/api/v1/appeals"),
        api({Who.SECRETARIAT: 200, Who.PROV_A: 200, Who.PROV_B: 200}),
    ),
    Spec(
        "GET /api/v1/appeals/{appeal_id:str}",
        get(lambda w: f"/api/v1/appeals/{w.made['appeal']}"),
        api({Who.SECRETARIAT: 200, Who.PROV_A: 200}, hidden=[Who.PROV_B]),
    ),
    Spec(
        "POST /api/v1/appeals/{appeal_id:str}/attachments",
        _pdf(lambda w: f"/api/v1/appeals/{w.made['appeal']}/attachments"),
        api({Who.PROV_A: 201}, hidden=[Who.PROV_B]),
        after=remember("appeal_file", who=Who.PROV_A),
    ),
    Spec(
        "POST /api/v1/appeals/{appeal_id:str}/decision",
        body(
            lambda w: f"/api/v1/appeals/{w.made['appeal']}/decision",
            {"outcome": "upheld", "reasons": "the finding stands"},
        ),
        api({Who.SECRETARIAT: 200}),
    ),
    Spec(
        "POST /api/v1/complaints/{reference:str}/erase",
        body(lambda w: f"{C}/{w.made['c_erase']}/erase"),
        api({Who.SECRETARIAT: 204}),
    ),
]


# --- the pages and the portal (issue 15's web routes) ------------------------------------

W = "/portal/secretariat/complaints"


async def _web_cases(w: World) -> None:
    """Cases of their own for the page rows, so that the API rows' steps do not decide them."""
    await _case(w, "w_ack")
    await _case(w, "w_main", to="acknowledged")
    await _case(w, "w_close", to="acknowledged")
    await _case(w, "w_remedy", to="closed")
    await _case(w, "w_appeal", to="closed")
    for who in Who:
        await _case(w, f"w_review_{who.value}", to="closed")
    ordered = await remedies.order(
        w.made["w_remedy"],
        remedies.RemedyOrder(
            kind=rules.RemedyKind.RETURNED_DOCUMENT,
            deadline=dt.date.today() + dt.timedelta(days=30),
        ),
        _CLOSER,
    )
    w.made["w_remedy_id"] = ordered.id
    special = await special_audits.order(
        w.made["w_main"],
        _CLOSER,
        auditor_id=w.ids[Who.AUDITOR],
        audit_date=dt.date.today(),
        unannounced=True,
        certificate=w.certificate_code,
    )
    w.made["w_special"] = special.id


def _tracked(path: str, case: str = "w_main", **fields: str) -> Any:
    """A complainant's form on the public pages: the reference and key in the form."""

    def build(w: World, who: Who) -> Req:
        name = case.format(who=who.value)
        return Req(path, form={"reference": w.made[name], "key": w.made[f"{name}_key"], **fields})

    return build


def _case_form(action: str, case: str = "w_main", **fields: Any) -> Any:
    def build(w: World, who: Who) -> Req:
        values = {k: v(w) if callable(v) else v for k, v in fields.items()}
        return Req(f"{W}/{w.made[case]}/{action}", form=values)

    return build


def _back_to_the_case() -> dict[Who, Expect]:
    return page({Who.SECRETARIAT: allow(303, f"{W}/RMC-*")})


WEB_SPECS: list[Spec] = [
    Spec(
        "GET /certificates/{ref:str}/qr.svg",
        get(lambda w: f"/certificates/{w.certificate_code}/qr.svg"),
        public(),
        before=_web_cases,
    ),
    Spec("GET /complaints/new", get("/complaints/new"), public()),
    Spec(
        "POST /complaints/new",
        lambda w, who: Req(
            "/complaints/new",
            form={
                "provider": w.provider_a,
                "categories": "fees",
                "description": "charged a fee",
                "country": "PH",
                "workers_affected": "1",
            },
        ),
        public(201),
    ),
    Spec("GET /complaints/track", get("/complaints/track"), public()),
    Spec("POST /complaints/track", _tracked("/complaints/track"), public()),
    Spec(
        "POST /complaints/track/message",
        _tracked("/complaints/track/message", body="more"),
        public(),
    ),
    Spec(
        "POST /complaints/track/review",
        _tracked("/complaints/track/review", "w_review_{who}", reasons="please look again"),
        public(),
    ),
    Spec("GET /portal/secretariat/complaints", get(W), page({Who.SECRETARIAT: 200})),
    Spec(
        "GET /portal/secretariat/complaints/{reference:str}",
        get(lambda w: f"{W}/{w.made['w_main']}"),
        page({Who.SECRETARIAT: 200}),
    ),
    Spec(
        "POST /portal/secretariat/complaints/{reference:str}/acknowledge",
        _case_form("acknowledge", "w_ack"),
        _back_to_the_case(),
    ),
    Spec(
        "POST /portal/secretariat/complaints/{reference:str}/assign",
        _case_form("assign", handler_id=lambda w: w.ids[Who.SECRETARIAT]),
        _back_to_the_case(),
    ),
    Spec(
        "POST /portal/secretariat/complaints/{reference:str}/ask",
        _case_form("ask", to="complainant", body="When did it happen?"),
        _back_to_the_case(),
    ),
    Spec(
        "POST /portal/secretariat/complaints/{reference:str}/special-audit",
        _case_form(
            "special-audit",
            auditor_id=lambda w: w.ids[Who.AUDITOR],
            audit_date=lambda w: _today(1),
            certificate=lambda w: w.certificate_code,
        ),
        _back_to_the_case(),
    ),
    Spec(  # the page names the missing indicator: authorized, refused as input, nothing done
        "POST /portal/secretariat/complaints/{reference:str}/suspend",
        _case_form("suspend", indicator=""),
        page({Who.SECRETARIAT: 422}),
        variant="without an indicator",
    ),
    Spec(
        "POST /portal/secretariat/complaints/{reference:str}/close",
        _case_form("close", "w_close", outcome="not_substantiated", reasons="no evidence"),
        _back_to_the_case(),
    ),
    Spec(
        "POST /portal/secretariat/complaints/{reference:str}/remedy",
        _case_form("remedy", "w_remedy", kind="returned_document", deadline=lambda w: _today(20)),
        _back_to_the_case(),
    ),
    Spec(
        "POST /portal/secretariat/complaints/{reference:str}/remedies/{remedy_id:str}/confirm",
        lambda w, who: Req(
            f"{W}/{w.made['w_remedy']}/remedies/{w.made['w_remedy_id']}/confirm", form={}
        ),
        _back_to_the_case(),
    ),
    Spec(
        "GET /portal/provider/complaints",
        get("/portal/provider/complaints"),
        page({Who.PROV_A: 200, Who.PROV_B: 200}),
        check=_no_secret,
    ),
    Spec(
        "GET /portal/provider/complaints/{reference:str}",
        get(lambda w: f"/portal/provider/complaints/{w.made['w_main']}"),
        page({Who.PROV_A: 200}, hidden=[Who.PROV_B]),
        check=_no_secret,
    ),
    Spec(
        "POST /portal/provider/complaints/{reference:str}/respond",
        lambda w, who: Req(
            f"/portal/provider/complaints/{w.made['w_main']}/respond", form={"body": "our answer"}
        ),
        page({Who.PROV_A: allow(303, "/portal/provider/complaints/RMC-*")}, hidden=[Who.PROV_B]),
    ),
    Spec(
        "GET /portal/provider/appeals",
        get("/portal/provider/appeals"),
        page({Who.PROV_A: 200, Who.PROV_B: 200}),
    ),
    Spec(
        "POST /portal/provider/appeals",
        lambda w, who: Req(
            "/portal/provider/appeals",
            form={"subject": "complaint_outcome", "target": w.made["w_appeal"], "reasons": "no"},
        ),
        page({Who.PROV_A: allow(303, "/portal/provider/appeals")}, hidden=[Who.PROV_B]),
    ),
    Spec(
        "GET /portal/secretariat/appeals",
        get("/portal/secretariat/appeals"),
        page({Who.SECRETARIAT: 200}),
    ),
    Spec(
        "GET /portal/secretariat/appeals/{appeal_id:str}",
        get(lambda w: f"/portal/secretariat/appeals/{w.made['appeal']}"),
        page({Who.SECRETARIAT: 200}),
    ),
    Spec(  # the decision is the API row's; here the form's own refusal of a non-choice
        "POST /portal/secretariat/appeals/{appeal_id:str}/decide",
        lambda w, who: Req(
            f"/portal/secretariat/appeals/{w.made['appeal']}/decide",
            form={"decision": "maybe", "reasons": "?"},
        ),
        page({Who.SECRETARIAT: 422}),
        variant="neither uphold nor overturn",
    ),
    Spec(
        "GET /api/v1/applications/{application_id:str}/complaint-history",
        get(lambda w: f"/api/v1/applications/{w.app_a}/complaint-history"),
        api(
            {Who.SECRETARIAT: 200, Who.AUDITOR: 200},
            hidden=[Who.OTHER_AUDITOR, Who.EXPIRED_AUDITOR],
        ),
        check=_no_secret,
    ),
]
# The files, once they have been sent; the auditor's special audit in the portal.
WEB_SPECS += [
    Spec(
        "GET /portal/auditor/special-audits/{audit_id:str}",
        get(lambda w: f"/portal/auditor/special-audits/{w.made['w_special']}"),
        page({Who.AUDITOR: 200}, hidden=[Who.OTHER_AUDITOR, Who.EXPIRED_AUDITOR]),
    ),
    Spec(
        "POST /portal/auditor/special-audits/{audit_id:str}",
        lambda w, who: Req(
            f"/portal/auditor/special-audits/{w.made['w_special']}",
            form={"do": "save", "site_name": "HQ"},
        ),
        page(
            {Who.AUDITOR: allow(303, "/portal/auditor/special-audits/*")},
            hidden=[Who.OTHER_AUDITOR, Who.EXPIRED_AUDITOR],
        ),
    ),
    Spec(
        "GET /api/v1/complaints/{reference:str}/attachments/{attachment_id:str}",
        lambda w, who: Req(
            f"{C}/{w.made['c_main']}/attachments/{w.made['c_file']}",
            headers={"Complaint-Key": w.made["c_main_key"]},
        ),
        public(200),
        variant="the complainant's, with its key",
    ),
    Spec(
        "GET /api/v1/complaints/{reference:str}/attachments/{attachment_id:str}",
        get(lambda w: f"{C}/{w.made['c_main']}/attachments/{w.made['p_file']}"),
        # An employer's token reaches the file look-up, which finds none of its own: 404.
        {**_no_key(200, secretariat=200), Who.EMPLOYER: deny(404)},
        variant="the provider's, with a token",
    ),
    Spec(
        "GET /api/v1/appeals/{appeal_id:str}/attachments/{attachment_id:str}",
        get(lambda w: f"/api/v1/appeals/{w.made['appeal']}/attachments/{w.made['appeal_file']}"),
        api({Who.SECRETARIAT: 200, Who.PROV_A: 200}, hidden=[Who.PROV_B]),
    ),
    Spec(
        "GET /portal/secretariat/complaints/{reference:str}/files/{attachment_id:str}",
        get(lambda w: f"{W}/{w.made['c_main']}/files/{w.made['c_file']}"),
        page({Who.SECRETARIAT: 200}),
    ),
    Spec(
        "GET /portal/secretariat/appeals/{appeal_id:str}/files/{attachment_id:str}",
        get(
            lambda w: (
                f"/portal/secretariat/appeals/{w.made['appeal']}/files/{w.made['appeal_file']}"
            )
        ),
        page({Who.SECRETARIAT: 200}),
    ),
]
COMPLAINT_SPECS += WEB_SPECS
