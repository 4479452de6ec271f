"""The signed-in portals over HTTP (in-process), on the demo data set: sign-in with an API
token, the session cookie, CSRF, roles, revocation, and every secretariat and provider
page and action, including bad input answered with a 4xx page."""

from __future__ import annotations

import json
import re

import httpx
import pytest

from registry import accounts, applications, assignment
from registry.accounts import Role
from registry.applications import ApplicationState
from registry.settings import get_settings
from tests.integration.web.demo import Demo
from tests.support.database import app_client
from tests.support.http import make_account
from tests.support.portal import csrf, page, post_sign_in

# Short names for the shared portal helpers, as this module's tests have always used them.
_csrf = csrf
_page = page
_sign_in = post_sign_in


async def test_sign_in_sets_a_hardened_session_cookie_and_signs_out(
    client: httpx.AsyncClient,
) -> None:
    token = await make_account(Role.SECRETARIAT)
    answer = await _sign_in(client, token)
    assert answer.status_code == 303
    assert answer.headers["location"] == "/portal"
    cookie = answer.headers["set-cookie"]
    assert cookie.startswith("rm_portal=")
    assert "HttpOnly" in cookie
    assert "SameSite=lax" in cookie or "SameSite=Lax" in cookie
    assert "Path=/portal" in cookie
    assert "Secure" not in cookie  # RIGHTSMARK_PUBLIC_URL is http in tests
    assert token not in cookie
    stored = (get_settings().data_dir / "portal-sessions").iterdir()
    assert all(token not in path.read_text(errors="replace") for path in stored)
    home = await client.get("/portal")
    assert home.status_code == 303
    assert home.headers["location"] == "/portal/secretariat"
    body = await _page(client, "/portal/secretariat")
    assert "Signed in as <strong>secretariat</strong>" in body
    assert token not in body
    out = await client.post("/portal/sign-out", data={"csrf": _csrf(body)})
    assert out.status_code == 303
    assert out.headers["location"] == "/portal/sign-in?out=1"
    again = await client.get("/portal/secretariat")
    assert again.status_code == 303
    assert again.headers["location"] == "/portal/sign-in"


async def test_visits_to_the_sign_in_page_store_nothing(client: httpx.AsyncClient) -> None:
    """Issue 16: 50 anonymous visits wrote 50 session files. The sign-in form's CSRF token
    is a signed nonce in a cookie of its own: nothing is stored until someone signs in, and
    a token lifted from another browser's form does not work without that browser's cookie."""
    sessions = get_settings().data_dir / "portal-sessions"
    before = set(sessions.iterdir()) if sessions.exists() else set()
    for _ in range(10):
        async with app_client() as visitor:
            form = await visitor.get("/portal/sign-in")
            assert form.status_code == 200
            assert "rm_portal=" not in form.headers.get("set-cookie", "")
    after = set(sessions.iterdir()) if sessions.exists() else set()
    assert after == before
    first = await client.get("/portal/sign-in")
    cookie = first.headers["set-cookie"]
    assert cookie.startswith("rm_portal_csrf=")
    assert "HttpOnly" in cookie
    assert "SameSite=strict" in cookie or "SameSite=Strict" in cookie
    token = await make_account(Role.SECRETARIAT)
    async with app_client() as attacker:  # the form's token, without the victim's cookie
        lifted = await attacker.post(
            "/portal/sign-in", data={"token": token, "csrf": _csrf(first.text)}
        )
        assert lifted.status_code == 403
    signed = await client.post("/portal/sign-in", data={"token": token, "csrf": _csrf(first.text)})
    assert signed.status_code == 303


async def test_the_public_pages_set_no_cookie(client: httpx.AsyncClient) -> None:
    response = await client.get("/statistics")
    assert "set-cookie" not in response.headers
    unsigned = await client.get("/portal/provider")
    assert unsigned.status_code == 303
    assert "set-cookie" not in unsigned.headers


async def test_a_bad_token_is_refused_at_its_field(client: httpx.AsyncClient) -> None:
    for token, message in [
        ("", "paste your API token"),
        ("rm_notatoken", "this token is not valid"),
        ("nonsense", "this token is not valid"),
    ]:
        answer = await _sign_in(client, token)
        assert answer.status_code == 400
        assert 'aria-invalid="true"' in answer.text
        assert f'<p class="field-error" id="token-error">{message}' in answer.text
    assert (await client.get("/portal/secretariat")).status_code == 303


