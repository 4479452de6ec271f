"""Pure helpers for registry records: country codes, corridors, search names, registry ids.

No database and no web framework here, so the rules can be tested and reused offline.
Country codes are ISO 3166-1 alpha-2, checked against pycountry's copy of the standard
(user-assigned codes such as XK are refused: they are not in the standard).
"""

from __future__ import annotations

import difflib
import functools
import re
import secrets
import unicodedata
from collections.abc import Iterable, Sequence

import pycountry

from registry.errors import InvalidRequestError

# Crockford base32: no I, L, O, U, so ids survive being read aloud or copied by hand.
_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
PROVIDER_ID_PREFIX = "RMP-"
_PROVIDER_ID = re.compile(r"^RMP-[0-9A-HJKMNP-TV-Z]{8}$")
_PUNCTUATION = re.compile(r"[\W_]+")  # any run of non-letters/digits, in any script


def new_provider_id() -> str:
    """A random public registry id: `RMP-` + 8 Crockford base32 characters (40 bits)."""
    return PROVIDER_ID_PREFIX + "".join(secrets.choice(_CROCKFORD) for _ in range(8))


def is_provider_id(value: str) -> bool:
    return bool(_PROVIDER_ID.match(value))


def country(code: str, *, field: str) -> str:
    """The upper-case alpha-2 code, or InvalidRequestError naming `field`."""
    upper = code.strip().upper()
    if len(upper) != 2 or not upper.isascii() or not upper.isalpha():
        raise InvalidRequestError(
            f"{code!r} is not an ISO 3166-1 alpha-2 country code", field=field
        )
    if pycountry.countries.get(alpha_2=upper) is None:
        raise InvalidRequestError(
            f"{upper!r} is not an assigned ISO 3166-1 alpha-2 country code", field=field
        )
    return upper


def countries(codes: Iterable[str], *, field: str) -> list[str]:
    """Checked, de-duplicated, sorted country codes; `field[i]` names a bad one."""
    return sorted({country(code, field=f"{field}[{i}]") for i, code in enumerate(codes)})


def corridor(value: str, *, field: str) -> str:
    """`ORIGIN-DESTINATION` with two different checked countries, e.g. `PH-AE`."""
    origin, sep, destination = value.strip().partition("-")
    if not sep:
        raise InvalidRequestError(
            f"{value!r} is not a corridor: write ORIGIN-DESTINATION, e.g. PH-AE", field=field
        )
    origin, destination = country(origin, field=field), country(destination, field=field)
    if origin == destination:
        raise InvalidRequestError(
            f"corridor {value!r} has the same origin and destination", field=field
        )
    return f"{origin}-{destination}"


def corridors(values: Iterable[str], *, field: str) -> list[str]:
    return sorted({corridor(v, field=f"{field}[{i}]") for i, v in enumerate(values)})


def corridor_countries(values: Iterable[str]) -> set[str]:
    """Every origin and destination of already checked corridors."""
    return {code for value in values for code in value.split("-")}


# Joiners shape letters in Persian, Hindi, Nepali and other scripts (and so in real names);
# every other format character (Unicode category Cf) is invisible or reorders what follows.
_SHAPING_JOINERS = frozenset({"\u200c", "\u200d"})


def visible_name(value: str, *, field: str) -> str:
    """`value`, unless it holds a bidirectional control (U+202E turns the rest of a line
    around, the registry's own words after the name included) or another invisible format
    character (zero-width space, word joiner, BOM, ...): a name must read as it is stored."""
    for char in value:
        if unicodedata.category(char) == "Cf" and char not in _SHAPING_JOINERS:
            raise InvalidRequestError(
                f"invisible or text-direction characters are not allowed in a name "
                f"(found U+{ord(char):04X})",
                field=field,
            )
    return value


def normalise_name(text: str) -> str:
    """Search form of a name: accents stripped, case folded, punctuation runs -> one space.

    `Agência Núñez & Filhos, Ltd.` -> `agencia nunez filhos ltd`.
    """
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _PUNCTUATION.sub(" ", bare.casefold()).strip()


def search_tokens(values: Sequence[str]) -> str:
    """`|a|b|` - a delimited list that `LIKE '%|a|%'` matches exactly, on every engine."""
    return "|" + "|".join(values) + "|" if values else ""


# Names people type that ISO 3166 does not give (its names are formal: "Viet Nam",
# "Russian Federation"); each is unambiguous.
_ALIASES: dict[str, str] = {
    "uae": "AE",
    "emirates": "AE",
    "uk": "GB",
    "britain": "GB",
    "great britain": "GB",
    "usa": "US",
    "america": "US",
    "ksa": "SA",
    "russia": "RU",
    "turkey": "TR",
}


@functools.cache
def country_names() -> dict[str, str]:
    """Search form of every country name -> alpha-2 code: ISO 3166 names, common and official
    names, alpha-2 and alpha-3 codes, the part of "Korea, Republic of" before the comma when
    only one country has it, and `_ALIASES`."""
    found: dict[str, str] = {}
    before_comma: dict[str, set[str]] = {}
    for entry in pycountry.countries:
        code = entry.alpha_2
        for attribute in ("name", "common_name", "official_name", "alpha_2", "alpha_3"):
            value = getattr(entry, attribute, None)
            if value:
                found.setdefault(normalise_name(value), code)
        head, comma, _ = entry.name.partition(",")
        if comma:
            before_comma.setdefault(normalise_name(head), set()).add(code)
    for head, codes in before_comma.items():
        if len(codes) == 1:
            found.setdefault(head, codes.pop())
    for alias, code in _ALIASES.items():
        found.setdefault(alias, code)
    return found


def country_named(text: str, *, field: str) -> str:
    """The alpha-2 code of a country typed as a code (`NP`, `npl`) or a name (`Nepal`,
    `viet nam`, `Vietnam`), case and accents aside; else InvalidRequestError naming `field`
    with what to type instead (and the nearest name when one is close)."""
    code = country_names().get(normalise_name(text))
    if code is not None:
        return code
    shown = text.strip()[:64]
    hint = ""
    names = [name for name in country_names() if len(name) > 3]
    close = difflib.get_close_matches(normalise_name(text), names, n=1, cutoff=0.8)
    if close:
        entry = pycountry.countries.get(alpha_2=country_names()[close[0]])
        hint = f" Did you mean {entry.name} ({entry.alpha_2})?" if entry else ""
    raise InvalidRequestError(
        f"No country called {shown!r}.{hint} Try a name such as Nepal or a two-letter code "
        "such as NP.",
        field=field,
    )


def corridor_named(value: str, *, field: str) -> str:
    """A corridor typed with codes or names (`PH-AE`, `Nepal-Qatar`, `Timor-Leste-AU`):
    each dash is tried as the split between origin and destination."""
    text = value.strip()
    try:
        return corridor(text, field=field)
    except InvalidRequestError as error:
        coded = error  # its message is the more precise one for two codes
    for i, char in enumerate(text):
        if char != "-":
            continue
        known = country_names()
        origin, destination = (
            known.get(normalise_name(text[:i])),
            known.get(normalise_name(text[i + 1 :])),
        )
        if origin and destination and origin != destination:
            return f"{origin}-{destination}"
    if re.fullmatch(r"[A-Za-z]{2}\s*-\s*[A-Za-z]{2}", text):
        raise coded
    raise InvalidRequestError(
        f"{text[:64]!r} is not a corridor: write ORIGIN-DESTINATION with codes or names, "
        "e.g. PH-AE or Nepal-Qatar",
        field=field,
    )
