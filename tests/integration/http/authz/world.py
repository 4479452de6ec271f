"""The cast of the authorization matrix: every kind of caller, and data for each to reach.

- provider A and provider B (one bound account each), both with an application; A's first
  application is assigned to the *assigned* auditor, who uploaded evidence and filed an
  assessment on it; the secretariat decided it, which issued a certificate;
- B's application is assigned to the *expired* auditor, whose only accreditation ended
  long ago (it was assigned while accredited);
- another auditor, accredited for the same scope and assigned to nothing;
- the secretariat, a revoked secretariat token and an expired one;
- provider C and D (no accounts), a spare auditor and conflicts of interest: throwaway
  targets, so that what an allowed cell changes leaves the other cells' data alone.

Everything the API can do is done through it; the few states it cannot reach on purpose
(an assignment to a since-expired accreditation, an expired token) are written through the
registry's services or tables, as `tests/assessments_api/world.py` does.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import httpx
import msgspec
from litestar import Litestar

from registry import accounts, applications, providers
from registry import keys as signing
from registry.accounts import Actor, Role, authenticate
from registry.applications import ApplicationState
from registry.db.database import write_transaction
from registry.db.tables import ApiTokenRow
from registry.providers import ProviderInput
from registry.standards import service as standards
from standards.model import RuleSet
from tests.support.assessments import submission
from tests.support.http import bearer, make_account
from tests.support.paths import LIBRARY

STANDARD = "core-rights@1.0.0"
PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
CSRF = re.compile(r'name="csrf" value="([^"]+)"')
Headers = dict[str, str]


class Who(StrEnum):
    """The matrix's columns, in the order the summary prints them."""

    ANON = "anon"
    PROV_A = "provA"
    PROV_B = "provB"
    AUDITOR = "aud"  # assigned to A's application
    OTHER_AUDITOR = "aud2"  # accredited, assigned to none of A's applications
    EXPIRED_AUDITOR = "audX"  # accreditation expired; assigned to B's application
    EMPLOYER = "empl"  # watches public data: its own watchlists and uploads only
    SECRETARIAT = "sec"
    REVOKED = "revok"  # a revoked secretariat token
    EXPIRED = "expir"  # an expired secretariat token


DEAD = (Who.REVOKED, Who.EXPIRED)
AUDITORS = (Who.AUDITOR, Who.OTHER_AUDITOR, Who.EXPIRED_AUDITOR)
PROVIDERS = (Who.PROV_A, Who.PROV_B)


def csrf_of(body: str) -> str:
    found = CSRF.search(body)
    assert found, body[:2000]
    return found.group(1)


def draft_yaml(version: str = "3.1.0", supersedes: str = "3.0.0") -> str:
    """The library's latest core-rights (3.0.0) renumbered, as the README derives a new
    version."""
    text = (LIBRARY / "core-rights" / "3.0.0.yaml").read_text()
    text = re.sub(r"(?m)^version: 3\.0\.0$", f"version: {version}", text)
    text = re.sub(r"(?m)^supersedes: 2\.0\.0$", f"supersedes: {supersedes}", text)
    return re.sub(r"(?m)^effective_date: .*$", "effective_date: 2027-01-01", text)


def assessment_form(ruleset: RuleSet) -> dict[str, str]:
    """The auditor portal's assessment form, filled in with passing answers."""
    fields = {
        "audit_type": "initial",
        "started_on": "2026-10-01",
        "ended_on": "2026-10-03",
        "site_name": "Head office",
        "site_country": "PH",
        "site_address": "Manila",
        "workers_interviewed": "25",
    }
    for finding in submission(ruleset)["findings"]:
        value = finding["value"]
        text = ("yes" if value else "no") if isinstance(value, bool) else str(value)
        fields[f"value-{finding['indicator']}"] = text
    return fields