async def test_posts_without_the_csrf_token_are_refused(client: httpx.AsyncClient) -> None:
    token = await make_account(Role.SECRETARIAT)
    first = await client.get("/portal/sign-in")
    refused = await client.post("/portal/sign-in", data={"token": token})
    assert refused.status_code == 403
    assert "<h1>Not allowed</h1>" in refused.text
    forged = await client.post("/portal/sign-in", data={"token": token, "csrf": "forged"})
    assert forged.status_code == 403
    assert (
        await client.post("/portal/sign-in", data={"token": token, "csrf": _csrf(first.text)})
    ).status_code == 303
    for path in ["/portal/sign-out", "/portal/secretariat/applications/app_x/assign"]:
        answer = await client.post(path, data={"reason": "no token"})
        assert answer.status_code == 403, path
    json_body = await client.post("/portal/sign-out", json={"csrf": "x"})
    assert json_body.status_code == 415
    # still signed in: nothing above took effect
    assert (await client.get("/portal/secretariat")).status_code == 200


async def test_a_fixated_session_id_is_never_adopted(client: httpx.AsyncClient) -> None:
    token = await make_account(Role.SECRETARIAT)
    client.cookies.set("rm_portal", "attacker-chosen", path="/portal")
    answer = await _sign_in(client, token)
    assert answer.status_code == 303
    assert "attacker-chosen" not in answer.headers["set-cookie"]


async def test_wrong_role_is_403(seeded: Demo, client: httpx.AsyncClient) -> None:
    auditor = await make_account(Role.AUDITOR)
    assert (await _sign_in(client, auditor)).status_code == 303
    body = await _page(client, "/portal/secretariat", 403)
    assert "this page is for the secretariat role" in body
    await _page(client, "/portal/provider", 403)
    code = seeded.code("valid", "gold")
    await _page(client, f"/portal/secretariat/certificates/{code}", 403)


async def test_revoked_token_or_account_signs_out(client: httpx.AsyncClient) -> None:
    token = await make_account(Role.SECRETARIAT)
    await _sign_in(client, token)
    await _page(client, "/portal/secretariat")
    actor = await accounts.authenticate(token)
    assert actor is not None
    await accounts.revoke_token(actor.token_id)
    ended = await client.get("/portal/secretariat")
    assert ended.status_code == 303
    assert ended.headers["location"] == "/portal/sign-in?ended=1"
    notice = await _page(client, "/portal/sign-in?ended=1")
    assert "You were signed out" in notice
    # the session is gone: signing in with a new token of another account works
    other = await make_account(Role.SECRETARIAT)
    await _sign_in(client, other)
    await _page(client, "/portal/secretariat")
    other_actor = await accounts.authenticate(other)
    assert other_actor is not None
    await accounts.revoke_account(other_actor.account_id)
    assert (await client.get("/portal/secretariat")).headers["location"] == (
        "/portal/sign-in?ended=1"
    )


async def test_secretariat_queue_assign_and_decide(seeded: Demo, client: httpx.AsyncClient) -> None:
    await _sign_in(client, await make_account(Role.SECRETARIAT))
    body = await _page(client, "/portal/secretariat")
    assert "Applications to assign (1)" in body
    assert "Applications to decide (1)" in body
    assign = re.search(r'action="/portal/secretariat/applications/([^/"]+)/assign"', body)
    decide = re.search(r'href="/portal/secretariat/applications/([^/"]+)/decide"', body)
    assert assign
    assert decide
    csrf = _csrf(body)
    done = await client.post(assign.group(0)[8:-1], data={"csrf": csrf})
    assert done.status_code == 303, done.text
    after = await _page(client, done.headers["location"])
    assert f"Application {assign.group(1)} assigned to acc_" in after
    assert "Applications to assign (0)" in after
    again = await client.post(assign.group(0)[8:-1], data={"csrf": csrf})
    assert again.status_code == 409
    assert "only a submitted application gets an auditor assigned" in again.text
    review = await _page(client, decide.group(0)[6:-1])
    assessment = re.search(r'name="assessment_id" value="([^"]+)"', review)
    assert assessment
    decided = await client.post(
        decide.group(0)[6:-1],
        data={"csrf": csrf, "do": "sign", "assessment_id": assessment.group(1)},
    )
    assert decided.status_code == 303, decided.text
    after = await _page(client, decided.headers["location"])
    assert f"Application {decide.group(1)} certified" in after
    assert "Applications to decide (0)" in after
    missing = await client.post(
        "/portal/secretariat/applications/app_nothing/decide",
        data={"csrf": csrf, "do": "sign", "assessment_id": "asm_x"},
    )
    assert missing.status_code == 404


