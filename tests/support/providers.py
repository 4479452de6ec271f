"""Shared set-up for the registry API tests: providers, published standards, auditors."""

from __future__ import annotations

import datetime as dt
from typing import Any

import httpx

from registry import accounts
from registry.accounts import Role
from registry.standards import service
from tests.support.http import bearer, make_account
from tests.support.paths import LIBRARY

STANDARD = "core-rights@1.0.0"
Headers = dict[str, str]


def provider_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "legal_name": "Agência Núñez & Filhos, Ltd.",
        "trading_names": ["Nunez Manpower"],
        "country": "PH",
        "provider_types": ["recruiter", "training"],
        "corridors": ["PH-AE", "PH-QA"],
        "licences": [
            {
                "country": "PH",
                "number": "DMW-123",
                "issuing_authority": "Department of Migrant Workers",
                "expires_on": "2030-01-31",
            }
        ],
        "contact": {"email": "ops@nunez.example", "phone": "+63 2 555 0100", "address": "Manila"},
    }
    body.update(overrides)
    return body


async def register_provider(
    client: httpx.AsyncClient, secretariat: Headers, **overrides: Any
) -> tuple[str, Headers]:
    """A provider registered by the secretariat, and a bearer header of an account of it."""
    response = await client.post(
        "/api/v1/providers", json=provider_body(**overrides), headers=secretariat
    )
    assert response.status_code == 201, response.text
    provider_id: str = response.json()["id"]
    return provider_id, bearer(await make_account(Role.PROVIDER, provider_id=provider_id))


async def publish_library() -> None:
    await service.publish_library(LIBRARY, actor="test")


async def make_auditor(name: str = "Auditor") -> tuple[str, Headers]:
    account, token, _ = await accounts.create_account(
        name=name, role=Role.AUDITOR, actor="test", ttl_days=30
    )
    return account.id, bearer(token)


async def apply(client: httpx.AsyncClient, headers: Headers, **overrides: Any) -> httpx.Response:
    body: dict[str, Any] = {
        "standard": STANDARD,
        "provider_types": ["recruiter"],
        "corridors": ["PH-AE"],
    }
    body.update(overrides)
    return await client.post("/api/v1/applications", json=body, headers=headers)


def days(n: int) -> str:
    return (dt.date.today() + dt.timedelta(days=n)).isoformat()
