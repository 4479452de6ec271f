"""The expected answer of every endpoint to every kind of caller.

One `Spec` per endpoint (`"METHOD /path"` exactly as the app's route table names it), or
several (variants) where one request cannot say everything. Specs run in this order, each
sending one real request per caller: the denied callers first, then the allowed ones, so a
deny is always judged on untouched data and an allowed write happens once. Destructive
writes come last. What the API documents (README "The API at a glance", "Who sees what",
"Errors are problem details"):

- no, revoked or expired token on a guarded operation: 401;
- a role the operation is not for: 403;
- someone else's application, evidence, assessment, decision, reports, private organisation
  record or identity change: 404, as if it did not exist (a conflict's other party: 403);
- public reads and pages: the same answer for everybody, tokens ignored.

Portal pages (sessions, not bearer tokens): no session is a 303 to the sign-in form; a
session whose token was revoked or expired since sign-in is a 303 to `?ended=1`; a role the
page is not for is a 403 page.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import httpx
import msgspec

from registry import applications, conflicts, identity
from registry.accounts import authenticate
from registry.applications import ApplicationState
from registry.providers import Licence, ProviderInput
from tests.integration.http.authz.world import (
    AUDITORS,
    DEAD,
    PROVIDERS,
    STANDARD,
    Who,
    World,
    assessment_form,
    draft_yaml,
)
from tests.support.assessments import submission

SCOPE: dict[str, Any] = {"provider_types": ["recruiter"], "corridors": ["PH-AE"]}
VIEWERS_OF_A = (Who.SECRETARIAT, Who.PROV_A, Who.AUDITOR)  # may see A's first application
HIDDEN_FROM_A = (Who.PROV_B, Who.OTHER_AUDITOR, Who.EXPIRED_AUDITOR)
TOKENS = tuple(who for who in Who if who is not Who.ANON and who not in DEAD)


@dataclass(frozen=True)
class Expect:
    status: int
    allow: bool
    location: str | None = None  # a redirect's Location; a trailing * matches a prefix

    def matches(self, response: httpx.Response) -> bool:
        if response.status_code != self.status:
            return False
        if not self.allow and not response.request.url.path.startswith("/portal"):
            # An API refusal is a problem document; a 401 says how to authenticate.
            kind = str(response.headers.get("content-type", ""))
            if not kind.startswith("application/problem+json"):
                return False
            if self.status == 401 and "www-authenticate" not in response.headers:
                return False
        if self.location is None:
            return True
        got = str(response.headers.get("location", ""))
        if self.location.endswith("*"):
            return got.startswith(self.location[:-1])
        return got == self.location


@dataclass(frozen=True)
class Req:
    url: str
    params: Mapping[str, Any] | None = None
    json: Any = None
    content: bytes | None = None
    headers: Mapping[str, str] | None = None
    form: Mapping[str, str] | None = None  # a portal form: the session's CSRF token is added
    files: Mapping[str, tuple[str, bytes, str]] | None = None  # with `form`: multipart


Build = Callable[[World, Who], Req]
Hook = Callable[[World], Awaitable[None]]
After = Callable[[World, Who, httpx.Response], None]
Check = Callable[[World, Who, httpx.Response], str | None]


@dataclass(frozen=True)
class Spec:
    route: str  # "METHOD /path/{param:type}", as the route table names it
    request: Build
    expect: Mapping[Who, Expect]
    variant: str = ""
    before: Hook | None = None  # prepares the data the allowed cells act on
    after: After | None = None  # records what an allowed cell created
    check: Check | None = None  # what an allowed answer must not show: None, or the leak

    @property
    def method(self) -> str:
        return self.route.split(" ", 1)[0]

    @property
    def label(self) -> str:
        return f"{self.route} [{self.variant}]" if self.variant else self.route


def allow(status: int = 200, location: str | None = None) -> Expect:
    return Expect(status, True, location)


def deny(status: int, location: str | None = None) -> Expect:
    return Expect(status, False, location)


def public(status: int = 200) -> dict[Who, Expect]:
    """The same answer for everybody: tokens, valid or not, are not even read."""
    return {who: allow(status) for who in Who}


def api(ok: Mapping[Who, int], *, hidden: Iterable[Who] = ()) -> dict[Who, Expect]:
    """A guarded operation: `ok` callers get their status; no or a dead token 401; callers
    for whom the data does not exist (`hidden`) 404; everybody else 403."""
    hidden = set(hidden)
    if {Who.PROV_B, Who.OTHER_AUDITOR} <= hidden:  # hidden from every non-party: employers too
        hidden.add(Who.EMPLOYER)
    out: dict[Who, Expect] = {}
    for who in Who:
        if who in ok:
            out[who] = allow(ok[who])
        elif who is Who.ANON or who in DEAD:
            out[who] = deny(401)
        else:
            out[who] = deny(404 if who in hidden else 403)
    return out


def page(ok: Mapping[Who, int | Expect], *, hidden: Iterable[Who] = ()) -> dict[Who, Expect]:
    """A signed-in portal page or form: as `api`, with sessions instead of tokens."""
    hidden = set(hidden)
    if {Who.PROV_B, Who.OTHER_AUDITOR} <= hidden:  # hidden from every non-party: employers too
        hidden.add(Who.EMPLOYER)
    out: dict[Who, Expect] = {}
    for who in Who:
        if who in ok:
            wanted = ok[who]
            out[who] = wanted if isinstance(wanted, Expect) else allow(wanted)
        elif who is Who.ANON:
            out[who] = deny(303, "/portal/sign-in")
        elif who in DEAD:
            out[who] = deny(303, "/portal/sign-in?ended=1")
        else:
            out[who] = deny(404 if who in hidden else 403)
    return out


def get(url: str | Callable[[World], str], **params: Any) -> Build:
    def build(w: World, _: Who) -> Req:
        return Req(url(w) if callable(url) else url, params=params or None)

    return build


def body(url: Callable[[World], str], payload: Any = None) -> Build:
    def build(w: World, _: Who) -> Req:
        return Req(url(w), json=payload)

    return build


def form(url: Callable[[World], str], **fields: str) -> Build:
    def build(w: World, _: Who) -> Req:
        return Req(url(w), form=fields)

    return build


def remember(key: str, *, who: Who, field: str = "id") -> After:
    def after(w: World, caller: Who, response: httpx.Response) -> None:
        if caller is who and response.status_code < 300:
            w.made[key] = str(response.json()[field])

    return after


REASON = {"reason": "authorization matrix"}


# --- requests whose body depends on the caller ------------------------------------------


def _apply(w: World, who: Who) -> Req:
    """Everybody applies for provider A, except the secretariat, which applies for C (A
    may have one live application per cycle)."""
    provider = w.provider_c if who is Who.SECRETARIAT else w.provider_a
    return Req(
        "/api/v1/applications", json={"standard": STANDARD, "provider_id": provider, **SCOPE}
    )


def _after_apply(w: World, who: Who, response: httpx.Response) -> None:
    if response.status_code == 201:
        w.made["app_c" if who is Who.SECRETARIAT else "app_a2"] = response.json()["id"]


def _upload(w: World, who: Who) -> Req:
    return Req(
        "/api/v1/evidence",
        params={"application_id": w.made["app_a2"], "filename": f"{who.value}.txt"},
        content=f"evidence from {who.value}\n".encode(),
        headers={"Content-Type": "text/plain"},
    )


def _filing(application: Callable[[World], str]) -> Build:
    def build(w: World, who: Who) -> Req:
        return Req(
            f"/api/v1/applications/{application(w)}/assessments",
            content=_submission(w),
            headers={
                "Content-Type": "application/json",
                "Idempotency-Key": f"matrix-{who}-{application(w)}",
            },
        )

    return build


def _submission(w: World, **changes: Any) -> bytes:
    return msgspec.json.encode(submission(w.ruleset, **changes))


def _amend(w: World, who: Who) -> Req:
    return Req(
        f"/api/v1/assessments/{w.made['assessment_a2']}/amendments",
        content=_submission(w, workers_interviewed=30),
        headers={"Content-Type": "application/json", "Idempotency-Key": f"amend-{who}"},
    )


def _declare(w: World, who: Who) -> Req:
    """An auditor names provider D; provider A the expired auditor, B the spare auditor; the
    secretariat names provider C and the spare auditor (nobody's assignments depend on
    any of them, and no pair is declared twice by the same side)."""
    if who in AUDITORS:
        payload = {"provider_id": w.provider_d, "reason": "a former employer"}
    elif who is Who.SECRETARIAT:
        payload = {"provider_id": w.provider_c, "auditor_id": w.spare_auditor, "reason": "r"}
    elif who is Who.PROV_A:
        payload = {"auditor_id": w.ids[Who.EXPIRED_AUDITOR], "reason": "a relative"}
    else:
        payload = {"auditor_id": w.spare_auditor, "reason": "a relative"}
    return Req("/api/v1/conflicts", json=payload)


def _pending_conflict(
    key: str, declarer: Who, *, provider: str, auditor: Who | None = None
) -> Hook:
    """A fresh pending conflict for a review or withdrawal cell, kept as `w.made[key]`:
    `declarer` (an auditor naming `provider`, or a provider naming `auditor`)."""

    async def hook(w: World) -> None:
        actor = await authenticate(w.tokens[declarer])
        assert actor is not None
        declared = await conflicts.declare(
            actor,
            provider_id=getattr(w, provider),
            auditor_id=w.ids[auditor] if auditor else None,
            reason="for the authorization matrix",
        )
        w.made[key] = declared.id

    return hook


def _withdraw_conflict(w: World, who: Who) -> Req:
    """The secretariat withdraws provider A's declaration; everybody else tries the one the
    assigned auditor declared, naming provider B."""
    target = w.conflict_by_provider if who is Who.SECRETARIAT else w.conflict_by_auditor
    return Req(f"/api/v1/conflicts/{target}/withdraw", json={"reason": "no longer relevant"})


async def _ask(w: World, who: Who, trading_name: str) -> str:
    """A pending identity change of `who`'s provider (both have applied)."""
    actor = await authenticate(w.tokens[who])
    assert actor is not None
    outcome = await identity.update(
        w.provider_of(who),
        ProviderInput(trading_names=[trading_name]),
        actor,
        explanation="authorization matrix",
    )
    assert outcome.change is not None
    return outcome.change.id


