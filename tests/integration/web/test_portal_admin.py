"""The portals' evidence upload, chosen assignment, accreditations and standards publishing
over HTTP (in-process), on the demo data set, including every refusal shown at its field
with nothing stored."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re

import httpx

from registry import accounts, applications, auditors, conflicts
from registry.accounts import Role
from registry.applications import ApplicationState
from registry.assessments.tables import AssessmentRow
from registry.settings import get_settings
from registry.standards import service as standards
from tests.integration.web.demo import Demo
from tests.integration.web.test_portal import _answers, _assigned_to_demo_auditor
from tests.support.http import make_account
from tests.support.portal import csrf as _csrf
from tests.support.portal import page as _page
from tests.support.portal import post_sign_in as _sign_in

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


async def test_auditor_uploads_evidence_and_attaches_it_to_a_finding(
    seeded: Demo, client: httpx.AsyncClient
) -> None:
    application_id, token = await _assigned_to_demo_auditor(seeded)
    await _sign_in(client, token)
    path = f"/portal/auditor/applications/{application_id}"
    form = await _page(client, path)
    assert 'enctype="multipart/form-data"' in form
    assert "No evidence uploaded for this application yet." in form
    csrf = _csrf(form)
    answers = _answers(form)
    first = next(iter(answers))
    # a "PDF" whose bytes are not a PDF: refused at the file field, the answers kept
    fake = await client.post(
        path,
        data={"csrf": csrf, "do": "upload", first: answers[first]},
        files={"evidence_file": ("report.pdf", b"not a pdf at all", "application/pdf")},
    )
    assert fake.status_code == 415, fake.text[:2000]
    assert 'id="evidence_file-error"' in fake.text
    assert "No evidence uploaded for this application yet." in fake.text
    wrong_type = await client.post(
        path,
        data={"csrf": csrf, "do": "upload"},
        files={"evidence_file": ("tool.exe", b"MZ\x90\x00", "application/octet-stream")},
    )
    assert wrong_type.status_code == 415
    assert "is not accepted" in wrong_type.text
    limit = get_settings().evidence_max_bytes
    too_large = await client.post(
        path,
        data={"csrf": csrf, "do": "upload"},
        files={"evidence_file": ("big.txt", b"a" * (limit + 1), "text/plain")},
    )
    assert too_large.status_code == 413
    assert f"exceeds the limit of {limit} bytes" in too_large.text
    assert 'id="evidence_file-error"' in too_large.text
    # a real PDF: stored by its digest, listed, downloadable through the session
    uploaded = await client.post(
        path,
        data={"csrf": csrf, "do": "upload", first: answers[first]},
        files={"evidence_file": ("payslips.pdf", PDF, "application/pdf")},
    )
    assert uploaded.status_code == 303, uploaded.text[:2000]
    digest = hashlib.sha256(PDF).hexdigest()
    stored = get_settings().data_dir / "evidence" / digest[:2] / digest[2:4] / digest
    assert stored.read_bytes() == PDF
    body = await _page(client, uploaded.headers["location"].split("#")[0])
    assert "Evidence payslips.pdf uploaded" in body
    assert f'href="/portal/evidence/{digest}">payslips.pdf</a>' in body
    assert 'name="value-' in body
    download = await client.get(f"/portal/evidence/{digest}")
    assert download.status_code == 200
    assert download.content == PDF
    assert download.headers["content-type"] == "application/pdf"
    # attach it to two findings and file: the report cites it
    indicators = re.findall(r'name="(evidence-[^"]+)" value="sha256:', body)
    assert len(indicators) >= 2
    filed = await client.post(
        path,
        data={
            "csrf": csrf,
            "do": "file",
            "audit_type": "initial",
            "started_on": "2026-11-01",
            "ended_on": "2026-11-02",
            "site_name": "Head office",
            "site_country": "ET",
            "workers_interviewed": "9",
            **answers,
            indicators[0]: f"sha256:{digest}",
            indicators[1]: f"sha256:{digest}",
        },
    )
    assert filed.status_code == 303, filed.text[:3000]
    assert (await applications.get_application(application_id)).state == "assessed"
    # the submission as filed (kept whole in the registry, not served by the API) cites it
    row = (
        await AssessmentRow.select(AssessmentRow.submission)
        .where(AssessmentRow.application_id == application_id)
        .first()
    )
    assert row is not None
    cited = {f["indicator"]: f["evidence"] for f in json.loads(row["submission"])["findings"]}
    ref = f"sha256:{digest}"
    named = [name.removeprefix("evidence-") for name in indicators[:2]]
    assert [cited[n] for n in named] == [[ref], [ref]]
    # another auditor may not download it
    client.cookies.clear()
    await _sign_in(client, await make_account(Role.AUDITOR))
    assert (await client.get(f"/portal/evidence/{digest}")).status_code == 404


async def test_secretariat_assigns_a_chosen_auditor_after_a_refusal(
    seeded: Demo, client: httpx.AsyncClient
) -> None:
    secretariat_token = await make_account(Role.SECRETARIAT)
    secretariat = await accounts.authenticate(secretariat_token)
    assert secretariat is not None
    submitted = (
        await applications.list_for(
            secretariat, state=ApplicationState.SUBMITTED, limit=10, offset=0
        )
    )[0]
    today = dt.date.today()
    conflicted, clear, unaccredited = [await make_account(Role.AUDITOR) for _ in range(3)]
    ids = []
    for token in (conflicted, clear, unaccredited):
        actor = await accounts.authenticate(token)
        assert actor is not None
        ids.append(actor.account_id)
    for account_id in ids[:2]:
        await auditors.accredit(
            account_id,
            provider_types=["recruiter"],
            countries=submitted.countries,
            valid_from=today,
            valid_until=today + dt.timedelta(days=365),
            actor=secretariat,
        )
    conflicted_actor = await accounts.authenticate(conflicted)
    assert conflicted_actor is not None
    declared = await conflicts.declare(
        conflicted_actor,
        provider_id=submitted.provider_id,
        auditor_id=None,
        reason="former employee",
    )
    await conflicts.review(declared.id, decision="accept", reason="checked", actor=secretariat)
    await _sign_in(client, secretariat_token)
    body = await _page(client, "/portal/secretariat")
    # the accredited auditors are offered (the conflicted one too), not the unaccredited one
    assert f'<option value="{ids[0]}"' in body
    assert f'<option value="{ids[1]}"' in body
    assert f'<option value="{ids[2]}"' not in body
    assert '<option value="automatic">' in body
    csrf = _csrf(body)
    action = f"/portal/secretariat/applications/{submitted.id}/assign"
    later = (today + dt.timedelta(days=10)).isoformat()
    for auditor_id, said in [
        (ids[0], "has a conflict of interest"),
        (ids[2], "has no accreditation"),
    ]:
        refused = await client.post(
            action, data={"csrf": csrf, "auditor_id": auditor_id, "audit_date": later}
        )
        assert refused.status_code == 422
        assert f'id="refusal-{submitted.id}"' in refused.text
        assert said in refused.text
        assert "nothing stored" in refused.text
        assert (await applications.get_application(submitted.id)).state == "submitted"
    past = await client.post(
        action, data={"csrf": csrf, "auditor_id": ids[1], "audit_date": "2020-01-01"}
    )
    assert past.status_code == 422
    assert "the audit date is in the past" in past.text
    bad_date = await client.post(action, data={"csrf": csrf, "audit_date": "tomorrow"})
    assert bad_date.status_code == 422
    assert "is not a date" in bad_date.text
    done = await client.post(action, data={"csrf": csrf, "auditor_id": ids[1], "audit_date": later})
    assert done.status_code == 303, done.text[:2000]
    after = await _page(client, done.headers["location"])
    assert f"assigned to {ids[1]} (Test auditor), audit date {later}" in after
    assigned = await applications.get_application(submitted.id)
    assert (assigned.auditor_id, assigned.audit_date) == (ids[1], later)


async def test_secretariat_accredits_suspends_and_reinstates(
    seeded: Demo, client: httpx.AsyncClient
) -> None:
    await _sign_in(client, await make_account(Role.SECRETARIAT))
    newcomer = await accounts.authenticate(await make_account(Role.AUDITOR))
    assert newcomer is not None
    page = "/portal/secretariat/accreditations"
    body = await _page(client, page)
    assert "Demo auditor (Asha Rai)" in body
    assert "No accreditation: this auditor cannot be assigned." in body
    csrf = _csrf(body)
    good: dict[str, str | list[str]] = {
        "csrf": csrf,
        "account_id": newcomer.account_id,
        "countries": "np, qa AE",
        "valid_from": "2026-01-01",
        "valid_until": "2028-12-31",
    }
    changes: list[tuple[dict[str, str | list[str]], str]] = [
        ({"provider_types": []}, "provider_types"),
        ({"provider_types": ["recruiter"], "countries": "NP ZZ"}, "countries"),
        ({"provider_types": ["recruiter"], "valid_until": "2025-01-01"}, "valid_until"),
        ({"provider_types": ["recruiter"], "valid_from": ""}, "valid_from"),
        ({"provider_types": ["recruiter"], "account_id": "acc_nobody"}, "account_id"),
    ]
    for change, field in changes:
        refused = await client.post(page, data={**good, **change})
        assert refused.status_code == 422, (field, refused.text[:2000])
        assert f'id="{field}-error"' in refused.text, field
        assert "nothing stored" in refused.text
    assert await auditors.accreditations(newcomer.account_id, newcomer) == []
    done = await client.post(page, data={**good, "provider_types": ["recruiter", "sub_agent"]})
    assert done.status_code == 303, done.text[:2000]
    granted = await auditors.accreditations(newcomer.account_id, newcomer)
    assert len(granted) == 1
    assert granted[0].countries == ["AE", "NP", "QA"]
    assert granted[0].provider_types == ["recruiter", "sub_agent"]
    acr = granted[0].id
    body = await _page(client, page)
    assert f"Accreditation {acr} granted to {newcomer.account_id}." in body
    base = f"/portal/secretariat/auditors/{newcomer.account_id}/accreditations/{acr}"
    empty = await client.post(f"{base}/suspend", data={"csrf": csrf, "reason": " "})
    assert empty.status_code == 400
    assert f'id="{acr}-suspend-error">reason must be 1 to 2000 characters' in empty.text
    suspended = await client.post(f"{base}/suspend", data={"csrf": csrf, "reason": "expired ID"})
    assert suspended.status_code == 303
    body = await _page(client, page)
    assert f"Accreditation {acr} suspended." in body
    assert f"Reinstate {acr}" in body
    twice = await client.post(f"{base}/suspend", data={"csrf": csrf, "reason": "again"})
    assert twice.status_code == 409
    assert "already suspended" in twice.text
    back = await client.post(f"{base}/reinstate", data={"csrf": csrf, "reason": "ID renewed"})
    assert back.status_code == 303
    history = (await auditors.accreditations(newcomer.account_id, newcomer))[0].history
    assert [e.action for e in history] == ["granted", "suspended", "reinstated"]
    assert (await client.post(f"{base}/destroy", data={"csrf": csrf})).status_code == 404


async def test_secretariat_uploads_publishes_and_retires_a_standard(
    seeded: Demo, client: httpx.AsyncClient
) -> None:
    await _sign_in(client, await make_account(Role.SECRETARIAT))
    page = "/portal/secretariat/standards"
    body = await _page(client, page)
    assert "core-rights@1.1.0" in body
    csrf = _csrf(body)
    source = (get_settings().standards_library / "core-rights" / "3.0.0.yaml").read_text()
    broken = source.replace("version: 3.0.0", "version: 3.1.0").replace("weight: 3", "weight: -3")
    refused = await client.post(
        page,
        data={"csrf": csrf},
        files={"file": ("3.1.0.yaml", broken.encode(), "application/yaml")},
    )
    assert refused.status_code == 422
    assert "Not stored:" in refused.text
    assert "non-positive-weight" in refused.text or "out-of-range" in refused.text
    assert "line " in refused.text
    draft = source.replace("version: 3.0.0", "version: 3.1.0").replace(
        "supersedes: 2.0.0", "supersedes: 3.0.0"
    )
    stored = await client.post(page, data={"csrf": csrf, "source": draft})
    assert stored.status_code == 303, stored.text[:3000]
    body = await _page(client, page)
    assert "Draft core-rights@3.1.0 stored." in body
    assert "Publish core-rights@3.1.0" in body
    older = await client.post(
        page,
        data={
            "csrf": csrf,
            "source": source.replace("version: 3.0.0", "version: 1.0.1").replace(
                "supersedes: 2.0.0\n", ""
            ),
        },
    )
    assert older.status_code == 409  # versions only increase: refused, nothing stored
    assert "is not greater than published version 3.0.0" in older.text
    assert "Not done, nothing stored" in older.text
    assert "core-rights@1.0.1" not in older.text.split("Not done")[1]
    published = await client.post(f"{page}/core-rights/3.1.0/publish", data={"csrf": csrf})
    assert published.status_code == 303
    summary = {v.version: v.status for v in await standards.list_versions(include_drafts=True)}
    assert summary["3.1.0"] == "published"
    assert (await client.get("/api/v1/standards/core-rights/versions/3.1.0")).status_code == 200
    retired = await client.post(f"{page}/core-rights/1.0.0/retire", data={"csrf": csrf})
    assert retired.status_code == 303
    again = await client.post(f"{page}/core-rights/1.0.0/retire", data={"csrf": csrf})
    assert again.status_code == 409
    assert "only a published version can be retired" in again.text
    assert (
        await client.post(f"{page}/core-rights/9.9.9/publish", data={"csrf": csrf})
    ).status_code == 404
    assert (
        await client.post(f"{page}/core-rights/x/publish", data={"csrf": csrf})
    ).status_code == 404
