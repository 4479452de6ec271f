"""The verify page over HTTP: a credential uploaded as a file, pasted, or named by its code;
the same verdict as the API, each check with its plain-language question."""

from __future__ import annotations

import json
import re

import pytest

from api.web.render import explain
from tests.integration.web.demo import Demo


def _verdict(body: str) -> str:
    found = re.search(r'<section class="banner banner-(\w+)"', body)
    assert found is not None, body[:3000]
    return found.group(1)


def _answers(body: str) -> dict[str, str]:
    """check question -> Yes / No / Not checked, as shown."""
    pairs = re.findall(r'<span class="answer">([^<]+)</span> ([^<]+)</h3>', body)
    return {question.replace("&#39;", "'"): answer for answer, question in pairs}


async def _upload(demo: Demo, content: bytes, name: str = "certificate.json") -> tuple[int, str]:
    response = await demo.client.post(
        "/verify", files={"file": (name, content, "application/json")}, data={"code": ""}
    )
    return response.status_code, response.text


async def test_uploaded_credential_gets_the_engines_verdict(seeded: Demo) -> None:
    for status in ("valid", "suspended", "revoked", "expired"):
        await _check_upload(seeded, status)


async def _check_upload(seeded: Demo, status: str) -> None:
    code, body = await _upload(seeded, await seeded.credential(status))
    assert code == 200
    assert _verdict(body) == status
    answers = _answers(body)
    engine = await seeded.client.post("/api/v1/verify", content=await seeded.credential(status))
    asked = {explain.question(check["name"]) for check in engine.json()["checks"]}
    assert set(answers) == asked
    assert asked <= set(explain.QUESTIONS.values())  # every check has its plain words
    assert answers[explain.QUESTIONS["signature"]] == "Yes"
    assert engine.json()["reason"].replace("'", "&#39;") in body
    assert f'href="/certificates/{seeded.code(status)}"' in body
    assert "Checked: the file certificate.json." in body
    if status in ("suspended", "revoked"):
        assert "Demo:" in body  # the reason the registry recorded


async def test_tampered_credential_fails_the_signature_check(seeded: Demo) -> None:
    credential = json.loads(await seeded.credential("valid"))
    credential["credentialSubject"]["grade"] = "platinum"
    code, body = await _upload(seeded, json.dumps(credential).encode())
    assert code == 200
    assert _verdict(body) == "invalid"
    assert _answers(body)[explain.QUESTIONS["signature"]] == "No"
    assert "Not a valid certificate" in body
    assert "Do not rely on it" in body


async def test_pasted_credential_and_typed_code(seeded: Demo) -> None:
    pasted = await seeded.client.post(
        "/verify", data={"credential": (await seeded.credential("valid")).decode(), "code": ""}
    )
    assert pasted.status_code == 200
    assert _verdict(pasted.text) == "valid"
    assert "Checked: the pasted certificate." in pasted.text
    typed = seeded.code("revoked").lower().replace("-", " ")
    by_code = await seeded.client.post("/verify", data={"code": typed}, files={})
    assert by_code.status_code == 200
    assert _verdict(by_code.text) == "revoked"
    link = await seeded.client.get("/verify", params={"code": seeded.code("suspended")})
    assert link.status_code == 200
    assert _verdict(link.text) == "suspended"


async def test_the_empty_form(published: Demo) -> None:
    response = await published.client.get("/verify")
    assert response.status_code == 200
    body = response.text
    for field in ('for="file"', 'for="credential"', 'for="code"', 'enctype="multipart/form-data"'):
        assert field in body
    assert "banner" not in body


@pytest.mark.parametrize(
    ("data", "file", "status", "says"),
    [
        ({"code": " "}, None, 400, "choose a file, paste a certificate or type a code"),
        ({"credential": "not json"}, None, 400, "not JSON"),
        ({"credential": "[" * 100_000}, None, 400, "not a certificate file"),
        ({}, b"\x00\xff binary", 400, "not JSON"),
        ({}, b"{" + b" " * 300_000 + b"}", 413, "KB"),
        ({"code": "RM-0000-0000"}, None, 404, "no certificate has the code"),
        ({"code": "hello"}, None, 404, "no certificate has the code"),
    ],
)
async def test_input_that_cannot_be_verified_is_a_clear_4xx(
    published: Demo, data: dict[str, str], file: bytes | None, status: int, says: str
) -> None:
    files = {"file": ("x.json", file, "application/json")} if file is not None else None
    response = await published.client.post("/verify", data=data, files=files)
    assert response.status_code == status, response.text[:500]
    assert says in response.text
    assert 'role="alert"' in response.text


async def test_other_bodies_and_bad_links(published: Demo) -> None:
    json_body = await published.client.post("/verify", json={"a": 1})
    assert json_body.status_code == 415
    assert "send the form from this page" in json_body.text
    long_code = await published.client.get("/verify", params={"code": "x" * 65})
    assert long_code.status_code == 400
    assert "text/html" in long_code.headers["content-type"]
    unknown = await published.client.get("/verify", params={"code": "RM-0000-0000"})
    assert unknown.status_code == 404
    assert 'role="alert"' in unknown.text