async def _identity_requests(w: World) -> None:
    w.made["change_a"] = await _ask(w, Who.PROV_A, "Uno Trading")
    w.made["change_b"] = await _ask(w, Who.PROV_B, "Dos Trading")


def _identity_request(key: str) -> Hook:
    async def before(w: World) -> None:
        w.made[key] = await _ask(w, Who.PROV_A, f"Uno {key}")

    return before


def _own_identity_changes(w: World, who: Who, response: httpx.Response) -> str | None:
    if who is Who.SECRETARIAT:
        return None
    theirs = [c["id"] for c in response.json()["items"] if c["provider_id"] != w.provider_of(who)]
    return f"another provider's identity changes: {theirs}" if theirs else None


def _withdraw_change(w: World, who: Who) -> Req:
    """The secretariat withdraws B's request; everybody else tries A's."""
    change = w.made["change_b"] if who is Who.SECRETARIAT else w.made["change_a"]
    return Req(f"/api/v1/identity-changes/{change}/withdraw")


async def _licence_of_a(w: World) -> None:
    licence = Licence(
        country="PH", number="DMW-1", issuing_authority="DMW", expires_on=dt.date(2031, 1, 1)
    )
    await identity.update(
        w.provider_a, ProviderInput(licences=[licence]), w.sec_actor, explanation="matrix"
    )


async def _throwaway_applications(w: World) -> None:
    """A third application of A (A's second was certified by now) and one of provider D."""
    a = await authenticate(w.tokens[Who.PROV_A])
    assert a is not None
    for key, provider, actor in (
        ("app_a3", w.provider_a, a),
        ("app_d", w.provider_d, w.sec_actor),
    ):
        made = await applications.apply(
            provider_id=provider, standard=STANDARD, actor=actor, **SCOPE
        )
        w.made[key] = made.id


def _withdraw(w: World, who: Who) -> Req:
    target = w.made["app_d"] if who is Who.SECRETARIAT else w.made["app_a3"]
    return Req(f"/api/v1/applications/{target}/withdraw", json={"reason": "changed plans"})


async def _assess_app_c(w: World) -> None:
    """File a passing assessment on C's application as whoever the portal assigned."""
    application = await applications.get_application(w.made["app_c"])
    assert application.state == ApplicationState.AUDITOR_ASSIGNED, application
    auditor = next(who for who, account in w.ids.items() if account == application.auditor_id)
    filed = await w.file(auditor, w.made["app_c"])
    assert filed.status_code == 201, filed.text


async def _suspend_auditor(w: World) -> None:
    """Suspend every accreditation of the assigned auditor (late: nothing after needs it)."""
    listed = await w.api(
        Who.SECRETARIAT, "GET", f"/api/v1/auditors/{w.ids[Who.AUDITOR]}/accreditations"
    )
    for item in listed.json()["items"]:
        suspended = await w.api(
            Who.SECRETARIAT,
            "POST",
            f"/api/v1/auditors/{w.ids[Who.AUDITOR]}/accreditations/{item['id']}/suspend",
            json={"reason": "a complaint"},
        )
        assert suspended.status_code == 200, suspended.text


