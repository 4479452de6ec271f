"""The complaints in the portals over HTTP (in-process, real database), on the demo data:
the secretariat's queue and case page with every action, the provider's complaints,
response and appeal, the appeal decided by a secretariat member who took no part (the one
who did is refused, visibly), CSRF on every form, roles, `private, no-store`, and no
complainant identity in the provider's portal without consent."""

from __future__ import annotations

import datetime as dt
import re

import httpx
import pytest

from registry.accounts import Role
from registry.complaints.tables import AppealRow, ComplaintMessageRow, ComplaintRow, RemedyRow
from tests.integration.web.demo import Demo
from tests.integration.web.test_complaint_pages import PNG, file_complaint, form
from tests.support.database import app_client
from tests.support.http import make_account
from tests.support.portal import csrf, page, sign_in

SECRETS = ("Secret Person", "secret.person@example.org", "98 1234 5678", "kept my passport")


async def act(
    client: httpx.AsyncClient, path: str, fields: dict[str, str], expect: int = 303, **kw: object
) -> httpx.Response:
    """Post a portal form with the session's CSRF token (read from the page it is on)."""
    home = (
        "/portal/provider/complaints" if "/provider/" in path else "/portal/secretariat/complaints"
    )
    token = csrf(await page(client, home))
    answer = await client.post(path, data={**fields, "csrf": token}, **kw)  # type: ignore[arg-type]
    assert answer.status_code == expect, (path, answer.text[:4000])
    return answer


@pytest.fixture
async def filed(seeded: Demo) -> tuple[str, str, dict[str, object]]:
    valid = seeded.one("valid")
    fields = form(
        str(valid["code"]),
        contact_name="Secret Person",
        contact_email="secret.person@example.org",
        contact_phone="+977 98 1234 5678",
        contact_language="ne",
        contact_channel="whatsapp",
    )
    reference, key, _ = await file_complaint(
        seeded.client, fields, files={"attachment": ("receipt.png", PNG, "image/png")}
    )
    return reference, key, valid


