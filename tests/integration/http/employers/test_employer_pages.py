"""The employers' pages over real HTTP: sign-up by e-mail (a real SMTP server) to a token,
the portal's watchlists and a reviewed upload, and the public supplier check with its CSV
and PDF reports."""

from __future__ import annotations

import re

from tests.integration.http.authz.world import csrf_of
from tests.integration.http.employers.test_sign_up_api import secret_of
from tests.integration.http.employers.test_supplier_checks_api import supplier_list
from tests.support.certified import Certified
from tests.support.smtp import registry_mail_to, smtp_server

TOKEN = re.compile(r'<code class="token" id="token">(rm_[^<]+)</code>')


async def test_sign_up_to_a_watchlist_with_a_reviewed_upload(certified: Certified) -> None:
    client = certified.client
    assert (await client.get("/employers/sign-up")).status_code == 200
    fields = {"name": "Ana", "organisation": "Gulf Builders", "email": "ana@buyer.example"}
    with smtp_server() as server, registry_mail_to(server):
        sent = await client.post("/employers/sign-up", data=fields)
        (message,) = server.wait_for(1)
    assert sent.status_code == 200
    assert "Check your inbox" in sent.text
    secret = secret_of(message)
    shown = await client.get("/employers/confirm", params={"key": secret})
    assert shown.status_code == 200
    assert "Gulf Builders" in shown.text
    confirmed = await client.post("/employers/confirm", data={"key": secret})
    token = TOKEN.search(confirmed.text)
    assert token, confirmed.text
    reused = await client.post("/employers/confirm", data={"key": secret})
    assert reused.status_code == 409

    form = await client.get("/portal/sign-in")
    signed = await client.post(
        "/portal/sign-in", data={"token": token.group(1), "csrf": csrf_of(form.text)}
    )
    assert signed.headers["location"] == "/portal"
    home = await client.get("/portal", follow_redirects=True)
    assert str(home.url).endswith("/portal/employer")
    made = await client.post(
        "/portal/employer/watchlists", data={"name": "Gulf", "csrf": csrf_of(home.text)}
    )
    assert made.status_code == 303
    page = await client.get(made.headers["location"])
    upload = await client.post(
        made.headers["location"] + "/uploads",
        data={"csrf": csrf_of(page.text)},
        files={"file": ("s.csv", supplier_list(certified.certificate["code"]), "text/csv")},
    )
    assert upload.status_code == 303, upload.text
    review = await client.get(upload.headers["location"])
    assert "Doubtful matches" in review.text
    line = re.search(r'name="choice-(\d+)" value="skip"', review.text)
    assert line
    applied = await client.post(
        upload.headers["location"] + "/apply",
        data={"csrf": csrf_of(review.text), f"choice-{line.group(1)}": "skip"},
    )
    assert applied.status_code == 303
    listed = await client.get(applied.headers["location"])
    assert f'data-provider="{certified.world.provider_id}" data-status="valid"' in listed.text
    assert f'data-provider="{certified.world.other_provider_id}"' in listed.text

    watch = await client.get(
        "/portal/employer/watch", params={"ref": certified.certificate["code"]}
    )
    assert watch.status_code == 200


async def test_the_public_supplier_check_page_and_its_reports(certified: Certified) -> None:
    client = certified.client
    assert "<form" in (await client.get("/supplier-check")).text
    template = await client.get("/supplier-check/template.csv")
    assert template.text.lstrip("\ufeff").startswith("name,country,licence_number,certificate_code")
    answer = await client.post(
        "/supplier-check",
        files={"file": ("s.csv", supplier_list(certified.certificate["code"]), "text/csv")},
    )
    assert answer.status_code == 303
    report = await client.get(answer.headers["location"])
    assert report.status_code == 200
    assert "<progress" not in report.text  # four rows: done at once
    assert 'data-outcome="matched"' in report.text
    assert "&#39;=HYPERLINK" not in report.text  # HTML escapes; only the CSV prefixes
    pdf = await client.get(answer.headers["location"] + "/report.pdf")
    assert pdf.content.startswith(b"%PDF")
    csv = await client.get(answer.headers["location"] + "/report.csv")
    assert "'=HYPERLINK" in csv.text
    bad = await client.post(
        "/supplier-check", files={"file": ("s.csv", b"name\n,\n,x\n", "text/csv")}
    )
    assert bad.status_code == 422
    assert "rows[" in bad.text
    assert (await client.get("/supplier-check/chk_nothing")).status_code == 404

    long_list = supplier_list(certified.certificate["code"], extra=80)
    queued = await client.post("/supplier-check", files={"file": ("s.csv", long_list, "text/csv")})
    first = await client.get(queued.headers["location"])
    assert '<progress id="progress" max="84" value="50">' in first.text
    assert 'http-equiv="refresh"' in first.text
    done = await client.get(queued.headers["location"])
    assert "<progress" not in done.text