def _surveillance(w: World, who: Who) -> Req:
    """A surveillance audit of A's certified application: its auditor's to file."""
    return Req(
        f"/api/v1/applications/{w.app_a}/assessments",
        content=_submission(w, audit_type="surveillance"),
        headers={"Content-Type": "application/json", "Idempotency-Key": f"surv-{who}"},
    )


def _portal_sign_in(w: World, who: Who) -> Req:
    return Req("/portal/sign-in", form={"token": w.tokens.get(who, "")})


def _provider_body() -> dict[str, Any]:
    return {
        "legal_name": "Agencia Cinco",
        "country": "PH",
        "provider_types": ["recruiter"],
        "corridors": ["PH-AE"],
        "contact": {"email": "five@example.org", "phone": "+63 2 8123 4567", "address": "Cebu"},
    }


def _accreditation() -> dict[str, Any]:
    today = dt.date.today()
    return {
        "provider_types": ["travel"],
        "countries": ["PH"],
        "valid_from": today.isoformat(),
        "valid_until": (today + dt.timedelta(days=365)).isoformat(),
    }


# --- what an allowed answer must not show ------------------------------------------------


def _own_applications(w: World, who: Who, response: httpx.Response) -> str | None:
    """A provider lists its organisation's applications, an auditor those assigned to it."""
    for item in response.json()["items"]:
        if who in PROVIDERS and item["provider_id"] != w.provider_of(who):
            return f"lists {item['id']} of provider {item['provider_id']}"
        if who in AUDITORS and item["auditor_id"] != w.ids[who]:
            return f"lists {item['id']}, assigned to {item['auditor_id']}"
    return None


def _own_reports(w: World, who: Who, response: httpx.Response) -> str | None:
    body = response.json()
    own = w.provider_of(who)
    if body["provider_id"] != own:
        return f"reports of {body['provider_id']}"
    strangers = [i["application_id"] for i in body["items"] if i["application_id"] in w.not_of(own)]
    return f"reports on {strangers}" if strangers else None


def _no_contact(w: World, who: Who, response: httpx.Response) -> str | None:
    """The public register shows no contact details."""
    body = response.json()
    items = body.get("items", [body])
    shown = [item["id"] for item in items if "contact" in item]
    return f"contact details of {shown}" if shown else None


def _own_account(w: World, who: Who, response: httpx.Response) -> str | None:
    got = response.json()["id"]
    return None if got == w.ids[who] else f"the account {got}"


def _pages_without(*names: str) -> Check:
    """A portal page that names none of another party's applications (`names` are keys of
    `World.made` or attributes of the world)."""

    def check(w: World, who: Who, response: httpx.Response) -> str | None:
        own = w.provider_of(who) if who in PROVIDERS else None
        for name in names:
            value = w.made.get(name) or str(getattr(w, name, ""))
            if not value or value not in response.text:
                continue
            if who in PROVIDERS and value in w.not_of(own):
                return f"the page shows {name} ({value})"
            if who in (Who.OTHER_AUDITOR, Who.EXPIRED_AUDITOR) and name in ("app_a", "app_a2"):
                return f"the page shows {name} ({value})"
        return None

    return check


async def _open_data_export(w: World) -> None:
    """Today's open data export, so its files answer 200 (`rightsmark lifecycle run` writes
    it in production)."""
    from registry.opendata import export

    await export.export(export.default_folder())


def _role(who: Who) -> str:
    if who in AUDITORS:
        return "auditor"
    if who is Who.EMPLOYER:
        return "employer"
    return "secretariat" if who is Who.SECRETARIAT else "provider"


