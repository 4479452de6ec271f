"""The public search finds what employers type (issue 16): a certificate code, a registry id,
a licence or registration number, a country name or code, words in any order and small
typos; exact identifiers first; never contact details. On the demo data set plus a few
providers of our own, on each engine (`db` tests)."""

from __future__ import annotations

from dataclasses import dataclass

import httpx
import pytest

from api.cli import demo
from registry import keys as signing
from registry import provider_search
from registry.accounts import Role
from registry.db.database import write_transaction
from registry.errors import InvalidRequestError
from registry.settings import get_settings
from registry.standards import service as standards
from tests.support.http import assert_problem, bearer, make_account
from tests.support.providers import register_provider

KATHMANDU = "Kathmandu Fair Recruitment Pvt. Ltd."
MANILA = "Manila Ethical Placement Corp."
LAHORE = "Lahore Manpower Agency"
DHAKA = "Dhaka Overseas Careers Ltd."
COLOMBO = "Colombo Travel & Visa Services"
ALPHA = "Alpha Lic NP 0001 Agency"  # its name holds the words of Kathmandu's licence number
BETA = "Beta Skills Academy"


@dataclass
class Register:
    client: httpx.AsyncClient
    codes: dict[str, str]  # legal name -> code of its standing certificate
    ids: dict[str, str]  # legal name -> registry id


@pytest.fixture
async def register(client: httpx.AsyncClient) -> Register:
    secretariat = bearer(await make_account(Role.SECRETARIAT))
    await standards.publish_library(get_settings().standards_library, actor="test")
    await signing.generate_key("test")
    async with write_transaction():
        await demo.seed()
    await register_provider(
        client, secretariat, legal_name=ALPHA, trading_names=[], country="KE", corridors=[]
    )
    await register_provider(
        client,
        secretariat,
        legal_name=BETA,
        trading_names=[],
        country="KE",
        corridors=["KE-QA"],
        registration_numbers=[{"country": "KE", "number": "CPR/2019/0042"}],
        contact={
            "email": "owner@secretmailbox.example",
            "phone": "+254 700 111222",
            "address": "Hidden Lane 7, Nairobi",
        },
    )
    listed = (await client.get("/api/v1/providers", params={"limit": 200})).json()["items"]
    ids = {p["legal_name"]: p["id"] for p in listed}
    certificates = (await client.get("/api/v1/certificates", params={"limit": 200})).json()
    by_id = {p: n for n, p in ids.items()}
    standing = {
        c["provider"]["id"]: c["code"] for c in certificates["items"] if c["status"] == "valid"
    }
    codes = {by_id[p]: code for p, code in standing.items()}
    return Register(client, codes, ids)


async def _names(q: str, **filters: str) -> list[str]:
    found = await provider_search.find(q=q, **filters)  # type: ignore[arg-type]
    assert found.total == len(found.items)
    return [p["legal_name"] for p in found.items]


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        # a certificate code, as printed, in lower case, without dashes, with spaces
        ("{code}", [KATHMANDU]),
        ("{code_lower}", [KATHMANDU]),
        ("{code_bare}", [KATHMANDU]),
        ("{code_spaced}", [KATHMANDU]),
        # a registry id, any case, dash optional
        ("{id}", [KATHMANDU]),
        ("{id_lower}", [KATHMANDU]),
        ("{id_bare}", [KATHMANDU]),
        # a licence number with or without its separators: listed before a name holding
        # its words (ALPHA sorts first by name)
        ("LIC-NP-0001", [KATHMANDU, ALPHA]),
        ("lic np 0001", [KATHMANDU, ALPHA]),
        ("licnp0001", [KATHMANDU]),
        # a company registration number
        ("CPR/2019/0042", [BETA]),
        ("cpr-2019-0042", [BETA]),
        ("cpr20190042", [BETA]),
        # a country name or code, in any case, alone or among name words
        ("Nepal", [KATHMANDU]),
        ("nepal", [KATHMANDU]),
        # a code is also a word like any other: "np" is in ALPHA's name and in "manpower"
        ("NP", [ALPHA, KATHMANDU, LAHORE]),
        ("npl", [KATHMANDU]),
        ("Philippines", [MANILA]),
        ("united arab emirates", [KATHMANDU, MANILA]),  # corridor ends
        ("Kenya", [ALPHA, BETA]),
        ("manpower pakistan", [LAHORE]),
        ("qatar kenya", [BETA]),  # a corridor end and the country of registration
        # words in any order, parts of words
        ("manpower lahore", [LAHORE]),
        ("agency manpower", [LAHORE]),
        ("overseas dhak", [DHAKA]),
        # one typo in a word of five or more letters
        ("Manpwer", [LAHORE]),  # a dropped letter
        ("manpowwer lahore", [LAHORE]),  # an added one
        ("Lahxre", [LAHORE]),  # a changed one
        ("Dhoka", [DHAKA]),  # in the middle of a five-letter word
        ("Dhaak", [DHAKA]),  # two neighbours swapped
        ("Colmobo visa", [COLOMBO]),
        ("Pakistn", [LAHORE]),  # a country name
        # not small typos, or not searchable
        ("Mnpwer", []),  # two edits
        ("Dhxk", []),  # a four-letter word is typed right or not found
        ("secretmailbox", []),  # contact details are never searched
        ("700111222", []),
        ("RM-0000-0000", []),  # a code no certificate has
    ],
)
async def test_one_box_finds_what_employers_type(
    register: Register, typed: str, expected: list[str]
) -> None:
    code, provider_id = register.codes[KATHMANDU], register.ids[KATHMANDU]
    q = typed.format(
        code=code,
        code_lower=code.lower(),
        code_bare=code.replace("-", ""),
        code_spaced=code.replace("-", " "),
        id=provider_id,
        id_lower=provider_id.lower(),
        id_bare=provider_id.replace("-", "").lower(),
    )
    assert await _names(q) == expected, q