async def test_secretariat_suspends_reinstates_and_revokes(
    seeded: Demo, client: httpx.AsyncClient
) -> None:
    await _sign_in(client, await make_account(Role.SECRETARIAT))
    code = seeded.code("valid", "gold")
    body = await _page(client, f"/portal/secretariat/certificates/{code}")
    assert "Suspend" in body
    assert "Revoke" in body
    assert "Reinstate" not in body
    csrf = _csrf(body)
    base = f"/portal/secretariat/certificates/{code}"
    empty = await client.post(f"{base}/suspend", data={"csrf": csrf, "reason": "   "})
    assert empty.status_code == 400
    assert 'id="reason-suspend-error">reason must be 1 to 2000 characters' in empty.text
    assert 'aria-invalid="true"' in empty.text
    too_long = await client.post(f"{base}/revoke", data={"csrf": csrf, "reason": "x" * 2001})
    assert too_long.status_code == 400
    assert 'id="reason-revoke-error"' in too_long.text
    unknown = await client.post(f"{base}/destroy", data={"csrf": csrf, "reason": "why"})
    assert unknown.status_code == 404
    steps = [("suspend", "suspended"), ("reinstate", "valid"), ("revoke", "revoked")]
    for action, status in steps:
        done = await client.post(
            f"{base}/{action}", data={"csrf": csrf, "reason": f"test {action}"}
        )
        assert done.status_code == 303, done.text
        page = await _page(client, done.headers["location"])
        assert f"Done: {action}." in page
        public = await client.get(f"/api/v1/certificates/{code}")
        assert public.json()["status"] == status
    final = await _page(client, base)
    assert "nothing more can be done" in final
    late = await client.post(f"{base}/suspend", data={"csrf": csrf, "reason": "again"})
    assert late.status_code == 409
    missing = await client.get("/portal/secretariat/certificates/RM-0000-0000")
    assert missing.status_code == 404


@pytest.mark.parametrize("pending", [False, True])
async def test_provider_sees_its_organisation_reports_and_certificates(
    seeded: Demo, client: httpx.AsyncClient, pending: bool
) -> None:
    gold = seeded.one("valid", "gold")
    provider_id = None if pending else gold["provider"]["id"]
    await _sign_in(client, await make_account(Role.PROVIDER, provider_id=provider_id))
    home = await client.get("/portal")
    assert home.headers["location"] == "/portal/provider"
    body = await _page(client, "/portal/provider")
    if pending:
        assert "does not belong to a registered organisation yet" in body
        return
    assert gold["provider"]["legal_name"].replace("&", "&amp;") in body
    assert f'<a href="/certificates/{gold["code"]}">' in body
    assert "Assessment reports" in body
    assert gold["application_id"] in body
    assert "Non-conformities and their deadlines" in body or "No non-conformities." in body
    # another provider's certificates are not listed
    other = seeded.one("revoked")
    assert other["code"] not in body
    await _page(client, "/portal/secretariat", 403)


async def _assigned_to_demo_auditor(seeded: Demo) -> tuple[str, str]:
    """The demo's submitted application, assigned to the demo auditor; (its id, token)."""
    tokens = json.loads((get_settings().data_dir / "demo-tokens.json").read_text())
    auditor = next(t for name, t in tokens.items() if name.startswith("auditor:"))
    secretariat = await accounts.authenticate(
        next(t for name, t in tokens.items() if name.startswith("secretariat:"))
    )
    assert secretariat is not None
    submitted = await applications.list_for(
        secretariat, state=ApplicationState.SUBMITTED, limit=10, offset=0
    )
    assigned = await assignment.assign(
        submitted[0].id, auditor_id=None, audit_date=None, actor=secretariat
    )
    return assigned.id, auditor