SPECS: list[Spec] = [
    # --- public: health, identity, the schema ------------------------------------------
    Spec("GET /health", get("/health"), public()),
    Spec("GET /health/live", get("/health/live"), public()),
    Spec("GET /.well-known/did.json", get("/.well-known/did.json"), public()),
    Spec("GET /schema", get("/schema"), public()),
    Spec("GET /schema/reference", get("/schema/reference"), public()),
    Spec("GET /schema/openapi.json", get("/schema/openapi.json"), public()),
    Spec("GET /schema/openapi.yaml", get("/schema/openapi.yaml"), public()),
    Spec("GET /schema/openapi.yml", get("/schema/openapi.yml"), public()),
    Spec("GET /schema/{path:str}", get("/schema/no-such-renderer"), public(404)),
    # --- public: standards, the register, certificates, verification, the log ----------
    Spec("GET /api/v1/standards", get("/api/v1/standards"), public()),
    Spec(
        "GET /api/v1/standards/{slug:str}/versions/{version:str}",
        get("/api/v1/standards/core-rights/versions/1.0.0"),
        public(),
    ),
    Spec(
        "GET /api/v1/standards/{slug:str}/diff",
        get("/api/v1/standards/core-rights/diff", **{"from": "1.0.0", "to": "1.1.0"}),
        public(),
    ),
    Spec("GET /api/v1/providers", get("/api/v1/providers"), public(), check=_no_contact),
    Spec(
        "GET /api/v1/providers/{provider_id:str}",
        get(lambda w: f"/api/v1/providers/{w.provider_a}"),
        public(),
        check=_no_contact,
    ),
    Spec("GET /api/v1/certificates", get("/api/v1/certificates"), public()),
    Spec(
        "GET /api/v1/certificates/{certificate:str}",
        get(lambda w: f"/api/v1/certificates/{w.certificate_id}"),
        public(),
    ),
    Spec(
        "GET /api/v1/certificates/{certificate:str}/log-proof",
        get(lambda w: f"/api/v1/certificates/{w.certificate_id}/log-proof"),
        public(),
    ),
    Spec(
        "GET /credentials/{certificate_id:str}",
        get(lambda w: f"/credentials/{w.certificate_id}"),
        public(),
    ),
    Spec("GET /contexts/rightsmark/v1", get("/contexts/rightsmark/v1"), public()),
    Spec("GET /api/v1/status", get("/api/v1/status"), public()),
    Spec(
        "GET /api/v1/status/{purpose:str}/{number:int}",
        get(lambda w: w.status_list),
        public(),
    ),
    Spec("POST /api/v1/verify", lambda w, _: Req("/api/v1/verify", json=w.credential), public()),
    Spec(
        "POST /api/v1/verify/batch",
        lambda w, _: Req("/api/v1/verify/batch", json={"credentials": [w.credential]}),
        public(),
    ),
    Spec("GET /log/checkpoint", get("/log/checkpoint"), public()),
    Spec("GET /log/key", get("/log/key"), public()),
    Spec("GET /log/entries", get("/log/entries", start=0, end=2), public()),
    Spec("GET /log/proof/inclusion", get("/log/proof/inclusion", index=0, tree_size=2), public()),
    Spec(
        "GET /log/proof/consistency",
        get("/log/proof/consistency", **{"from": 1, "to": 2}),
        public(),
    ),
    # --- public: the status feeds and the open data (docs/notifications.md, open-data.md) --
    Spec("GET /feeds/status.atom", get("/feeds/status.atom"), public()),
    Spec("GET /feeds/status.json", get("/feeds/status.json", before=10), public()),
    Spec(
        "GET /feeds/providers/{provider_id:str}/status.atom",
        get(lambda w: f"/feeds/providers/{w.provider_a}/status.atom"),
        public(),
    ),
    Spec(
        "GET /feeds/providers/{provider_id:str}/status.json",
        get(lambda w: f"/feeds/providers/{w.provider_a}/status.json"),
        public(),
    ),
    Spec(
        "GET /feeds/countries/{country:str}/status.atom",
        get("/feeds/countries/PH/status.atom"),
        public(),
    ),
    Spec(
        "GET /feeds/countries/{country:str}/status.json",
        get("/feeds/countries/ph/status.json"),
        public(),
    ),
    Spec(
        "GET /open-data/{export_name:str}/{name:str}",
        get("/open-data/latest/manifest.json"),
        public(),
        before=_open_data_export,
    ),
    Spec("GET /open-data", get("/open-data/"), public()),
    # --- public web pages ----------------------------------------------------------------
    Spec("GET /", get("/"), public()),
    Spec("GET /providers/{provider_id:str}", get(lambda w: f"/providers/{w.provider_a}"), public()),
    Spec(
        "GET /certificates/{ref:str}",
        get(lambda w: f"/certificates/{w.certificate_code}"),
        public(),
    ),
    Spec(
        "GET /certificates/{ref:str}/certificate.pdf",
        get(lambda w: f"/certificates/{w.certificate_code}/certificate.pdf"),
        public(),
    ),
    Spec("GET /verify", get("/verify"), public()),
    Spec(
        "POST /verify",
        lambda w, _: Req("/verify", form={"code": w.certificate_code}),
        public(),
    ),
    Spec("GET /standards", get("/standards"), public()),
    Spec(
        "GET /standards/{slug:str}/compare",
        get("/standards/core-rights/compare", **{"from": "1.0.0", "to": "1.1.0"}),
        public(),
    ),
    Spec("GET /standards/{slug:str}/{version:str}", get("/standards/core-rights/1.0.0"), public()),
    Spec("GET /statistics", get("/statistics"), public()),
    Spec("GET /static/{file_path:path}", get("/static/site.css"), public()),
    Spec("HEAD /static/{file_path:path}", get("/static/site.css"), public()),
    # --- guarded reads -------------------------------------------------------------------
    Spec(
        "GET /api/v1/standards/drafts", get("/api/v1/standards/drafts"), api({Who.SECRETARIAT: 200})
    ),
    Spec(
        "GET /api/v1/standards/{slug:str}/drafts/{version:str}",
        get("/api/v1/standards/core-rights/drafts/1.0.0"),
        api({Who.SECRETARIAT: 200}),
    ),
    Spec("GET /api/v1/accounts", get("/api/v1/accounts"), api({Who.SECRETARIAT: 200})),
    Spec(
        "GET /api/v1/accounts/me",
        get("/api/v1/accounts/me"),
        api(dict.fromkeys(TOKENS, 200)),
        check=_own_account,
    ),
    Spec(
        "GET /api/v1/accounts/{account_id:str}",
        get(lambda w: f"/api/v1/accounts/{w.ids[Who.PROV_A]}"),
        api({Who.SECRETARIAT: 200}),
    ),
    Spec(
        "GET /api/v1/accounts/{account_id:str}/tokens",
        get(lambda w: f"/api/v1/accounts/{w.ids[Who.PROV_A]}/tokens"),
        api({Who.SECRETARIAT: 200}),
    ),
    Spec(
        "GET /api/v1/providers/{provider_id:str}/record",
        get(lambda w: f"/api/v1/providers/{w.provider_a}/record"),
        api({Who.SECRETARIAT: 200, Who.PROV_A: 200}, hidden=[Who.PROV_B]),
    ),
    Spec(
        "GET /api/v1/applications",
        get("/api/v1/applications"),
        api(dict.fromkeys(TOKENS, 200)),
        check=_own_applications,
    ),
    Spec(
        "GET /api/v1/applications/{application_id:str}",
        get(lambda w: f"/api/v1/applications/{w.app_a}"),
        api(dict.fromkeys(VIEWERS_OF_A, 200), hidden=HIDDEN_FROM_A),
    ),
    Spec(
        "GET /api/v1/auditors/{account_id:str}/accreditations",
        get(lambda w: f"/api/v1/auditors/{w.ids[Who.AUDITOR]}/accreditations"),
        api({Who.SECRETARIAT: 200, Who.AUDITOR: 200}),
    ),
    Spec("GET /api/v1/conflicts", get("/api/v1/conflicts"), api({Who.SECRETARIAT: 200})),
    Spec(
        "GET /api/v1/evidence/{sha256:str}",
        get(lambda w: f"/api/v1/evidence/{w.evidence_sha}"),
        api(dict.fromkeys(VIEWERS_OF_A, 200), hidden=HIDDEN_FROM_A),
    ),
    Spec(
        "GET /api/v1/applications/{application_id:str}/evidence",
        get(lambda w: f"/api/v1/applications/{w.app_a}/evidence"),
        api(dict.fromkeys(VIEWERS_OF_A, 200), hidden=HIDDEN_FROM_A),
    ),
    Spec(
        "GET /api/v1/applications/{application_id:str}/assessments",
        get(lambda w: f"/api/v1/applications/{w.app_a}/assessments"),
        api(dict.fromkeys(VIEWERS_OF_A, 200), hidden=HIDDEN_FROM_A),
    ),
    Spec(
        "GET /api/v1/assessments/{assessment_id:str}",
        get(lambda w: f"/api/v1/assessments/{w.assessment_a}"),
        api(dict.fromkeys(VIEWERS_OF_A, 200), hidden=HIDDEN_FROM_A),
    ),
    Spec(
        "GET /api/v1/applications/{application_id:str}/decision",
        get(lambda w: f"/api/v1/applications/{w.app_a}/decision"),
        api(dict.fromkeys(VIEWERS_OF_A, 200), hidden=HIDDEN_FROM_A),
    ),
    Spec(
        "GET /api/v1/providers/{provider_id:str}/reports",
        get(lambda w: f"/api/v1/providers/{w.provider_a}/reports"),
        api({Who.SECRETARIAT: 200, Who.PROV_A: 200}, hidden=[Who.PROV_B]),
    ),
    Spec(
        "GET /api/v1/me/reports",
        get("/api/v1/me/reports"),
        api({Who.PROV_A: 200, Who.PROV_B: 200}),
        check=_own_reports,
    ),
    # --- writes: standards, accounts, providers, auditors, conflicts --------------------
    Spec(
        "POST /api/v1/standards",
        lambda w, _: Req(
            "/api/v1/standards",
            content=draft_yaml().encode(),
            headers={"Content-Type": "application/yaml"},
        ),
        api({Who.SECRETARIAT: 201}),
    ),
    Spec(
        "POST /api/v1/standards/{slug:str}/versions/{version:str}/publish",
        body(lambda w: "/api/v1/standards/core-rights/versions/3.1.0/publish"),
        api({Who.SECRETARIAT: 200}),
    ),
    Spec(
        "POST /api/v1/standards/{slug:str}/versions/{version:str}/retire",
        body(lambda w: "/api/v1/standards/core-rights/versions/3.1.0/retire"),
        api({Who.SECRETARIAT: 200}),
    ),
    Spec(
        "POST /api/v1/accounts",
        body(lambda w: "/api/v1/accounts", {"name": "New Auditor", "role": "auditor"}),
        api({Who.SECRETARIAT: 201}),
    ),
    Spec(
        "POST /api/v1/accounts/{account_id:str}/tokens",
        body(lambda w: f"/api/v1/accounts/{w.spare_auditor}/tokens", {"label": "matrix"}),
        api({Who.SECRETARIAT: 201}),
    ),
    Spec(
        "POST /api/v1/providers",
        body(lambda w: "/api/v1/providers", _provider_body()),
        # Bound provider accounts pass the role check and are told they already have one.
        api({Who.SECRETARIAT: 201, Who.PROV_A: 409, Who.PROV_B: 409}),
    ),
    Spec(
        "PATCH /api/v1/providers/{provider_id:str}",
        body(lambda w: f"/api/v1/providers/{w.provider_a}", {"corridors": ["PH-AE", "PH-QA"]}),
        api({Who.SECRETARIAT: 200, Who.PROV_A: 200}, hidden=[Who.PROV_B]),
    ),
    # --- identity changes (registry.identity): A's and B's requests, decided one by one ---
    Spec(
        "GET /api/v1/identity-changes",
        get("/api/v1/identity-changes"),
        api({Who.SECRETARIAT: 200, Who.PROV_A: 200, Who.PROV_B: 200}),
        before=_identity_requests,
        check=_own_identity_changes,
    ),
    Spec(
        "GET /api/v1/identity-changes/{change_id:str}",
        get(lambda w: f"/api/v1/identity-changes/{w.made['change_a']}"),
        api({Who.SECRETARIAT: 200, Who.PROV_A: 200}, hidden=[Who.PROV_B]),
    ),
    Spec(
        "POST /api/v1/identity-changes/{change_id:str}/withdraw",
        _withdraw_change,
        api({Who.SECRETARIAT: 200, Who.PROV_A: 200}, hidden=[Who.PROV_B]),
    ),
    Spec(
        "POST /api/v1/identity-changes/{change_id:str}/refuse",
        body(lambda w: f"/api/v1/identity-changes/{w.made['change_a2']}/refuse", REASON),
        api({Who.SECRETARIAT: 200}),
        before=_identity_request("change_a2"),
    ),
    Spec(
        "POST /api/v1/identity-changes/{change_id:str}/approve",
        body(lambda w: f"/api/v1/identity-changes/{w.made['change_a3']}/approve", REASON),
        api({Who.SECRETARIAT: 200}),
        before=_identity_request("change_a3"),
    ),
    Spec(
        "POST /api/v1/providers/{provider_id:str}/licence-checks",
        body(
            lambda w: f"/api/v1/providers/{w.provider_a}/licence-checks",
            {"country": "PH", "number": "DMW-1", "state": "checked_by_secretariat", "source": "x"},
        ),
        api({Who.SECRETARIAT: 200}),
        before=_licence_of_a,
    ),
    Spec(
        "POST /api/v1/auditors/{account_id:str}/accreditations",
        body(
            lambda w: f"/api/v1/auditors/{w.ids[Who.OTHER_AUDITOR]}/accreditations",
            _accreditation(),
        ),
        api({Who.SECRETARIAT: 201}),
    ),
    Spec(
        "POST /api/v1/auditors/{account_id:str}/accreditations/{accreditation_id:str}/suspend",
        body(
            lambda w: (
                f"/api/v1/auditors/{w.ids[Who.OTHER_AUDITOR]}/accreditations/"
                f"{w.spare_accreditation}/suspend"
            ),
            REASON,
        ),
        api({Who.SECRETARIAT: 200}),
    ),
    Spec(
        "POST /api/v1/auditors/{account_id:str}/accreditations/{accreditation_id:str}/reinstate",
        body(
            lambda w: (
                f"/api/v1/auditors/{w.ids[Who.OTHER_AUDITOR]}/accreditations/"
                f"{w.spare_accreditation}/reinstate"
            ),
            REASON,
        ),
        api({Who.SECRETARIAT: 200}),
    ),
    Spec(
        "POST /api/v1/conflicts",
        _declare,
        api(dict.fromkeys((Who.PROV_A, Who.PROV_B, Who.SECRETARIAT, *AUDITORS), 201)),
    ),
    Spec(
        "POST /api/v1/conflicts/{conflict_id:str}/review",
        lambda w, _: Req(
            f"/api/v1/conflicts/{w.made['coi_api_review']}/review",
            json={"decision": "accept", "reason": "checked"},
        ),
        api({Who.SECRETARIAT: 200}),
        before=_pending_conflict("coi_api_review", Who.OTHER_AUDITOR, provider="provider_c"),
    ),
    Spec(
        "POST /api/v1/conflicts/{conflict_id:str}/withdraw",
        _withdraw_conflict,
        # B, the other party of the auditor's declaration, 403; non-parties 404.
        api(
            {Who.SECRETARIAT: 200, Who.AUDITOR: 200},
            hidden=[Who.PROV_A, Who.OTHER_AUDITOR, Who.EXPIRED_AUDITOR],
        ),
    ),
    # --- the certification workflow on A's second application ---------------------------
    Spec(
        "POST /api/v1/applications",
        _apply,
        api({Who.PROV_A: 201, Who.SECRETARIAT: 201}),  # B applying for A: 403
        after=_after_apply,
    ),
    Spec(
        "POST /api/v1/applications/{application_id:str}/assign",
        lambda w, _: Req(
            f"/api/v1/applications/{w.made['app_a2']}/assign",
            json={"auditor_id": w.ids[Who.AUDITOR]},
        ),
        api({Who.SECRETARIAT: 200}),
    ),
    Spec(
        "POST /api/v1/evidence",
        _upload,
        # The secretariat sees the application but does not upload (403).
        api({Who.AUDITOR: 201, Who.PROV_A: 201}, hidden=HIDDEN_FROM_A),
    ),
    Spec(
        "POST /api/v1/applications/{application_id:str}/assessments",
        _filing(lambda w: w.made["app_a2"]),
        # Not their application: the other and the expired auditor are told it does not exist.
        api({Who.AUDITOR: 201}, hidden=[Who.OTHER_AUDITOR, Who.EXPIRED_AUDITOR]),
        after=remember("assessment_a2", who=Who.AUDITOR),
    ),
    Spec(
        "POST /api/v1/applications/{application_id:str}/assessments",
        _filing(lambda w: w.app_b),
        # Assigned while accredited; the accreditation has expired since: no filing.
        api({}, hidden=[Who.AUDITOR, Who.OTHER_AUDITOR]),
        variant="B's, assigned to the expired auditor",
    ),
    Spec(
        "POST /api/v1/assessments/{assessment_id:str}/amendments",
        _amend,
        api({Who.AUDITOR: 201}, hidden=[Who.OTHER_AUDITOR, Who.EXPIRED_AUDITOR]),
    ),
    Spec(
        "POST /api/v1/applications/{application_id:str}/decision",
        body(lambda w: f"/api/v1/applications/{w.made['app_a2']}/decision"),
        api({Who.SECRETARIAT: 201}),
    ),
    Spec(
        "POST /api/v1/applications/{application_id:str}/withdraw",
        _withdraw,
        api({Who.PROV_A: 200, Who.SECRETARIAT: 200}, hidden=[Who.PROV_B]),
        before=_throwaway_applications,
    ),
    Spec(
        "POST /api/v1/certificates/{certificate:str}/suspend",
        body(lambda w: f"/api/v1/certificates/{w.certificate_id}/suspend", REASON),
        api({Who.SECRETARIAT: 200}),
    ),
    Spec(
        "POST /api/v1/certificates/{certificate:str}/reinstate",
        body(lambda w: f"/api/v1/certificates/{w.certificate_id}/reinstate", REASON),
        api({Who.SECRETARIAT: 200}),
    ),
    # --- the portals ---------------------------------------------------------------------
    Spec(
        "GET /portal/sign-in",
        get("/portal/sign-in"),
        {
            who: allow(200) if who is Who.ANON or who in DEAD else allow(303, "/portal")
            for who in Who
        },
    ),
    Spec(
        "GET /portal",
        get("/portal"),
        page({who: allow(303, f"/portal/{_role(who)}") for who in TOKENS}),
    ),
    Spec("GET /portal/secretariat", get("/portal/secretariat"), page({Who.SECRETARIAT: 200})),
    Spec(
        "GET /portal/secretariat/certificates/{ref:str}",
        get(lambda w: f"/portal/secretariat/certificates/{w.certificate_code}"),
        page({Who.SECRETARIAT: 200}),
    ),
    Spec(
        "POST /portal/secretariat/certificates/{ref:str}/{action:str}",
        form(
            lambda w: f"/portal/secretariat/certificates/{w.certificate_code}/suspend",
            reason="authorization matrix",
        ),
        page({Who.SECRETARIAT: allow(303, "/portal/secretariat/certificates/*")}),
    ),
    Spec(
        "POST /portal/secretariat/applications/{application_id:str}/assign",
        form(lambda w: f"/portal/secretariat/applications/{w.made['app_c']}/assign"),
        page({Who.SECRETARIAT: allow(303, "/portal/secretariat")}),
    ),
    Spec(
        "GET /portal/secretariat/applications/{application_id:str}/decide",
        get(lambda w: f"/portal/secretariat/applications/{w.made['app_c']}/decide"),
        page({Who.SECRETARIAT: 200}),
        before=_assess_app_c,
    ),
    Spec(
        "POST /portal/secretariat/applications/{application_id:str}/decide",
        form(
            lambda w: f"/portal/secretariat/applications/{w.made['app_c']}/decide",
            do="refuse",
            reason="authorization matrix",
        ),
        page({Who.SECRETARIAT: allow(303, "/portal/secretariat")}),
    ),
    Spec(
        "GET /portal/assessments/{assessment_id:str}",
        get(lambda w: f"/portal/assessments/{w.made['assessment_a2']}"),
        page(dict.fromkeys(VIEWERS_OF_A, 200), hidden=HIDDEN_FROM_A),
    ),
    Spec(
        "GET /portal/auditor/assessments/{assessment_id:str}/amend",
        get(lambda w: f"/portal/auditor/assessments/{w.made['assessment_a2']}/amend"),
        # amended over the API by now: its auditor is sent to the amendment's report
        page(
            {Who.AUDITOR: allow(303, "/portal/assessments/*")},
            hidden=[Who.OTHER_AUDITOR, Who.EXPIRED_AUDITOR],
        ),
    ),
    Spec(
        "POST /portal/auditor/assessments/{assessment_id:str}/amend",
        form(
            lambda w: f"/portal/auditor/assessments/{w.made['assessment_a2']}/amend",
            do="file",
            reason="authorization matrix",
        ),
        # its auditor reaches the use case, which refuses: the application is decided
        page({Who.AUDITOR: 409}, hidden=[Who.OTHER_AUDITOR, Who.EXPIRED_AUDITOR]),
    ),
    Spec(
        "GET /portal/secretariat/providers",
        get("/portal/secretariat/providers"),
        page({Who.SECRETARIAT: 200}),
    ),
    Spec(
        "POST /portal/secretariat/providers",
        form(
            lambda w: "/portal/secretariat/providers",
            legal_name="Agencia Matriz",
            country="PH",
            provider_types="recruiter",
            contact_email="matrix@example.org",
            contact_phone="+63 2 8123 4567",
            contact_address="Cebu",
        ),
        page({Who.SECRETARIAT: allow(303, "/portal/secretariat/providers#*")}),
    ),
    Spec(
        "GET /portal/secretariat/accounts",
        get("/portal/secretariat/accounts"),
        page({Who.SECRETARIAT: 200}),
    ),
    Spec(
        "POST /portal/secretariat/accounts",
        form(lambda w: "/portal/secretariat/accounts", name="Matrix auditor", role="auditor"),
        page({Who.SECRETARIAT: 201}),
    ),
    Spec(
        "GET /portal/provider",
        get("/portal/provider"),
        page({Who.PROV_A: 200, Who.PROV_B: 200}),
        check=_pages_without("app_a", "app_a2", "app_b", "app_c"),
    ),
    # A provider's own organisation: an empty form is refused at its fields (422), after the
    # role check; another provider's change or application is not found.
    Spec(
        "GET /portal/provider/organisation",
        get("/portal/provider/organisation"),
        page({Who.PROV_A: 200, Who.PROV_B: 200}),
    ),
    Spec(
        "POST /portal/provider/organisation",
        form(lambda w: "/portal/provider/organisation"),
        page({Who.PROV_A: 422, Who.PROV_B: 422}),
    ),
    Spec(
        "POST /portal/provider/applications",
        form(lambda w: "/portal/provider/applications"),
        page({Who.PROV_A: 422, Who.PROV_B: 422}),
    ),
    Spec(
        "POST /portal/provider/applications/{application_id:str}/withdraw",
        form(lambda w: f"/portal/provider/applications/{w.app_a}/withdraw"),
        page({Who.PROV_A: 409}, hidden=[Who.PROV_B]),
    ),
    Spec(
        "POST /portal/provider/identity-changes/{change_id:str}/withdraw",
        form(lambda w: f"/portal/provider/identity-changes/{w.made['change_a']}/withdraw"),
        page({Who.PROV_A: 409}, hidden=[Who.PROV_B]),
    ),
    Spec(
        "GET /portal/secretariat/identity-changes",
        get("/portal/secretariat/identity-changes"),
        page({Who.SECRETARIAT: 200}),
    ),
    Spec(
        "POST /portal/secretariat/identity-changes/{change_id:str}/{decision:str}",
        form(lambda w: f"/portal/secretariat/identity-changes/{w.made['change_a']}/approve"),
        page({Who.SECRETARIAT: 409}),
    ),
    Spec(
        "GET /portal/auditor",
        get("/portal/auditor"),
        page(dict.fromkeys(AUDITORS, 200)),
        check=_pages_without("app_a", "app_a2"),
    ),
    Spec(
        "GET /portal/auditor/applications/{application_id:str}",
        get(lambda w: f"/portal/auditor/applications/{w.app_a}"),
        page({Who.AUDITOR: 200}, hidden=[Who.OTHER_AUDITOR, Who.EXPIRED_AUDITOR]),
    ),
    Spec(
        "POST /portal/auditor/applications/{application_id:str}",
        form(lambda w: f"/portal/auditor/applications/{w.app_a}", do="save", site_name="HQ"),
        page(
            {Who.AUDITOR: allow(303, "/portal/auditor/applications/*")},
            hidden=[Who.OTHER_AUDITOR, Who.EXPIRED_AUDITOR],
        ),
    ),
    Spec(
        "POST /portal/auditor/applications/{application_id:str}",
        lambda w, _: Req(
            f"/portal/auditor/applications/{w.app_b}",
            form={**assessment_form(w.ruleset), "do": "file"},
        ),
        page({}, hidden=[Who.AUDITOR, Who.OTHER_AUDITOR]),
        variant="B's, filed by the expired auditor",
    ),
    Spec(
        "GET /portal/evidence/{sha256:str}",
        get(lambda w: f"/portal/evidence/{w.evidence_sha}"),
        page(dict.fromkeys(VIEWERS_OF_A, 200), hidden=HIDDEN_FROM_A),
    ),
    Spec(
        "GET /portal/secretariat/conflicts",
        get("/portal/secretariat/conflicts"),
        page({Who.SECRETARIAT: 200}),
    ),
    Spec(
        "POST /portal/secretariat/conflicts/{conflict_id:str}/review",
        form(
            lambda w: f"/portal/secretariat/conflicts/{w.made['coi_portal_review']}/review",
            decision="reject",
            reason="not a conflict",
        ),
        page({Who.SECRETARIAT: allow(303, "/portal/secretariat/conflicts")}),
        before=_pending_conflict("coi_portal_review", Who.EXPIRED_AUDITOR, provider="provider_c"),
    ),
    Spec(
        "POST /portal/secretariat/conflicts",
        lambda w, _: Req(
            "/portal/secretariat/conflicts",
            form={"provider_id": w.provider_c, "auditor_id": w.ids[Who.AUDITOR], "reason": "r"},
        ),
        page({Who.SECRETARIAT: allow(303, "/portal/secretariat/conflicts")}),
    ),
    Spec(
        "GET /portal/auditor/conflicts",
        get("/portal/auditor/conflicts"),
        page(dict.fromkeys(AUDITORS, 200)),
    ),
    Spec(
        "POST /portal/auditor/conflicts",
        lambda w, _: Req(
            "/portal/auditor/conflicts", form={"provider_id": w.provider_a, "reason": "r"}
        ),
        page(dict.fromkeys(AUDITORS, allow(303, "/portal/auditor/conflicts"))),
    ),
    Spec(
        "GET /portal/provider/conflicts",
        get("/portal/provider/conflicts"),
        page({Who.PROV_A: 200, Who.PROV_B: 200}),
    ),
    Spec(
        "POST /portal/provider/conflicts",
        # A names the other auditor (which its own declaration above already excludes, so
        # A keeps an auditor), B the assigned auditor
        lambda w, who: Req(
            "/portal/provider/conflicts",
            form={
                "auditor_id": w.ids[Who.OTHER_AUDITOR if who is Who.PROV_A else Who.AUDITOR],
                "reason": "r",
            },
        ),
        page(dict.fromkeys(PROVIDERS, allow(303, "/portal/provider/conflicts"))),
    ),
    Spec(
        "POST /portal/auditor/conflicts/{conflict_id:str}/withdraw",
        form(
            lambda w: f"/portal/auditor/conflicts/{w.made['coi_auditor_withdraw']}/withdraw",
            reason="no longer",
        ),
        # the other auditors are no party to it: 404
        page(
            {Who.AUDITOR: allow(303, "/portal/auditor/conflicts")},
            hidden=[Who.OTHER_AUDITOR, Who.EXPIRED_AUDITOR],
        ),
        before=_pending_conflict("coi_auditor_withdraw", Who.AUDITOR, provider="provider_c"),
    ),
    Spec(
        "POST /portal/provider/conflicts/{conflict_id:str}/withdraw",
        form(
            lambda w: f"/portal/provider/conflicts/{w.made['coi_provider_withdraw']}/withdraw",
            reason="no longer",
        ),
        page({Who.PROV_A: allow(303, "/portal/provider/conflicts")}, hidden=[Who.PROV_B]),
        before=_pending_conflict(
            "coi_provider_withdraw", Who.PROV_A, provider="provider_a", auditor=Who.AUDITOR
        ),
    ),
    Spec(
        "GET /portal/secretariat/accreditations",
        get("/portal/secretariat/accreditations"),
        page({Who.SECRETARIAT: 200}),
    ),
    Spec(
        "POST /portal/secretariat/accreditations",
        lambda w, _: Req(
            "/portal/secretariat/accreditations",
            form={
                "account_id": w.ids[Who.OTHER_AUDITOR],
                "provider_types": "lender",
                "countries": "PH",
                **{k: v for k, v in _accreditation().items() if k.startswith("valid")},
            },
        ),
        page({Who.SECRETARIAT: allow(303, "/portal/secretariat/accreditations")}),
    ),
    Spec(
        "POST /portal/secretariat/auditors/{account_id:str}/accreditations/"
        "{accreditation_id:str}/{change:str}",
        form(
            lambda w: (
                f"/portal/secretariat/auditors/{w.ids[Who.OTHER_AUDITOR]}/accreditations/"
                f"{w.spare_accreditation}/suspend"
            ),
            reason="authorization matrix",
        ),
        page({Who.SECRETARIAT: allow(303, "/portal/secretariat/accreditations#*")}),
    ),
    Spec(
        "GET /portal/secretariat/standards",
        get("/portal/secretariat/standards"),
        page({Who.SECRETARIAT: 200}),
    ),
    Spec(
        "POST /portal/secretariat/standards",
        form(lambda w: "/portal/secretariat/standards", source=draft_yaml("3.2.0", "3.1.0")),
        page({Who.SECRETARIAT: allow(303, "/portal/secretariat/standards#*")}),
    ),
    Spec(
        "POST /portal/secretariat/standards/{slug:str}/{version:str}/{step:str}",
        form(lambda w: "/portal/secretariat/standards/core-rights/3.2.0/publish"),
        page({Who.SECRETARIAT: allow(303, "/portal/secretariat/standards#*")}),
    ),
    Spec(
        "POST /portal/sign-in",
        _portal_sign_in,
        {
            who: deny(400) if who is Who.ANON or who in DEAD else allow(303, "/portal")
            for who in Who
        },
    ),
    Spec(
        "POST /portal/sign-out",
        form(lambda w: "/portal/sign-out"),
        {who: allow(303, "/portal/sign-in?out=1") for who in Who},
    ),
    # --- destructive, last ---------------------------------------------------------------
    Spec(
        "POST /api/v1/certificates/{certificate:str}/revoke",
        body(lambda w: f"/api/v1/certificates/{w.certificate_id}/revoke", REASON),
        api({Who.SECRETARIAT: 200}),
    ),
    Spec(
        "POST /api/v1/applications/{application_id:str}/assessments",
        _surveillance,
        api({}, hidden=[Who.OTHER_AUDITOR, Who.EXPIRED_AUDITOR]),
        variant="A's certified one, its auditor's accreditation suspended",
        before=_suspend_auditor,
    ),
    Spec(
        "POST /api/v1/tokens/{token_id:str}/revoke",
        body(lambda w: f"/api/v1/tokens/{w.spare_token_id}/revoke"),
        api({Who.SECRETARIAT: 200}),
    ),
    Spec(
        "POST /api/v1/accounts/{account_id:str}/revoke",
        body(lambda w: f"/api/v1/accounts/{w.spare_auditor}/revoke"),
        api({Who.SECRETARIAT: 200}),
    ),
]


