"""Issue 16's decision screens over HTTP (in-process), on the demo data set: the decide
queue with the facts, certifying only through the confirmation that names what is signed,
refusing only with a reason, decisions that fail shown on the page; the auditor's report
after filing and amendments in the portal; names beside ids; the secretariat registering
organisations and creating accounts; the public pages' sign-in link."""

from __future__ import annotations

import json
import re

import httpx

from registry import accounts, applications
from registry.accounts import Role
from registry.applications import ApplicationState
from registry.assessments import decisions, queue
from registry.assessments import service as assessments
from registry.certificates import service as certificates
from registry.db.tables import AccountRow, ProviderRow
from registry.settings import get_settings
from tests.integration.web.demo import Demo
from tests.support.http import make_account
from tests.support.portal import csrf as _csrf
from tests.support.portal import page as _page
from tests.support.portal import post_sign_in as _sign_in

APPLICANT = "Hanoi Global Workforce JSC"  # the demo's application awaiting a decision
AUDITOR = "Demo auditor (Asha Rai)"


def _demo_token(prefix: str) -> str:
    tokens = json.loads((get_settings().data_dir / "demo-tokens.json").read_text())
    return str(next(t for name, t in tokens.items() if name.startswith(prefix)))


async def _awaiting() -> queue.AssessedApplication:
    actor = await accounts.authenticate(_demo_token("secretariat:"))
    assert actor is not None
    pending = await queue.awaiting_decision(actor)
    assert len(pending) == 1, pending
    return pending[0]


async def _certificates() -> int:
    listed = await certificates.list_certificates(
        provider=None, status_filter=None, limit=200, offset=0
    )
    return listed.total


async def test_the_decide_queue_shows_the_facts(seeded: Demo, client: httpx.AsyncClient) -> None:
    pending = await _awaiting()
    await _sign_in(client, await make_account(Role.SECRETARIAT))
    body = await _page(client, "/portal/secretariat")
    row = body[body.index('<table class="decide-queue">') :]
    row = row[: row.index("</table>")]
    assert f"<bdi>{APPLICANT}</bdi>" in row
    assert pending.provider_id in row
    assert pending.standard in row
    assert (
        f"score <strong>{pending.score}</strong><br>grade <strong>{pending.grade}</strong>" in row
    )
    n = pending.non_conformities
    assert f"<strong>{n.critical}</strong> critical, <strong>{n.major}</strong> major" in row
    assert f"<bdi>{AUDITOR}</bdi>" in row
    assert f'href="/portal/assessments/{pending.assessment_id}"' in row
    assert f'href="/portal/secretariat/applications/{pending.application_id}/decide"' in row
    # the queue itself signs nothing: no form posts a decision from it
    assert '/decide" method' not in body
    assert 'name="do" value="sign"' not in body
    # the report it links to
    report = await _page(client, f"/portal/assessments/{pending.assessment_id}")
    assert f"Assessment report <code>{pending.assessment_id}</code>" in report
    assert "Scores by category" in report
    assert "Non-conformities and their deadlines" in report
    # the assignment queue names the applicant too
    assign = body[: body.index('aria-labelledby="decide-heading"')]
    assert re.search(r'<a href="/providers/RMP-[^"]+"><bdi>[^<]+</bdi> <span class="ref">', assign)