async def test_exact_identifiers_say_what_they_matched_and_page_with_the_rest(
    register: Register,
) -> None:
    found = await provider_search.find(q=register.codes[KATHMANDU])
    assert found.exact is not None
    assert (found.exact.kind, found.exact.value) == ("certificate", register.codes[KATHMANDU])
    assert found.exact.provider_ids == (register.ids[KATHMANDU],)
    by_number = await provider_search.find(q="lic np 0001")
    assert by_number.exact is not None
    assert (by_number.exact.kind, by_number.exact.value) == ("number", "LICNP0001")
    first = await provider_search.find(q="lic np 0001", limit=1)
    second = await provider_search.find(q="lic np 0001", limit=1, offset=1)
    assert [p["legal_name"] for p in first.items] == [KATHMANDU]
    assert [p["legal_name"] for p in second.items] == [ALPHA]
    assert first.total == second.total == 2
    # filters apply to the exact match too
    assert await _names(register.codes[KATHMANDU], country="PH") == []
    typo = await provider_search.find(q="manpwer")
    assert typo.exact is None
    assert typo.corrections == {"manpwer": ["manpower"]}
    assert (await provider_search.find(q="manpower")).corrections == {}


async def test_identifiers_follow_changes_of_licences(register: Register) -> None:
    """The identifier index is kept by triggers: a number removed no longer finds."""
    from registry.db.tables import ProviderRow

    await (
        ProviderRow.update({ProviderRow.licences: "[]"})
        .where(ProviderRow.public_id == register.ids[KATHMANDU])
        .run()
    )
    assert await _names("licnp0001") == []
    assert await _names("lahxre") == [LAHORE]


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"country": "Nepal"}, [KATHMANDU]),
        ({"country": "nepal"}, [KATHMANDU]),
        ({"country": "NPL"}, [KATHMANDU]),
        ({"country": "Viet Nam"}, ["Hanoi Global Workforce JSC"]),
        ({"country": "Vietnam"}, ["Hanoi Global Workforce JSC"]),
        ({"corridor": "Nepal-Qatar"}, [KATHMANDU]),
        ({"corridor": "np-qa"}, [KATHMANDU]),
    ],
)
async def test_filters_take_country_names(
    register: Register, filters: dict[str, str], expected: list[str]
) -> None:
    assert await _names("", **filters) == expected


@pytest.mark.parametrize(
    ("filters", "field", "says"),
    [
        ({"country": "Narnia"}, "country", "No country called 'Narnia'"),
        ({"country": "ZZ"}, "country", "two-letter code such as NP"),
        ({"country": "Phillipines"}, "country", "Did you mean Philippines (PH)?"),
        ({"corridor": "Nepal-Narnia"}, "corridor", "Nepal-Qatar"),
        ({"provider_type": "smuggler"}, "type", "smuggler"),
    ],
)
async def test_a_wrong_filter_names_itself_and_what_to_type(
    db: None, filters: dict[str, str], field: str, says: str
) -> None:
    with pytest.raises(InvalidRequestError) as raised:
        await provider_search.find(**filters)  # type: ignore[arg-type]
    assert raised.value.field == field
    assert says in str(raised.value)


async def test_the_api_takes_country_names_and_names_a_wrong_one(register: Register) -> None:
    response = await register.client.get("/api/v1/providers", params={"country": "Nepal"})
    assert response.status_code == 200, response.text
    assert [p["legal_name"] for p in response.json()["items"]] == [KATHMANDU]
    wrong = await register.client.get("/api/v1/providers", params={"country": "Narnia"})
    problem = assert_problem(wrong, 422, "country")
    assert "No country called 'Narnia'" in str(problem)
    typed = await register.client.get("/api/v1/providers", params={"q": "manpwer"})
    assert [p["legal_name"] for p in typed.json()["items"]] == [LAHORE]
    schema = (await register.client.get("/schema/openapi.json")).json()
    parameters = schema["paths"]["/api/v1/providers"]["get"]["parameters"]
    country = next(p for p in parameters if p["name"] == "country")
    assert "Nepal" in country["description"]
    assert country["schema"].get("maxLength", 0) >= 32
