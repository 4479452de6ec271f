"""Driving the signed-in portal over HTTP: sign in with a token, read a page, post a form
with the session's CSRF token."""

from __future__ import annotations

import re

import httpx

CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def csrf(body: str) -> str:
    found = CSRF.search(body)
    assert found, body[:2000]
    return found.group(1)


async def post_sign_in(client: httpx.AsyncClient, token: str) -> httpx.Response:
    """Send the sign-in form with `token`, as the form's page would; the answer as it is."""
    form = await client.get("/portal/sign-in")
    assert form.status_code == 200
    return await client.post("/portal/sign-in", data={"token": token, "csrf": csrf(form.text)})


async def sign_in(client: httpx.AsyncClient, token: str) -> None:
    answer = await post_sign_in(client, token)
    assert answer.status_code == 303, answer.text[:2000]


async def page(client: httpx.AsyncClient, path: str, expect: int = 200) -> str:
    """An HTML page: its status, the pages' policy (no script may run or be there), and for
    a portal page, never kept by any cache."""
    answer = await client.get(path)
    assert answer.status_code == expect, (path, answer.text[:3000])
    assert answer.headers["content-type"].startswith("text/html")
    assert "default-src 'none'" in answer.headers["content-security-policy"]
    assert "<script" not in answer.text
    if path.startswith("/portal"):
        assert answer.headers["cache-control"] == "private, no-store"
    return answer.text


async def submit(
    client: httpx.AsyncClient,
    form_page: str,
    action: str,
    fields: dict[str, str | list[str]],
    expect: int = 303,
) -> httpx.Response:
    """Post the form at `action` as the page `form_page` would, with its CSRF token."""
    token = csrf(await page(client, form_page))
    answer = await client.post(action, data={**fields, "csrf": token})
    assert answer.status_code == expect, (action, answer.status_code, _errors(answer.text))
    return answer


def _errors(body: str) -> list[str]:
    """What a refused form says (its field errors and alerts), for a failing assertion."""
    found = re.findall(r'class="(?:field-error|notice)"[^>]*>([^<]*)<', body)
    return found or [body[:3000]]
