"""Synthetic identities for the bulk loader: provider ids, names and facts, certificate ids
and codes, all computed from a row number (nothing is remembered per row).

Ids go through a bijection of 40-bit numbers, so they look random, never collide with each
other, and are as unlikely to collide with the registry's own random ids as two of those.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any, Final

from registry.countries import normalise_name, search_tokens


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


CROCKFORD: Final = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
LIST_SIZE: Final = 131_072  # bits per status list (registry.certificates.status.LIST_SIZE)
PER_LIST: Final = LIST_SIZE // 2  # a list is closed once half full, as `status.allocate` does
SLUG: Final = "core-rights"
ACTOR: Final = "secretariat:acc_bulkloader"
# Names: 97 x 101 x 23 = 225,331 distinct combinations, one per provider by mixed radix.
PLACES: Final = _words(
    "Manila Cebu Davao Iloilo Baguio Dhaka Sylhet Khulna Kathmandu Pokhara Colombo Kandy "
    "Galle Jakarta Surabaya Bandung Medan Hanoi Danang Hue Saigon Yangon Mandalay Lahore "
    "Karachi Multan Peshawar Delhi Mumbai Chennai Kochi Kolkata Lucknow Patna Jaipur Nairobi "
    "Mombasa Kisumu Kampala Entebbe Addis Adama Accra Kumasi Lagos Abuja Ibadan Dakar Cairo "
    "Alexandria Tunis Rabat Casablanca Amman Beirut Dubai Sharjah Abudhabi Doha Riyadh Jeddah "
    "Dammam Kuwait Muscat Salalah Manama Istanbul Ankara Tbilisi Baku Almaty Tashkent Bishkek "
    "Dushanbe Lima Quito Bogota Caracas Guatemala Tegucigalpa Managua Panama Santiago Asuncion "
    "Montevideo Havana Kingston Suva Apia Nukualofa Honiara Dili Phnom Vientiane Ulaanbaatar"
)
WORDS: Final = _words(
    "Bright Horizon Golden Bridge Pacific Atlantic Summit Unity Harbour Crescent Lotus Cedar "
    "Falcon Meridian Oasis Pioneer Sterling Trident Zenith Beacon Compass Everest Gateway "
    "Heritage Keystone Liberty Monarch Northern Orient Pinnacle Radiant Sapphire Silver Star "
    "Sunrise Tidal Union Vanguard Vista Willow Amber Anchor Aurora Azure Banyan Bayside Coral "
    "Crystal Delta Emerald Evergreen Fortune Frontier Galaxy Garnet Granite Harvest Highland "
    "Horizonline Iris Jade Jasmine Juniper Lagoon Laurel Legacy Lighthouse Magnolia Maple "
    "Marina Mosaic Nova Olive Opal Orchid Palm Pearl Phoenix Prairie Prism Quartz Rainbow "
    "Redwood Riverside Saffron Sequoia Sierra Solstice Spring Steadfast Tamarind Topaz "
    "Trinity Tulip Valley Velvet Wayfarer Zephyr Acacia"
)
KINDS: Final = _words(
    "Recruitment Manpower Overseas Employment Placement Staffing Careers Workforce Talent "
    "Services Agency Consultants Mobility Travel Training Academy Visa Documents Lending "
    "Finance Welfare Returnees Associates"
)
TYPES: Final = (
    "recruiter",
    "sub_agent",
    "visa_document",
    "training",
    "travel",
    "lender",
    "welfare_return",
)
ORIGINS: Final = ("PH", "BD", "NP", "LK", "ID", "VN", "MM", "PK", "IN", "KE", "UG", "ET", "GH")
DESTINATIONS: Final = ("AE", "QA", "SA", "KW", "OM", "BH", "JO", "LB", "MY", "SG")


def crockford(number: int, width: int) -> str:
    symbols = []
    for _ in range(width):
        number, digit = divmod(number, 32)
        symbols.append(CROCKFORD[digit])
    return "".join(reversed(symbols))


def _spread(n: int, salt: int) -> int:
    """A bijection of 40-bit numbers (odd multiplier): ids look random, never collide."""
    return (n * 0x9E3779B97 + salt) % (1 << 40)


def provider_id(p: int) -> str:
    return "RMP-" + crockford(_spread(p, 0x5CA1E), 8)


def certificate_code(k: int) -> str:
    symbols = crockford(_spread(k, 0xC0DE), 8)
    return f"RM-{symbols[:4]}-{symbols[4:]}"


def certificate_id(k: int) -> str:
    return f"crt_bulk{k:010d}"


def legal_name(p: int) -> str:
    a, rest = p % len(PLACES), p // len(PLACES)
    b, c = rest % len(WORDS), rest // len(WORDS) % len(KINDS)
    return f"{PLACES[a]} {WORDS[b]} {KINDS[c]} Ltd"


@dataclass(frozen=True)
class Provider:
    public_id: str
    legal_name: str
    country: str
    types: list[str]
    corridors: list[str]
    licences: list[dict[str, str]]


def provider(p: int) -> Provider:
    origin = ORIGINS[p % len(ORIGINS)]
    corridors = sorted({f"{origin}-{DESTINATIONS[(p + i) % len(DESTINATIONS)]}" for i in (0, 3)})
    licence = {
        "country": origin,
        "number": f"L-{p:07d}",
        "issuing_authority": "Labour Ministry",
        "expires_on": "2029-12-31",
    }
    return Provider(
        provider_id(p), legal_name(p), origin, [TYPES[p % len(TYPES)]], corridors, [licence]
    )


def provider_row(p: int, at: dt.datetime) -> dict[str, Any]:
    facts = provider(p)
    countries = sorted({facts.country} | {c for pair in facts.corridors for c in pair.split("-")})
    return {
        "public_id": facts.public_id,
        "legal_name": facts.legal_name,
        "trading_names": "[]",
        "search_name": normalise_name(facts.legal_name),
        "country": facts.country,
        "provider_types": json.dumps(facts.types),
        "corridors": json.dumps(facts.corridors),
        "licences": json.dumps(facts.licences),
        "contact": json.dumps({"email": f"office{p}@example.org"}),
        "search_types": search_tokens(facts.types),
        "search_corridors": search_tokens(facts.corridors),
        "search_countries": search_tokens(countries),
        "created_at": at,
        "created_by": ACTOR,
        "updated_at": at,
        "updated_by": ACTOR,
    }