@dataclass
class World:
    app: Litestar  # the one app every client talks to
    transport: httpx.ASGITransport
    ruleset: RuleSet
    clients: dict[Who, httpx.AsyncClient]
    tokens: dict[Who, str]
    ids: dict[Who, str]  # account ids
    sec_actor: Actor
    provider_a: str
    provider_b: str
    provider_c: str  # no account: the secretariat applies for it
    provider_d: str  # no account: auditors declare conflicts with it
    spare_auditor: str  # no accreditation: providers declare conflicts with it
    spare_token_id: str  # the spare auditor's token, revoked by the matrix
    app_a: str  # A's: certified, with evidence, an assessment, a decision, a certificate
    app_b: str  # B's: assigned to the expired auditor
    evidence_sha: str
    assessment_a: str
    certificate_id: str
    certificate_code: str
    credential: dict[str, Any]
    status_list: str  # path of the revocation status list the certificate is on
    conflict_by_auditor: str  # the assigned auditor declared it, naming provider B
    conflict_by_provider: str  # provider A declared it, naming the spare auditor
    spare_accreditation: str  # the other auditor's second one: suspended and reinstated
    # Filled in as the matrix runs (what allowed cells create):
    made: dict[str, str] = field(default_factory=dict)

    def provider_of(self, who: Who) -> str:
        return {Who.PROV_A: self.provider_a, Who.PROV_B: self.provider_b}[who]

    def not_of(self, provider: str | None) -> set[str]:
        """The ids of the applications that are not `provider`'s."""
        owners = {
            self.app_a: self.provider_a,
            self.app_b: self.provider_b,
            self.made.get("app_a2", ""): self.provider_a,
            self.made.get("app_a3", ""): self.provider_a,
            self.made.get("app_c", ""): self.provider_c,
            self.made.get("app_d", ""): self.provider_d,
        }
        return {app for app, owner in owners.items() if app and owner != provider}

    def headers(self, who: Who) -> Headers:
        return bearer(self.tokens[who]) if who in self.tokens else {}

    def fresh_client(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(transport=self.transport, base_url="http://test")

    async def api(self, who: Who, method: str, url: str, **kwargs: Any) -> httpx.Response:
        kwargs["headers"] = {**self.headers(who), **kwargs.get("headers", {})}
        return await self.clients[Who.SECRETARIAT].request(method, url, **kwargs)

    async def file(self, who: Who, application: str, **changes: Any) -> httpx.Response:
        return await self.api(
            who,
            "POST",
            f"/api/v1/applications/{application}/assessments",
            content=msgspec.json.encode(submission(self.ruleset, **changes)),
            headers={"Content-Type": "application/json"},
        )

    async def csrf(self, client: httpx.AsyncClient) -> str:
        """The CSRF token of `client`'s portal session (one is started if it has none)."""
        page = await client.get("/portal/sign-in", follow_redirects=True)  # or the home page
        assert page.status_code == 200, page.text
        return csrf_of(page.text)

    async def sign_in(self, client: httpx.AsyncClient, token: str) -> None:
        form = await client.get("/portal/sign-in")
        answer = await client.post(
            "/portal/sign-in", data={"token": token, "csrf": csrf_of(form.text)}
        )
        assert answer.status_code == 303, answer.text

    async def dead_session(self, who: Who) -> tuple[httpx.AsyncClient, str]:
        """A portal session signed in with a new secretariat token that is then revoked or
        expired (`who` says which); with the session's CSRF token. One per cell: the first
        page that notices the dead token ends the session."""
        client = self.fresh_client()
        token, details = await accounts.issue_token(
            self.ids[Who.SECRETARIAT], label="portal", ttl_days=1
        )
        await self.sign_in(client, token)
        csrf = csrf_of((await client.get("/portal/secretariat")).text)
        await kill_token(details.id, revoke=who is Who.REVOKED)
        return client, csrf

    async def aclose(self) -> None:
        for client in self.clients.values():
            await client.aclose()


async def kill_token(token_id: str, *, revoke: bool) -> None:
    if revoke:
        await accounts.revoke_token(token_id)
        return
    past = dt.datetime.now(dt.UTC) - dt.timedelta(days=1)
    await (
        ApiTokenRow.update({ApiTokenRow.expires_at: past})
        .where(ApiTokenRow.public_id == token_id)
        .run()
    )


async def _provider(secretariat: Actor, name: str) -> str:
    org = await providers.register(
        ProviderInput(
            legal_name=name,
            country="PH",
            provider_types=["recruiter"],
            corridors=["PH-AE"],
            contact={"email": "office@example.org", "phone": "+63 2 8123 4567", "address": "X"},
        ),
        secretariat,
    )
    return str(org["id"])


def _accreditation(years_from: int, years_until: int) -> dict[str, Any]:
    today = dt.date.today()
    return {
        "provider_types": ["recruiter"],
        "countries": ["PH", "AE"],
        "valid_from": (today + dt.timedelta(days=365 * years_from)).isoformat(),
        "valid_until": (today + dt.timedelta(days=365 * years_until)).isoformat(),
    }


async def build_world(app: Litestar) -> World:
    """The cast, built once for the whole matrix (a few seconds)."""
    await standards.publish_library(LIBRARY, actor="test")
    await signing.generate_key("test")
    transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]  # as tests/conftest.py
    clients = {who: httpx.AsyncClient(transport=transport, base_url="http://test") for who in Who}
    sec_token = await make_account(Role.SECRETARIAT)
    sec_actor = await authenticate(sec_token)
    assert sec_actor is not None
    tokens: dict[Who, str] = {Who.SECRETARIAT: sec_token}
    ids: dict[Who, str] = {Who.SECRETARIAT: sec_actor.account_id}
    sec = bearer(sec_token)
    client = clients[Who.SECRETARIAT]

    async def account(**body: Any) -> tuple[str, str]:
        made = await client.post(
            "/api/v1/accounts", json={"name": body["role"], **body}, headers=sec
        )
        assert made.status_code == 201, made.text
        return made.json()["account"]["id"], made.json()["token"]

    provider_a = await _provider(sec_actor, "Agencia Uno")
    provider_b = await _provider(sec_actor, "Agencia Dos")
    provider_c = await _provider(sec_actor, "Agencia Tres")
    provider_d = await _provider(sec_actor, "Agencia Cuatro")
    for who, provider_id in ((Who.PROV_A, provider_a), (Who.PROV_B, provider_b)):
        ids[who], tokens[who] = await account(role="provider", provider_id=provider_id)
    for who in AUDITORS:
        ids[who], tokens[who] = await account(role="auditor")
    ids[Who.EMPLOYER], tokens[Who.EMPLOYER] = await account(
        role="employer", email="employer@example.org"
    )
    spare_auditor, spare_token = await account(role="auditor")
    spare = await authenticate(spare_token)
    assert spare is not None

    async def post(who: Who, url: str, status: int, **kwargs: Any) -> Any:
        answer = await client.post(
            url, headers={**bearer(tokens[who]), **kwargs.pop("h", {})}, **kwargs
        )
        assert answer.status_code == status, (url, answer.text)
        return answer.json()

    accreditations = "/api/v1/auditors/{}/accreditations"
    await post(
        Who.SECRETARIAT, accreditations.format(ids[Who.AUDITOR]), 201, json=_accreditation(-1, 3)
    )
    await post(
        Who.SECRETARIAT,
        accreditations.format(ids[Who.OTHER_AUDITOR]),
        201,
        json=_accreditation(-1, 3),
    )
    spare_accreditation = (
        await post(
            Who.SECRETARIAT,
            accreditations.format(ids[Who.OTHER_AUDITOR]),
            201,
            json={**_accreditation(-1, 3), "provider_types": ["training"]},
        )
    )["id"]
    await post(
        Who.SECRETARIAT,
        accreditations.format(ids[Who.EXPIRED_AUDITOR]),
        201,
        json=_accreditation(-4, -2),
    )

    scope = {"standard": STANDARD, "provider_types": ["recruiter"], "corridors": ["PH-AE"]}
    app_a = (await post(Who.PROV_A, "/api/v1/applications", 201, json=scope))["id"]
    app_b = (await post(Who.PROV_B, "/api/v1/applications", 201, json=scope))["id"]
    await post(
        Who.SECRETARIAT,
        f"/api/v1/applications/{app_a}/assign",
        200,
        json={"auditor_id": ids[Who.AUDITOR]},
    )
    async with write_transaction():  # assigned back when its accreditation was valid
        await applications.record_transition(
            app_b,
            ApplicationState.AUDITOR_ASSIGNED,
            actor="test",
            changes={
                "auditor_id": ids[Who.EXPIRED_AUDITOR],
                "audit_date": dt.date.today() - dt.timedelta(days=365 * 3),
            },
        )
    evidence = await post(
        Who.AUDITOR,
        "/api/v1/evidence",
        201,
        params={"application_id": app_a, "filename": "contract.pdf"},
        content=PDF,
        h={"Content-Type": "application/pdf"},
    )
    ruleset = await standards.get_ruleset("core-rights", "1.0.0")
    filed = await post(
        Who.AUDITOR,
        f"/api/v1/applications/{app_a}/assessments",
        201,
        content=msgspec.json.encode(submission(ruleset)),
        h={"Content-Type": "application/json", "Idempotency-Key": "authz-world-1"},
    )
    decided = await post(Who.SECRETARIAT, f"/api/v1/applications/{app_a}/decision", 201)
    certificate = decided["certificate"]
    assert certificate is not None, decided
    credential_answer = await client.get(f"/credentials/{certificate['id']}")
    assert credential_answer.status_code == 200, credential_answer.text
    credential: dict[str, Any] = msgspec.json.decode(credential_answer.content)
    status_url = next(
        entry["statusListCredential"]
        for entry in credential["credentialStatus"]
        if entry["statusPurpose"] == "revocation"
    )
    conflict_by_auditor = (
        await post(
            Who.AUDITOR, "/api/v1/conflicts", 201, json={"provider_id": provider_b, "reason": "x"}
        )
    )["id"]
    conflict_by_provider = (
        await post(
            Who.PROV_A, "/api/v1/conflicts", 201, json={"auditor_id": spare_auditor, "reason": "y"}
        )
    )["id"]

    for who in (Who.REVOKED, Who.EXPIRED):
        issued = await post(
            Who.SECRETARIAT,
            f"/api/v1/accounts/{sec_actor.account_id}/tokens",
            201,
            json={"label": who.value, "ttl_days": 30},
        )
        tokens[who] = issued["token"]
        await kill_token(issued["details"]["id"], revoke=who is Who.REVOKED)
    world = World(
        app=app,
        transport=transport,
        ruleset=ruleset,
        clients=clients,
        tokens=tokens,
        ids=ids,
        sec_actor=sec_actor,
        provider_a=provider_a,
        provider_b=provider_b,
        provider_c=provider_c,
        provider_d=provider_d,
        spare_auditor=spare_auditor,
        spare_token_id=spare.token_id,
        app_a=app_a,
        app_b=app_b,
        evidence_sha=evidence["sha256"],
        assessment_a=filed["id"],
        certificate_id=certificate["id"],
        certificate_code=certificate["code"],
        credential=credential,
        status_list=httpx.URL(status_url).path,
        conflict_by_auditor=conflict_by_auditor,
        conflict_by_provider=conflict_by_provider,
        spare_accreditation=spare_accreditation,
    )
    for who in (Who.PROV_A, Who.PROV_B, *AUDITORS, Who.EMPLOYER, Who.SECRETARIAT):
        await world.sign_in(clients[who], tokens[who])
    return world
