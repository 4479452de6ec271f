"""A registry with a published standard, two providers, two auditors and an application
assigned to one of them: the cast of every assessments test.

Accounts are made through the API. Providers, applications and assignment go through the
registry's own services (`registry.providers`, `registry.applications`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import httpx
import msgspec

from audits.model import AuditType
from audits.template import findings_template, passing_value
from registry import applications, auditors, providers
from registry import keys as signing
from registry.accounts import Actor, Role, authenticate
from registry.db.database import write_transaction
from registry.providers import ProviderInput
from registry.standards import service as standards
from standards.model import ProviderType, RuleSet
from tests.support.http import bearer, make_account
from tests.support.paths import LIBRARY

STANDARD = "core-rights@1.0.0"
Headers = dict[str, str]


def submission(ruleset: RuleSet, **changes: Any) -> dict[str, Any]:
    """A complete, passing findings document for a recruiter in PH-AE."""
    doc = findings_template(ruleset, [ProviderType.RECRUITER], audit_type=AuditType.INITIAL)
    del doc["indicators_help"]
    measures = {ind.id: ind.measure for _, ind in ruleset.indicators()}
    for finding in doc["findings"]:
        finding["value"] = passing_value(measures[finding["indicator"]])
    doc.update(
        started_on="2026-10-01",
        ended_on="2026-10-03",
        sites=[{"name": "Head office", "country": "PH", "address": "Manila"}],
        workers_interviewed=25,
    )
    doc.update(changes)
    return doc


@dataclass
class Party:
    headers: Headers
    account_id: str
    actor: Actor


@dataclass
class World:
    client: httpx.AsyncClient
    ruleset: RuleSet
    secretariat: Party
    provider: Party  # owns `application`
    other_provider: Party  # owns `other_application`
    auditor: Party  # assigned to `application` and `other_application`
    other_auditor: Party  # accredited nowhere, assigned to nothing
    provider_id: str
    other_provider_id: str
    application: str
    other_application: str

    def submission(self, **changes: Any) -> dict[str, Any]:
        """A complete, passing findings document for the application's scope."""
        return submission(self.ruleset, **changes)

    async def upload(
        self, data: bytes, *, content_type: str = "application/pdf", who: Party | None = None,
        application: str | None = None, filename: str = "contract.pdf",
    ) -> httpx.Response:  # fmt: skip
        return await self.client.post(
            "/api/v1/evidence",
            params={"application_id": application or self.application, "filename": filename},
            content=data,
            headers={**(who or self.auditor).headers, "Content-Type": content_type},
        )

    async def file(
        self, doc: Any, *, who: Party | None = None, application: str | None = None,
        key: str | None = None,
    ) -> httpx.Response:  # fmt: skip
        headers = dict((who or self.auditor).headers)
        if key is not None:
            headers["Idempotency-Key"] = key
        return await self.client.post(
            f"/api/v1/applications/{application or self.application}/assessments",
            content=msgspec.json.encode(doc),
            headers={**headers, "Content-Type": "application/json"},
        )


PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


async def _party(client: httpx.AsyncClient, secretariat: Headers, **body: Any) -> Party:
    response = await client.post(
        "/api/v1/accounts", json={"name": body["role"], **body}, headers=secretariat
    )
    assert response.status_code == 201, response.text
    token = response.json()["token"]
    actor = await authenticate(token)
    assert actor is not None
    return Party(bearer(token), actor.account_id, actor)


async def _provider(secretariat: Actor, name: str) -> str:
    org = await providers.register(
        ProviderInput(
            legal_name=name,
            country="PH",
            provider_types=["recruiter"],
            corridors=["PH-AE"],
            contact={"email": "office@example.org"},
        ),
        secretariat,
    )
    return str(org["id"])


async def _assigned_application(
    provider: Party, provider_id: str, auditor: Party, standard: str = STANDARD
) -> str:
    application = await applications.apply(
        provider_id=provider_id,
        standard=standard,
        provider_types=["recruiter"],
        corridors=["PH-AE"],
        actor=provider.actor,
    )
    async with write_transaction():
        await applications.record_transition(
            application.id,
            applications.ApplicationState.AUDITOR_ASSIGNED,
            actor="test",
            changes={"auditor_id": auditor.account_id, "audit_date": dt.date(2026, 10, 1)},
        )
    return application.id


async def build_world(client: httpx.AsyncClient, standard: str = STANDARD) -> World:
    """`standard` is the applications' (core-rights@1.0.0 unless given)."""
    await standards.publish_library(LIBRARY, actor="test")
    await signing.generate_key("test")  # decisions issue signed certificates
    token = await make_account(Role.SECRETARIAT)
    sec_actor = await authenticate(token)
    assert sec_actor is not None
    secretariat = Party(bearer(token), sec_actor.account_id, sec_actor)
    provider_id = await _provider(sec_actor, "Agencia Uno")
    other_provider_id = await _provider(sec_actor, "Agencia Dos")
    provider = await _party(client, secretariat.headers, role="provider", provider_id=provider_id)
    other_provider = await _party(
        client, secretariat.headers, role="provider", provider_id=other_provider_id
    )
    auditor = await _party(client, secretariat.headers, role="auditor")
    other_auditor = await _party(client, secretariat.headers, role="auditor")
    # Assigned below straight through the services, but accredited for real: an auditor
    # files only while an accreditation covering the application is in force.
    today = dt.date.today()
    await auditors.accredit(
        auditor.account_id,
        provider_types=["recruiter"],
        countries=["PH", "AE"],
        valid_from=today - dt.timedelta(days=365),
        valid_until=today + dt.timedelta(days=3 * 365),
        actor=sec_actor,
    )
    return World(
        client=client,
        ruleset=await standards.get_ruleset(*standard.split("@")),
        secretariat=secretariat,
        provider=provider,
        other_provider=other_provider,
        auditor=auditor,
        other_auditor=other_auditor,
        provider_id=provider_id,
        other_provider_id=other_provider_id,
        application=await _assigned_application(provider, provider_id, auditor, standard),
        other_application=await _assigned_application(
            other_provider, other_provider_id, auditor, standard
        ),
    )