def _answers(body: str) -> dict[str, str]:
    """A passing answer for every indicator input of the form."""
    fields: dict[str, str] = {}
    for name in re.findall(r'type="radio" name="(value-[^"]+)" value="yes"', body):
        fields[name] = "yes"
    for name in re.findall(r'<select id="(value-[^"]+)"', body):
        fields[name] = "4"
    for name, low in re.findall(
        r'id="(value-[^"]+)" name="[^"]+" type="number" step="any"(?: min="([^"]*)")?', body
    ):
        fields[name] = low or "0"
    return fields


async def test_auditor_fills_saves_and_files_an_assessment(
    seeded: Demo, client: httpx.AsyncClient
) -> None:
    application_id, token = await _assigned_to_demo_auditor(seeded)
    await _sign_in(client, token)
    assert (await client.get("/portal")).headers["location"] == "/portal/auditor"
    listing = await _page(client, "/portal/auditor")
    assert f"Assess {application_id}" in listing
    path = f"/portal/auditor/applications/{application_id}"
    form = await _page(client, path)
    assert "Guidance:" in form
    assert 'type="radio"' in form
    assert '<option value="4"' in form
    csrf = _csrf(form)
    answers = _answers(form)
    assert answers
    first = next(iter(answers))
    # save a half-filled draft: it is kept in the session
    saved = await client.post(path, data={"csrf": csrf, "do": "save", first: answers[first]})
    assert saved.status_code == 303
    draft = await _page(client, saved.headers["location"])
    assert "Draft saved" in draft
    # file with problems: each at its field, the answers kept
    base = {
        "csrf": csrf,
        "audit_type": "initial",
        "started_on": "2026-11-01",
        "ended_on": "2026-11-02",
        "site_name": "Head office",
        "site_country": "ZZ",
        "workers_interviewed": "12",
        **answers,
    }
    missing = next(k for k in answers if k != first)
    refused = await client.post(path, data={**base, "do": "file", missing: ""})
    assert refused.status_code == 422, refused.text[:3000]
    assert f'id="{missing}-error"' in refused.text
    assert 'id="site_country-error"' in refused.text
    assert "Not filed:" in refused.text
    # fixed: filed, the application is assessed, the draft is gone
    filed = await client.post(path, data={**base, "site_country": "NP", "do": "file"})
    assert filed.status_code == 303, filed.text[:3000]
    done = await _page(client, filed.headers["location"])
    assert f"Assessment of {application_id} filed" in done
    assert (await applications.get_application(application_id)).state == "assessed"
    again = await client.post(path, data={**base, "site_country": "NP", "do": "file"})
    assert again.status_code == 409
    # another auditor's application does not exist for this one
    client.cookies.clear()
    await _sign_in(client, await make_account(Role.AUDITOR))
    assert (await client.get(path)).status_code == 404


async def test_the_assessment_form_shows_the_providers_complaint_history(
    seeded: Demo, client: httpx.AsyncClient
) -> None:
    application_id, token = await _assigned_to_demo_auditor(seeded)
    provider_id = (await applications.get_application(application_id)).provider_id
    filed = await client.post(
        "/api/v1/complaints",
        json={
            "provider": provider_id,
            "categories": ["retaliation"],
            "description": "Secret Person was fired for speaking up",
            "country": "NP",
            "corridor": "NP-QA",
            "workers_affected": 4,
            "contact": {"name": "Secret Person", "email": "secret.person@example.org"},
        },
    )
    assert filed.status_code == 201, filed.text
    await _sign_in(client, token)
    form = await _page(client, f"/portal/auditor/applications/{application_id}")
    assert "Complaints about this provider (1)" in form
    assert '<td>retaliation</td><td>NP (NP-QA)</td><td class="num">4</td>' in form
    for secret in (
        "Secret Person",
        "secret.person",
        "fired for speaking",
        filed.json()["reference"],
    ):
        assert secret not in form