async def test_the_whole_case_in_the_portals(
    seeded: Demo, filed: tuple[str, str, dict[str, object]]
) -> None:
    reference, key, valid = filed
    provider_id = str(valid["provider"]["id"])  # type: ignore[index]
    case_path = f"/portal/secretariat/complaints/{reference}"
    first, second = await make_account(Role.SECRETARIAT), await make_account(Role.SECRETARIAT)
    provider_token = await make_account(Role.PROVIDER, provider_id=provider_id)
    async with app_client() as sec, app_client() as other, app_client() as prov:
        await sign_in(sec, first)
        queue = await page(sec, "/portal/secretariat/complaints")
        assert reference in queue
        assert "overdue" not in queue.split("<tbody>")[1]
        case = await page(sec, case_path)
        for secret in (
            "Secret Person",
            "secret.person@example.org",
            "kept my passport",
            "receipt.png",
        ):
            assert secret in case  # the secretariat sees everything

        # CSRF on the forms: refused without the token, nothing changes
        forged = await sec.post(f"{case_path}/acknowledge", data={"note": "x"})
        assert forged.status_code == 403
        row = await ComplaintRow.select().where(ComplaintRow.reference == reference).first()
        assert row is not None
        assert row["state"] == "received"

        await act(sec, f"{case_path}/acknowledge", {"note": "We have your complaint."})
        again = await act(sec, f"{case_path}/acknowledge", {"note": ""}, expect=409)
        assert "not received" in again.text  # said at the top: the form is gone once done
        assert "Acknowledge " + reference not in again.text

        messages = await ComplaintMessageRow.count()
        bad = await act(sec, f"{case_path}/ask", {"to": "provider", "body": " "}, expect=422)
        assert 'id="ask-error"' in bad.text
        assert "Not done, nothing stored" in bad.text
        assert await ComplaintMessageRow.count() == messages
        due = (dt.date.today() + dt.timedelta(days=14)).isoformat()
        await act(
            sec,
            f"{case_path}/ask",
            {
                "to": "provider",
                "body": "Fees and a kept passport are alleged. Respond.",
                "response_due": due,
            },
        )
        await act(sec, f"{case_path}/assign", {"handler_id": ""}, expect=422)

        # suspension at once: a core indicator alleged, with evidence
        case = await page(sec, case_path)
        alleged = re.search(r"Core indicators alleged: ([A-Z]+-\d+)", case)
        assert alleged, "no core indicator offered"
        wrong = await act(sec, f"{case_path}/suspend", {"indicator": "XYZ-9"}, expect=422)
        assert 'id="suspend-error"' in wrong.text
        await act(sec, f"{case_path}/suspend", {"indicator": alleged.group(1)})
        public = await sec.get(f"/certificates/{valid['code']}")
        assert "SUSPENDED" in public.text
        assert all(secret not in public.text for secret in SECRETS)

        # the provider: its complaints, without the complainant's identity or words
        await sign_in(prov, provider_token)
        mine = await page(prov, "/portal/provider/complaints")
        assert reference in mine
        theirs = await page(prov, f"/portal/provider/complaints/{reference}")
        assert "Fees and a kept passport are alleged" in theirs
        assert "We have your complaint." not in theirs  # written to the complainant
        for secret in (*SECRETS, "receipt.png"):
            assert secret not in theirs, secret
        forbidden = await prov.get(case_path)
        assert forbidden.status_code == 403
        refused = await act(
            prov,
            f"/portal/provider/complaints/{reference}/respond",
            {"body": "We refunded everyone."},
            expect=422,
            files={"attachment": ("proof.pdf", b"not a pdf", "application/pdf")},
        )
        assert 'id="attachment-error"' in refused.text
        assert "We refunded everyone." not in str(await ComplaintMessageRow.select())
        await act(
            prov,
            f"/portal/provider/complaints/{reference}/respond",
            {"body": "We deny the fees; receipts attached."},
            files={"attachment": ("proof.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf")},
        )

        # close substantiated, order remedy (a bad currency first), confirm it done
        case = await page(sec, case_path)
        assert "We deny the fees; receipts attached." in case
        assert "proof.pdf" in case
        await act(
            sec,
            f"{case_path}/close",
            {"outcome": "substantiated", "reasons": "Receipts show 900 USD taken."},
        )
        deadline = (dt.date.today() + dt.timedelta(days=30)).isoformat()
        refund = {"kind": "refund", "amount": "900.00", "workers": "12", "deadline": deadline}
        bad = await act(sec, f"{case_path}/remedy", {**refund, "currency": "XXQ"}, expect=422)
        assert 'id="remedy-error"' in bad.text
        assert await RemedyRow.count() == 0
        await act(sec, f"{case_path}/remedy", {**refund, "currency": "usd"})
        remedy = await RemedyRow.select().first()
        assert remedy is not None
        await act(sec, f"{case_path}/remedies/{remedy['public_id']}/confirm", {})
        assert "confirmed done" in await page(sec, case_path)

        # the provider sees the outcome and the remedy, and appeals the outcome
        theirs = await page(prov, f"/portal/provider/complaints/{reference}")
        assert "substantiated" in theirs
        assert "Receipts show 900 USD taken." in theirs
        assert "lodge an appeal" in theirs
        no_reasons = await act(
            prov,
            "/portal/provider/appeals",
            {"subject": "complaint_outcome", "target": reference, "reasons": ""},
            expect=422,
        )
        assert "Not lodged, nothing stored" in no_reasons.text
        assert await AppealRow.count() == 0
        await act(
            prov,
            "/portal/provider/appeals",
            {
                "subject": "complaint_outcome",
                "target": reference,
                "reasons": "The receipts are forged.",
            },
        )
        appeal = await AppealRow.select().first()
        assert appeal is not None
        appeal_path = f"/portal/secretariat/appeals/{appeal['public_id']}"

        # the member who handled the case is refused; another decides
        assert appeal["public_id"] in await page(sec, "/portal/secretariat/appeals")
        barred = await act(
            sec,
            f"{appeal_path}/decide",
            {"decision": "overturn", "reasons": "Looks fine."},
            expect=403,
        )
        assert "You may not decide this appeal" in barred.text
        still = await AppealRow.select().where(AppealRow.public_id == appeal["public_id"]).first()
        assert still is not None
        assert still["state"] == "pending"
        await sign_in(other, second)
        await act(
            other,
            f"{appeal_path}/decide",
            {"decision": "uphold", "reasons": "Receipts are genuine."},
        )
        decided = await page(other, appeal_path)
        assert "upheld" in decided
        assert "Receipts are genuine." in decided
        assert "Receipts are genuine." in await page(prov, "/portal/provider/appeals")

    # the complainant sees the outcome and the remedy done, and is told nothing of the provider
    tracked = await seeded.client.post(
        "/complaints/track", data={"reference": reference, "key": key}
    )
    assert "Outcome: substantiated." in tracked.text
    assert "done" in tracked.text
    assert "We deny the fees" not in tracked.text


