"""Every public page over HTTP (in-process), on the demo data set: what each shows, that it
is self-contained, and that bad input answers a clear 4xx page."""

from __future__ import annotations

import re

import pytest

from api.web.pages import search
from tests.integration.web.demo import Demo

EXTERNAL = re.compile(r'(?:src|href|action)="(?:https?:)?//', re.IGNORECASE)


async def _html(
    demo: Demo, path: str, expect: int = 200, params: dict[str, str] | None = None
) -> str:
    response = await demo.client.get(path, params=params or {})
    assert response.status_code == expect, (path, params, response.text[:2000])
    assert response.headers["content-type"].startswith("text/html")
    csp = response.headers["content-security-policy"]
    assert "default-src 'none'" in csp
    assert "script-src" not in csp
    body = response.text
    assert body.startswith("<!doctype html>")
    assert '<html lang="en" dir="ltr">' in body
    assert '<main id="main"' in body
    assert "<script" not in body
    assert not EXTERNAL.search(body), EXTERNAL.search(body)
    return body


def _names(body: str) -> list[str]:
    return re.findall(r'<h3><a href="/providers/[^"]+"><bdi>([^<]+)</bdi></a></h3>', body)


async def test_home_lists_every_provider_with_its_standing(seeded: Demo) -> None:
    body = await _html(seeded, "/")
    assert "9 providers" in body
    assert len(_names(body)) == 9
    assert f'<a href="/certificates/{seeded.code("valid", "gold")}">' in body
    assert "Certified gold until" in body
    assert "Formerly certified (revoked" in body
    assert "Formerly certified (expired" in body
    assert "Certificate suspended since" in body
    assert "Not certified" in body


# One seeded registry for all the cases: seeding is the slow part.
SEARCHES: list[tuple[dict[str, str], list[str]]] = [
    ({"q": "manila"}, ["Manila Ethical Placement Corp."]),
    ({"q": "KATHMANDU fair"}, ["Kathmandu Fair Recruitment Pvt. Ltd."]),
    ({"country": "qa"}, ["Kathmandu Fair Recruitment Pvt. Ltd."]),
    ({"corridor": "ph-sa"}, ["Manila Ethical Placement Corp."]),
    ({"status": "suspended"}, ["Colombo Travel & Visa Services"]),
    ({"status": "revoked"}, ["Lahore Manpower Agency"]),
    ({"status": "expired"}, ["Jakarta Mitra Tenaga Kerja"]),
    ({"grade": "bronze"}, ["Dhaka Overseas Careers Ltd."]),
    ({"status": "valid", "grade": "silver"}, ["Manila Ethical Placement Corp."]),
    ({"status": "valid", "country": "BD"}, ["Dhaka Overseas Careers Ltd."]),
    ({"status": "valid", "q": "lahore"}, []),
    ({"type": "lender"}, []),
]


async def test_search_filters(seeded: Demo) -> None:
    for params, expected in SEARCHES:
        body = await _html(seeded, "/", params=params)
        assert [n.replace("&amp;", "&") for n in _names(body)] == expected, params


async def test_status_valid_and_never(seeded: Demo) -> None:
    valid = _names(await _html(seeded, "/", params={"status": "valid"}))
    assert len(valid) == 3
    never = _names(await _html(seeded, "/", params={"status": "never"}))
    assert "Yangon Bright Future Agency" in never
    assert len(never) == 3