async def test_a_certify_without_confirmation_signs_nothing(
    seeded: Demo, client: httpx.AsyncClient
) -> None:
    pending = await _awaiting()
    before = await _certificates()
    await _sign_in(client, await make_account(Role.SECRETARIAT))
    path = f"/portal/secretariat/applications/{pending.application_id}/decide"
    page = await _page(client, path)
    csrf = _csrf(page)
    # the confirmation names what will be signed
    confirm = page[page.index('<form class="portal card confirm"') :]
    confirm = confirm[: confirm.index("</form>")]
    preview = await queue.preview(pending.application_id, await _secretariat())
    assert f"<bdi>{APPLICANT}</bdi>" in confirm
    assert pending.standard in confirm
    assert f"<strong>{preview.grade}</strong>" in confirm
    assert preview.valid_until
    assert preview.valid_until[:4] in confirm
    assert f"({preview.validity_months} months)" in confirm
    assert '<button type="submit" name="do" value="sign">Sign the certificate</button>' in confirm
    # the old one-click form, and a sign without the assessment it confirms: nothing signed
    for data in ({"csrf": csrf}, {"csrf": csrf, "do": "sign"}, {"csrf": csrf, "do": "certify"}):
        refused = await client.post(path, data=data)
        assert refused.status_code == 400, refused.text[:2000]
        assert "Nothing was signed" in refused.text
        assert 'value="sign">Sign the certificate</button>' in refused.text
    # a confirmation of an assessment that is no longer the latest: refused, on the page
    stale = await client.post(path, data={"csrf": csrf, "do": "sign", "assessment_id": "asm_0"})
    assert stale.status_code == 409
    assert "Not decided, nothing stored" in stale.text
    assert "was amended since you reviewed it" in stale.text
    assert await _certificates() == before
    assert (await applications.get_application(pending.application_id)).state == "assessed"
    # confirmed: signed
    signed = await client.post(
        path, data={"csrf": csrf, "do": "sign", "assessment_id": pending.assessment_id}
    )
    assert signed.status_code == 303, signed.text[:2000]
    after = await _page(client, signed.headers["location"])
    assert re.search(rf"Application {pending.application_id} certified: certificate RM-", after)
    assert await _certificates() == before + 1
    # deciding again (a second tab, a race lost): a clear message, nothing more signed
    again = await client.post(
        path, data={"csrf": csrf, "do": "sign", "assessment_id": pending.assessment_id}
    )
    assert again.status_code == 409
    assert "is certified, not assessed" in again.text or "not awaiting a decision" in again.text
    assert '<div class="alert" role="alert">' in again.text
    assert await _certificates() == before + 1


async def _secretariat() -> accounts.Actor:
    actor = await accounts.authenticate(_demo_token("secretariat:"))
    assert actor is not None
    return actor


async def test_refusing_needs_a_reason(seeded: Demo, client: httpx.AsyncClient) -> None:
    pending = await _awaiting()
    await _sign_in(client, await make_account(Role.SECRETARIAT))
    path = f"/portal/secretariat/applications/{pending.application_id}/decide"
    csrf = _csrf(await _page(client, path))
    for reason in ("", "   ", "x" * 2001):
        refused = await client.post(path, data={"csrf": csrf, "do": "refuse", "reason": reason})
        assert refused.status_code == 400
        assert '<p class="field-error" id="reason-error">say why' in refused.text
        assert 'id="reason" name="reason"' in refused.text
        assert 'aria-invalid="true"' in refused.text
    assert (await applications.get_application(pending.application_id)).state == "assessed"
    done = await client.post(
        path,
        data={
            "csrf": csrf,
            "do": "refuse",
            "reason": "fees charged to workers",
            "assessment_id": pending.assessment_id,
        },
    )
    assert done.status_code == 303, done.text[:2000]
    assert f"Application {pending.application_id} not certified" in await _page(
        client, done.headers["location"]
    )
    decision = await decisions.get_decision(pending.application_id, await _secretariat())
    assert decision.outcome == "not_certified"
    assert decision.grade is None
    assert decision.certificate is None
    assert decision.reasons[-1] == "Refused by the secretariat: fees charged to workers"