# Issue 15's rows (complaints, remedies, special audits, appeals, their pages), before the
# portal sessions are signed out and before the destructive rows.
from tests.integration.http.authz.complaints import COMPLAINT_SPECS  # noqa: E402

_SIGN_IN = next(i for i, spec in enumerate(SPECS) if spec.route == "POST /portal/sign-in")
SPECS[_SIGN_IN:_SIGN_IN] = COMPLAINT_SPECS

# Issue 17's rows (self-assessments and their pages), likewise.
from tests.integration.http.authz.self_assessments import SELF_ASSESSMENT_SPECS  # noqa: E402

_SIGN_IN = next(i for i, spec in enumerate(SPECS) if spec.route == "POST /portal/sign-in")
SPECS[_SIGN_IN:_SIGN_IN] = SELF_ASSESSMENT_SPECS

# Issue 17's rows (corrective actions), likewise.
from tests.integration.http.authz.corrective import CORRECTIVE_SPECS  # noqa: E402

_SIGN_IN = next(i for i, spec in enumerate(SPECS) if spec.route == "POST /portal/sign-in")
SPECS[_SIGN_IN:_SIGN_IN] = CORRECTIVE_SPECS

# Issue 17's rows (the surveillance calendar and scheduled audits), likewise.
from tests.integration.http.authz.schedule import SCHEDULE_SPECS  # noqa: E402

