"""Corrective actions in the portals and on the public pages (issue 17): the provider sends
its plan and evidence, the assigned auditor accepts and verifies, the certificate and verify
pages show the open actions by class (counts and dates, never the finding) and then none,
and the statistics page shows the closure time. Real database, real HTTP, no mocks."""

from __future__ import annotations

import datetime as dt
import shutil

import httpx

from registry import surveillance as lifecycle
from registry.clock import utc_now
from registry.corrective.tables import CorrectiveActionRow
from registry.db.database import write_transaction
from registry.settings import get_settings
from standards.model import NonConformityClass
from tests.integration.http.corrective.conftest import STANDARD, failing, today_doc
from tests.support.assessments import PDF, Party, World, build_world
from tests.support.portal import csrf, page, sign_in, submit

CAP = "/portal/corrective-actions"
FINDING = "Grievance log not kept since March"  # what `failing` writes: private


async def _portal(client: httpx.AsyncClient, who: Party) -> httpx.AsyncClient:
    """A browser of its own (its own cookies) on the same app."""
    browser = httpx.AsyncClient(transport=client._transport, base_url=client.base_url)
    await sign_in(browser, who.headers["Authorization"].split()[1])
    return browser


def _file() -> dict[str, tuple[str, bytes, str]]:
    return {"evidence_file": ("log.pdf", PDF, "application/pdf")}


async def _certified_with_major(client: httpx.AsyncClient) -> tuple[World, str, str]:
    """core-rights 2.0.0, certified with one failed major indicator: (world, the action's
    id, the certificate's code)."""
    shutil.rmtree(get_settings().data_dir / "evidence", ignore_errors=True)
    world = await build_world(client, STANDARD)
    doc = today_doc(world)
    failing(world, doc, NonConformityClass.MAJOR)
    assert (await world.file(doc)).status_code == 201
    decided = await client.post(
        f"/api/v1/applications/{world.application}/decision", headers=world.secretariat.headers
    )
    assert decided.json()["outcome"] == "certified", decided.text
    listed = await client.get("/api/v1/corrective-actions", headers=world.provider.headers)
    [action] = listed.json()["items"]
    return world, action["id"], decided.json()["certificate"]["code"]


async def test_plan_evidence_review_and_the_public_pages(client: httpx.AsyncClient) -> None:
    world, action, code = await _certified_with_major(client)
    url = f"{CAP}/{action}"
    provider = await _portal(client, world.provider)
    assert 'href="/portal/provider/corrective-actions"' in await page(provider, "/portal/provider")
    listed = await page(provider, "/portal/provider/corrective-actions")
    assert action in listed
    assert "Open (1)" in listed
    assert "major" in listed
    shown = await page(provider, url)
    assert FINDING in shown
    assert 'name="root_cause"' in shown

    # Public: the count and the deadline, never the finding.
    close_by = (
        await client.get(f"/api/v1/corrective-actions/{action}", headers=world.provider.headers)
    ).json()["close_by"]
    public = await page(client, f"/certificates/{code}")
    assert "Open corrective actions, by class" in public
    assert close_by in public
    assert FINDING not in public
    verified = await page(client, f"/verify?code={code}")
    assert "Open corrective actions, by class" in verified
    assert FINDING not in verified

    # A plan without its root cause: refused at the field, nothing stored.
    refused = await submit(provider, url, f"{url}/plan", {"root_cause": " ", "plan": "x"}, 422)
    assert 'id="root_cause-error"' in refused.text
    assert "root_cause is required" in refused.text
    assert "open" in await page(provider, url)
    await submit(provider, url, f"{url}/plan",
                 {"root_cause": "Nobody owned the log", "plan": "Name an owner"})  # fmt: skip
    assert "Your plan was sent for review." in await page(provider, url)
    # Evidence is not taken before the plan is accepted: said at the top (no form for it).
    token = csrf(await page(provider, url))
    early = await provider.post(
        f"{url}/evidence", data={"csrf": token, "note": "done"}, files=_file()
    )
    assert early.status_code == 409
    assert "evidence is taken once its plan is accepted" in early.text

    # The auditor: returning needs a reason (at its field), then accepts.
    auditor = await _portal(client, world.auditor)
    queue = await page(auditor, "/portal/auditor/corrective-actions")
    assert "Awaiting your review (1)" in queue
    assert action in queue
    no_reason = await submit(auditor, url, f"{url}/plan-review", {"decision": "return"}, 422)
    assert 'id="reason-error"' in no_reason.text
    await submit(auditor, url, f"{url}/plan-review", {"decision": "accept"})
    assert "plan accepted" in await page(auditor, url)

    # The provider's evidence: a file through the evidence store, and a note.
    token = csrf(await page(provider, url))
    sent = await provider.post(
        f"{url}/evidence", data={"csrf": token, "note": "Owner named"}, files=_file()
    )
    assert sent.status_code == 303, sent.text[:2000]
    after = await page(provider, url)
    assert "evidence submitted" in after
    assert "log.pdf" in after
    # Major actions of core-rights 2.0.0 allow the secretariat's desk review: listed for it.
    secretariat = await _portal(client, world.secretariat)
    assert action in await page(secretariat, "/portal/secretariat/corrective-actions")
    # The auditor verifies closure by desk review; the history tells every step.
    await submit(auditor, url, f"{url}/closure-review", {"decision": "accept"})
    closed = await page(auditor, url)
    assert "desk review" in closed
    for event in ("plan submitted", "plan accepted", "evidence submitted", "verified"):
        assert event in closed
    assert "Closed or withdrawn (1)" in await page(provider, "/portal/provider/corrective-actions")

    # Public: none open now, and a closure time on the statistics page.
    public = await page(client, f"/certificates/{code}")
    assert "No corrective action is open." in public
    assert "Open corrective actions, by class" not in public
    stats = await page(client, "/statistics")
    assert "Median days from a non-conformity found to its closure verified" in stats
    assert '<th scope="row">Major</th><td class="num">1</td>' in stats