async def test_roles_and_csrf_on_every_portal_form(
    seeded: Demo, filed: tuple[str, str, dict[str, object]]
) -> None:
    reference, _, valid = filed
    provider_id = str(valid["provider"]["id"])  # type: ignore[index]
    other_provider = next(
        str(c["provider"]["id"]) for c in seeded.certificates if c["provider"]["id"] != provider_id
    )
    async with app_client() as sec, app_client() as prov, app_client() as stranger:
        await sign_in(sec, await make_account(Role.SECRETARIAT))
        await sign_in(prov, await make_account(Role.PROVIDER, provider_id=provider_id))
        await sign_in(stranger, await make_account(Role.PROVIDER, provider_id=other_provider))
        case_path = f"/portal/secretariat/complaints/{reference}"
        for action in (
            "acknowledge",
            "assign",
            "ask",
            "special-audit",
            "suspend",
            "close",
            "remedy",
        ):
            answer = await sec.post(f"{case_path}/{action}", data={"csrf": "forged"})
            assert answer.status_code == 403, action
        for path in (
            f"/portal/provider/complaints/{reference}/respond",
            "/portal/provider/appeals",
        ):
            answer = await prov.post(path, data={"csrf": "forged", "body": "x", "reasons": "x"})
            assert answer.status_code == 403, path
        assert (
            await sec.post("/portal/secretariat/appeals/apc_x/decide", data={"csrf": "x"})
        ).status_code == 403
        for path in ("/portal/secretariat/complaints", case_path, "/portal/secretariat/appeals"):
            assert (await prov.get(path)).status_code == 403, path
        for path in ("/portal/provider/complaints", "/portal/provider/appeals"):
            assert (await sec.get(path)).status_code == 403, path
        # another provider neither lists nor opens the case
        assert reference not in await page(stranger, "/portal/provider/complaints")
        assert (await stranger.get(f"/portal/provider/complaints/{reference}")).status_code == 404
        # not signed in: to the sign-in page
        async with app_client() as anonymous:
            answer = await anonymous.get("/portal/secretariat/complaints")
            assert answer.status_code == 303
        unknown = await sec.get("/portal/secretariat/complaints/RMC-NOPE")
        assert unknown.status_code == 404
        bad_filter = await sec.get("/portal/secretariat/complaints", params={"show": "weird"})
        assert bad_filter.status_code == 400


async def test_identity_reaches_the_provider_only_with_consent(seeded: Demo) -> None:
    valid = seeded.one("valid")
    provider_id = str(valid["provider"]["id"])
    fields = form(str(valid["code"]), contact_name="Open Person", share_identity="yes")
    reference, _, _ = await file_complaint(seeded.client, fields)
    async with app_client() as prov:
        await sign_in(prov, await make_account(Role.PROVIDER, provider_id=provider_id))
        theirs = await page(prov, f"/portal/provider/complaints/{reference}")
        assert "Open Person" in theirs
        assert "kept my passport" in theirs
