"""Provider organisations over HTTP: registration, binding, updates, public search."""

from __future__ import annotations

import httpx
import pytest

from registry.accounts import Role
from registry.countries import is_provider_id, normalise_name
from registry.db.tables import AccountRow, ProviderRow
from tests.support.http import assert_problem, bearer, make_account
from tests.support.providers import Headers, provider_body, register_provider

Client = httpx.AsyncClient


def test_names_are_normalised_for_search() -> None:
    assert normalise_name("Agência Núñez & Filhos, Ltd.") == "agencia nunez filhos ltd"
    assert normalise_name("  ÉCOLE--du_Travail ") == "ecole du travail"


async def test_secretariat_registers_provider_with_stable_public_id(
    client: Client, secretariat: Headers
) -> None:
    response = await client.post("/api/v1/providers", json=provider_body(), headers=secretariat)
    assert response.status_code == 201, response.text
    body = response.json()
    assert is_provider_id(body["id"])
    assert body["contact"]["email"] == "ops@nunez.example"
    assert body["corridors"] == ["PH-AE", "PH-QA"]
    row = await ProviderRow.select().first().run()
    assert row is not None
    assert "agencia nunez filhos ltd" in row["search_name"]


async def test_provider_account_registers_its_own_and_is_bound(
    client: Client, secretariat: Headers
) -> None:
    # a provider account created without provider_id is pending: it names no organisation
    created = await client.post(
        "/api/v1/accounts", json={"name": "Nunez", "role": "provider"}, headers=secretariat
    )
    assert created.status_code == 201, created.text
    assert created.json()["account"]["provider_id"] is None
    token = created.json()["token"]
    me = await client.get("/api/v1/accounts/me", headers=bearer(token))
    assert me.json()["provider_id"] is None
    response = await client.post("/api/v1/providers", json=provider_body(), headers=bearer(token))
    assert response.status_code == 201, response.text
    provider_id = response.json()["id"]
    account = await AccountRow.select().where(AccountRow.role == "provider").first().run()
    assert account is not None
    assert account["provider_id"] == provider_id
    me = await client.get("/api/v1/accounts/me", headers=bearer(token))
    assert me.json()["provider_id"] == provider_id
    # bound now: a second registration is refused and nothing is written
    again = await client.post("/api/v1/providers", json=provider_body(), headers=bearer(token))
    assert_problem(again, 409)
    assert await ProviderRow.count().run() == 1


async def test_auditor_cannot_register_a_provider(client: Client) -> None:
    token = await make_account(Role.AUDITOR)
    response = await client.post("/api/v1/providers", json=provider_body(), headers=bearer(token))
    assert_problem(response, 403)


async def test_registration_needs_a_token(client: Client) -> None:
    assert_problem(await client.post("/api/v1/providers", json=provider_body()), 401)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"country": "ZZ"}, "country"),
        ({"country": "1A"}, "country"),
        ({"corridors": ["PH-AE", "PH-PH"]}, "corridors[1]"),
        ({"corridors": ["PHAE"]}, "corridors[0]"),
        ({"corridors": ["PH-XX"]}, "corridors[0]"),
        ({"provider_types": ["smuggler"]}, "provider_types"),
        ({"provider_types": []}, "provider_types"),
        (
            {
                "licences": [
                    {
                        "country": "QQ",
                        "number": "1",
                        "issuing_authority": "x",
                        "expires_on": "2030-01-01",
                    }
                ]
            },
            "licences[0].country",
        ),
        ({"contact": {"email": "not-an-email", "phone": "123", "address": "x"}}, "contact"),
        ({"legal_name": ""}, "legal_name"),
        # text-direction controls and invisible characters (issue 16, finding 3)
        ({"legal_name": "Agency \u202eLTD"}, "legal_name"),
        ({"legal_name": "Agency\u200bOne"}, "legal_name"),
        ({"trading_names": ["Ok", "\u2066Spoof\u2069"]}, "trading_names"),
    ],
)
async def test_invalid_registration_is_refused_with_its_field(
    client: Client, secretariat: Headers, overrides: dict[str, object], field: str
) -> None:
    response = await client.post(
        "/api/v1/providers", json=provider_body(**overrides), headers=secretariat
    )
    assert_problem(response, 422, field)
    assert await ProviderRow.count().run() == 0


