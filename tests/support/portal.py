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


async def sign_in(client: httpx.AsyncClient, token: str) -> None:
    form = await client.get("/portal/sign-in")
    answer = await client.post("/portal/sign-in", data={"token": token, "csrf": csrf(form.text)})
    assert answer.status_code == 303, answer.text[:2000]


async def page(client: httpx.AsyncClient, path: str, expect: int = 200) -> str:
    """A portal page: its status, never cached, no script."""
    answer = await client.get(path)
    assert answer.status_code == expect, (path, answer.text[:3000])
    assert answer.headers["cache-control"] == "private, no-store"
    assert "<script" not in answer.text
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