_SIGN_IN = next(i for i, spec in enumerate(SPECS) if spec.route == "POST /portal/sign-in")
SPECS[_SIGN_IN:_SIGN_IN] = SCHEDULE_SPECS
from tests.integration.http.authz.notifications import NOTIFICATION_SPECS  # noqa: E402

_SIGN_IN = next(i for i, spec in enumerate(SPECS) if spec.route == "POST /portal/sign-in")
SPECS[_SIGN_IN:_SIGN_IN] = NOTIFICATION_SPECS
# Issue 18's rows (employers: sign-up, watchlists, supplier checks, their pages), likewise.
from tests.integration.http.authz.employers import EMPLOYER_SPECS  # noqa: E402

_SIGN_IN = next(i for i, spec in enumerate(SPECS) if spec.route == "POST /portal/sign-in")
SPECS[_SIGN_IN:_SIGN_IN] = EMPLOYER_SPECS

# Routes hidden from every non-party by the data, but refused to an employer by their role
# guard first (the guard names the roles that may call them): 403, not 404.
_ROLE_GUARDED = {"POST /api/v1/evidence", "GET /portal/corrective-actions/{action_id:str}"}
SPECS = [
    Spec(s.route, s.request, {**s.expect, Who.EMPLOYER: deny(403)}, s.variant, s.before,
         s.after, s.check)
    if s.route in _ROLE_GUARDED else s
    for s in SPECS
]  # fmt: skip