async def test_the_auditor_sees_the_report_and_amends_it(
    seeded: Demo, client: httpx.AsyncClient
) -> None:
    pending = await _awaiting()
    first = pending.assessment_id
    await _sign_in(client, _demo_token("auditor:"))
    listed = await _page(client, "/portal/auditor")
    filed = listed[listed.index("Filed assessments") :]
    assert f"<bdi>{APPLICANT}</bdi>" in filed
    assert f'href="/portal/assessments/{first}"' in filed
    assert f'href="/portal/auditor/assessments/{first}/amend"' in filed
    assert f"score <strong>{pending.score}</strong>" in filed
    report = await _page(client, f"/portal/assessments/{first}")
    assert f'<a class="button" href="/portal/auditor/assessments/{first}/amend">' in report
    form = await _page(client, f"/portal/auditor/assessments/{first}/amend")
    assert f"Amend assessment {first}" in form
    assert " checked>" in form  # the filed answers, prefilled
    workers = re.search(r'id="workers_interviewed"[^>]*value="(\d+)"', form)
    assert workers, form[:3000]
    fields = dict(re.findall(r'<input id="([a-z_]+)" name="\1"[^>]*value="([^"]*)"', form))
    fields |= dict(re.findall(r'name="(value-[^"]+)" value="([^"]+)" checked', form))
    fields |= dict(
        re.findall(
            r'<select id="(value-[^"]+)"[^>]*>(?:(?!</select>).)*?value="(\d)" selected', form, re.S
        )
    )
    fields |= dict(
        re.findall(r'id="(value-[^"]+)" name="[^"]+" type="number"[^>]*value="([^"]*)"', form)
    )
    fields["audit_type"] = "initial"
    fields["workers_interviewed"] = str(int(workers.group(1)) + 5)
    path = f"/portal/auditor/assessments/{first}/amend"
    csrf = _csrf(form)
    no_reason = await client.post(path, data={**fields, "csrf": csrf, "do": "file"})
    assert no_reason.status_code == 400, no_reason.text[:2000]
    assert '<p class="field-error" id="reason-error">say why the assessment is amended' in (
        no_reason.text
    )
    actor = await _secretariat()
    assert len(await assessments.list_assessments(pending.application_id, actor)) == 1
    amended = await client.post(
        path,
        data={**fields, "csrf": csrf, "do": "file", "reason": "miscounted the interviews"},
    )
    assert amended.status_code == 303, amended.text[:3000]
    chain = await assessments.list_assessments(pending.application_id, actor)
    assert [a.amends for a in chain] == [None, first]
    assert amended.headers["location"] == f"/portal/assessments/{chain[1].id}"
    shown = await _page(client, amended.headers["location"])
    assert f"Assessment {first} amended by {chain[1].id}: score" in shown
    assert f'amending <a href="/portal/assessments/{first}">' in shown
    history = await applications.events(pending.application_id)
    assert history[-1].reason == (
        f"assessment {first} amended by {chain[1].id}: miscounted the interviews"
    )
    # the old one says it was amended and can no longer be amended
    old = await _page(client, f"/portal/assessments/{first}")
    assert "this assessment was corrected by" in old
    assert "Amend this assessment" not in old
    again = await client.get(path)
    assert again.status_code == 303
    assert again.headers["location"].endswith(chain[1].id)
    # the secretariat now decides on the amendment
    assert (await _awaiting()).assessment_id == chain[1].id


async def test_reports_and_amendments_are_private(seeded: Demo, client: httpx.AsyncClient) -> None:
    pending = await _awaiting()
    await _sign_in(client, await make_account(Role.AUDITOR))  # not the auditor who filed
    await _page(client, f"/portal/assessments/{pending.assessment_id}", 404)
    await _page(client, f"/portal/auditor/assessments/{pending.assessment_id}/amend", 404)
    async with httpx.AsyncClient(transport=client._transport, base_url=client.base_url) as own:
        token = await make_account(Role.PROVIDER, provider_id=pending.provider_id)
        await _sign_in(own, token)
        await _page(own, f"/portal/assessments/{pending.assessment_id}")
        await _page(own, f"/portal/auditor/assessments/{pending.assessment_id}/amend", 403)
        await _page(own, f"/portal/secretariat/applications/{pending.application_id}/decide", 403)