async def _critical(world: World, progress: str) -> str:
    """A critical action on the certified application (core-rights 2.0.0 closes criticals
    by a follow-up visit only, and lets only the assigned auditor review them)."""
    now = utc_now()
    async with write_transaction():
        await CorrectiveActionRow.insert(
            CorrectiveActionRow(
                public_id="cap_critical0001", application_id=world.application,
                provider_id=world.provider_id, assessment_id="asm_x", standard=STANDARD,
                indicator="FEE-1", category="FEE", klass="critical", finding="fees charged",
                plan_due=dt.date.today(), close_by=dt.date.today() + dt.timedelta(days=30),
                progress=progress, state=progress, evidence="[]", opened_at=now, updated_at=now,
            )
        ).run()  # fmt: skip
    return "cap_critical0001"


async def test_visit_required_and_secretariat_refused_are_said_on_the_page(
    client: httpx.AsyncClient,
) -> None:
    world, _, _ = await _certified_with_major(client)
    url = f"{CAP}/{await _critical(world, 'evidence_submitted')}"
    auditor = await _portal(client, world.auditor)
    form = await page(auditor, url)
    assert "follow-up visit" in form
    refused = await submit(auditor, url, f"{url}/closure-review", {"decision": "accept"}, 409)
    assert 'id="reason-error"' in refused.text
    assert "follow_up" in refused.text
    # The secretariat is not offered the form, and is refused if it sends it anyway.
    secretariat = await _portal(client, world.secretariat)
    shown = await page(secretariat, url)
    assert "the secretariat may not review this one" in shown
    token = csrf(shown)
    refusal = {"csrf": token, "decision": "return", "reason": "no"}
    sent = await secretariat.post(f"{url}/closure-review", data=refusal)
    assert sent.status_code == 403
    assert "may not review them on paper" in sent.text
    # Another provider: it does not exist.
    other = await _portal(client, world.other_provider)
    await page(other, url, 404)


async def test_the_secretariat_sees_overdue_plans_and_escalations(
    client: httpx.AsyncClient,
) -> None:
    world, action, _ = await _certified_with_major(client)
    secretariat = await _portal(client, world.secretariat)
    overdue = "/portal/secretariat/corrective-actions/overdue"
    assert "No plan is overdue." in await page(secretariat, overdue)
    read = await client.get(f"/api/v1/corrective-actions/{action}", headers=world.provider.headers)
    close_by = dt.date.fromisoformat(read.json()["close_by"])
    await lifecycle.run(now=dt.datetime.combine(close_by, dt.time(12), dt.UTC) + dt.timedelta(1))
    shown = await page(secretariat, overdue)
    assert action in shown
    assert "Escalated (1)" in shown
    assert "suspends the certificate on" in shown