async def test_public_view_hides_contact(client: Client, secretariat: Headers) -> None:
    provider_id, own = await register_provider(client, secretariat)
    public = await client.get(f"/api/v1/providers/{provider_id}")
    assert public.status_code == 200
    assert "contact" not in public.json()
    assert "ops@nunez.example" not in public.text
    listing = await client.get("/api/v1/providers")
    assert "ops@nunez.example" not in listing.text
    full = await client.get(f"/api/v1/providers/{provider_id}/record", headers=own)
    assert full.json()["contact"]["email"] == "ops@nunez.example"
    assert_problem(await client.get(f"/api/v1/providers/{provider_id}/record"), 401)
    assert_problem(await client.get("/api/v1/providers/RMP-00000000"), 404)


async def test_provider_updates_its_own_but_not_another(
    client: Client, secretariat: Headers
) -> None:
    a_id, a_headers = await register_provider(client, secretariat)
    b_id, _ = await register_provider(client, secretariat, legal_name="Bravo Recruitment")
    changed = await client.patch(
        f"/api/v1/providers/{a_id}", json={"corridors": ["PH-SA"]}, headers=a_headers
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["corridors"] == ["PH-SA"]
    assert changed.json()["legal_name"].startswith("Agência")
    other = await client.patch(
        f"/api/v1/providers/{b_id}", json={"legal_name": "Mine now"}, headers=a_headers
    )
    # Another provider's private record answers as if it did not exist (issue 16, finding 6).
    assert_problem(other, 404)
    assert_problem(await client.get(f"/api/v1/providers/{b_id}/record", headers=a_headers), 404)
    by_secretariat = await client.patch(
        f"/api/v1/providers/{b_id}", json={"trading_names": ["Bravo"]}, headers=secretariat
    )
    assert by_secretariat.json()["trading_names"] == ["Bravo"]
    bad = await client.patch(
        f"/api/v1/providers/{a_id}", json={"corridors": ["AE-AE"]}, headers=a_headers
    )
    assert_problem(bad, 422, "corridors[0]")
    assert (await client.get(f"/api/v1/providers/{a_id}")).json()["corridors"] == ["PH-SA"]


async def test_search_by_name_country_type_corridor_with_pagination(
    client: Client, secretariat: Headers
) -> None:
    await register_provider(client, secretariat)  # Agência Núñez: PH, PH-AE, PH-QA
    await register_provider(
        client,
        secretariat,
        legal_name="Nunez Travel Services",
        trading_names=["Everest Trips"],
        country="NP",
        provider_types=["travel"],
        corridors=["NP-QA"],
    )
    await register_provider(
        client,
        secretariat,
        legal_name="Zenith Lending",
        trading_names=[],
        country="BD",
        provider_types=["lender"],
        corridors=["BD-SA"],
    )

    async def names(query: str) -> list[str]:
        response = await client.get(f"/api/v1/providers?{query}")
        assert response.status_code == 200, response.text
        return [p["legal_name"] for p in response.json()["items"]]

    assert await names("q=NUNEZ") == ["Agência Núñez & Filhos, Ltd.", "Nunez Travel Services"]
    assert await names("q=agência núñez") == ["Agência Núñez & Filhos, Ltd."]
    assert await names("q=nunez manpower") == ["Agência Núñez & Filhos, Ltd."]
    assert await names("country=qa") == ["Agência Núñez & Filhos, Ltd.", "Nunez Travel Services"]
    assert await names("country=BD") == ["Zenith Lending"]
    assert await names("type=lender") == ["Zenith Lending"]
    assert await names("corridor=NP-QA") == ["Nunez Travel Services"]
    assert await names("corridor=PH-QA&type=training") == ["Agência Núñez & Filhos, Ltd."]
    assert await names("q=nunez&country=NP") == ["Nunez Travel Services"]
    assert await names("q=nobody") == []
    page = (await client.get("/api/v1/providers?limit=2&offset=0")).json()
    assert (page["total"], len(page["items"])) == (3, 2)
    rest = (await client.get("/api/v1/providers?limit=2&offset=2")).json()
    assert len(rest["items"]) == 1
    seen = {p["id"] for p in page["items"]} | {p["id"] for p in rest["items"]}
    assert len(seen) == 3


@pytest.mark.parametrize(
    ("query", "status", "field"),
    [
        ("country=ZZ", 422, "country"),
        ("corridor=PH-PH", 422, "corridor"),
        ("type=smuggler", 422, "type"),
        ("limit=0", 400, "limit"),
    ],
)
async def test_bad_search_parameters_are_refused(
    client: Client, query: str, status: int, field: str
) -> None:
    assert_problem(await client.get(f"/api/v1/providers?{query}"), status, field)


async def test_search_finds_words_in_any_order_and_cities(
    client: Client, secretariat: Headers
) -> None:
    """Every word of `q` anywhere in the names, in any order; parts of words too; a city
    that begins several names finds them all (SQLite's FTS5 trigram index and PostgreSQL's
    pg_trgm index must agree with LIKE)."""
    for legal_name, trading in (
        ("Manila Ethical Placement Corp.", ["Luzon Jobs"]),
        ("Manila Bay Recruitment Ltd.", []),
        ("Dhaka Overseas Careers Ltd.", ["Manila Desk"]),
        ("Cebu Placement Services", []),
    ):
        await register_provider(
            client, secretariat, legal_name=legal_name, trading_names=trading, corridors=[]
        )

    async def names(q: str) -> list[str]:
        response = await client.get("/api/v1/providers", params={"q": q})
        assert response.status_code == 200, response.text
        return [p["legal_name"] for p in response.json()["items"]]

    every_manila = [
        "Dhaka Overseas Careers Ltd.",
        "Manila Bay Recruitment Ltd.",
        "Manila Ethical Placement Corp.",
    ]
    assert await names("manila") == every_manila
    assert await names("MANILA") == every_manila
    assert await names("placement manila") == ["Manila Ethical Placement Corp."]
    assert await names("manila placement") == ["Manila Ethical Placement Corp."]
    assert await names("corp ethical manila") == ["Manila Ethical Placement Corp."]
    assert await names("placement") == ["Cebu Placement Services", "Manila Ethical Placement Corp."]
    assert await names("place cebu") == ["Cebu Placement Services"]
    assert await names("jobs manila") == ["Manila Ethical Placement Corp."]  # trading name
    assert await names("desk dhaka") == ["Dhaka Overseas Careers Ltd."]
    assert await names("ltd bay") == ["Manila Bay Recruitment Ltd."]
    assert await names("ba manila") == ["Manila Bay Recruitment Ltd."]  # a short word too
    assert await names("la") == ["Cebu Placement Services", *every_manila]  # LIKE alone
    assert await names("manila cebu") == []
    assert await names("ethical bay") == []
    total = (await client.get("/api/v1/providers", params={"q": "manila", "limit": 2})).json()
    assert (total["total"], len(total["items"])) == (3, 2)


async def test_a_name_keeps_the_joiners_its_script_needs(
    client: Client, secretariat: Headers
) -> None:
    """Zero-width (non-)joiners shape Persian and Devanagari letters: real names hold them."""
    name = "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645 Recruitment"
    response = await client.post(
        "/api/v1/providers", json=provider_body(legal_name=name), headers=secretariat
    )
    assert response.status_code == 201, response.text
    assert response.json()["legal_name"] == name