async def test_search_pages_have_shareable_links(
    seeded: Demo, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(search, "PER_PAGE", 4)
    first = await _html(seeded, "/")
    assert "Page 1 of 3" in first
    assert 'rel="next" href="/?page=2"' in first
    second = await _html(seeded, "/", params={"page": "2"})
    assert 'rel="prev" href="/?' in second
    assert "Page 2 of 3" in second
    assert not set(_names(first)) & set(_names(second))
    third = await _html(seeded, "/", params={"page": "3"})
    assert len(_names(third)) == 1


@pytest.mark.parametrize(
    ("params", "status", "says"),
    [
        ({"page": "0"}, 400, "page"),
        ({"page": "abc"}, 400, "page"),
        ({"page": "99999"}, 400, "page"),
        ({"page": "7"}, 404, "page 7 does not exist"),
        ({"status": "certified"}, 400, "status"),
        ({"grade": "platinum"}, 400, "grade"),
        ({"country": "ZZ"}, 400, "country"),
        ({"country": "Narnia"}, 400, "country"),
        ({"corridor": "PH"}, 400, "corridor"),
        ({"type": "pirate"}, 400, "type"),
        ({"q": "x" * 101}, 400, "q"),
    ],
)
async def test_bad_search_parameters_are_clear_4xx_pages(
    published: Demo, params: dict[str, str], status: int, says: str
) -> None:
    body = await _html(published, "/", status, params)
    assert says in body


async def test_provider_page_shows_registration_licences_and_every_certificate(
    seeded: Demo,
) -> None:
    revoked = seeded.one("revoked")
    body = await _html(seeded, f"/providers/{revoked['provider']['id']}")
    assert "Lahore Manpower Agency" in body
    assert "Formerly certified (revoked" in body
    assert "LIC-PK-" in body
    assert "Labour ministry of PK" in body
    assert "PK-SA" in body
    assert f"Certificate {revoked['code']}" in body
    assert "issued: decision on" in body
    assert "revoked: " in body
    never = await _html(seeded, "/", params={"status": "never"})
    yangon = re.search(r'href="(/providers/[^"]+)"><bdi>Yangon', never)
    assert yangon is not None
    assert "never been certified" in await _html(seeded, yangon.group(1))
    await _html(seeded, "/providers/RMP-00000000", 404)
    await _html(seeded, "/providers/" + "X" * 80, 400)


BANNERS = [
    ("valid", "VALID", "Valid since"),
    ("suspended", "SUSPENDED", "Reason:"),
    ("revoked", "REVOKED", "Reason:"),
    ("expired", "EXPIRED", "Expired on"),
]


async def test_certificate_page_banner_grade_chart_and_downloads(seeded: Demo) -> None:
    for status, word, says in BANNERS:
        found = seeded.one(status)
        body = await _html(seeded, f"/certificates/{found['code']}")
        assert f'class="banner banner-{status}"' in body
        assert f'<span class="banner-word">{word}</span>' in body
        assert says in body
        assert f"Grade {found['grade']}, score {found['score']} out of 100" in body
        assert body.count('class="chart"') == 1
        assert "FEE Zero worker-paid costs" in body
        assert 'href="/standards/core-rights/1.0.0"' in body
        assert f'href="/credentials/{found["id"]}"' in body
        assert f'href="/certificates/{found["code"]}/certificate.pdf"' in body
        assert "Surveillance audit due" in body
        assert "recruiter" in body
        assert f'<img src="/certificates/{found["code"]}/qr.svg"' in body
        assert 'alt="QR code of http://' in body
        assert f"issued as entry {found['log_index']} of the registry" in body
        assert f'href="/api/v1/certificates/{found["id"]}/log-proof"' in body
        by_id = await _html(seeded, f"/certificates/{found['id']}")
        typed = found["code"].lower().replace("-", "")
        by_typed_code = await _html(seeded, f"/certificates/{typed}")
        assert f"Certificate {found['code']}" in by_id
        assert f"Certificate {found['code']}" in by_typed_code


async def test_certificate_pdf_download(seeded: Demo) -> None:
    code = seeded.code("valid", "gold")
    response = await seeded.client.get(f"/certificates/{code}/certificate.pdf")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert f'filename="{code}.pdf"' in response.headers["content-disposition"]
    assert response.content.startswith(b"%PDF-")


async def test_unknown_certificates_are_404_pages(seeded: Demo) -> None:
    assert "no certificate has the code RM-0000-0000" in await _html(
        seeded, "/certificates/RM-0000-0000", 404
    )
    await _html(seeded, "/certificates/crt_0000", 404)
    await _html(seeded, "/certificates/RM-0000-0000/certificate.pdf", 404)
    await _html(seeded, "/certificates/" + "x" * 65, 400)


async def test_standards_pages(seeded: Demo) -> None:
    index = await _html(seeded, "/standards")
    assert 'href="/standards/core-rights/1.0.0"' in index
    assert "sha256:" in index
    full = await _html(seeded, "/standards/core-rights/1.1.0")
    assert "FEE-1" in full
    assert "WAG-4" in full
    assert "How it is checked" in full
    assert "a number; passes when it is exactly 0 workers" in full
    assert "gold: a score of 90 or more" in full
    assert 'href="/standards/core-rights/compare?from=1.0.0&amp;to=1.1.0"' in full
    form = await _html(seeded, "/standards/core-rights/compare")
    assert '<select id="from" name="from">' in form
    diff = await _html(
        seeded, "/standards/core-rights/compare", params={"from": "1.0.0", "to": "1.1.0"}
    )
    assert "<strong>minor</strong>" in diff
    assert "non-core indicator WAG-4 added" in diff
    assert "Indicators added" in diff
    assert "FEE-1" in diff


@pytest.mark.parametrize(
    ("path", "params", "status", "says"),
    [
        ("/standards/core-rights/latest", {}, 400, "not a semantic version"),
        ("/standards/core-rights/9.9.9", {}, 404, "does not exist"),
        ("/standards/nothing/1.0.0", {}, 404, "does not exist"),
        ("/standards/core-rights/compare", {"from": "1.0.0"}, 400, "to: name both"),
        ("/standards/core-rights/compare", {"from": "1.0.0", "to": "x"}, 400, "semantic"),
        ("/standards/core-rights/compare", {"from": "1.0.0", "to": "9.0.0"}, 404, "9.0.0"),
        ("/standards/nothing/compare", {}, 404, "no published standard"),
    ],
)
async def test_bad_standards_requests(
    published: Demo, path: str, params: dict[str, str], status: int, says: str
) -> None:
    assert says in await _html(published, path, status, params)


async def test_statistics_page(seeded: Demo) -> None:
    body = await _html(seeded, "/statistics")
    assert "3 of 9 registered providers hold a valid certificate today" in body
    assert body.count('<svg xmlns="http://www.w3.org/2000/svg" class="chart"') == 7
    for title in (
        "by country of registration",
        "by corridor",
        "by provider type",
        "by grade",
        "status of their standing certificate",
        "at the end of each month",
        "issued each month",
    ):
        assert title in body
    assert '<th scope="row">never certified</th><td class="num">3</td>' in body


async def test_stylesheet_is_served_locally(seeded: Demo) -> None:
    response = await seeded.client.get("/static/site.css")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/css")
    assert "@import" not in response.text
    # The only resources it names are the registry's own fonts (docs/languages.md)
    urls = re.findall(r"url\(([^)]*)\)", response.text)
    assert urls
    for url in urls:
        path = url.strip("\"'")
        assert path.startswith("/static/fonts/"), url
        assert path.endswith(".ttf"), url
        font = await seeded.client.get(path)
        assert font.status_code == 200, path
        assert font.content[:4] == b"\x00\x01\x00\x00", path  # a TrueType font
    assert ":focus-visible" in response.text


async def test_html_pages_stay_out_of_the_api_schema(seeded: Demo) -> None:
    paths = (await seeded.client.get("/schema/openapi.json")).json()["paths"]
    ours = ("/providers", "/certificates", "/verify", "/standards", "/statistics", "/static")
    assert not [p for p in paths if p == "/" or p.startswith(ours)]


async def test_changed_values_read_as_text(published: Demo) -> None:
    diff = await _html(
        published, "/standards/core-rights/compare", params={"from": "1.0.0", "to": "1.1.0"}
    )
    assert "[&#39;" not in diff  # no Python list reprs
    assert "Receipts, cash book and bank statements for the audited period; " in diff