async def test_the_secretariat_registers_an_organisation_and_creates_accounts(
    seeded: Demo, client: httpx.AsyncClient
) -> None:
    await _sign_in(client, await make_account(Role.SECRETARIAT))
    page = await _page(client, "/portal/secretariat/providers")
    csrf = _csrf(page)
    assert f"<bdi>{APPLICANT}</bdi>" in page
    count = await ProviderRow.count()
    bad = await client.post(
        "/portal/secretariat/providers",
        data={"csrf": csrf, "legal_name": "", "country": "ZZ", "contact_email": "nope"},
    )
    assert bad.status_code == 422
    for field in ("legal_name", "provider_types", "contact_email"):
        assert f'id="{field}-error"' in bad.text, field
    bidi = await client.post(
        "/portal/secretariat/providers",
        data={
            "csrf": csrf,
            "legal_name": "Evil\u202eCorp",
            "country": "PH",
            "provider_types": "recruiter",
            "contact_email": "a@example.org",
            "contact_phone": "+63 2 1234",
            "contact_address": "Manila",
        },
    )
    assert bidi.status_code == 422
    assert 'id="legal_name-error"' in bidi.text
    assert await ProviderRow.count() == count
    good = {
        "csrf": csrf,
        "legal_name": "Bayanihan Placement Inc.",
        "country": "ph",
        "corridors": "PH-AE, PH-QA",
        "provider_types": "recruiter",
        "contact_email": "desk@bayanihan.example",
        "contact_phone": "+63 2 8123 4567",
        "contact_address": "Makati",
        "licence_number": "POEA-123",
        "licence_country": "PH",
        "licence_authority": "DMW",
        "licence_expires_on": "2030-01-01",
    }
    registered = await client.post("/portal/secretariat/providers", data=good)
    assert registered.status_code == 303, registered.text[:2000]
    listed = await _page(client, registered.headers["location"].split("#")[0])
    found = re.search(r"Registered (RMP-[A-Z0-9]+): Bayanihan Placement Inc\.", listed)
    assert found, listed[:2000]
    provider_id = found.group(1)
    row = await ProviderRow.select().where(ProviderRow.public_id == provider_id).first()
    assert row is not None
    assert row["country"] == "PH"
    assert json.loads(row["licences"])[0]["number"] == "POEA-123"
    # an account for it; the token is on the answer, once, never stored in the clear
    accounts_page = await _page(client, "/portal/secretariat/accounts")
    assert f'<option value="{provider_id}">' in accounts_page
    wrong = await client.post(
        "/portal/secretariat/accounts",
        data={"csrf": csrf, "name": "Ana", "role": "auditor", "provider_id": provider_id},
    )
    assert wrong.status_code == 422
    assert 'id="provider_id-error"' in wrong.text
    no_role = await client.post(
        "/portal/secretariat/accounts", data={"csrf": csrf, "name": "Ana", "role": "boss"}
    )
    assert no_role.status_code == 422
    assert 'id="role-error"' in no_role.text
    accounts_before = await AccountRow.count()
    created = await client.post(
        "/portal/secretariat/accounts",
        data={
            "csrf": csrf,
            "name": "Bayanihan desk",
            "role": "provider",
            "email": "desk@bayanihan.example",
            "provider_id": provider_id,
        },
    )
    assert created.status_code == 201, created.text[:2000]
    assert "no-store" in created.headers["cache-control"]
    token = re.search(r'<p class="token"><code>(rm_[^<]+)</code>', created.text)
    assert token, created.text[:2000]
    assert "shown only this once" in created.text
    assert await AccountRow.count() == accounts_before + 1
    actor = await accounts.authenticate(token.group(1))
    assert actor is not None
    assert actor.role is Role.PROVIDER
    assert actor.provider_id == provider_id
    sessions = get_settings().data_dir / "portal-sessions"
    assert all(token.group(1) not in p.read_text(errors="replace") for p in sessions.iterdir())
    after = await _page(client, "/portal/secretariat/accounts")
    assert token.group(1) not in after
    assert "<bdi>Bayanihan desk</bdi>" in after
    assert f'<bdi>Bayanihan Placement Inc.</bdi> <span class="ref">{provider_id}</span>' in after


async def test_the_pages_are_for_the_secretariat(seeded: Demo, client: httpx.AsyncClient) -> None:
    await _sign_in(client, await make_account(Role.AUDITOR))
    for path in ("/portal/secretariat/providers", "/portal/secretariat/accounts"):
        await _page(client, path, 403)


async def test_public_pages_link_to_sign_in(published: Demo, client: httpx.AsyncClient) -> None:
    for path in ("/", "/standards", "/verify"):
        body = (await client.get(path)).text
        assert '<a class="sign-in" href="/portal/sign-in">Sign in</a>' in body, path


async def test_an_unassessed_application_has_nothing_to_decide(
    seeded: Demo, client: httpx.AsyncClient
) -> None:
    actor = await _secretariat()
    submitted = await applications.list_for(
        actor, state=ApplicationState.SUBMITTED, limit=1, offset=0
    )
    await _sign_in(client, await make_account(Role.SECRETARIAT))
    page = await _page(client, f"/portal/secretariat/applications/{submitted[0].id}/decide", 409)
    assert "is submitted: it is not awaiting a decision" in page
    await _page(client, "/portal/secretariat/applications/apl_nothing/decide", 404)
