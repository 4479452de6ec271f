"""Hostile requests to a real registry: each is answered with a precise 4xx problem detail
and leaves nothing behind (every table's row count and every file of the data folder are
compared before and after). Injection strings, which are valid text, are stored verbatim
as data, never executed, and shown escaped on the public pages."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.e2e.security.target import Registry
from tests.support.server import Assigned, assign_over_http, ok

pytestmark = pytest.mark.e2e

PROBLEM = "application/problem+json"
CONTACT = {"email": "ops@example.org", "phone": "+63 2 555 0100", "address": "Manila"}


def provider_body(**changes: Any) -> dict[str, Any]:
    return {
        "legal_name": "Hostile Input Recruitment, Inc.",
        "country": "PH",
        "provider_types": ["recruiter"],
        "corridors": ["PH-AE"],
        "contact": dict(CONTACT),
        **changes,
    }


def as_json(document: Any) -> bytes:
    return json.dumps(document).encode()


def assert_problem(response: httpx.Response, status: int, *words: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM), response.headers
    problem: dict[str, Any] = response.json()
    assert problem["status"] == status
    assert problem["title"]
    assert problem["detail"]
    for word in words:
        assert word.lower() in json.dumps(problem).lower(), (word, problem)
    return problem


@pytest.fixture
def http(registry: Registry) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=registry.url, timeout=60) as client:
        yield client


@pytest.fixture
def unchanged(registry: Registry) -> Iterator[None]:
    """The test must leave every table and the data folder as it found them."""
    rows, files = registry.row_counts(), registry.files()
    yield
    assert registry.row_counts() == rows
    assert registry.files() == files


# --- bodies no parser or schema should accept --------------------------------------------

NESTED = b"[" * 100_000 + b"]" * 100_000
NAME_AT = as_json(provider_body(legal_name="@NAME@"))


def with_name(raw: bytes) -> bytes:
    """The provider body with `raw` spliced in as the JSON text of `legal_name`."""
    return NAME_AT.replace(b'"@NAME@"', raw)


BAD_BODIES = [
    # id, body, content type, status, words the problem must contain
    ("oversized", with_name(b'"' + b"a" * 1_100_000 + b'"'), "application/json", 413, ["limit"]),
    ("deeply-nested", NESTED, "application/json", 400, ["nested too deeply"]),
    (
        "nested-in-field",
        with_name(b'{"a":' * 5000 + b"1" + b"}" * 5000),
        "application/json",
        400,
        [],
    ),
    ("huge-float", with_name(b"1e999999"), "application/json", 400, ["out of range"]),
    ("huge-integer", with_name(b"9" * 5000), "application/json", 400, ["out of range"]),
    ("invalid-utf8", with_name(b'"\xff\xfe\xc3("'), "application/json", 400, ["utf-8"]),
    ("lone-surrogate", with_name(b'"x\\ud800y"'), "application/json", 400, ["surrogate"]),
    ("truncated", as_json(provider_body())[:-5], "application/json", 400, ["truncated"]),
    ("not-an-object", b"[1, 2, 3]", "application/json", 400, []),
    ("nul-character", with_name(b'"A\\u0000B"'), "application/json", 422, ["legal_name"]),
    ("escape-character", with_name(b'"A\\u001b[31mB"'), "application/json", 422, ["legal_name"]),
    (
        "control-in-nested-field",
        as_json(provider_body(contact={**CONTACT, "address": "Line\u0007bell"})),
        "application/json",
        422,
        ["address"],
    ),
    (
        "too-long",
        with_name(json.dumps("x" * 10_000).encode()),
        "application/json",
        422,
        ["legal_name"],
    ),
    ("unknown-field", as_json(provider_body(is_admin=True)), "application/json", 422, ["is_admin"]),
    ("json-declared-text-plain", as_json(provider_body()), "text/plain", 415, ["application/json"]),
    (
        "json-declared-form",
        as_json(provider_body()),
        "application/x-www-form-urlencoded",
        415,
        ["application/json"],
    ),
    ("json-declared-nothing", as_json(provider_body()), "", 415, ["application/json"]),
]


@pytest.mark.usefixtures("unchanged")
@pytest.mark.parametrize(
    ("body", "content_type", "status", "words"),
    [pytest.param(*case[1:], id=case[0]) for case in BAD_BODIES],
)
def test_hostile_provider_registration_is_refused(
    registry: Registry,
    http: httpx.Client,
    body: bytes,
    content_type: str,
    status: int,
    words: list[str],
) -> None:
    headers = {**registry.bearer(), "Content-Type": content_type}
    response = http.post("/api/v1/providers", content=body, headers=headers)
    assert_problem(response, status, *words)


def test_oversized_body_is_refused_on_every_json_endpoint(
    registry: Registry, http: httpx.Client
) -> None:
    rows = registry.row_counts()
    big = b'{"x": "' + b"a" * 1_100_000 + b'"}'
    for path in ("/api/v1/accounts", "/api/v1/verify", "/api/v1/verify/batch", "/api/v1/standards"):
        response = http.post(
            path, content=big, headers={**registry.bearer(), "Content-Type": "application/json"}
        )
        assert_problem(response, 413)
    assert registry.row_counts() == rows


# --- control characters in URLs ------------------------------------------------------------

CONTROL_URLS = [
    "/api/v1/providers/RMP-%00",
    "/api/v1/providers?q=a%00b",
    "/api/v1/providers?q=line%0Abreak",
    "/api/v1/providers?x%00=1",
    "/api/v1/certificates/RM-%00",
    "/api/v1/standards/core-rights%00/versions/1.0.0",
    "/credentials/crt_%1b",
    "/providers/RMP-%00",
    "/?q=a%00b",
    "/standards/core-rights%00/1.0.0",
    "/certificates/RM%7f",
]


@pytest.mark.usefixtures("unchanged")
@pytest.mark.parametrize("url", CONTROL_URLS)
def test_control_characters_in_the_url_are_a_bad_request(
    registry: Registry, http: httpx.Client, url: str
) -> None:
    """Never "not found" or a database error (PostgreSQL cannot compare text with NUL)."""
    response = http.get(url, headers=registry.bearer())
    if url.startswith(("/api/", "/credentials/")):
        assert_problem(response, 400, "control character")
    else:
        assert response.status_code == 400, response.text
        assert response.headers["content-type"].startswith("text/html")
        assert "control character" in response.text


# --- injection strings are data -----------------------------------------------------------

INJECTIONS = [
    "'; DROP TABLE provider;--",
    "' OR '1'='1",
    "{{7*7}}",
    "${7*7}",
    "<%= 7*7 %>",
    "#{7*7}",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
]


@pytest.mark.parametrize("evil", INJECTIONS)
def test_injection_strings_are_stored_verbatim_and_shown_escaped(
    registry: Registry, http: httpx.Client, evil: str
) -> None:
    # Several strings normalise alike ("agency 7 7"); a number keeps the names distinct.
    name = f"Agency {INJECTIONS.index(evil)} {evil}"
    body = provider_body(
        legal_name=name,
        trading_names=[evil, f"x{evil}x"],
        licences=[
            {"country": "PH", "number": evil, "issuing_authority": evil, "expires_on": "2031-01-31"}
        ],
        contact={"email": "ops@example.org", "phone": f"+63 {evil}", "address": evil},
    )
    created = http.post("/api/v1/providers", json=body, headers=registry.bearer())
    assert created.status_code == 201, created.text
    provider = created.json()
    stored = http.get(f"/api/v1/providers/{provider['id']}/record", headers=registry.bearer())
    assert stored.status_code == 200, stored.text
    record = stored.json()
    assert record["legal_name"] == name
    assert record["trading_names"] == [evil, f"x{evil}x"]
    assert record["licences"][0]["number"] == evil
    assert record["licences"][0]["issuing_authority"] == evil
    assert record["contact"] == {
        "email": "ops@example.org",
        "phone": f"+63 {evil}",
        "address": evil,
    }

    # searching for it finds it, and every table is still there
    found = http.get("/api/v1/providers", params={"q": evil, "limit": 100})
    assert found.status_code == 200, found.text
    assert provider["id"] in {item["id"] for item in found.json()["items"]}
    assert http.get("/api/v1/providers", params={"limit": 1}).json()["total"] >= 1

    # the public pages show it escaped: never as markup, never evaluated
    escaped = evil.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    escaped = escaped.replace('"', "&#34;").replace("'", "&#39;")
    for page, params in ((f"/providers/{provider['id']}", {}), ("/", {"q": evil})):
        html = http.get(page, params=params)
        assert html.status_code == 200, html.text
        assert escaped in html.text, page
        assert evil not in html.text or evil == escaped, page
        # Registry ids are random and may hold "49" themselves (RMP-EZ3NDY49 once did).
        assert "49" not in re.sub(r"RMP-[0-9A-Z]+", "", html.text), page


# --- evidence uploads ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def assigned(registry: Registry) -> Assigned:
    with httpx.Client(base_url=registry.url, timeout=60) as http:
        body = provider_body(legal_name="Evidence Test Agency")
        return assign_over_http(http, registry.bearer(), body)


TRAVERSALS = [
    "../../etc/passwd",
    "..\\..\\windows\\win.ini",
    "notes/../../../../tmp/evil.txt",
    "..",
    "/etc/shadow",
]
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.mark.usefixtures("unchanged")
@pytest.mark.parametrize("name", TRAVERSALS)
@pytest.mark.parametrize("how", ["raw", "multipart"])
def test_evidence_filename_climbing_directories_is_refused(
    http: httpx.Client, assigned: Assigned, name: str, how: str
) -> None:
    """A declared name is only ever a label: one that is a path is refused (422 naming the
    field) before a byte is stored, so nothing is written anywhere, in the evidence folder
    or outside it."""
    content = f"plain notes of the audit, uploaded {how} as {name}\n".encode()
    if how == "raw":
        response = http.post(
            "/api/v1/evidence",
            params={"application_id": assigned.application_id, "filename": name},
            content=content,
            headers={**assigned.auditor, "Content-Type": "text/plain"},
        )
    else:
        response = http.post(
            "/api/v1/evidence",
            data={"application_id": assigned.application_id},
            files={"file": (name, content, "text/plain")},
            headers=assigned.auditor,
        )
    assert response.status_code == 422, response.text
    problem = response.json()
    assert response.headers["content-type"].startswith("application/problem+json")
    assert [e["field"] for e in problem["errors"]] == ["filename"]


CONTENT_LIES = [
    # id, declared type, bytes
    ("text-declared-png", "image/png", b"just some text, not an image\n"),
    ("text-declared-pdf", "application/pdf", b"just some text, not a PDF\n"),
    ("png-declared-pdf", "application/pdf", PNG),
    ("html-declared-text", "text/html", b"<html><script>alert(1)</script></html>"),
    ("svg-declared-svg", "image/svg+xml", b"<svg onload='alert(1)'/>"),
]


@pytest.mark.usefixtures("unchanged")
@pytest.mark.parametrize(
    ("declared", "content"), [pytest.param(*case[1:], id=case[0]) for case in CONTENT_LIES]
)
@pytest.mark.parametrize("how", ["raw", "multipart"])
def test_evidence_whose_bytes_are_not_what_it_declares_is_refused(
    http: httpx.Client, assigned: Assigned, declared: str, content: bytes, how: str
) -> None:
    if how == "raw":
        response = http.post(
            "/api/v1/evidence",
            params={"application_id": assigned.application_id, "filename": "scan"},
            content=content,
            headers={**assigned.auditor, "Content-Type": declared},
        )
    else:
        response = http.post(
            "/api/v1/evidence",
            data={"application_id": assigned.application_id},
            files={"file": ("scan", content, declared)},
            headers=assigned.auditor,
        )
    assert_problem(response, 415)


# --- a replayed Idempotency-Key -----------------------------------------------------------


def test_replayed_idempotency_key_with_another_body_is_refused(
    registry: Registry, http: httpx.Client, assigned: Assigned
) -> None:
    path = f"/api/v1/applications/{assigned.application_id}/assessments"
    headers = {**assigned.auditor, "Idempotency-Key": "hostile-replay-1"}
    first = http.post(path, json=assigned.findings, headers=headers)
    assert first.status_code == 201, first.text
    rows, files = registry.row_counts(), registry.files()

    # the same request again: the first answer, nothing filed twice
    again = http.post(path, json=assigned.findings, headers=headers)
    assert again.status_code == 201, again.text
    assert again.json()["id"] == first.json()["id"]

    # the same key with another body: refused, nothing stored
    other = {**assigned.findings, "workers_interviewed": 13}
    replay = http.post(path, json=other, headers=headers)
    assert_problem(replay, 422, "Idempotency-Key")
    # ... also when the body is the same JSON written differently, or not JSON at all
    spaced = json.dumps(other, indent=2).encode()
    replay = http.post(
        path, content=spaced, headers={**headers, "Content-Type": "application/json"}
    )
    assert_problem(replay, 422, "Idempotency-Key")
    listed = ok(http.get(path, headers=assigned.auditor))
    assert [item["id"] for item in listed["items"]] == [first.json()["id"]]
    assert registry.row_counts() == rows
    assert registry.files() == files
