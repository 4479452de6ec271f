"""A provider's own organisation in the portal (register, edit, apply, withdraw) and the
secretariat's identity-change queue (issue 16): in-process, real database, demo data."""

from __future__ import annotations

import re

import httpx
import pytest

from registry.accounts import Role
from tests.integration.web.demo import Demo
from tests.support.database import app_client
from tests.support.http import make_account
from tests.support.portal import page, sign_in, submit

HOME = "/portal/provider"
EDIT = "/portal/provider/organisation"
QUEUE = "/portal/secretariat/identity-changes"


def _fields(**changes: str | list[str]) -> dict[str, str | list[str]]:
    fields: dict[str, str | list[str]] = {
        "legal_name": "Portal Recruitment Services Inc.",
        "trading_names": "Portal Jobs\nPRS",
        "country": "PH",
        "corridors": "PH-AE, ph-qa",
        "provider_types": ["recruiter", "training"],
        "registration_numbers": "PH CS2020-0001",
        "licences-0-country": "PH",
        "licences-0-number": "DMW-555",
        "licences-0-issuing_authority": "Department of Migrant Workers",
        "licences-0-expires_on": "2030-06-30",
        "contact-email": "office@portal-recruitment.example",
        "contact-phone": "+63 2 555 0199",
        "contact-address": "Makati, Metro Manila",
    }
    fields.update(changes)
    return fields


@pytest.fixture
async def provider_client(seeded: Demo) -> httpx.AsyncClient:
    """A provider account bound to no organisation yet, signed in."""
    client = seeded.client
    await sign_in(client, await make_account(Role.PROVIDER))
    return client


async def test_a_provider_registers_edits_applies_and_withdraws(
    provider_client: httpx.AsyncClient,
) -> None:
    client = provider_client
    assert "Register your organisation" in await page(client, HOME)
    bad = await submit(client, EDIT, EDIT, _fields(**{"contact-email": "nope"}), expect=422)
    assert 'id="contact-email-error"' in bad.text
    assert "Portal Recruitment Services Inc." in bad.text  # what was typed is kept
    await submit(client, EDIT, EDIT, _fields())
    home = await page(client, HOME)
    assert "<bdi>Portal Recruitment Services Inc.</bdi>" in home
    assert "PH CS2020-0001" in home
    assert "Self-declared, not checked" in home
    edit = await page(client, EDIT)
    assert 'value="DMW-555"' in edit
    assert 'name="explanation"' not in edit  # not applied yet: edits apply at once

    await submit(
        client,
        HOME,
        "/portal/provider/applications",
        {"standard": "core-rights@1.0.0", "provider_types": ["recruiter"], "corridors": ["PH-AE"]},
    )
    home = await page(client, HOME)
    assert "Submitted" in home or "submitted" in home
    assert "/withdraw" in home
    twice = await submit(
        client,
        HOME,
        "/portal/provider/applications",
        {"standard": "core-rights@1.0.0", "provider_types": ["recruiter"], "corridors": ["PH-AE"]},
        expect=409,
    )
    assert "Not done:" in twice.text

    # Applied: a change of name is now a request, explained, and nothing changes yet.
    no_reason = await submit(client, EDIT, EDIT, _fields(legal_name="Portal Global"), expect=422)
    assert 'id="explanation-error"' in no_reason.text
    await submit(client, EDIT, EDIT, _fields(legal_name="Portal Global", explanation="rebrand"))
    home = await page(client, HOME)
    assert "is waiting for the secretariat" in home
    assert "<bdi>Portal Recruitment Services Inc.</bdi>" in home
    edit = await page(client, EDIT)
    assert "Withdraw this request" in edit
    withdraw = edit.split('action="/portal/provider/identity-changes/')[1].split('"')[0]
    await submit(client, EDIT, f"/portal/provider/identity-changes/{withdraw}", {})
    assert "is waiting for the secretariat" not in await page(client, HOME)

    home = await page(client, HOME)
    application = home.split('action="/portal/provider/applications/')[1].split("/withdraw")[0]
    await submit(
        client, HOME, f"/portal/provider/applications/{application}/withdraw", {"reason": "later"}
    )
    assert "Withdrawn" in await page(client, HOME) or "withdrawn" in await page(client, HOME)


async def test_the_secretariat_decides_in_its_queue(seeded: Demo) -> None:
    provider_id = seeded.one("valid", "gold")["provider"]["id"]
    taken = seeded.one("revoked")["provider"]
    own = await make_account(Role.PROVIDER, provider_id=provider_id)
    async with app_client() as provider:
        await sign_in(provider, own)
        await submit(
            provider,
            EDIT,
            EDIT,
            {
                **dict(_form_of(await page(provider, EDIT))),
                "legal_name": taken["legal_name"],
                "country": "PK",
                "explanation": "we bought them",
            },
        )
    client = seeded.client
    await sign_in(client, await make_account(Role.SECRETARIAT))
    queue = await page(client, QUEUE)
    assert "Name already taken" in queue
    assert f'href="/providers/{taken["id"]}"' in queue
    change = queue.split('action="/portal/secretariat/identity-changes/')[1].split("/")[0]
    refused = await submit(client, QUEUE, f"{QUEUE}/{change}/approve", {}, expect=409)
    assert "already registered in PK" in refused.text
    await submit(
        client, QUEUE, f"{QUEUE}/{change}/approve", {"name_reason": "the same group, merged"}
    )
    assert "Recently decided" in await page(client, QUEUE)
    record = (await client.get(f"/api/v1/providers/{provider_id}")).json()
    assert record["legal_name"] == taken["legal_name"]
    assert record["name_reason"] == "the same group, merged"
    # Another provider never sees the queue.
    async with app_client() as other:
        await sign_in(other, own)
        await page(other, QUEUE, expect=403)


def _form_of(body: str) -> list[tuple[str, str]]:
    """The text inputs and textareas of the organisation form, as the page shows them."""
    inputs = re.findall(r'<input id="[^"]+" name="([^"]+)"[^>]*value="([^"]*)"', body)
    areas = re.findall(r'<textarea id="[^"]+" name="([^"]+)"[^>]*>([^<]*)</textarea>', body)
    checked = re.findall(r'name="provider_types" value="([^"]+)" checked', body)
    return [*inputs, *areas, *(("provider_types", v) for v in checked)]
